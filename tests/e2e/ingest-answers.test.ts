/**
 * What the lab feed is told, over HTTP on the local stack (same handler,
 * adapters, DynamoDB Local and S3 emulator as in AWS): the HTTP status always
 * follows MSA-1 (AA 200, AR 400, AE 500), and every answer ends (AA or AR)
 * unless a retry can really help.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localServicesTimeoutMs } from '../support/local-services.js';
import { calciumResult, type Harness, newControlId, newMrn, startHarness } from './harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
}, localServicesTimeoutMs);

afterAll(async () => {
  await harness?.stop();
});

const msa = (ack: string) => /\rMSA\|([A-Z]{2})\|([^|\r]*)/.exec(ack)?.slice(1, 3);

describe('HTTP status and MSA-1 agree for what a fuzz run found', () => {
  it.each([
    ['an MLLP-framed message followed by trailing bytes', (m: string) => `\x0b${m}\x1c\rtrailing`],
    [
      'a framed message inside an NTE',
      (m: string) => `${m}\rNTE|1|L|\x0b${calciumResult(newMrn(), '9.1')}\x1c\r`,
    ],
  ])('%s: AR with HTTP 400, and a resend of the message alone is accepted', async (_name, mutate) => {
    const controlId = newControlId();
    const message = calciumResult(newMrn(), '7.2', 'mg/dL', { controlId });

    const rejected = await harness.post(mutate(message));
    expect(rejected.status).toBe(400);
    expect(msa(rejected.ack)).toEqual(['AR', controlId]);
    expect(rejected.ack).toContain('one message per request');

    // Nothing of the rejected body was stored: the message alone is new, not a duplicate.
    const alone = await harness.post(message);
    expect(alone.status).toBe(200);
    expect(msa(alone.ack)).toEqual(['AA', controlId]);
  });
});

describe('the message size limit (4 MiB: under what API Gateway and Lambda accept)', () => {
  it('answers a message over it AR with HTTP 400, naming the limit', async () => {
    const controlId = newControlId();
    const message = calciumResult(newMrn(), '7.2', 'mg/dL', { controlId });
    const oversize = `${message}\rNTE|1|L|${'x'.repeat(4 * 1024 * 1024)}\r`;

    const { status, ack } = await harness.post(oversize);

    expect(status).toBe(400);
    expect(msa(ack)).toEqual(['AR', controlId]);
    expect(ack).toMatch(
      /\rERR\|[^\r]*\|104\^Value too long\^HL70357\|F\|\|\|\|Message exceeds the size limit of 4194304 bytes \(4 MiB\)/,
    );
  });
});
