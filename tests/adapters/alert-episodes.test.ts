/**
 * Every episode of an alert counts: when a resolved CALCIUM_CRITICAL_LOW opens again for the same
 * patient, the new episode takes the patient's alert slot, but the earlier one keeps its own
 * result -> page -> acknowledge times, is still found by its id, and the timeliness report lists
 * both (DynamoDB Local).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoDocumentClient } from '../../lambdas/adapters/aws-clients.js';
import {
  applyAlertChanges,
  getAlert,
  listCriticalAlerts,
  loadPatient,
} from '../../lambdas/adapters/store.js';
import { storeSettings } from '../../lambdas/adapters/store-context.js';
import { acknowledgeAlert, applyOutcomes, type LifecycleResult } from '../../lambdas/alerts/lifecycle.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { Alert, Evidence } from '../../lambdas/domain/alerts.js';
import { ruleSetVersion } from '../../lambdas/rules/rule-set-version.js';
import { alertIdPk, alertIdSk, patientPk } from '../../lambdas/table/layout.js';
import { criticalResultTimeliness } from '../../lambdas/workflows/report.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { markNotificationSent } from '../support/sent-marks.js';
import { syntheticPatient } from '../support/synthetic-records.js';

const config = parseRulesConfig({ timeZone: 'America/Chicago' });

/* Other suites share the table: a year of this suite's own keeps the report period to its alerts. */
const year = 2200 + Math.floor(Math.random() * 7000);
const at = (monthDayTime: string) => new Date(`${year}-${monthDayTime}Z`);

function calcium(mgDl: number, observedAt: Date, receivedAt: Date): Evidence {
  const iso = observedAt.toISOString();
  return {
    kind: 'observation',
    recordId: `HIST#${iso}#OBS#NDC#C${mgDl}#1`,
    summary: `calcium ${mgDl} mg/dL (F) at ${iso}`,
    at: iso,
    receivedAt: receivedAt.toISOString(),
    value: { value: mgDl, unit: 'mg/dL' },
  };
}

async function commit(result: LifecycleResult): Promise<Alert> {
  await applyAlertChanges({ changes: result.changes, audit: result.audit });
  const [change] = result.changes;
  if (change === undefined) throw new Error('no change');
  return change.alert;
}

const patient = syntheticPatient();
const first = {
  resultAt: at('03-02T08:00:00.000'),
  receivedAt: at('03-02T08:01:00.000'),
  openedAt: at('03-02T08:01:30.000'),
  pagedAt: at('03-02T08:01:31.000'),
  acknowledgedAt: at('03-02T08:10:00.000'),
  resolvedAt: at('03-04T09:00:00.000'),
};
const second = {
  resultAt: at('03-20T14:00:00.000'),
  receivedAt: at('03-20T14:02:00.000'),
  openedAt: at('03-20T14:02:10.000'),
  pagedAt: at('03-20T14:02:12.000'),
  acknowledgedAt: at('03-20T14:50:00.000'),
};
let firstId = '';
let secondId = '';

beforeAll(async () => {
  await useLocalServices();
  const fire = (mgDl: number, times: typeof first | typeof second, active: Alert[]) =>
    applyOutcomes({
      patient,
      activeAlerts: active,
      outcomes: [
        {
          kind: 'fire',
          finding: {
            ruleId: 'CALCIUM_CRITICAL_LOW',
            severity: 'critical',
            alertScope: '',
            finding: `Calcium ${mgDl} mg/dL is below 7.5 mg/dL.`,
            recommendation: 'Withhold cinacalcet.',
            evidence: [calcium(mgDl, times.resultAt, times.receivedAt)],
          },
        },
      ],
      now: times.openedAt,
      config,
    });

  // Episode 1: opened, paged, acknowledged, resolved.
  let alert = await commit(fire(7.1, first, []));
  firstId = alert.alertId;
  await markNotificationSent(`${firstId}:opened`, patient, { sentAt: first.pagedAt.toISOString() });
  alert = await commit(acknowledgeAlert({ alert, by: 'dr.first', now: first.acknowledgedAt }));
  await commit(
    applyOutcomes({
      patient,
      activeAlerts: [alert],
      outcomes: [
        {
          kind: 'resolve',
          ruleId: 'CALCIUM_CRITICAL_LOW',
          alertScope: '',
          reason: 'calcium 8.4 mg/dL',
          evidence: [],
        },
      ],
      now: first.resolvedAt,
      config,
    }),
  );

  // Episode 2: the same rule and patient opens again, and is acknowledged.
  alert = await commit(fire(6.9, second, []));
  secondId = alert.alertId;
  await markNotificationSent(`${secondId}:opened`, patient, { sentAt: second.pagedAt.toISOString() });
  await commit(acknowledgeAlert({ alert, by: 'dr.second', now: second.acknowledgedAt }));
}, localServicesTimeoutMs);

