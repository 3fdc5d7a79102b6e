/**
 * `npm run report` against a server answering like GET /reports/timeliness
 * (the report computed by the pipeline's own timelinessReport from a
 * scripted month): the summary printed, the exceptions listed by MRN, the
 * CSV written as the server sent it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../bin/cli/commands/report.js';
import { runCommand } from '../../bin/cli/io.js';
import type { Alert } from '../../lambdas/domain/alerts.js';
import { timelinessReport } from '../../lambdas/timeliness/report.js';
import { captureIo, type ReceivedRequest, startTestServer, type TestServer } from './support.js';

/** A critical alert with the timeliness marks given as `HH:MM` on one November 2026 day. */
function critical(
  id: string,
  day: string,
  times: { result: string; paged: string; acked?: string },
  state: Alert['state'],
): Alert {
  const at = (time: string) => `2026-11-${day}T${time}:00.000Z`;
  return {
    alertId: `CALCIUM_CRITICAL_LOW-${id}`,
    patient: { facility: 'NDC', namespace: 'NDC', mrn: `9000${id}` },
    ruleId: 'CALCIUM_CRITICAL_LOW',
    alertScope: '',
    severity: 'critical',
    state,
    finding: 'calcium 7.1 mg/dL',
    recommendation: 'withhold cinacalcet',
    evidence: [],
    resultAt: at(times.result),
    openedAt: at(times.paged),
    firstPagedAt: at(times.paged),
    ...(times.acked === undefined
      ? {}
      : { acknowledgedAt: at(times.acked), acknowledgedBy: 'Dr Synthetic Oncall' }),
    lastNotifiedAt: at(times.paged),
    repeatCount: 0,
    version: 2,
  };
}

// Result to page 2, 4 and 6 min; page to ack 18 and 41 min; result to ack 20 (met), 45 (late), never.
const november = [
  critical('01', '03', { result: '10:00', paged: '10:02', acked: '10:20' }, 'acknowledged'),
  critical('02', '10', { result: '22:00', paged: '22:04', acked: '22:45' }, 'resolved'),
  critical('03', '20', { result: '03:00', paged: '03:06' }, 'open'),
];

function reportLike(request: ReceivedRequest) {
  const url = new URL(request.url, 'http://127.0.0.1');
  if (request.method !== 'GET' || url.pathname !== '/v1/reports/timeliness') {
    return { status: 404, body: '{"error":"no route"}', contentType: 'application/json' };
  }
  const from = new Date(url.searchParams.get('from') ?? '');
  const to = new Date(url.searchParams.get('to') ?? '');
  if (to.getTime() - from.getTime() > 366 * 86_400_000) {
    return {
      status: 400,
      body: JSON.stringify({ error: 'bad request', issues: ['to: the period may span at most 366 days'] }),
      contentType: 'application/json',
    };
  }
  const report = timelinessReport(november, { from, to, targetMinutes: 30 });
  if (url.searchParams.get('format') === 'csv') {
    return { status: 200, body: report.csv, contentType: 'text/csv; charset=utf-8' };
  }
  // A server could say more than the tool prints: a name must never reach the terminal.
  const rows = report.rows.map((row) => ({ ...row, alert: { ...row.alert, name: 'TESTPATIENT^DEMO' } }));
  return {
    status: 200,
    body: JSON.stringify({ from: from.toISOString(), to: to.toISOString(), summary: report.summary, rows }),
    contentType: 'application/json',
  };
}

let server: TestServer;
let folder: string;
beforeAll(async () => {
  server = await startTestServer(reportLike);
  folder = await mkdtemp(join(tmpdir(), 'report-cli-'));
});
afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});
afterEach(() => {
  server.requests.length = 0;
});

async function run(args: string[]) {
  const io = captureIo();
  const code = await runCommand(reportCommand, [...args, '--url', `${server.base}/v1`], io);
  return { code, ...io };
}

