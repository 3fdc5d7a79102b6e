/**
 * The timeliness report end to end on the local stack: three critical
 * calcium results (CALCIUM_CRITICAL_LOW, < 7.5 mg/dL) for three new cohort
 * patients, two acknowledged through the admin API, then
 * GET /reports/timeliness: every time in a row is one the test sent or saw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timelinessCsvHeader } from '../../lambdas/timeliness/report.js';
import { localServicesTimeoutMs } from '../support/local-services.js';
import { calciphylaxisDiagnosis, calciumResult, type Harness, newMrn, startHarness } from './harness.js';

interface ReportRow {
  alert: { alertId: string; ruleId: string; facility: string; mrn: string; state: string };
  resultAt: string | null;
  receivedAt: string | null;
  openedAt: string;
  firstPagedAt: string | null;
  acknowledgedAt: string | null;
  resultToPageMinutes: number | null;
  resultToAckMinutes: number | null;
  target: string;
}

interface ReportBody {
  from: string;
  to: string;
  summary: {
    count: number;
    targetMinutes: number;
    outsideTarget: { alertId: string }[];
    neverAcknowledged: { alertId: string }[];
  };
  rows: ReportRow[];
}

/** What the test sent and saw for one patient. */
interface Observed {
  mrn: string;
  /** OBX-14 as sent (HL7 times are to the second). */
  resultAt: Date;
  posted: { before: number; after: number };
  alertId: string;
  openedAt: string;
  /** When the test first saw the opening page. */
  pageSeenAt: number;
  ack?: { before: number; after: number; acknowledgedAt: string };
}

let harness: Harness;
const observed: Observed[] = [];

const minutesAgo = (minutes: number) => new Date(Math.floor((Date.now() - minutes * 60_000) / 1000) * 1000);

async function adminGet(path: string): Promise<{ status: number; contentType: string; text: string }> {
  const response = await fetch(`${harness.stack.apiUrl}${path}`);
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

beforeAll(async () => {
  harness = await startHarness();
  // Results 40, 20 and 10 minutes old: against the 30-minute target one ack is late, one in time.
  const resultAges = [40, 20, 10];
  const patients = resultAges.map((age) => ({ mrn: newMrn(), resultAt: minutesAgo(age) }));
  for (const { mrn } of patients) {
    expect((await harness.post(calciphylaxisDiagnosis(mrn, undefined, minutesAgo(120)))).status).toBe(200);
  }
  for (const { mrn, resultAt } of patients) {
    const before = Date.now();
    const { status } = await harness.post(calciumResult(mrn, '7.1', 'mg/dL', { at: resultAt }));
    const after = Date.now();
    expect(status).toBe(200);
    observed.push({ mrn, resultAt, posted: { before, after }, alertId: '', openedAt: '', pageSeenAt: 0 });
  }
  for (const patient of observed) {
    const opening = () =>
      harness
        .notificationsFor(patient.mrn)
        .find((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW' && n.body.event === 'opened');
    await harness.waitFor(() => opening() !== undefined);
    patient.pageSeenAt = Date.now();
    patient.alertId = String(opening()?.body.alertId);
    patient.openedAt = String(opening()?.body.openedAt);
  }
  for (const patient of observed.slice(0, 2)) {
    const before = Date.now();
    const response = await fetch(
      `${harness.stack.apiUrl}/alerts/${encodeURIComponent(patient.alertId)}/ack`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ byName: 'Dr Synthetic Oncall' }),
      },
    );
    const after = Date.now();
    expect(response.status).toBe(200);
    const { alert } = (await response.json()) as { alert: { acknowledgedAt: string } };
    patient.ack = { before, after, acknowledgedAt: alert.acknowledgedAt };
  }
}, localServicesTimeoutMs);

afterAll(async () => {
  await harness?.stop();
});

/** The period holding exactly the three alerts' openings (`to` is exclusive: one ms past the last). */
function period(): { from: string; to: string } {
  const opened = observed.map((patient) => Date.parse(patient.openedAt));
  return {
    from: new Date(Math.min(...opened)).toISOString(),
    to: new Date(Math.max(...opened) + 1).toISOString(),
  };
}

const within = (iso: string | null, window: { before: number; after: number }) => {
  const ms = iso === null ? Number.NaN : Date.parse(iso);
  return ms >= window.before - 1 && ms <= window.after + 1;
};