describe('alert episodes', () => {
  it('the criticalAlerts index lists both episodes with their own times', async () => {
    const listed = await listCriticalAlerts({ from: at('03-01T00:00:00.000'), to: at('04-01T00:00:00.000') });
    expect(secondId).not.toBe(firstId);
    expect(listed.map((alert) => [alert.alertId, alert.state])).toEqual([
      [firstId, 'resolved'],
      [secondId, 'acknowledged'],
    ]);
    expect(listed[0]).toMatchObject({
      resultAt: first.resultAt.toISOString(),
      receivedAt: first.receivedAt.toISOString(),
      openedAt: first.openedAt.toISOString(),
      firstPagedAt: first.pagedAt.toISOString(),
      acknowledgedAt: first.acknowledgedAt.toISOString(),
      resolvedAt: first.resolvedAt.toISOString(),
    });
    expect(listed[1]).toMatchObject({
      resultAt: second.resultAt.toISOString(),
      openedAt: second.openedAt.toISOString(),
      firstPagedAt: second.pagedAt.toISOString(),
      acknowledgedAt: second.acknowledgedAt.toISOString(),
    });
  });

  it('the timeliness report has a row per episode: the first met the 30-minute target, the second was late', async () => {
    const report = await criticalResultTimeliness(
      { from: at('03-01T00:00:00.000'), to: at('04-01T00:00:00.000') },
      { listCriticalAlerts },
      config,
    );
    expect(report.summary.count).toBe(2);
    expect(report.rows.map((row) => [row.alert.alertId, row.resultToAckMinutes, row.target])).toEqual([
      [firstId, 10, 'met'],
      [secondId, 50, 'late'],
    ]);
    expect(report.rows.map((row) => row.resultToPageMinutes)).toEqual([
      (first.pagedAt.getTime() - first.resultAt.getTime()) / 60_000,
      (second.pagedAt.getTime() - second.resultAt.getTime()) / 60_000,
    ]);
    expect(report.csv.split('\n').filter((line) => line.includes(firstId))).toHaveLength(1);
  });

  it('the earlier episode is still found by its id, closed; the patient holds only the new one as active', async () => {
    expect(await getAlert(firstId)).toMatchObject({ alertId: firstId, state: 'resolved' });
    expect(await getAlert(secondId)).toMatchObject({ alertId: secondId, state: 'acknowledged' });
    const history = await loadPatient(patient.namespace, patient.mrn, {
      historyDays: 400,
      now: at('03-21T00:00:00.000'),
    });
    expect(history.activeAlerts.map((alert) => alert.alertId)).toEqual([secondId]);
  });

  it('the episode item and every audit event of it name the rule-set version that decided it', async () => {
    const client = dynamoDocumentClient();
    const { tableName } = storeSettings();
    const version = ruleSetVersion(config);
    const { Item: episode } = await client.send(
      new GetCommand({ TableName: tableName, Key: { pk: alertIdPk(firstId), sk: alertIdSk } }),
    );
    expect(episode?.ruleSetVersion).toBe(version);
    const { Items: audit = [] } = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: { ':pk': patientPk(patient), ':audit': 'EVENT#AUDIT#' },
      }),
    );
    const ofFirst = audit.filter((item) => item.alertId === firstId);
    // Opened, acknowledged, resolved: the acknowledgement keeps the version of the rules that opened it.
    expect(ofFirst.map((item) => [item.to, item.ruleSetVersion])).toEqual([
      ['open', version],
      ['acknowledged', version],
      ['resolved', version],
    ]);
  });
});
