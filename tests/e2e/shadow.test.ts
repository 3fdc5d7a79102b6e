/**
 * Shadow mode end to end on the local stack: a hospital sets CALCIUM_CRITICAL_LOW (with its
 * critical override) and CALCIUM_LOW to shadow. A falling and recovering calcium pages nothing for
 * either rule, neither shows in the on-call list nor escalates on the sweep, and the shadow report
 * (GET /reports/shadow and `npm run report -- --shadow`) lists exactly what they would have raised.
 * VKA_ACTIVE, still live, pages as always for the same patient.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../bin/cli/commands/report.js';
import { runCommand } from '../../bin/cli/io.js';
import { captureIo } from '../cli/support.js';
import { localServicesTimeoutMs } from '../support/local-services.js';
import {
  calciphylaxisDiagnosis,
  calciumResult,
  type Harness,
  newMrn,
  startHarness,
  warfarinOrder,
} from './harness.js';

const hospitals = mkdtempSync(join(tmpdir(), 'calciphylaxis-shadow-hospital-'));
const example = JSON.parse(
  readFileSync(new URL('../../config/hospitals/example.json', import.meta.url), 'utf8'),
) as { rules: Record<string, unknown> };
writeFileSync(
  join(hospitals, 'example.json'),
  JSON.stringify({
    ...example,
    rules: {
      ...example.rules,
      modes: {
        CALCIUM_CRITICAL_LOW: {
          mode: 'shadow',
          criticalOverride: {
            reason: 'Trial of a raised critical line before it goes live',
            approvedBy: 'Dr A. Synthetic, unit medical director',
          },
        },
        CALCIUM_LOW: { mode: 'shadow' },
      },
    },
  }),
);

let harness: Harness;
const mrn = newMrn();
const started = new Date(Date.now() - 60_000);
const quietPeriodMs = 1500;
const settle = () => new Promise((resolve) => setTimeout(resolve, quietPeriodMs));
const pagesOf = (ruleId: string) =>
  harness.notificationsFor(mrn).filter((notification) => notification.body.ruleId === ruleId);

interface ShadowRow {
  alertId: string;
  ruleId: string;
  severity: string;
  mrn: string;
  state: string;
  ruleSetVersion: string | null;
}

async function shadowReport(): Promise<{ summary: { count: number }; rows: ShadowRow[] }> {
  const to = new Date(Date.now() + 60_000);
  const query = new URLSearchParams({ from: started.toISOString(), to: to.toISOString() });
  const response = await fetch(`${harness.stack.apiUrl}/reports/shadow?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { summary: { count: number }; rows: ShadowRow[] };
}

beforeAll(async () => {
  harness = await startHarness({ hospitalsDirectory: hospitals });
  expect((await harness.post(calciphylaxisDiagnosis(mrn))).status).toBe(200);
  // Critical calcium (shadow), then warfarin (live): the patient's records are evaluated in order, so
  // when the VKA page arrives the calcium was judged.
  // Observation times minutes apart (HL7 times have whole seconds): the 8.1 is newer than the 7.2.
  const observed = (minutesAgo: number) => ({ at: new Date(Date.now() - minutesAgo * 60_000) });
  expect((await harness.post(calciumResult(mrn, '7.2', 'mg/dL', observed(10)))).status).toBe(200);
  expect((await harness.post(warfarinOrder(mrn, 'NW', 'ORD-SH1'))).status).toBe(200);
  await harness.waitFor(() => pagesOf('VKA_ACTIVE').some((page) => page.body.event === 'opened'));
  // Back to 8.1: the would-be critical alert resolves and CALCIUM_LOW would open (8.1 < 8.4).
  expect((await harness.post(calciumResult(mrn, '8.1', 'mg/dL', observed(5)))).status).toBe(200);
  expect((await harness.post(warfarinOrder(mrn, 'DC', 'ORD-SH1'))).status).toBe(200);
  await harness.waitFor(() => pagesOf('VKA_ACTIVE').some((page) => page.body.event === 'resolved'));
  await harness.stack.sweep();
  await settle();
}, localServicesTimeoutMs);

afterAll(async () => {
  await harness?.stop();
  rmSync(hospitals, { recursive: true, force: true });
});

describe('rules in shadow mode', () => {
  it('page nothing, on any topic, not even after a sweep; the live rule still pages', () => {
    expect(pagesOf('CALCIUM_CRITICAL_LOW')).toEqual([]);
    expect(pagesOf('CALCIUM_LOW')).toEqual([]);
    expect(pagesOf('VKA_ACTIVE').map((page) => page.body.event)).toEqual(['opened', 'resolved']);
    expect(harness.failures).toEqual([]);
  });

  it('record everything they would have raised, in the shadow report, with the rule-set version', async () => {
    const report = await shadowReport();
    const ours = report.rows.filter((row) => row.mrn === mrn);
    expect(ours.map((row) => [row.ruleId, row.severity, row.state])).toEqual([
      ['CALCIUM_CRITICAL_LOW', 'critical', 'resolved'],
      ['CALCIUM_LOW', 'urgent', 'open'],
    ]);
    const live = pagesOf('VKA_ACTIVE')[0]?.attributes.ruleSetVersion;
    expect(live).toMatch(/^rules-[0-9a-f]{10}\+cfg-[0-9a-f]{12}$/);
    for (const row of ours) expect(row.ruleSetVersion).toBe(live);
  });

  it('never reach the on-call list (GET /alerts) nor an acknowledgement', async () => {
    const list = (await (await fetch(`${harness.stack.apiUrl}/alerts?limit=1000`)).json()) as {
      alerts: { ruleId: string; patient: { mrn: string } }[];
    };
    expect(list.alerts.filter((alert) => alert.patient.mrn === mrn)).toEqual([]);
    const [wouldBe] = (await shadowReport()).rows.filter((row) => row.mrn === mrn);
    const ack = await fetch(
      `${harness.stack.apiUrl}/alerts/${encodeURIComponent(wouldBe?.alertId ?? '')}/ack`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      },
    );
    expect(ack.status).toBe(404);
  });

  it('`npm run report -- --shadow` lists them per rule and one line each, by MRN', async () => {
    const io = captureIo();
    const code = await runCommand(
      reportCommand,
      ['--shadow', '--from', started.toISOString(), '--url', harness.stack.apiUrl],
      io,
    );
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const output = io.stdout.join('\n');
    expect(output).toContain('none was paged');
    expect(output).toMatch(/CALCIUM_CRITICAL_LOW\s+critical\s+\d+/);
    expect(io.stdout.filter((line) => line.includes(mrn)).map((line) => line.split(/\s+/)[1])).toEqual([
      'CALCIUM_CRITICAL_LOW',
      'CALCIUM_LOW',
    ]);
    expect(output).not.toContain('TESTPATIENT');
  });
});