describe('GET /reports/timeliness', () => {
  it('counts the three critical alerts, one never acknowledged, with the times the test sent and saw', async () => {
    const { from, to } = period();
    const reply = await adminGet(`/reports/timeliness?from=${from}&to=${to}`);
    expect(reply.status).toBe(200);
    expect(reply.contentType).toContain('application/json');
    const report = JSON.parse(reply.text) as ReportBody;

    const ours = new Set(observed.map((patient) => patient.mrn));
    // Another suite paging in the same instant would show here too: its rows are not ours to check.
    const foreign = report.rows.filter((row) => !ours.has(row.alert.mrn));
    expect(report.summary.count).toBe(3 + foreign.length);
    expect(report.rows).toHaveLength(report.summary.count);
    const never = report.summary.neverAcknowledged.filter(
      (ref) => !foreign.some((row) => row.alert.alertId === ref.alertId),
    );
    expect(never.map((ref) => ref.alertId)).toEqual([observed[2]?.alertId]);

    for (const patient of observed) {
      const row = report.rows.find((candidate) => candidate.alert.alertId === patient.alertId);
      expect(row, patient.alertId).toBeDefined();
      if (row === undefined) continue;
      expect(row.alert).toMatchObject({
        ruleId: 'CALCIUM_CRITICAL_LOW',
        facility: 'E2E DIALYSIS',
        mrn: patient.mrn,
      });
      expect(row.resultAt).toBe(patient.resultAt.toISOString());
      expect(row.openedAt).toBe(patient.openedAt);
      // receivedAt: when the message carrying the result arrived (the rule's evidence).
      expect(row.receivedAt).not.toBeNull();
      expect(within(row.receivedAt ?? '', patient.posted), `receivedAt ${row.receivedAt}`).toBe(true);
      // firstPagedAt: when SNS took the opening page (its sent mark), between opening and the test seeing it.
      expect(row.firstPagedAt).not.toBeNull();
      expect(
        within(row.firstPagedAt ?? '', { before: Date.parse(patient.openedAt), after: patient.pageSeenAt }),
      ).toBe(true);
      expect(row.resultToPageMinutes).toBeCloseTo(
        (Date.parse(row.firstPagedAt ?? '') - patient.resultAt.getTime()) / 60_000,
        6,
      );
      if (patient.ack === undefined) {
        expect(row.acknowledgedAt).toBeNull();
        expect(row.target).toBe('not acknowledged');
        continue;
      }
      expect(row.acknowledgedAt).toBe(patient.ack.acknowledgedAt);
      expect(within(row.acknowledgedAt, patient.ack)).toBe(true);
      const resultToAck = (Date.parse(patient.ack.acknowledgedAt) - patient.resultAt.getTime()) / 60_000;
      expect(row.resultToAckMinutes).toBeCloseTo(resultToAck, 6);
      expect(row.target).toBe(resultToAck <= report.summary.targetMinutes ? 'met' : 'late');
    }
    // Acknowledged about 40 and 20 minutes after the result, against the default 30-minute target.
    expect(report.summary.targetMinutes).toBe(30);
    expect(report.rows.find((row) => row.alert.alertId === observed[0]?.alertId)?.target).toBe('late');
    expect(report.rows.find((row) => row.alert.alertId === observed[1]?.alertId)?.target).toBe('met');
  });

  it('answers the same rows as CSV with format=csv', async () => {
    const { from, to } = period();
    const [json, csv] = await Promise.all([
      adminGet(`/reports/timeliness?from=${from}&to=${to}`),
      adminGet(`/reports/timeliness?from=${from}&to=${to}&format=csv`),
    ]);
    expect(csv.status).toBe(200);
    expect(csv.contentType).toContain('text/csv');
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe(timelinessCsvHeader.join(','));
    const rows = (JSON.parse(json.text) as ReportBody).rows;
    // Header, one line per row, and the empty string after the last CRLF.
    expect(lines).toHaveLength(rows.length + 2);
    for (const patient of observed) {
      const line = lines.find((candidate) => candidate.startsWith(`${patient.alertId},`));
      expect(line?.split(',').slice(1, 6)).toEqual([
        'CALCIUM_CRITICAL_LOW',
        'E2E DIALYSIS',
        patient.mrn,
        patient.ack === undefined ? 'open' : 'acknowledged',
        patient.resultAt.toISOString(),
      ]);
    }
    expect(csv.text).not.toContain('TESTPATIENT');
  });

  it('answers 400 naming the parameter when from or to is missing or unreadable', async () => {
    const missing = await adminGet('/reports/timeliness?to=2026-12-01');
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text).issues).toEqual([expect.stringMatching(/^from: /)]);

    const unreadable = await adminGet('/reports/timeliness?from=2026-11-01&to=last%20tuesday');
    expect(unreadable.status).toBe(400);
    expect(JSON.parse(unreadable.text).issues).toEqual([expect.stringMatching(/^to: /)]);

    const backwards = await adminGet('/reports/timeliness?from=2026-12-01&to=2026-11-01');
    expect(backwards.status).toBe(400);
    expect(JSON.parse(backwards.text).issues).toEqual(['to: must be after from']);
  });
});
