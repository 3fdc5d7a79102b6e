/**
 * The MLLP door on the local stack: the same ingest as POST /hl7 (same
 * handler code, DynamoDB Local, S3 emulator), driven by node-hl7-client, an
 * MLLP client written elsewhere, and by raw sockets. Same ACKs, same
 * notifications, duplicates recognised across both doors.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type InboundResponse, Message } from 'node-hl7-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../bin/cli/http.js';
import { startRelay } from '../../bin/mllp/relay.js';
import { Spool } from '../../bin/mllp/spool.js';
import { maxMessageBytesLimit } from '../../lambdas/hl7/index.js';
import corpus from '../fixtures/hl7/corpus-cases.json' with { type: 'json' };
import { framed, msa, rawPeer } from '../mllp/support.js';
import { localServicesTimeoutMs } from '../support/local-services.js';
import {
  calciphylaxisDiagnosis,
  calciumResult,
  type Harness,
  newControlId,
  newMrn,
  startHarness,
} from './harness.js';

let harness: Harness;
let client: Client;

beforeAll(async () => {
  harness = await startHarness();
  client = new Client({ host: harness.stack.mllp.host });
}, localServicesTimeoutMs);

afterAll(async () => {
  client?.closeAll();
  await harness?.stop();
});

/** What an ACK says, without its own header (MSH-7 and MSH-10 are new per ACK). */
const verdict = (ack: string) =>
  ack
    .split(/\r\n?|\n/)
    .filter((segment) => segment.startsWith('MSA') || segment.startsWith('ERR'))
    .join('\r');

/** One node-hl7-client connection that waits for each ACK; resolves ACKs in the order they come. */
function hl7ClientConnection() {
  const acks: string[] = [];
  const waiters: (() => void)[] = [];
  const connection = client.createConnection(
    { port: harness.stack.mllp.port, waitAck: true, maxConnectionAttempts: 3 },
    async (response: InboundResponse) => {
      acks.push(response.getMessage().toString());
      waiters.shift()?.();
    },
  );
  return {
    async send(text: string): Promise<string> {
      const answered = new Promise<void>((resolve) => waiters.push(resolve));
      await connection.sendMessage(new Message({ text }));
      await answered;
      return acks.shift()!;
    },
    close: () => connection.close(),
  };
}

/** Corpus cases node-hl7-client can build as one message (not batches, not what it cannot read). */
function sendableByPeer(input: string): boolean {
  if (input.startsWith('FHS') || input.startsWith('BHS') || input.includes('\x0b')) return false;
  try {
    new Message({ text: input });
    return true;
  } catch {
    return false;
  }
}

