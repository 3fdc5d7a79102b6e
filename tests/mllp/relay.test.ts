/**
 * The on-site relay: MLLP in, POST /hl7 out, the target's ACK back. The
 * target here is an HTTP server answering as HL7 over HTTP (AA 200, AR 400)
 * that can go away (port closed) or answer 503 without an ACK as a gateway
 * does; the relay is stopped and started again on the same spool as after a
 * crash.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { relayCommand } from '../../bin/cli/commands/relay.js';
import { createHttpClient } from '../../bin/cli/http.js';
import { type Relay, startRelay } from '../../bin/mllp/relay.js';
import { buildAck, readHl7 } from '../../lambdas/hl7/index.js';
import { framed, msa, rawPeer } from './support.js';

const message = (controlId: string, type = 'ORU^R01^ORU_R01') =>
  `MSH|^~\\&|LAB|NORTHSIDE|ALERTING|NORTHSIDE|20260101120000||${type}|${controlId}|P|2.5.1\rPID|1||TEST1^^^NDC^MR`;

interface Target {
  url: URL;
  /** Control ids received, in order. */
  received: string[];
  /** Bodies answered, exactly as sent back. */
  answered: string[];
  headers: Record<string, string | string[] | undefined>[];
  mode: 'up' | 'gateway-error';
  /** Rejects this message type with AR. */
  rejectType?: string;
  down(): Promise<void>;
  up(): Promise<void>;
}

let target: Target;
let server: Server | undefined;
let relays: Relay[] = [];
let spoolFolder: string;

async function startTarget(): Promise<Target> {
  const state: Target = {
    url: new URL('http://127.0.0.1/hl7'),
    received: [],
    answered: [],
    headers: [],
    mode: 'up',
    async down() {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        server?.closeAllConnections();
      });
    },
    async up() {
      server = createServer(async (request, response) => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        if (state.mode === 'gateway-error') {
          response
            .writeHead(503, { 'content-type': 'application/json' })
            .end('{"message":"Service Unavailable"}');
          return;
        }
        state.headers.push(request.headers);
        const read = readHl7(Buffer.concat(chunks)).messages[0]!;
        const controlId = read.ok ? read.message.header.controlId : '';
        state.received.push(controlId);
        const rejected = !read.ok || read.message.header.messageCode === state.rejectType;
        const ack = buildAck(read, { code: rejected ? 'AR' : 'AA' });
        state.answered.push(ack);
        response.writeHead(rejected ? 400 : 200, { 'content-type': 'x-application/hl7-v2+er7' }).end(ack);
      });
      await new Promise<void>((resolve) =>
        server!.listen(Number(state.url.port || 0), '127.0.0.1', () => {
          const address = server!.address();
          if (typeof address === 'object' && address !== null) state.url.port = String(address.port);
          resolve();
        }),
      );
    },
  };
  await state.up();
  return state;
}

beforeEach(async () => {
  target = await startTarget();
  spoolFolder = mkdtempSync(join(tmpdir(), 'relay-spool-'));
});

afterEach(async () => {
  for (const relay of relays) await relay.stop();
  relays = [];
  await target.down();
  rmSync(spoolFolder, { recursive: true, force: true });
});

async function relay(
  options: { spool?: boolean; port?: number; retryIntervalMs?: number } = {},
): Promise<Relay> {
  const started = await startRelay({
    listen: { port: options.port ?? 0 },
    target: target.url,
    client: createHttpClient({ timeoutMs: 2000 }),
    retryIntervalMs: options.retryIntervalMs ?? 50,
    ...(options.spool ? { spoolFolder } : {}),
  });
  relays.push(started);
  return started;
}

