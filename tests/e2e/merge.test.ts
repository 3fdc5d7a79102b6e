/**
 * Patient merges on the local stack (ADT A40, A34, A18): everything stored under the retired MRN
 * (MRG-1) belongs to the survivor (PID-3) afterwards. Cohort membership and orders move with it, an
 * open or acknowledged critical moves without a second page and is never lost, the retired MRN
 * leaves the cohort, and the survivor's next result is judged on the combined record.
 */

import { describe, expect, it } from 'vitest';
import { localCaller } from '../../bin/local/stack.js';
import { readClinicalState } from '../../lambdas/adapters/clinical-state-store.js';
import { loadPatient } from '../../lambdas/adapters/store.js';
import {
  calciphylaxisDiagnosis,
  calciumResult,
  hl7Time,
  newControlId,
  newMrn,
  useHarness,
  warfarinOrder,
} from './harness.js';

const harness = useHarness();

const window = () => ({ historyDays: 400, now: new Date() });

function merge(event: 'A40' | 'A34' | 'A18', survivorMrn: string, priorMrn: string | undefined): string {
  const at = hl7Time(new Date());
  return [
    `MSH|^~\\&|ADT|E2E DIALYSIS|CALCIPHYLAXIS_ALERTING|E2E DIALYSIS|${at}||ADT^${event}^ADT_A39|${newControlId()}|P|2.5.1|||AL|NE`,
    `EVN|${event}|${at}`,
    `PID|1||${survivorMrn}^^^E2E^MR||TESTPATIENT^E2E||19600101|F`,
    ...(priorMrn === undefined ? [] : [`MRG|${priorMrn}^^^E2E^MR`]),
    'PV1|1|O|HD^CHAIR03^^E2E',
  ].join('\r');
}

async function acknowledge(alertId: string): Promise<void> {
  const response = await fetch(`${harness.stack.apiUrl}/alerts/${encodeURIComponent(alertId)}/ack`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ byName: 'Dr Synthetic Oncall' }),
  });
  expect(response.status).toBe(200);
}

describe('ADT^A40 merge: the retired MRN’s record moves to the survivor', () => {
  it('moves cohort, warfarin and the acknowledged VKA_ACTIVE without paging again; the next calcium pages for the survivor', async () => {
    const prior = newMrn();
    const survivor = newMrn();
    expect((await harness.post(calciphylaxisDiagnosis(prior))).status).toBe(200);
    expect((await harness.post(warfarinOrder(prior, 'NW', `W${prior.slice(-6)}`))).status).toBe(200);
    await harness.waitFor(() =>
      harness
        .notificationsFor(prior)
        .some((n) => n.body.ruleId === 'VKA_ACTIVE' && n.body.event === 'opened'),
    );
    const priorAlertId = String(
      harness.notificationsFor(prior).find((n) => n.body.ruleId === 'VKA_ACTIVE')?.body.alertId,
    );
    await acknowledge(priorAlertId);
    // The survivor has a result of their own, outside the cohort.
    expect((await harness.post(calciumResult(survivor, '9.1'))).status).toBe(200);

    const { status, ack } = await harness.post(merge('A40', survivor, prior));
    expect(status).toBe(200);
    expect(ack).toMatch(/\rMSA\|AA\|/);

    let survivorAlerts: Awaited<ReturnType<typeof loadPatient>>['activeAlerts'] = [];
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      survivorAlerts = (await loadPatient('E2E', survivor, window())).activeAlerts;
      if (survivorAlerts.some((alert) => alert.ruleId === 'VKA_ACTIVE')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const moved = survivorAlerts.find((alert) => alert.ruleId === 'VKA_ACTIVE');
    expect(moved).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: localCaller.userArn,
      acknowledgedByName: 'Dr Synthetic Oncall',
      patient: { namespace: 'E2E', mrn: survivor },
    });
    const priorHistory = await loadPatient('E2E', prior, window());
    expect(priorHistory.activeAlerts).toEqual([]);
    expect(priorHistory.closedAlerts.find((alert) => alert.alertId === priorAlertId)).toMatchObject({
      state: 'superseded',
    });

    // The durable state moved: the survivor is in the cohort on warfarin; the retired MRN left it.
    const survivorState = (await readClinicalState('test', { namespace: 'E2E', mrn: survivor })).state;
    expect(survivorState.cohort).toMatchObject({ inCohort: true, via: 'diagnosis' });
    expect(survivorState.medications.orders).toMatchObject([
      { status: 'active', medicationClass: 'vitaminKAntagonist' },
    ]);
    expect((await readClinicalState('test', { namespace: 'E2E', mrn: prior })).state.cohort.inCohort).toBe(
      false,
    );

    // Judged on the combined record: a critical calcium pages for the survivor.
    expect((await harness.post(calciumResult(survivor, '7.1'))).status).toBe(200);
    await harness.waitFor(() =>
      harness.notificationsFor(survivor).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
    );
    // The acknowledged warfarin alert was not paged again under the survivor.
    expect(harness.notificationsFor(survivor).filter((n) => n.body.ruleId === 'VKA_ACTIVE')).toEqual([]);
    expect(harness.failures).toEqual([]);
  });

  it.each(['A34', 'A18'] as const)(
    'ADT^%s merges the same way (the survivor enters the cohort)',
    async (event) => {
      const prior = newMrn();
      const survivor = newMrn();
      expect((await harness.post(calciphylaxisDiagnosis(prior))).status).toBe(200);
      expect((await harness.post(merge(event, survivor, prior))).status).toBe(200);
      const deadline = Date.now() + 10_000;
      let inCohort = false;
      while (!inCohort && Date.now() < deadline) {
        inCohort = (await readClinicalState('test', { namespace: 'E2E', mrn: survivor })).state.cohort
          .inCohort;
        if (!inCohort) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(inCohort).toBe(true);
    },
  );

  it('a merge without MRG is answered AR naming MRG, and nothing moves', async () => {
    const { status, ack } = await harness.post(merge('A40', newMrn(), undefined));
    expect(status).toBe(400);
    expect(ack).toMatch(/\rMSA\|AR\|/);
    expect(ack).toMatch(/\rERR\|\|MRG\^1/);
  });
});
