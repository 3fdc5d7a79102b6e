/**
 * `npm run backtest` over a local copy of the archive: a generated quarter of a 100-patient unit's
 * feed, replayed under the example hospital's configuration (A) and under one that maps a second
 * lab's calcium code (B); the output shape, byte-for-byte determinism, exactly the added alerts
 * under B, and the simulated clock's sweeps (escalation, repeats) on a small archive.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archiveDelayMs, writeArchiveFolder } from '../../bench/backtest.js';
import { feedFacility, generateFeed, secondLabCalciumCode } from '../../bench/backtest-feed.js';
import { backtestCommand } from '../../bin/cli/commands/backtest.js';
import { runCommand } from '../../bin/cli/io.js';
import type { BacktestReport } from '../../lambdas/backtest/report.js';
import { ruleIds } from '../../lambdas/domain/alerts.js';
import { ruleSetVersion } from '../../lambdas/rules/rule-set-version.js';
import { parseHospitalConfig, rulesConfigFor } from '../../lib/config/hospital-config.js';
import { captureIo } from '../cli/support.js';
import { calciphylaxisDiagnosis, calciumResult } from '../e2e/harness.js';

const dayMs = 86_400_000;
const minuteMs = 60_000;
const example = 'config/hospitals/example.json';
const exampleHospital = JSON.parse(readFileSync(example, 'utf8')) as { rules: Record<string, unknown> };
const folder = mkdtempSync(join(tmpdir(), 'backtest-archive-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** B: the example hospital, also reading the second lab's calcium code as calcium. */
const configB = join(folder, 'second-lab.json');
writeFileSync(
  configB,
  JSON.stringify({
    ...exampleHospital,
    rules: {
      ...exampleHospital.rules,
      localLabCodes: {
        ...(exampleHospital.rules.localLabCodes as object),
        [secondLabCalciumCode]: 'calcium',
      },
    },
  }),
);

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
// A far-off clock: every sweep of the period has happened.
const later = () => new Date(Date.UTC(2030, 0, 1));

