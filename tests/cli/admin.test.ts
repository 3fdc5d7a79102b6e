/** `npm run alerts` and `npm run cohort` against a server answering like the admin API. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alertsCommand } from '../../bin/cli/commands/alerts.js';
import { cohortCommand } from '../../bin/cli/commands/cohort.js';
import { runCommand } from '../../bin/cli/io.js';
import { captureIo, type ReceivedRequest, startTestServer, type TestServer } from './support.js';

function alert(alertId: string, ruleId: string, state: string, extra: Record<string, unknown> = {}) {
  return {
    alertId,
    ruleId,
    alertScope: '',
    severity: ruleId === 'CALCIUM_CRITICAL_LOW' ? 'critical' : 'urgent',
    state,
    // A server configured with pagePhi=full could add the name: the tools must never print it.
    patient: {
      facility: 'NDC',
      namespace: 'NDC',
      mrn: '900001',
      location: 'HD^CHAIR07',
      name: 'TESTPATIENT^DEMO',
    },
    finding: 'calcium 7.2 mg/dL',
    recommendation: 'withhold cinacalcet',
    evidence: [],
    openedAt: '2027-03-01T12:00:00.000Z',
    lastNotifiedAt: '2027-03-01T12:00:00.000Z',
    repeatCount: 0,
    version: 1,
    ...extra,
  };
}

const pages: Record<string, unknown> = {
  first: {
    alerts: [alert('CALCIUM_CRITICAL_LOW-0a1b2c3d4e5f6', 'CALCIUM_CRITICAL_LOW', 'open')],
    cursor: 'page-2',
  },
  'page-2': { alerts: [alert('PTH_SEVERE-0z9y8x7w6v5u4', 'PTH_SEVERE', 'acknowledged')] },
};

/** The signed caller, as API Gateway would name it. */
const caller = 'arn:aws:iam::123456789012:user/dr-renal';

function adminLike(request: ReceivedRequest) {
  const url = new URL(request.url, 'http://127.0.0.1');
  const json = (status: number, body: unknown) => ({
    status,
    body: JSON.stringify(body),
    contentType: 'application/json',
  });
  if (request.method === 'GET' && url.pathname === '/v1/alerts') {
    return json(200, pages[url.searchParams.get('cursor') ?? 'first']);
  }
  const ack = /^\/v1\/alerts\/([^/]+)\/ack$/.exec(url.pathname);
  if (request.method === 'POST' && ack !== null) {
    const id = decodeURIComponent(ack[1]!);
    const { byName } = JSON.parse(request.body.toString()) as { byName?: string };
    if (id === 'MISSING') return json(404, { error: `no alert ${id}` });
    if (id === 'CLOSED')
      return json(409, { error: `alert ${id} is resolved`, alert: alert(id, 'CALCIUM_LOW', 'resolved') });
    const acknowledged = alert(id, 'CALCIUM_CRITICAL_LOW', 'acknowledged', {
      acknowledgedBy: caller,
      ...(byName === undefined ? {} : { acknowledgedByName: byName }),
      acknowledgedAt: '2027-03-01T12:05:00.000Z',
    });
    return json(200, { outcome: 'acknowledged', alert: acknowledged });
  }
  const cohort = /^\/v1\/patients\/([^/]+)\/([^/]+)\/cohort$/.exec(url.pathname);
  if (request.method === 'POST' && cohort !== null) {
    const body = JSON.parse(request.body.toString()) as { action: string; byName?: string; reason?: string };
    const resolvesAlerts =
      body.action === 'remove'
        ? [{ alertId: 'VKA_ACTIVE-0a1b2c3d4e5f6', ruleId: 'VKA_ACTIVE', severity: 'critical', state: 'open' }]
        : [];
    return json(200, {
      recordId: 'ENROL#2027-03-01T12:00:00.000Z',
      enrolment: { kind: 'cohortEnrolment', ...body, by: caller, at: '2027-03-01T12:00:00.000Z' },
      resolvesAlerts,
    });
  }
  return json(404, { error: `no route ${request.method} ${url.pathname}` });
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(adminLike);
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
});

async function run(command: typeof alertsCommand, args: string[]) {
  const io = captureIo();
  const code = await runCommand(command, [...args, '--url', `${server.base}/v1`], io);
  return { code, ...io };
}

