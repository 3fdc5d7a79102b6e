/**
 * A patient followed for years (clinical-rules.md, "Durable state"): cohort entry 3 years ago,
 * warfarin ordered 500 days ago and never stopped, cinacalcet active for 2 years. Their diagnosis and
 * orders lie far outside the history window read per evaluation, and the rules must still see them.
 * Driven through the real ingest and evaluate workflows on DynamoDB Local, with the messages received
 * at their own (past) times.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { archiveRawMessage } from '../../lambdas/adapters/archive.js';
import { acceptMessage, loadPatient, type TriggeringItem } from '../../lambdas/adapters/store.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import { evaluationPorts } from '../../lambdas/handlers/ports.js';
import { evaluateItem } from '../../lambdas/workflows/evaluate.js';
import { ingestHl7 } from '../../lambdas/workflows/ingest.js';
import {
  calciphylaxisDiagnosis,
  calciumResult,
  hl7Time,
  newControlId,
  newMrn,
  warfarinOrder,
} from '../e2e/harness.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';

const dayMs = 86_400_000;
const namespace = 'E2E';
const settings = { config: parseRulesConfig({ timeZone: 'America/Chicago' }), historyDays: 400 };

beforeAll(async () => {
  await useLocalServices();
}, localServicesTimeoutMs);

function cinacalcetOrder(mrn: string, orderId: string, at: Date): string {
  return [
    `MSH|^~\\&|PHARM|E2E DIALYSIS|CALCIPHYLAXIS_ALERTING|E2E DIALYSIS|${hl7Time(at)}||RDE^O11^RDE_O11|${newControlId()}|P|2.5.1|||AL|NE`,
    `PID|1||${mrn}^^^E2E^MR||TESTPATIENT^E2E||19600101|F`,
    'PV1|1|O|HD^CHAIR03^^E2E',
    `ORC|NW|${orderId}|RX${orderId}||||||${hl7Time(at)}`,
    `RXE|^^^${hl7Time(at)}|1304406^cinacalcet^RXNORM|30||mg^milligram^UCUM`,
    'TQ1|1||QD^every day^HL70335',
  ].join('\r');
}

function pthResult(mrn: string, valuePgMl: string, at: Date): string {
  const filler = `F${newControlId().slice(1, 9)}`;
  return [
    `MSH|^~\\&|LAB|E2E DIALYSIS|CALCIPHYLAXIS_ALERTING|E2E DIALYSIS|${hl7Time(at)}||ORU^R01^ORU_R01|${newControlId()}|P|2.5.1|||AL|NE`,
    `PID|1||${mrn}^^^E2E^MR||TESTPATIENT^E2E||19600101|F`,
    'PV1|1|O|HD^CHAIR03^^E2E',
    `OBR|1|P${filler}|${filler}|2731-8^PTH^LN|||${hl7Time(at)}|||||||||||||||${hl7Time(at)}|||F`,
    `OBX|1|NM|2731-8^Parathyrin.intact [Mass/volume] in Serum or Plasma^LN||${valuePgMl}|pg/mL|15-65|H|||F|||${hl7Time(at)}`,
  ].join('\r');
}

/** Ingests one message as the ingest Lambda does, received at `at`. */
async function receive(message: string, at: Date): Promise<void> {
  const result = await ingestHl7(
    new TextEncoder().encode(message),
    at,
    { archiveRawMessage, acceptMessage },
    { config: settings.config, maxMessageBytes: 1_048_576 },
  );
  expect(result.messages.map((outcome) => outcome.ackCode)).toEqual(['AA']);
}

/** Evaluates the patient's newest stored results as the stream would deliver them. */
async function evaluateNewResults(mrn: string, since: Date, now: Date): Promise<void> {
  const { records } = await loadPatient(namespace, mrn, { historyDays: settings.historyDays, now });
  const fresh = records.filter((stored) => Date.parse(stored.receivedAt) >= since.getTime());
  expect(fresh.length).toBeGreaterThan(0);
  for (const stored of fresh) {
    const item: TriggeringItem = { kind: 'record', patient: { namespace, mrn }, stored };
    await evaluateItem(item, evaluationPorts, settings, () => now);
  }
}

describe('a patient in the cohort for 3 years, on warfarin for 500 days and cinacalcet for 2 years', () => {
  it('gets VKA_ACTIVE and CALCIUM_CRITICAL_LOW on a new result, and no PTH_START_CINACALCET', async () => {
    const mrn = newMrn();
    const now = new Date();
    const daysAgo = (days: number) => new Date(now.getTime() - days * dayMs);

    await receive(calciphylaxisDiagnosis(mrn, newControlId(), daysAgo(3 * 365)), daysAgo(3 * 365));
    await receive(cinacalcetOrder(mrn, `CIN${mrn.slice(-6)}`, daysAgo(730)), daysAgo(730));
    await receive(warfarinOrder(mrn, 'NW', `W${mrn.slice(-6)}`, daysAgo(500)), daysAgo(500));

    const resultsAt = new Date(now.getTime() - 60_000);
    await receive(pthResult(mrn, '420', resultsAt), resultsAt);
    await receive(calciumResult(mrn, '7.2', 'mg/dL', { at: resultsAt }), resultsAt);
    await evaluateNewResults(mrn, resultsAt, now);

    const { activeAlerts } = await loadPatient(namespace, mrn, { historyDays: 400, now });
    const open = activeAlerts.map((alert) => alert.ruleId).sort();
    // Cohort rules fire: the diagnosis of 3 years ago still counts.
    expect(open).toContain('CALCIUM_CRITICAL_LOW');
    // Warfarin ordered 500 days ago and never stopped is still active.
    expect(open).toContain('VKA_ACTIVE');
    // Cinacalcet active for 2 years: no advice to start it; titration instead (30 mg, unchanged for 2 years).
    expect(open).not.toContain('PTH_START_CINACALCET');
    expect(open).toContain('PTH_TITRATE_CINACALCET');
  });
});