async function backtest(args: string[]) {
  const io = captureIo();
  const code = await runCommand(
    (argv, commandIo) => backtestCommand(argv, commandIo, { clock: later }),
    args,
    io,
  );
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('a generated quarter of 100 patients, replayed from a local copy of the archive', () => {
  const anchorMs = Date.UTC(2025, 0, 6, 6);
  const secondLabPatients = [4, 12, 20, 28]; // in the cohort, not on cinacalcet
  const secondLabValues = [7.2, 9.1, 8.1, 7.6, 9.4, 7.0, 8.3, 9.0, 7.4, 8.0, 9.2, 7.9, 9.5];
  const feed = generateFeed({
    patients: 100,
    days: 92,
    anchorMs,
    seed: 11,
    tag: 'BTQ',
    secondLab: { patients: secondLabPatients, values: secondLabValues },
  });
  const archive = join(folder, 'quarter');
  writeArchiveFolder(archive, feed);
  const period = ['--from', day(anchorMs), '--to', day(anchorMs + 92 * dayMs), '--dir', archive];

  it('prints the same JSON and CSV byte for byte on every run; B adds exactly the alerts of the second lab’s low calciums', async () => {
    const csv = [join(folder, 'one.csv'), join(folder, 'two.csv')];
    const first = await backtest([
      ...period,
      '--config',
      example,
      '--config',
      configB,
      '--json',
      '--csv',
      csv[0]!,
    ]);
    const second = await backtest([
      ...period,
      '--config',
      example,
      '--config',
      configB,
      '--json',
      '--csv',
      csv[1]!,
    ]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(csv[1]!, 'utf8')).toBe(readFileSync(csv[0]!, 'utf8'));

    const report = JSON.parse(first.stdout) as BacktestReport;
    // Exactly the keys scripts rely on.
    expect(Object.keys(report)).toEqual(['from', 'to', 'messages', 'configs', 'differences']);
    expect(report.messages).toBe(feed.length);
    for (const config of report.configs) {
      expect(Object.keys(config)).toEqual(['name', 'ruleSetVersion', 'rules']);
      expect(Object.keys(config.rules).sort()).toEqual([...ruleIds].sort());
      for (const tally of Object.values(config.rules))
        expect(Object.keys(tally)).toEqual(['opened', 'pages']);
    }
    const rulesA = rulesConfigFor(parseHospitalConfig(exampleHospital, example));
    expect(report.configs.map((config) => config.name)).toEqual([example, configB]);
    expect(report.configs[0]!.ruleSetVersion).toBe(ruleSetVersion(rulesA));
    expect(report.configs[1]!.ruleSetVersion).not.toBe(report.configs[0]!.ruleSetVersion);
    // The feed raises alerts of several kinds under A, critical ones paging.
    const a = report.configs[0]!.rules;
    expect(a.CALCIUM_CRITICAL_LOW.opened).toBeGreaterThan(0);
    expect(a.CALCIUM_CRITICAL_LOW.pages).toBeGreaterThan(a.CALCIUM_CRITICAL_LOW.opened);
    expect(a.VKA_ACTIVE.opened).toBeGreaterThan(0);
    expect(a.PTH_SEVERE.opened).toBeGreaterThan(0);
    expect(a.THIOSULFATE_NOT_STARTED.opened).toBeGreaterThan(0);

    // CALCIUM_CRITICAL_LOW below 7.5 mg/dL, CALCIUM_LOW from 7.5 to below 8.4: each second-lab
    // result below 8.4 received once the patient is in the cohort opens one alert under B only
    // (the main lab's normal calcium in between resolves it), and nothing else differs.
    const cohortSince = new Map(
      feed.filter((message) => message.kind === 'diagnosis').map((message) => [message.mrn, message.atMs]),
    );
    const expected = feed
      .filter(
        (message) =>
          message.kind === 'secondLabCalcium' &&
          (message.value ?? 99) < 8.4 &&
          message.atMs > (cohortSince.get(message.mrn) ?? Number.POSITIVE_INFINITY),
      )
      .map((message) => ({
        facility: feedFacility,
        mrn: message.mrn,
        ruleId: (message.value ?? 99) < 7.5 ? 'CALCIUM_CRITICAL_LOW' : 'CALCIUM_LOW',
        at: new Date(message.atMs + archiveDelayMs).toISOString(),
        only: 'B',
      }))
      .sort((left, right) => (left.at < right.at ? -1 : left.at > right.at ? 1 : 0));
    expect(expected.length).toBeGreaterThan(10);
    expect(report.differences).toEqual(expected);
    const b = report.configs[1]!.rules;
    expect(b.CALCIUM_CRITICAL_LOW.opened - a.CALCIUM_CRITICAL_LOW.opened).toBe(
      expected.filter((d) => d.ruleId === 'CALCIUM_CRITICAL_LOW').length,
    );
    expect(b.CALCIUM_LOW.opened - a.CALCIUM_LOW.opened).toBe(
      expected.filter((d) => d.ruleId === 'CALCIUM_LOW').length,
    );
    const lines = readFileSync(csv[0]!, 'utf8').split('\r\n');
    expect(lines[0]).toBe('facility,mrn,ruleId,at,only');
    expect(lines[1]).toBe(
      [expected[0]!.facility, expected[0]!.mrn, expected[0]!.ruleId, expected[0]!.at, 'B'].join(','),
    );
    expect(lines).toHaveLength(expected.length + 2); // header, rows, the final line end
  }, 180_000);
});

describe('the simulated clock', () => {
  it('runs the sweep at the hospital’s interval: a critical calcium nobody acknowledges escalates once and repeats every 30 minutes until a normal one resolves it', async () => {
    const archive = join(folder, 'one-patient');
    const mrn = 'BTCLOCK01';
    const at = (hhmmss: string) => Date.parse(`2025-03-03T${hhmmss}Z`);
    writeArchiveFolder(
      archive,
      [
        {
          atMs: at('10:00:30'),
          mrn,
          kind: 'diagnosis',
          body: calciphylaxisDiagnosis(mrn, 'CLK1', new Date(at('10:00:00'))),
        },
        {
          atMs: at('10:02:30'),
          mrn,
          kind: 'calcium',
          body: calciumResult(mrn, '7.1', 'mg/dL', { controlId: 'CLK2', at: new Date(at('10:00:00')) }),
        },
        {
          atMs: at('12:01:30'),
          mrn,
          kind: 'calcium',
          body: calciumResult(mrn, '9.0', 'mg/dL', { controlId: 'CLK3', at: new Date(at('12:00:00')) }),
        },
      ],
      (message) => message.atMs,
    );
    const { code, stdout } = await backtest([
      '--from',
      '2025-03-03',
      '--to',
      '2025-03-03',
      '--dir',
      archive,
      '--config',
      example,
    ]);
    expect(code).toBe(0);
    // Opened at 10:02:30; sweeps every 5 min (example.json): escalated at 10:20 (the escalation topic,
    // not a page), repeated at 10:35, 11:05 and 11:35, resolved at 12:01:30: 5 pages in all.
    expect(stdout).toContain('Backtest 2025-03-03 to 2025-03-03 (UTC): 3 archived message(s) replayed');
    expect(stdout).toMatch(/critical\s+CALCIUM_CRITICAL_LOW\s+1\s+5\n/);
    expect(stdout).toMatch(/urgent\s+THIOSULFATE_NOT_STARTED\s+0\s+0\n/);
  }, 60_000);

  it('stops at the real clock: sweeps that have not happened yet are not replayed', async () => {
    const archive = join(folder, 'today');
    const mrn = 'BTNOW01';
    const now = Date.parse('2025-03-03T10:10:00Z');
    writeArchiveFolder(
      archive,
      [
        {
          atMs: now - 9 * minuteMs,
          mrn,
          kind: 'diagnosis',
          body: calciphylaxisDiagnosis(mrn, 'NOW1', new Date(now - 10 * minuteMs)),
        },
        {
          atMs: now - 8 * minuteMs,
          mrn,
          kind: 'calcium',
          body: calciumResult(mrn, '7.1', 'mg/dL', { controlId: 'NOW2', at: new Date(now - 10 * minuteMs) }),
        },
      ],
      (message) => message.atMs,
    );
    const io = captureIo();
    const code = await backtestCommand(
      ['--from', '2025-03-03', '--to', '2025-03-03', '--dir', archive, '--config', example, '--json'],
      io,
      { clock: () => new Date(now) },
    );
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout.join('\n')) as BacktestReport;
    // Opened 10:02, and at 10:10 no repeat (10:35) or escalation (10:20) has come due yet: the opening page only.
    expect(report.configs[0]!.rules.CALCIUM_CRITICAL_LOW).toEqual({ opened: 1, pages: 1 });
  });
});

