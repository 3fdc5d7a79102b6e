/**
 * loadPatient's cost, measured on the real client against DynamoDB Local: an
 * evaluation reads the patient's bounded history with ONE Query (paged when
 * long) and reads nothing it does not return.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../lambdas/adapters/aws-clients.js';
import {
  acceptMessage,
  applyAlertChanges,
  loadPatient,
  setCohortMembership,
} from '../../lambdas/adapters/store.js';
import type { Alert } from '../../lambdas/domain/alerts.js';
import type { ClinicalRecord, PatientRef } from '../../lambdas/domain/records.js';
import { applyEnrolment } from '../../lambdas/patient/clinical-state.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { markNotificationSent } from '../support/sent-marks.js';
import {
  calciphylaxisDiagnosis,
  calciumObservation,
  messageIdentity,
  openAlert,
  syntheticPatient,
  uniqueControlId,
  warfarinOrder,
} from '../support/synthetic-records.js';

beforeAll(async () => {
  await useLocalServices();
}, localServicesTimeoutMs);

const now = '2026-08-01T00:00:00.000Z';
const historyDays = 400;
const since = new Date(Date.parse(now) - historyDays * 86_400_000).toISOString();
const justBefore = new Date(Date.parse(since) - 1).toISOString();

interface DynamoCall {
  command: string;
  input: Record<string, unknown>;
  output: Record<string, unknown>;
}

const recorderName = 'recordDynamoCalls';

/**
 * Every request the store's own DynamoDB client sends while `action` runs.
 * `pageSize` sets a Query Limit, so a short history spans several pages.
 */
async function recordingDynamoCalls<T>(
  action: () => Promise<T>,
  { pageSize }: { pageSize?: number } = {},
): Promise<{ result: T; calls: DynamoCall[] }> {
  const calls: DynamoCall[] = [];
  const stack = dynamoDocumentClient().middlewareStack;
  stack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (pageSize !== undefined && context.commandName === 'QueryCommand') input.Limit = pageSize;
      const result = await next(args);
      calls.push({
        command: String(context.commandName),
        input: { ...input },
        output: result.output as unknown as Record<string, unknown>,
      });
      return result;
    },
    { step: 'initialize', name: recorderName },
  );
  try {
    return { result: await action(), calls };
  } finally {
    stack.remove(recorderName);
  }
}

function message(patient: PatientRef, records: ClinicalRecord[]) {
  const controlId = uniqueControlId();
  return {
    ...messageIdentity(),
    facility: 'DIALYSIS_EAST',
    controlId,
    receivedAt: '2026-07-27T00:00:05.000Z',
    archiveKey: 'raw/2026/07/27/synthetic.hl7',
    patient,
    records: records.map((record) => ({ ...record, source: { ...record.source, controlId } })),
  };
}

/** A patient with every kind of item in the partition, including what loadPatient must not read. */
async function patientWithEverything(): Promise<{ patient: PatientRef; open: Alert; closed: Alert }> {
  const patient = syntheticPatient();
  await acceptMessage(
    message(patient, [
      calciumObservation({ observedAt: justBefore, setId: '1' }),
      calciumObservation({ observedAt: since, setId: '2' }),
      calciumObservation({ observedAt: '2026-07-31T08:00:00.000Z', setId: '3' }),
      warfarinOrder(),
      calciphylaxisDiagnosis(),
    ]),
  );
  await setCohortMembership(
    patient.namespace,
    patient.mrn,
    {
      action: 'enrol',
      by: 'admin-7',
      at: '2023-01-01T00:00:00.000Z',
    },
    applyEnrolment,
  );
  const open = openAlert(patient);
  const closed = openAlert(patient, { ruleId: 'VKA_ACTIVE', severity: 'urgent' });
  await applyAlertChanges({
    changes: [
      { kind: 'create', alert: open },
      { kind: 'create', alert: closed },
    ],
    audit: [open, closed].map((alert) => ({
      alertId: alert.alertId,
      at: alert.openedAt,
      from: 'none' as const,
      to: 'open' as const,
      reason: 'first notification',
      by: 'rules',
    })),
    outbox: [
      {
        notificationId: `${open.alertId}:opened`,
        patient,
        topic: 'pages',
        rendered: {
          subject: 'Critical: calcium',
          message: { default: '{}', sms: 'calcium', email: 'calcium' },
          attributes: {
            severity: 'critical',
            ruleId: open.ruleId,
            facility: patient.facility,
            event: 'opened',
          },
        },
      },
    ],
  });
  await applyAlertChanges({
    changes: [
      {
        kind: 'update',
        alert: { ...closed, state: 'resolved', resolvedAt: '2026-07-28T00:00:00.000Z', version: 2 },
        expectedVersion: 1,
      },
    ],
    audit: [
      {
        alertId: closed.alertId,
        at: '2026-07-28T00:00:00.000Z',
        from: 'open',
        to: 'resolved',
        reason: 'order discontinued',
        by: 'rules',
      },
    ],
  });
  await markNotificationSent(`${closed.alertId}:opened`, patient, { messageId: 'sns-message-1' });
  return { patient, open, closed };
}

