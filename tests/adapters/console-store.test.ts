/**
 * The console's reads on DynamoDB Local: the cohort list is one Query of the
 * `cohortView` index (members' profiles, each followed by their active alert
 * slots only), which the backfill fills for items written before it; a member's latest results are written by evaluations and an
 * older evaluation never overwrites a newer one; an alert's trail is its own
 * audit events and sent marks, not its neighbours'.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../lambdas/adapters/aws-clients.js';
import { indexCohortView } from '../../lambdas/adapters/console-store.js';
import {
  acceptMessage,
  alertTrail,
  applyAlertChanges,
  evidenceRecords,
  getPatientProfile,
  listCohortView,
  recordLatestResults,
  setCohortMembership,
} from '../../lambdas/adapters/store.js';
import type { PatientRef } from '../../lambdas/domain/records.js';
import { applyEnrolment } from '../../lambdas/patient/clinical-state.js';
import { alertItem, type Item } from '../../lambdas/table/items.js';
import { cohortIndex, cohortViewIndex, patientPk, profileSk } from '../../lambdas/table/layout.js';
import type { LatestResults } from '../../lambdas/workflows/ports.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { markNotificationSent } from '../support/sent-marks.js';
import {
  calciumObservation,
  openAlert,
  storableMessage,
  syntheticPatient,
} from '../support/synthetic-records.js';

beforeAll(async () => {
  await useLocalServices();
}, localServicesTimeoutMs);

async function enrol(patient: PatientRef, action: 'enrol' | 'remove' = 'enrol'): Promise<void> {
  await setCohortMembership(
    patient.namespace,
    patient.mrn,
    {
      action,
      by: 'arn:aws:iam::000000000000:user/admin-7',
      at: new Date().toISOString(),
      ...(action === 'remove' ? { reason: 'test' } : {}),
    },
    applyEnrolment,
  );
}

const latestCalcium = (value: number, at: string): LatestResults => ({
  calcium: { value: { value, unit: 'mg/dL' }, sent: `${value} mg/dL`, at, recordId: `HIST#${at}#OBS#X#1#1` },
});

describe('listCohortView', () => {
  it('lists each member with their open and acknowledged alerts, never closed ones or non-members', async () => {
    const member = syntheticPatient();
    const outsider = syntheticPatient();
    await enrol(member);
    await acceptMessage(storableMessage(outsider, [calciumObservation()]));
    const critical = openAlert(member);
    const acknowledged = openAlert(member, {
      ruleId: 'PTH_SEVERE',
      severity: 'urgent',
      state: 'acknowledged',
    });
    const resolved = openAlert(member, { ruleId: 'CALCIUM_LOW', severity: 'urgent', state: 'resolved' });
    await applyAlertChanges({
      changes: [critical, acknowledged, resolved, openAlert(outsider)].map((alert) => ({
        kind: 'create',
        alert,
      })),
      audit: [],
    });

    const view = await listCohortView();
    const entry = view.find((candidate) => candidate.profile.mrn === member.mrn);
    expect(entry?.profile.cohort).toMatchObject({
      via: 'enrolment',
      by: 'arn:aws:iam::000000000000:user/admin-7',
    });
    expect(entry?.activeAlerts.map((alert) => alert.ruleId).sort()).toEqual([
      'CALCIUM_CRITICAL_LOW',
      'PTH_SEVERE',
    ]);
    expect(view.some((candidate) => candidate.profile.mrn === outsider.mrn)).toBe(false);
    expect(
      view.flatMap((candidate) => candidate.activeAlerts).some((alert) => alert.patient.mrn === outsider.mrn),
    ).toBe(false);

    await enrol(member, 'remove');
    expect((await listCohortView()).some((candidate) => candidate.profile.mrn === member.mrn)).toBe(false);
  });
});

describe('recordLatestResults', () => {
  it('keeps the latest results an evaluation saw, and an earlier evaluation does not overwrite them', async () => {
    const member = syntheticPatient();
    await enrol(member);
    await recordLatestResults(
      member,
      latestCalcium(7.2, '2026-07-02T00:00:00.000Z'),
      '2026-07-02T01:00:00.000Z',
    );
    await recordLatestResults(
      member,
      latestCalcium(8.9, '2026-07-01T00:00:00.000Z'),
      '2026-07-01T01:00:00.000Z',
    );
    expect((await getPatientProfile(member.namespace, member.mrn))?.latestResults).toEqual(
      latestCalcium(7.2, '2026-07-02T00:00:00.000Z'),
    );
  });

  it('creates no profile for a patient the table does not know', async () => {
    const unknown = syntheticPatient();
    await recordLatestResults(
      unknown,
      latestCalcium(7.2, '2026-07-02T00:00:00.000Z'),
      '2026-07-02T01:00:00.000Z',
    );
    expect(await getPatientProfile(unknown.namespace, unknown.mrn)).toBeUndefined();
  });
});

describe('alertTrail and evidenceRecords', () => {
  it("gives the alert's own audit events and sent marks, and the records it cites", async () => {
    const patient = syntheticPatient();
    const accepted = await acceptMessage(
      storableMessage(patient, [
        calciumObservation({ calciumMgDl: 7.2, observedAt: '2026-07-26T23:44:14.000Z' }),
      ]),
    );
    if (accepted.outcome !== 'stored') throw new Error('not stored');
    const recordId = accepted.storedRecords[0]?.recordId ?? '';
    const alert = openAlert(patient, {
      evidence: [{ kind: 'observation', recordId, summary: 'calcium 7.2', at: '2026-07-26T23:44:14.000Z' }],
    });
    const neighbour = openAlert(patient, { ruleId: 'VKA_ACTIVE' });
    const audit = (alertId: string, at: string, to: 'open' | 'acknowledged') => ({
      alertId,
      at,
      from: to === 'open' ? ('none' as const) : ('open' as const),
      to,
      reason: to === 'open' ? 'first notification' : 'acknowledged',
      by: 'evaluate',
    });
    await applyAlertChanges({
      changes: [alert, neighbour].map((created) => ({ kind: 'create', alert: created })),
      audit: [audit(alert.alertId, alert.openedAt, 'open'), audit(neighbour.alertId, alert.openedAt, 'open')],
    });
    await applyAlertChanges({
      changes: [
        { kind: 'update', alert: { ...alert, state: 'acknowledged', version: 2 }, expectedVersion: 1 },
      ],
      audit: [audit(alert.alertId, '2026-07-26T23:50:00.000Z', 'acknowledged')],
    });
    await markNotificationSent(`${alert.alertId}:opened`, patient, { sentAt: '2026-07-26T23:45:01.000Z' });
    await markNotificationSent(`${neighbour.alertId}:opened`, patient, {
      sentAt: '2026-07-26T23:45:02.000Z',
    });

    const trail = await alertTrail(alert);
    expect(trail.audit.map((event) => event.to)).toEqual(['open', 'acknowledged']);
    expect(trail.sent).toEqual([
      expect.objectContaining({
        notificationId: `${alert.alertId}:opened`,
        sentAt: '2026-07-26T23:45:01.000Z',
      }),
    ]);

    const records = await evidenceRecords(patient, [recordId, 'cohortEnrolment:2026-07-01T00:00:00.000Z']);
    expect(records.map((stored) => stored.recordId)).toEqual([recordId]);
  });
});

describe('indexCohortView (the backfill of a table written before the cohortView index)', () => {
  /** An item as an earlier version wrote it: without the cohortView attributes. */
  const withoutView = (item: Item): Item => {
    const { [cohortViewIndex.partitionKey]: _pk, [cohortViewIndex.sortKey]: _sk, ...rest } = item;
    return rest;
  };
  const put = (item: Item) =>
    dynamoDocumentClient().send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: item }));

  it("lists a member found without the index attributes, with their active alerts only, and drops a former member's", async () => {
    const member = syntheticPatient();
    const former = syntheticPatient();
    await put({
      pk: patientPk(member),
      sk: profileSk,
      itemType: 'patient',
      namespace: member.namespace,
      mrn: member.mrn,
      sex: 'F',
      [cohortIndex.partitionKey]: cohortIndex.memberValue,
      [cohortIndex.sortKey]: patientPk(member),
      cohortSince: '2026-01-01T00:00:00.000Z',
      cohortVia: 'diagnosis',
    });
    await put(withoutView(alertItem(openAlert(member))));
    await put(withoutView(alertItem(openAlert(member, { ruleId: 'CALCIUM_LOW', state: 'resolved' }))));
    await put({
      pk: patientPk(former),
      sk: profileSk,
      itemType: 'patient',
      namespace: former.namespace,
      mrn: former.mrn,
      sex: 'F',
      [cohortViewIndex.partitionKey]: cohortViewIndex.memberValue,
      [cohortViewIndex.sortKey]: patientPk(former),
    });
    expect((await listCohortView()).some((entry) => entry.profile.mrn === member.mrn)).toBe(false);

    await indexCohortView(member);
    await indexCohortView(former);
    await indexCohortView(member);

    const view = await listCohortView();
    const entry = view.find((candidate) => candidate.profile.mrn === member.mrn);
    expect(entry?.profile.cohort).toMatchObject({ via: 'diagnosis' });
    expect(entry?.activeAlerts.map((alert) => alert.ruleId)).toEqual(['CALCIUM_CRITICAL_LOW']);
    expect(view.some((candidate) => candidate.profile.mrn === former.mrn)).toBe(false);
  });
});
