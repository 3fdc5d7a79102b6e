/**
 * The console's reads on the local stack (real handlers, DynamoDB Local):
 * an alert's detail with its evidence as sent and normalised and its audit
 * trail; a patient's timeline (results in canonical units with the value as
 * sent, the rule thresholds, medication bars, alert markers); the cohort list
 * with latest values, open-alert counts and how each patient entered.
 */
import { describe, expect, it } from 'vitest';
import { localCaller } from '../../bin/local/stack.js';
import type { AlertDetail, CohortRow, PatientTimeline } from '../../lambdas/workflows/console-views.js';
import { calciphylaxisDiagnosis, calciumResult, newMrn, useHarness, warfarinOrder } from './harness.js';

const harness = useHarness();

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${harness.stack.apiUrl}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

async function post(path: string, body: unknown): Promise<number> {
  const response = await fetch(`${harness.stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.status;
}

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

/** A cohort patient on warfarin (started 3 days ago) whose calcium fell to 1.80 mmol/L (7.2 mg/dL). */
async function patientWithCriticalCalcium(mrn: string): Promise<string> {
  expect((await harness.post(calciphylaxisDiagnosis(mrn, undefined, hoursAgo(80)))).status).toBe(200);
  expect((await harness.post(warfarinOrder(mrn, 'NW', `W${mrn}`, hoursAgo(72)))).status).toBe(200);
  expect((await harness.post(calciumResult(mrn, '8.9', 'mg/dL', { at: hoursAgo(48) }))).status).toBe(200);
  expect((await harness.post(calciumResult(mrn, '1.80', 'mmol/L', { at: hoursAgo(1) }))).status).toBe(200);
  await harness.waitFor(() =>
    harness
      .notificationsFor(mrn)
      .some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW' && n.body.event === 'opened'),
  );
  const page = harness.notificationsFor(mrn).find((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW');
  return String(page?.body.alertId);
}

describe('GET /alerts/{id}', () => {
  it('gives the finding, the evidence as sent and normalised, and the audit trail with who acknowledged', async () => {
    const mrn = newMrn();
    const alertId = await patientWithCriticalCalcium(mrn);
    expect(await post(`/alerts/${alertId}/ack`, { byName: 'Dr Synthetic Console' })).toBe(200);

    const { status, body } = await get<AlertDetail>(`/alerts/${encodeURIComponent(alertId)}`);
    expect(status).toBe(200);
    expect(body.alert.ruleId).toBe('CALCIUM_CRITICAL_LOW');
    expect(body.alert.finding).toMatch(/7\.2 mg\/dL/);
    const calcium = body.evidence.find((evidence) => evidence.kind === 'observation');
    expect(calcium?.sent).toBe('1.80 mmol/L');
    expect(calcium?.canonical?.unit).toBe('mg/dL');
    expect(calcium?.canonical?.value).toBeCloseTo(7.214, 2);

    const transitions = body.trail.filter((entry) => entry.kind === 'transition');
    expect(transitions.map((entry) => `${entry.from}->${entry.to}`)).toEqual([
      'none->open',
      'open->acknowledged',
    ]);
    expect(transitions[1]).toMatchObject({ by: localCaller.userArn, byName: 'Dr Synthetic Console' });
    await harness.waitFor(() =>
      harness
        .notificationsFor(mrn)
        .some((n) => n.body.alertId === alertId && n.body.event === 'acknowledged'),
    );
    const sent = (await get<AlertDetail>(`/alerts/${encodeURIComponent(alertId)}`)).body.trail
      .filter((entry) => entry.kind === 'notification')
      .map((entry) => (entry.kind === 'notification' ? entry.event : ''));
    expect(sent).toEqual(['opened', 'acknowledged']);
  });

  it('answers 404 for an alert it does not know', async () => {
    expect((await get('/alerts/CALCIUM_CRITICAL_LOW-0000000000000000')).status).toBe(404);
  });
});

describe('GET /patients/{facility}/{mrn}/timeline', () => {
  it('plots results in canonical units with the value as sent, the thresholds, the warfarin bar and alert markers', async () => {
    const mrn = newMrn();
    const alertId = await patientWithCriticalCalcium(mrn);
    const { status, body } = await get<PatientTimeline>(`/patients/E2E/${mrn}/timeline`);
    expect(status).toBe(200);
    const calcium = body.series.find((series) => series.analyte === 'calcium');
    expect(calcium?.unit).toBe('mg/dL');
    expect(calcium?.lines.map((line) => line.value)).toEqual([7.5, 8.0, 8.4]);
    expect(calcium?.points.map((point) => point.sent)).toEqual(['8.9 mg/dL', '1.80 mmol/L']);
    expect(calcium?.points[1]?.value).toBeCloseTo(7.214, 2);
    expect(body.series.find((series) => series.analyte === 'pth')?.lines.map((line) => line.value)).toEqual([
      100, 150, 300, 500,
    ]);
    // A woman (PID-8 F): the hemoglobin target is 12 g/dL.
    expect(body.series.find((series) => series.analyte === 'hemoglobin')?.lines[0]?.value).toBe(12);

    expect(body.medications).toHaveLength(1);
    expect(body.medications[0]).toMatchObject({
      medicationClass: 'vitaminKAntagonist',
      ingredient: 'warfarin',
    });
    expect(body.medications[0]?.steps).toEqual([
      expect.objectContaining({ status: 'active', dailyDoseMg: 5 }),
    ]);
    expect(body.markers).toContainEqual(
      expect.objectContaining({
        alertId,
        event: 'opened',
        severity: 'critical',
        ruleId: 'CALCIUM_CRITICAL_LOW',
      }),
    );
    expect(body.cohort).toMatchObject({ inCohort: true, via: 'diagnosis' });
  });

  it('leaves out what is outside the period asked for', async () => {
    const mrn = newMrn();
    await patientWithCriticalCalcium(mrn);
    const to = hoursAgo(24).toISOString();
    const { body } = await get<PatientTimeline>(`/patients/E2E/${mrn}/timeline?to=${to}`);
    expect(
      body.series.find((series) => series.analyte === 'calcium')?.points.map((point) => point.sent),
    ).toEqual(['8.9 mg/dL']);
    expect(body.markers).toEqual([]);
  });

  it('refuses a period it cannot read in one bounded Query, naming the parameter', async () => {
    const unreadable = await get<{ issues: string[] }>(`/patients/E2E/${newMrn()}/timeline?from=last-year`);
    expect(unreadable.status).toBe(400);
    expect(unreadable.body.issues[0]).toMatch(/^from: not an ISO 8601/);
    const tooLong = await get<{ issues: string[] }>(`/patients/E2E/${newMrn()}/timeline?from=2001-01-01`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.issues).toEqual(['from: may be at most 731 days ago']);
    const backwards = await get<{ issues: string[] }>(
      `/patients/E2E/${newMrn()}/timeline?from=2026-02-01&to=2026-01-01`,
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.issues).toEqual(['to: must be after from']);
  });
});

describe('GET /cohort', () => {
  it('lists each member with the latest calcium, open-alert counts and how they entered', async () => {
    const mrn = newMrn();
    await patientWithCriticalCalcium(mrn);
    let row: CohortRow | undefined;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      row = (await get<{ patients: CohortRow[] }>('/cohort')).body.patients.find(
        (entry) => entry.patient.mrn === mrn,
      );
      if (row?.latest.calcium?.sent === '1.80 mmol/L' && row.alerts.active >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(row?.cohort.via).toBe('diagnosis');
    expect(row?.latest.calcium).toMatchObject({ sent: '1.80 mmol/L', value: { unit: 'mg/dL' } });
    // CALCIUM_CRITICAL_LOW and VKA_ACTIVE, both critical and unacknowledged.
    expect(row?.alerts).toEqual({ active: 2, unacknowledged: 2, critical: 2 });

    const enrolled = newMrn();
    expect((await harness.post(calciumResult(enrolled, '9.0'))).status).toBe(200);
    expect(
      await post(`/patients/E2E/${enrolled}/cohort`, { action: 'enrol', byName: 'Dr Synthetic Console' }),
    ).toBe(200);
    const list = (await get<{ patients: CohortRow[] }>('/cohort')).body.patients;
    expect(list.find((entry) => entry.patient.mrn === enrolled)?.cohort).toMatchObject({
      via: 'enrolment',
      by: localCaller.userArn,
    });

    expect(
      await post(`/patients/E2E/${enrolled}/cohort`, { action: 'remove', reason: 'not calciphylaxis' }),
    ).toBe(200);
    const after = (await get<{ patients: CohortRow[] }>('/cohort')).body.patients;
    expect(after.some((entry) => entry.patient.mrn === enrolled)).toBe(false);
  });
});
