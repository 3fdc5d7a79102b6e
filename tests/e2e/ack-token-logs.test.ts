/**
 * An ack token is a credential: nothing the local stack writes (handler logs
 * at DEBUG, the API server's errors, the stream poller) may contain one, for
 * a link opened, acknowledged, reused, altered or sent to a wrong method.
 * In AWS, API Gateway's access logs record the route instead of the path and
 * the stage is not traced (tests/cdk/ack-route-protection.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localServicesTimeoutMs } from '../support/local-services.js';
import { calciphylaxisDiagnosis, calciumResult, type Harness, newMrn, startHarness } from './harness.js';

let harness: Harness;
const written: string[] = [];
const restore: (() => void)[] = [];

/** Everything written to stdout, stderr or the console while the stack runs. */
function capture(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = original;
    });
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      written.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
      original(...args);
    };
    restore.push(() => {
      console[level] = original;
    });
  }
}

beforeAll(async () => {
  // Every log line the handlers can write, not only warnings.
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  capture();
  harness = await startHarness();
}, localServicesTimeoutMs);

afterAll(async () => {
  await harness?.stop();
  for (const undo of restore.reverse()) undo();
});

describe('ack tokens in the local stack logs', () => {
  it('appear in no log line, whatever is done with the link', async () => {
    const mrn = newMrn();
    expect((await harness.post(calciphylaxisDiagnosis(mrn))).status).toBe(200);
    expect((await harness.post(calciumResult(mrn, '7.0'))).status).toBe(200);
    await harness.waitFor(() =>
      harness
        .notificationsFor(mrn)
        .some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW' && n.body.event === 'opened'),
    );
    const page = harness
      .notificationsFor(mrn)
      .find((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW' && n.body.event === 'opened');
    const ackUrl = String(page?.body.ackUrl);
    const token = ackUrl.slice(ackUrl.lastIndexOf('/a/') + 3);
    expect(token.length).toBeGreaterThan(30);
    const altered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    expect((await fetch(ackUrl)).status).toBe(200);
    expect((await fetch(ackUrl, { method: 'POST', body: 'by=Dr+Synthetic', headers: form })).status).toBe(
      200,
    );
    expect((await fetch(ackUrl, { method: 'POST', body: 'by=Again', headers: form })).status).toBe(200);
    const alteredUrl = ackUrl.replace(token, altered);
    expect((await fetch(alteredUrl)).status).toBe(404);
    expect((await fetch(alteredUrl, { method: 'POST', body: 'by=X', headers: form })).status).toBe(404);
    expect((await fetch(ackUrl, { method: 'PUT' })).status).toBe(405);
    await harness.waitFor(() => harness.notificationsFor(mrn).some((n) => n.body.event === 'acknowledged'));

    const logs = written.join('\n');
    // The check is live: the handlers did log these requests.
    expect(logs).toContain('ack link');
    for (const secret of [token, altered]) {
      expect(logs.includes(secret), 'a token in the logs').toBe(false);
      // Nor its signed part alone (the last 22 characters: the 128-bit tag).
      expect(logs.includes(secret.slice(-22)), 'a token tag in the logs').toBe(false);
    }
  });
});