describe('raising the critical calcium line to 7.8 mg/dL (rules.calcium.criticalBelowMgDl)', () => {
  /** A: the example hospital reading the second lab's calcium code; B: the same with the line at 7.8. */
  const withSecondLab = {
    ...exampleHospital,
    rules: {
      ...exampleHospital.rules,
      localLabCodes: {
        ...(exampleHospital.rules.localLabCodes as object),
        [secondLabCalciumCode]: 'calcium',
      },
    },
  };
  const configA = join(folder, 'line-7.5.json');
  const configRaised = join(folder, 'line-7.8.json');
  writeFileSync(configA, JSON.stringify(withSecondLab));
  writeFileSync(
    configRaised,
    JSON.stringify({
      ...withSecondLab,
      rules: { ...withSecondLab.rules, calcium: { criticalBelowMgDl: 7.8 } },
    }),
  );
  const anchorMs = Date.UTC(2025, 3, 7, 6);
  // CALCIUM_CRITICAL_LOW boundaries: 7.49 is critical under both, 7.5 to 7.79 only under B, 7.8 under neither.
  const values = [7.49, 7.5, 7.6, 7.7, 7.79, 7.8, 9.0, 7.8, 7.5];
  const feed = generateFeed({
    patients: 30,
    days: 92,
    anchorMs,
    seed: 5,
    tag: 'BT8',
    secondLab: { patients: [4, 12], values },
  });
  const archive = join(folder, 'line');
  writeArchiveFolder(archive, feed);

  it('shows the added critical alerts (and the CALCIUM_LOW they replace) and only those', async () => {
    const run = await backtest([
      '--from',
      day(anchorMs),
      '--to',
      day(anchorMs + 92 * dayMs),
      '--dir',
      archive,
      '--config',
      configA,
      '--config',
      configRaised,
      '--json',
    ]);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as BacktestReport;
    const cohortSince = new Map(
      feed.filter((message) => message.kind === 'diagnosis').map((message) => [message.mrn, message.atMs]),
    );
    const receivedAt = (message: (typeof feed)[number]) =>
      new Date(message.atMs + archiveDelayMs).toISOString();
    const key = (mrn: string, at: string) => `${mrn} ${at}`;
    // Calcium results of cohort members in the band the change moves: 7.5 up to, not including, 7.8.
    const inBand = feed.filter(
      (message) =>
        (message.kind === 'calcium' || message.kind === 'secondLabCalcium') &&
        (message.value ?? 99) >= 7.5 &&
        (message.value ?? 99) < 7.8 &&
        message.atMs > (cohortSince.get(message.mrn) ?? Number.POSITIVE_INFINITY),
    );
    const inBandKeys = new Set(inBand.map((message) => key(message.mrn, receivedAt(message))));
    const added = report.differences.filter((d) => d.ruleId === 'CALCIUM_CRITICAL_LOW');
    // Only the calcium rules differ; every added critical alert is B's, opened by a result in the band.
    expect(new Set(report.differences.map((d) => d.ruleId))).toEqual(
      new Set(['CALCIUM_CRITICAL_LOW', 'CALCIUM_LOW']),
    );
    expect(added.length).toBeGreaterThanOrEqual(4);
    for (const difference of added) {
      expect(difference.only).toBe('B');
      expect(inBandKeys.has(key(difference.mrn, difference.at)), JSON.stringify(difference)).toBe(true);
    }
    // The second lab's results in the band each open one (the main lab's normal result before each resolved the last).
    const addedKeys = new Set(added.map((d) => key(d.mrn, d.at)));
    for (const message of inBand.filter((m) => m.kind === 'secondLabCalcium')) {
      expect(addedKeys.has(key(message.mrn, receivedAt(message))), `${message.value} mg/dL`).toBe(true);
    }
    // 7.49 is critical under both lines and 7.8 under neither: no difference at those results.
    const unchanged = feed.filter(
      (message) => message.kind === 'secondLabCalcium' && (message.value === 7.49 || message.value === 7.8),
    );
    expect(unchanged.length).toBeGreaterThan(0);
    for (const message of unchanged) {
      expect(addedKeys.has(key(message.mrn, receivedAt(message)))).toBe(false);
    }
  }, 180_000);
});