describe('loadPatient reads the bounded history with one Query', () => {
  it('sends exactly one strongly consistent Query (no GetItem) and reads only the items it returns', async () => {
    const { patient, open, closed } = await patientWithEverything();

    const { result: history, calls } = await recordingDynamoCalls(() =>
      loadPatient(patient.namespace, patient.mrn, { historyDays, now }),
    );

    expect(calls.map((call) => call.command)).toEqual(['QueryCommand']);
    expect(calls[0]?.input.ConsistentRead).toBe(true);
    // The window's 4 records, 2 alerts, 1 enrolment, 1 pending notification, the clinical state and
    // the profile; the result from before the window, 3 audit events and the sent mark lie outside
    // the key range.
    expect(calls[0]?.output.Count).toBe(10);
    expect(calls[0]?.output.ScannedCount).toBe(10);
    expect(history.records.map((stored) => stored.record.kind)).toEqual([
      'observation',
      'medicationOrder',
      'diagnosis',
      'observation',
    ]);
    expect(history.activeAlerts.map((alert) => alert.alertId)).toEqual([open.alertId]);
    expect(history.closedAlerts.map((alert) => alert.alertId)).toEqual([closed.alertId]);
    expect(history.clinical.cohort).toMatchObject({ inCohort: true, enteredAt: '2023-01-01T00:00:00.000Z' });
    expect(history.pendingNotifications.map((pending) => pending.notificationId)).toEqual([
      `${open.alertId}:opened`,
    ]);
    expect(history.profile).toMatchObject({ mrn: patient.mrn, sex: patient.sex, cohort: expect.anything() });
  });

  it('reads a history longer than one page completely and oldest first, as pages of that one Query', async () => {
    const patient = syntheticPatient();
    const times = Array.from({ length: 23 }, (_, day) => new Date(Date.parse(now) - (day + 1) * 86_400_000));
    await acceptMessage(
      message(
        patient,
        times.map((at, index) =>
          calciumObservation({ observedAt: at.toISOString(), setId: String(index + 1) }),
        ),
      ),
    );
    const alert = openAlert(patient);
    await applyAlertChanges({ changes: [{ kind: 'create', alert }], audit: [] });

    const { result: history, calls } = await recordingDynamoCalls(
      () => loadPatient(patient.namespace, patient.mrn, { historyDays, now }),
      { pageSize: 5 },
    );

    // 23 records + the alert + the profile in pages of 5.
    expect(calls.length).toBeGreaterThanOrEqual(5);
    expect(calls.every((call) => call.command === 'QueryCommand')).toBe(true);
    const queries = calls.map(({ input }) =>
      JSON.stringify([input.KeyConditionExpression, input.ExpressionAttributeValues]),
    );
    expect(new Set(queries).size).toBe(1);
    expect(
      history.records.map((stored) => stored.record.kind === 'observation' && stored.record.observedAt),
    ).toEqual([...times].reverse().map((at) => at.toISOString()));
    expect(history.activeAlerts.map((active) => active.alertId)).toEqual([alert.alertId]);
    expect(history.profile?.mrn).toBe(patient.mrn);
  });
});