describe('npm run alerts -- list', () => {
  it('follows the cursor and prints one row per alert: id, rule, severity, state, facility, MRN, location, opened', async () => {
    const { code, stdout } = await run(alertsCommand, ['list', '--page-size', '1']);
    expect(code).toBe(0);
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v1/alerts?limit=1',
      '/v1/alerts?limit=1&cursor=page-2',
    ]);
    expect(stdout[0]).toMatch(/^ALERT ID +RULE +SEVERITY +STATE +FACILITY +MRN +LOCATION +OPENED AT$/);
    expect(stdout[2]!.split(/ {2,}/)).toEqual([
      'CALCIUM_CRITICAL_LOW-0a1b2c3d4e5f6',
      'CALCIUM_CRITICAL_LOW',
      'critical',
      'open',
      'NDC',
      '900001',
      'HD^CHAIR07',
      '2027-03-01T12:00:00.000Z',
    ]);
    expect(stdout[3]).toMatch(/^PTH_SEVERE-0z9y8x7w6v5u4 +PTH_SEVERE +urgent +acknowledged /);
    expect(stdout.at(-1)).toBe('2 alert(s): 1 open, 1 acknowledged');
    expect(stdout.join('\n')).not.toContain('TESTPATIENT');
  });
});

describe('npm run alerts -- ack', () => {
  it("posts the name given (never who acts) to the alert's route and prints the identity with it", async () => {
    const { code, stdout } = await run(alertsCommand, [
      'ack',
      'CALCIUM_CRITICAL_LOW-0a1b2c3d4e5f6',
      '--name',
      'Dr Renal',
    ]);
    expect(code).toBe(0);
    expect(server.requests[0]!.url).toBe('/v1/alerts/CALCIUM_CRITICAL_LOW-0a1b2c3d4e5f6/ack');
    expect(JSON.parse(server.requests[0]!.body.toString())).toEqual({ byName: 'Dr Renal' });
    expect(stdout).toEqual([
      `CALCIUM_CRITICAL_LOW-0a1b2c3d4e5f6 (CALCIUM_CRITICAL_LOW, critical, NDC 900001) acknowledged by Dr Renal (${caller}) at 2027-03-01T12:05:00.000Z`,
    ]);
  });

  it('acknowledges as the identity alone without --name; --by is no longer an option', async () => {
    const { code, stdout } = await run(alertsCommand, ['ack', 'CALCIUM_CRITICAL_LOW-0a1b2c3d4e5f6']);
    expect(code).toBe(0);
    expect(JSON.parse(server.requests[0]!.body.toString())).toEqual({});
    expect(stdout[0]).toContain(`acknowledged by ${caller} at`);
    expect((await run(alertsCommand, ['ack', 'X', '--by', 'Dr Renal'])).code).toBe(2);
  });

  it('exits 1 for an unknown or closed alert, saying which', async () => {
    const missing = await run(alertsCommand, ['ack', 'MISSING']);
    expect(missing.code).toBe(1);
    expect(missing.stderr[0]).toMatch(/^no alert MISSING/);
    const closed = await run(alertsCommand, ['ack', 'CLOSED']);
    expect(closed.code).toBe(1);
    expect(closed.stderr[0]).toBe('CLOSED is resolved: nothing to acknowledge');
  });

  it('requires an alert id (exit 2, nothing sent)', async () => {
    expect((await run(alertsCommand, ['ack'])).code).toBe(2);
    expect((await run(alertsCommand, ['ack', '--name', 'Dr Renal'])).code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });
});

describe('npm run cohort', () => {
  it('enrols: facility and MRN in the path (encoded), action, the name given and why in the body', async () => {
    const { code, stdout } = await run(cohortCommand, [
      'enrol',
      'NDC EAST',
      '900001',
      '--name',
      'Dr Renal',
      '--reason',
      'biopsy-proven',
    ]);
    expect(code).toBe(0);
    expect(server.requests[0]!.url).toBe('/v1/patients/NDC%20EAST/900001/cohort');
    expect(JSON.parse(server.requests[0]!.body.toString())).toEqual({
      action: 'enrol',
      byName: 'Dr Renal',
      reason: 'biopsy-proven',
    });
    expect(stdout[0]).toBe(
      `NDC EAST 900001 enrolled in the cohort by Dr Renal (${caller}) at 2027-03-01T12:00:00.000Z (record ENROL#2027-03-01T12:00:00.000Z)`,
    );
  });

  it('removes with a reason, listing the alerts it resolves; refuses a removal without one and an unknown action', async () => {
    const removed = await run(cohortCommand, ['remove', 'NDC', '900001', '--reason', 'transferred']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toEqual([
      `NDC 900001 removed from the cohort by ${caller} at 2027-03-01T12:00:00.000Z (record ENROL#2027-03-01T12:00:00.000Z)`,
      '  resolves VKA_ACTIVE-0a1b2c3d4e5f6 (VKA_ACTIVE, critical)',
    ]);
    server.requests.length = 0;
    const noReason = await run(cohortCommand, ['remove', 'NDC', '900001']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr.join('\n')).toContain('--reason');
    expect((await run(cohortCommand, ['admit', 'NDC', '900001'])).code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });

  it('shows an error the API answers with', async () => {
    const io = captureIo();
    const code = await runCommand(cohortCommand, ['enrol', 'NDC', '1', '--url', `${server.base}/v0`], io);
    expect(code).toBe(1);
    expect(io.stderr[0]).toBe('404 no route POST /v0/patients/NDC/1/cohort');
  });
});