const queued = () => readdirSync(join(spoolFolder, 'queue'));

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('relay', () => {
  it("forwards each message and answers with the target's ACK, unchanged", async () => {
    const started = await relay();
    const peer = await rawPeer(started.port);
    peer.write(framed(message('R1')) + framed(message('R2')));
    const acks = await peer.acks(2);
    expect(acks).toEqual(target.answered);
    expect(target.received).toEqual(['R1', 'R2']);
  });

  it('passes the target AR through (the message is not retried)', async () => {
    target.rejectType = 'ADT';
    const started = await relay();
    const peer = await rawPeer(started.port);
    peer.write(framed(message('R3', 'ADT^A08^ADT_A01')));
    expect(msa((await peer.acks(1))[0]!)).toEqual({ code: 'AR', controlId: 'R3' });
  });

  it('answers AE while the target cannot be reached (no spool), and forwards the resend once it is back', async () => {
    const started = await relay();
    const peer = await rawPeer(started.port);
    await target.down();
    peer.write(framed(message('DOWN')));
    const [refused] = await peer.acks(1);
    expect(msa(refused!)).toEqual({ code: 'AE', controlId: 'DOWN' });
    expect(refused).toContain('cannot be reached');

    target.mode = 'gateway-error';
    await target.up();
    peer.write(framed(message('DOWN')));
    expect(msa((await peer.acks(1))[0]!).code).toBe('AE');
    expect(target.received).toEqual([]);

    target.mode = 'up';
    peer.write(framed(message('DOWN')));
    expect(msa((await peer.acks(1))[0]!)).toEqual({ code: 'AA', controlId: 'DOWN' });
    expect(target.received).toEqual(['DOWN']);
  });

  it('with a spool: answers AA while the target is away, then forwards in arrival order, each once', async () => {
    // Long enough that S4 below arrives before the spool is tried again.
    const started = await relay({ spool: true, retryIntervalMs: 1000 });
    await target.down();
    const first = await rawPeer(started.port);
    const second = await rawPeer(started.port);
    for (const [peer, id] of [
      [first, 'S1'],
      [second, 'S2'],
      [first, 'S3'],
    ] as const) {
      peer.write(framed(message(id)));
      expect(msa((await peer.acks(1))[0]!)).toEqual({ code: 'AA', controlId: id });
    }
    expect(queued()).toHaveLength(3);
    expect(readFileSync(join(spoolFolder, 'queue', queued()[0]!), 'utf8')).toBe(message('S1'));

    await target.up();
    // Arriving while older messages wait: behind them, not before.
    first.write(framed(message('S4')));
    expect(msa((await first.acks(1))[0]!)).toEqual({ code: 'AA', controlId: 'S4' });
    await waitFor(() => started.spooled() === 0);
    expect(target.received).toEqual(['S1', 'S2', 'S3', 'S4']);
    expect(queued()).toEqual([]);

    // Spool empty again: straight through, the target's own ACK.
    first.write(framed(message('S5')));
    expect((await first.acks(1))[0]).toBe(target.answered.at(-1));
  });

  it('loses nothing and sends nothing twice when stopped and started again with messages spooled', async () => {
    const before = await relay({ spool: true });
    await target.down();
    const peer = await rawPeer(before.port);
    for (const id of ['K1', 'K2', 'K3', 'K4', 'K5']) {
      peer.write(framed(message(id)));
      expect(msa((await peer.acks(1))[0]!).code).toBe('AA');
    }
    await before.stop();
    relays = relays.filter((relay) => relay !== before);
    expect(queued()).toHaveLength(5);

    // A write cut short before its rename (never acknowledged) is dropped on start.
    writeFileSync(join(spoolFolder, 'tmp', '0000000000000005.hl7'), message('NEVER-ACKED').slice(0, 20));
    const after = await relay({ spool: true });
    expect(after.spooled()).toBe(5);
    expect(readdirSync(join(spoolFolder, 'tmp'))).toEqual([]);
    const again = await rawPeer(after.port);
    again.write(framed(message('K6')));
    expect(msa((await again.acks(1))[0]!).code).toBe('AA');
    await target.up();
    await waitFor(() => after.spooled() === 0);
    expect(target.received).toEqual(['K1', 'K2', 'K3', 'K4', 'K5', 'K6']);
  });

  it('keeps a spooled message the target rejects, with its ACK, and goes on with the next', async () => {
    target.rejectType = 'ADT';
    const started = await relay({ spool: true });
    await target.down();
    const peer = await rawPeer(started.port);
    peer.write(framed(message('J1', 'ADT^A08^ADT_A01')) + framed(message('J2')));
    expect((await peer.acks(2)).map((ack) => msa(ack).code)).toEqual(['AA', 'AA']);
    await target.up();
    await waitFor(() => started.spooled() === 0);
    expect(target.received).toEqual(['J1', 'J2']);
    const rejected = readdirSync(join(spoolFolder, 'rejected')).sort();
    expect(rejected).toHaveLength(2);
    expect(msa(readFileSync(join(spoolFolder, 'rejected', rejected[1]!), 'utf8'))).toEqual({
      code: 'AR',
      controlId: 'J1',
    });
  });

  it("does not accept on the target's behalf what it cannot read itself: AE, retried later", async () => {
    const started = await relay({ spool: true });
    await target.down();
    const peer = await rawPeer(started.port);
    peer.write(framed('not hl7'));
    expect(msa((await peer.acks(1))[0]!).code).toBe('AE');
    expect(queued()).toEqual([]);
  });
});

describe('npm run relay', () => {
  it('signs with SigV4 from the default credential chain when --sigv4 is given', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    });
    delete process.env.AWS_PROFILE;
    let stop!: () => void;
    const lines: string[] = [];
    const running = relayCommand(
      ['--listen', '0', '--target', target.url.href, '--sigv4', '--region', 'eu-west-1'],
      { out: (line) => lines.push(line), err: () => undefined, env: process.env },
      new Promise((resolve) => {
        stop = resolve;
      }),
    );
    try {
      await waitFor(() => lines.length > 0);
      const port = Number(/:(\d+),/.exec(lines[0]!)?.[1]);
      const peer = await rawPeer(port);
      peer.write(framed(message('SIGNED')));
      expect(msa((await peer.acks(1))[0]!).code).toBe('AA');
      expect(String(target.headers[0]?.authorization)).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request/,
      );
      expect(target.headers[0]?.['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      stop();
      expect(await running).toBe(0);
      process.env = saved;
    }
  });

  it.each([
    [['--target', 'https://example.org/hl7'], '--listen is required'],
    [['--listen', '2575'], '--target is required'],
    [['--listen', '2575', '--target', 'ftp://example.org'], 'http(s) URL'],
    [
      ['--listen', '2575', '--target', 'https://example.org/hl7', '--tls-cert', 'a.pem'],
      '--tls-cert and --tls-key',
    ],
    [['--listen', '2575', '--target', 'https://example.org/hl7', '--allow', '10.0.0.0/40'], '"10.0.0.0/40"'],
  ])('%j is a usage error naming what to fix', async (args, expected) => {
    await expect(
      relayCommand(args, { out: () => undefined, err: () => undefined, env: {} }, Promise.resolve()),
    ).rejects.toThrow(expected);
  });
});
