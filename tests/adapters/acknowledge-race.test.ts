/**
 * An acknowledgement that loses a race is retried on fresh state, not answered 503. The race is
 * real, on DynamoDB Local: between the acknowledgement's read and its conditional write, an
 * evaluation adds a new result to the same open alert (a version bump), so the first write fails
 * with ConcurrentAlertChangeError. Through the admin API's workflow and through an ack link.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mintAckToken } from '../../lambdas/ack-links/token.js';
import { applyAlertChanges, getAlert } from '../../lambdas/adapters/store.js';
import { applyOutcomes } from '../../lambdas/alerts/lifecycle.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { Alert } from '../../lambdas/domain/alerts.js';
import { answerAckLink } from '../../lambdas/workflows/ack-link.js';
import { type AdminPorts, acknowledge } from '../../lambdas/workflows/admin.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { openAlert, syntheticPatient } from '../support/synthetic-records.js';

const config = parseRulesConfig({ timeZone: 'America/Chicago' });
const clock = () => new Date('2026-07-27T00:20:00.000Z');
let adminPorts: AdminPorts;

beforeAll(async () => {
  await useLocalServices();
  // Imported after the services set the environment the adapters read.
  ({ adminPorts } = await import('../../lambdas/handlers/ports.js'));
}, localServicesTimeoutMs);

async function storedOpenAlert(): Promise<Alert> {
  const alert = openAlert(syntheticPatient(), { openedAt: '2026-07-27T00:10:00.000Z' });
  await applyAlertChanges({ changes: [{ kind: 'create', alert }], audit: [] });
  return alert;
}

/** An evaluation of a newer calcium for the alert's patient, committed for real. */
async function concurrentEvaluation(alertId: string): Promise<void> {
  const current = await getAlert(alertId);
  if (current === undefined) throw new Error('alert gone');
  const result = applyOutcomes({
    patient: current.patient,
    activeAlerts: [current],
    outcomes: [
      {
        kind: 'fire',
        finding: {
          ruleId: 'CALCIUM_CRITICAL_LOW',
          severity: 'critical',
          alertScope: '',
          finding: 'Calcium 7.0 mg/dL is below 7.5 mg/dL.',
          recommendation: current.recommendation,
          evidence: [
            {
              kind: 'observation',
              recordId: 'HIST#2026-07-27T00:15:00.000Z#OBS#NDC#RACE#1',
              summary: 'calcium 7.0 mg/dL (F) at 2026-07-27T00:15:00.000Z',
              at: '2026-07-27T00:15:00.000Z',
              value: { value: 7.0, unit: 'mg/dL' },
            },
          ],
        },
      },
    ],
    now: new Date('2026-07-27T00:15:30.000Z'),
    config,
  });
  await applyAlertChanges({ changes: result.changes, audit: result.audit });
}

/** The admin ports, with one evaluation slipping in before the first alert write. */
function racingPorts(alertId: string): AdminPorts & { writes: number } {
  const ports = {
    ...adminPorts,
    writes: 0,
    async applyAlertChanges(input: Parameters<AdminPorts['applyAlertChanges']>[0]) {
      ports.writes += 1;
      if (ports.writes === 1) await concurrentEvaluation(alertId);
      return adminPorts.applyAlertChanges(input);
    },
  };
  return ports;
}

describe('an acknowledgement that loses a race', () => {
  it('through the admin API: retried on the fresh alert, acknowledged, the concurrent result kept', async () => {
    const alert = await storedOpenAlert();
    const ports = racingPorts(alert.alertId);

    const result = await acknowledge(alert.alertId, { identity: 'dr.oncall' }, ports, config, clock);

    expect(ports.writes).toBe(2);
    expect(result).toMatchObject({ outcome: 'acknowledged', alert: { state: 'acknowledged', version: 3 } });
    const stored = await getAlert(alert.alertId);
    expect(stored).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'dr.oncall', version: 3 });
    expect(stored?.evidence.map((item) => item.recordId)).toContain(
      'HIST#2026-07-27T00:15:00.000Z#OBS#NDC#RACE#1',
    );
  });

  it('through an ack link: the page says acknowledged (200), not "try again"', async () => {
    const alert = await storedOpenAlert();
    const ports = racingPorts(alert.alertId);
    const key = new Uint8Array(32).fill(7);
    const token = mintAckToken(
      { alertId: alert.alertId, recipient: 0, expiresAt: new Date('2026-07-28T00:00:00.000Z') },
      key,
    );

    const response = await answerAckLink(
      { token, method: 'POST', typedName: 'Dr Synthetic' },
      ports,
      { config, key: async () => key },
      clock,
    );

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/Acknowledged by Dr Synthetic/);
    expect(await getAlert(alert.alertId)).toMatchObject({ state: 'acknowledged' });
  });
});