describe('MLLP on the local stack, with node-hl7-client as the sender', () => {
  it('answers the fixture corpus as POST /hl7 answers it (same MSA and ERR)', async () => {
    const connection = hl7ClientConnection();
    const cases = (corpus as { id: string; input: string }[]).filter((c) => sendableByPeer(c.input));
    expect(cases.length).toBeGreaterThan(10);
    for (const corpusCase of cases) {
      const overMllp = await connection.send(corpusCase.input);
      const overHttp = await harness.post(corpusCase.input);
      expect({ id: corpusCase.id, ack: verdict(overMllp) }).toEqual({
        id: corpusCase.id,
        ack: verdict(overHttp.ack),
      });
      expect(msa(overMllp).code).toBe(
        ({ 200: 'AA', 400: 'AR', 500: 'AE' } as Record<number, string>)[overHttp.status],
      );
    }
    await connection.close();
  }, 60_000);

  it('pages for a critical calcium sent over MLLP as for one posted, once (a resend over HTTP is a duplicate)', async () => {
    const mrn = newMrn();
    const connection = hl7ClientConnection();
    expect(msa(await connection.send(calciphylaxisDiagnosis(mrn))).code).toBe('AA');
    const controlId = newControlId();
    const result = calciumResult(mrn, '7.2', 'mg/dL', { controlId });
    expect(msa(await connection.send(result))).toEqual({ code: 'AA', controlId });
    await harness.waitFor(
      () => harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
      // Generous: under the whole suite on 2 cores the stream can lag; a passing run returns at once.
      30_000,
    );

    // The same message through the other door: accepted as a duplicate, no second page.
    const resent = await harness.post(result);
    expect(resent.status).toBe(200);
    const overMllpAgain = await connection.send(result);
    expect(msa(overMllpAgain)).toEqual({ code: 'AA', controlId });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(
      harness.notificationsFor(mrn).filter((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
    ).toHaveLength(1);
    await connection.close();
  }, 60_000);

  it('recognises a message first posted over HTTP as a duplicate when it arrives over MLLP', async () => {
    const mrn = newMrn();
    expect((await harness.post(calciphylaxisDiagnosis(mrn))).status).toBe(200);
    const result = calciumResult(mrn, '7.1');
    expect((await harness.post(result)).status).toBe(200);
    await harness.waitFor(
      () => harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
      // Generous: under the whole suite on 2 cores the stream can lag; a passing run returns at once.
      30_000,
    );
    const peer = await rawPeer(harness.stack.mllp.port);
    peer.write(framed(result));
    expect(msa((await peer.acks(1))[0]!).code).toBe('AA');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(
      harness.notificationsFor(mrn).filter((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
    ).toHaveLength(1);
    peer.end();
  }, 60_000);
});

describe('MLLP on the local stack, raw sockets', () => {
  it('answers a message over the size limit (the HTTP limit) with AR naming the limit, and the next one AA', async () => {
    const peer = await rawPeer(harness.stack.mllp.port);
    const controlId = newControlId();
    const big = `${calciumResult(newMrn(), '9.0', 'mg/dL', { controlId })}\rNTE|1||${'X'.repeat(maxMessageBytesLimit)}`;
    const next = calciumResult(newMrn(), '9.1');
    peer.write(framed(big) + framed(next));
    const [bigAck, nextAck] = await peer.acks(2, 20_000);
    expect(msa(bigAck!)).toEqual({ code: 'AR', controlId });
    expect(bigAck).toContain('exceeds the size limit of 4194304 bytes (4 MiB)');
    expect(msa(nextAck!).code).toBe('AA');
    peer.end();
  }, 30_000);

  it('answers bytes that are no HL7 message with AR, as POST /hl7 does', async () => {
    const peer = await rawPeer(harness.stack.mllp.port);
    peer.write(framed('hello'));
    const [ack] = await peer.acks(1);
    expect(verdict(ack!)).toBe(verdict((await harness.post('hello')).ack));
    expect(msa(ack!).code).toBe('AR');
    peer.end();
  });

  it('load: 1,000 messages over 4 connections, all acknowledged AA, each connection in order', async () => {
    const peers = await Promise.all([0, 1, 2, 3].map(() => rawPeer(harness.stack.mllp.port)));
    const sent = peers.map(() => Array.from({ length: 250 }, () => newControlId()));
    const started = Date.now();
    const acks = await Promise.all(
      peers.map(async (peer, index) => {
        const mrn = newMrn();
        peer.write(
          sent[index]!.map((controlId) => framed(calciumResult(mrn, '9.2', 'mg/dL', { controlId }))).join(''),
        );
        return peer.acks(250, 110_000);
      }),
    );
    const elapsedMs = Date.now() - started;
    acks.forEach((peerAcks, index) => {
      expect(peerAcks.map((ack) => msa(ack))).toEqual(
        sent[index]!.map((controlId) => ({ code: 'AA', controlId })),
      );
    });
    expect(elapsedMs).toBeLessThan(110_000);
    for (const peer of peers) peer.end();
  }, 120_000);
});

describe('the relay in front of the local stack', () => {
  it("answers with the stack's ACK, and a spooled message the stack already has is a duplicate: no second page", async () => {
    const mrn = newMrn();
    expect((await harness.post(calciphylaxisDiagnosis(mrn))).status).toBe(200);
    const result = calciumResult(mrn, '7.0');
    expect((await harness.post(result)).status).toBe(200);
    await harness.waitFor(
      () => harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
      // Generous: under the whole suite on 2 cores the stream can lag; a passing run returns at once.
      30_000,
    );

    // As after a relay stopped between the stack storing a spooled message and the relay removing it.
    const folder = mkdtempSync(join(tmpdir(), 'relay-e2e-'));
    new Spool(folder).add(Buffer.from(result));
    const relay = await startRelay({
      listen: { port: 0 },
      target: new URL(harness.stack.ingestUrl),
      client: createHttpClient({ timeoutMs: 5000 }),
      spoolFolder: folder,
      retryIntervalMs: 100,
    });
    try {
      await harness.waitFor(() => relay.spooled() === 0);
      const peer = await rawPeer(relay.port);
      const unknownType = calciumResult(newMrn(), '9.0').replace('ORU^R01^ORU_R01', 'ZZZ^Z01');
      peer.write(framed(unknownType));
      const [ack] = await peer.acks(1);
      expect(verdict(ack!)).toBe(verdict((await harness.post(unknownType)).ack));
      expect(msa(ack!).code).toBe('AR');
      peer.end();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(
        harness.notificationsFor(mrn).filter((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
      ).toHaveLength(1);
    } finally {
      await relay.stop();
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