describe('npm run report', () => {
  it('asks for the whole days given (UTC, --to included) and prints the summary figures', async () => {
    const { code, stdout, stderr } = await run(['--from', '2026-11-01', '--to', '2026-11-30']);

    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(server.requests.map((request) => request.url)).toEqual([
      '/v1/reports/timeliness?from=2026-11-01T00%3A00%3A00.000Z&to=2026-12-01T00%3A00%3A00.000Z',
    ]);
    expect(stdout.slice(0, 5)).toEqual([
      'Critical-result timeliness, alerts opened 2026-11-01T00:00:00.000Z to 2026-12-01T00:00:00.000Z (end excluded)',
      'Critical alerts: 3; target: acknowledged within 30 min of the result',
      'Result to first page: median 4.0 min, 90th percentile 6.0 min (3 alert(s))',
      'First page to acknowledgement: median 29.5 min, 90th percentile 41.0 min (2 alert(s))',
      'Within target: 1; late: 1; never acknowledged: 1',
    ]);
  });

  it('lists the late and the never-acknowledged alerts by id and MRN, never by name', async () => {
    const { stdout } = await run(['--from', '2026-11-01', '--to', '2026-11-30']);
    const text = stdout.join('\n');

    const late = stdout.indexOf('Acknowledged later than the target:');
    const never = stdout.indexOf('Never acknowledged:');
    expect(late).toBeGreaterThan(0);
    expect(stdout[late + 3]?.split(/ {2,}/)).toEqual([
      'CALCIUM_CRITICAL_LOW-02',
      'CALCIUM_CRITICAL_LOW',
      'NDC',
      '900002',
      'resolved',
      '2026-11-10T22:00:00.000Z',
      '45.0 min',
    ]);
    expect(stdout[never + 3]?.split(/ {2,}/)).toEqual([
      'CALCIUM_CRITICAL_LOW-03',
      'CALCIUM_CRITICAL_LOW',
      'NDC',
      '900003',
      'open',
      '2026-11-20T03:00:00.000Z',
      '-',
    ]);
    expect(text).not.toContain('CALCIUM_CRITICAL_LOW-01 ');
    expect(text).not.toContain('TESTPATIENT');
    expect(text).not.toContain('Synthetic');
  });

  it('writes the CSV exactly as the server sent it with --csv', async () => {
    const path = join(folder, 'november.csv');
    const { code, stdout } = await run(['--from', '2026-11-01', '--to', '2026-11-30', '--csv', path]);

    expect(code).toBe(0);
    expect(
      server.requests.map((request) => new URL(request.url, 'http://x').searchParams.get('format')),
    ).toEqual([null, 'csv']);
    const written = await readFile(path, 'utf8');
    const expected = timelinessReport(november, {
      from: new Date('2026-11-01T00:00:00.000Z'),
      to: new Date('2026-12-01T00:00:00.000Z'),
      targetMinutes: 30,
    }).csv;
    expect(written).toBe(expected);
    expect(written.split('\r\n')).toHaveLength(5);
    expect(stdout.at(-1)).toBe(`CSV written to ${path} (3 alert(s))`);
  });

  it('takes date-times with an offset as given, and a shorter period holds fewer alerts', async () => {
    const { code, stdout } = await run([
      '--from',
      '2026-11-05T08:00:00+01:00',
      '--to',
      '2026-11-15T00:00:00Z',
    ]);

    expect(code).toBe(0);
    expect(server.requests[0]?.url).toBe(
      '/v1/reports/timeliness?from=2026-11-05T07%3A00%3A00.000Z&to=2026-11-15T00%3A00%3A00.000Z',
    );
    expect(stdout[1]).toBe('Critical alerts: 1; target: acknowledged within 30 min of the result');
  });

  it.each([
    [['--to', '2026-11-30'], '--from is required'],
    [['--from', '2026-02-30', '--to', '2026-03-31'], '--from must be a day'],
    [['--from', '2026-11-01', '--to', 'next friday'], '--to must be a day'],
    [['--from', '2026-11-01', '--to', '2026-11-01T08:00:00'], '--to must be a day'],
    [['--from', '2026-11-30', '--to', '2026-11-01'], '--to must be after --from'],
  ])('refuses %j before sending anything (exit 2)', async (args, message) => {
    const { code, stderr } = await run(args);

    expect(code).toBe(2);
    expect(stderr.join('\n')).toContain(message);
    expect(server.requests).toEqual([]);
  });

  it('says what the server refused (exit 1)', async () => {
    const { code, stderr } = await run(['--from', '2025-01-01', '--to', '2026-11-30']);

    expect(code).toBe(1);
    expect(stderr).toEqual(['400 bad request: to: the period may span at most 366 days']);
  });

  it('says which file it could not write (exit 1)', async () => {
    const path = join(folder, 'no-such-folder', 'out.csv');
    const { code, stderr } = await run(['--from', '2026-11-01', '--to', '2026-11-30', '--csv', path]);

    expect(code).toBe(1);
    expect(stderr).toEqual([`could not write ${path} (ENOENT)`]);
  });
});
