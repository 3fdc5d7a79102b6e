/**
 * The MLLP listener over real sockets, each framing case with its defined,
 * logged outcome. `answer` here is a small stand-in that acknowledges what
 * the reader makes of the frame (the ingest itself is in tests/e2e/mllp.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type MllpListener,
  type MllpListenerOptions,
  type MllpLogEvent,
  startMllpListener,
} from '../../bin/mllp/listener.js';
import { buildAck, readHl7 } from '../../lambdas/hl7/index.js';
import { framed, msa, rawPeer, selfSignedCertificate } from './support.js';

const limit = 400;
const message = (controlId: string) =>
  `MSH|^~\\&|LAB|NORTHSIDE|ALERTING|NORTHSIDE|20260101120000||ORU^R01^ORU_R01|${controlId}|P|2.5.1\rPID|1||TEST1^^^NDC^MR`;

let listener: MllpListener | undefined;
afterEach(async () => {
  await listener?.stop();
  listener = undefined;
});

interface Started {
  listener: MllpListener;
  received: string[];
  logs: MllpLogEvent[];
}

/** Answers as the ingest does: AA for a message that reads, AR (with ERR) otherwise. */
async function start(options: Partial<MllpListenerOptions> = {}): Promise<Started> {
  const received: string[] = [];
  const logs: MllpLogEvent[] = [];
  listener = await startMllpListener({
    port: 0,
    maxMessageBytes: limit,
    log: (event) => logs.push(event),
    answer: async (content) => {
      received.push(Buffer.from(content).toString('utf8'));
      const read = readHl7(content, { maxBytes: limit }).messages[0]!;
      return buildAck(read, read.ok ? { code: 'AA' } : { code: 'AR' });
    },
    ...options,
  });
  return { listener, received, logs };
}

describe('MLLP listener: framing', () => {
  it('answers each of several frames sent in one write, in order, on the same connection', async () => {
    const { listener, received } = await start();
    const peer = await rawPeer(listener.port);
    peer.write(framed(message('ONE')) + framed(message('TWO')) + framed(message('THREE')));
    const acks = await peer.acks(3);
    expect(acks.map((ack) => msa(ack))).toEqual([
      { code: 'AA', controlId: 'ONE' },
      { code: 'AA', controlId: 'TWO' },
      { code: 'AA', controlId: 'THREE' },
    ]);
    expect(received).toEqual([message('ONE'), message('TWO'), message('THREE')]);
  });

  it('answers a frame that arrives split across many writes', async () => {
    const { listener } = await start();
    const peer = await rawPeer(listener.port);
    peer.socket.setNoDelay(true);
    for (const byte of Buffer.from(framed(message('SPLIT')))) {
      peer.write(Uint8Array.of(byte));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(msa((await peer.acks(1))[0]!)).toEqual({ code: 'AA', controlId: 'SPLIT' });
  });

  it('discards and logs bytes outside a frame, and still answers the frames around them', async () => {
    const { listener, logs, received } = await start();
    const peer = await rawPeer(listener.port);
    peer.write(`garbage\r\n${framed(message('AFTER-NOISE'))}\n`);
    expect(msa((await peer.acks(1))[0]!).controlId).toBe('AFTER-NOISE');
    expect(received).toEqual([message('AFTER-NOISE')]);
    await waitFor(() => logs.filter((log) => log.event === 'outside-frame').length === 2);
    expect(
      logs.filter((log) => log.event === 'outside-frame').map((log) => (log as { bytes: number }).bytes),
    ).toEqual([9, 1]);
  });

  it('discards an unfinished frame when a new start block arrives, and answers the new one only', async () => {
    const { listener, logs, received } = await start();
    const peer = await rawPeer(listener.port);
    peer.write(`\x0b${message('HALF').slice(0, 30)}${framed(message('WHOLE'))}`);
    expect(msa((await peer.acks(1))[0]!).controlId).toBe('WHOLE');
    expect(received).toEqual([message('WHOLE')]);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'abandoned-frame', bytes: 30 }));
  });

  it('closes the connection when the end block does not arrive in time, answering nothing', async () => {
    const { listener, logs, received } = await start({ endBlockTimeoutMs: 150, idleTimeoutMs: 60_000 });
    const peer = await rawPeer(listener.port);
    peer.write(`\x0b${message('NO-END')}`);
    await peer.closed;
    expect(received).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({ event: 'end-block-timeout', bufferedBytes: message('NO-END').length }),
    );
  });

  it('answers a message over the size limit with AR addressed from its MSH, keeping at most limit + 1 bytes', async () => {
    const { listener, logs, received } = await start();
    const peer = await rawPeer(listener.port);
    const oversize = `${message('TOO-BIG')}\rNTE|1||${'X'.repeat(5000)}`;
    peer.write(framed(oversize) + framed(message('NEXT')));
    const [big, next] = await peer.acks(2);
    expect(msa(big!)).toEqual({ code: 'AR', controlId: 'TOO-BIG' });
    expect(big).toMatch(/ERR\|.*\|\|207\^|exceeds the size limit/);
    expect(msa(next!)).toEqual({ code: 'AA', controlId: 'NEXT' });
    expect(received[0]!.length).toBe(limit + 1);
    expect(logs).toContainEqual(
      expect.objectContaining({ event: 'oversize', bytes: oversize.length, limit }),
    );
  });

  it('answers an oversize frame without an MSH with an AR all the same (nothing to address it to)', async () => {
    const { listener } = await start();
    const peer = await rawPeer(listener.port);
    peer.write(framed('Z'.repeat(2000)));
    expect(msa((await peer.acks(1))[0]!)).toEqual({ code: 'AR', controlId: '' });
  });

  it('still answers every message when the sender closes its side right after sending, then closes', async () => {
    const { listener } = await start();
    const peer = await rawPeer(listener.port);
    peer.write(framed(message('LAST-1')) + framed(message('LAST-2')));
    peer.end();
    expect((await peer.acks(2)).map((ack) => msa(ack).controlId)).toEqual(['LAST-1', 'LAST-2']);
    await peer.closed;
  });

  it('answers AE when answering fails, and keeps the connection for the retry', async () => {
    let fail = true;
    const { listener, logs } = await start({
      answer: async (content) => {
        if (fail) {
          fail = false;
          throw new TypeError('store exploded');
        }
        return buildAck(readHl7(content).messages[0]!, { code: 'AA' });
      },
    });
    const peer = await rawPeer(listener.port);
    peer.write(framed(message('RETRY')));
    expect(msa((await peer.acks(1))[0]!)).toEqual({ code: 'AE', controlId: 'RETRY' });
    peer.write(framed(message('RETRY')));
    expect(msa((await peer.acks(1))[0]!)).toEqual({ code: 'AA', controlId: 'RETRY' });
    expect(logs).toContainEqual({ event: 'answer-failed', remoteAddress: '127.0.0.1', error: 'TypeError' });
  });
});

describe('MLLP listener: connections', () => {
  it('handles one message at a time per connection, in order, while connections run side by side', async () => {
    let active = 0;
    let mostActivePerConnection = 0;
    const activeByPeer = new Map<number, number>();
    const order: string[] = [];
    const { listener } = await start({
      answer: async (content) => {
        const read = readHl7(content).messages[0]!;
        const controlId = read.ok ? read.message.header.controlId : '';
        const peer = Number(controlId.split('-')[0]);
        activeByPeer.set(peer, (activeByPeer.get(peer) ?? 0) + 1);
        mostActivePerConnection = Math.max(mostActivePerConnection, activeByPeer.get(peer)!);
        active++;
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(controlId);
        active--;
        activeByPeer.set(peer, activeByPeer.get(peer)! - 1);
        return buildAck(read, { code: 'AA' });
      },
    });
    const peers = await Promise.all([1, 2, 3, 4].map(() => rawPeer(listener.port)));
    let mostActive = 0;
    const watch = setInterval(() => {
      mostActive = Math.max(mostActive, active);
    }, 1);
    // Each sender writes all its messages at once, without waiting for ACKs.
    peers.forEach((peer, index) => {
      peer.write(Array.from({ length: 10 }, (_, n) => framed(message(`${index + 1}-${n}`))).join(''));
    });
    const acks = await Promise.all(peers.map((peer) => peer.acks(10)));
    clearInterval(watch);
    acks.forEach((peerAcks, index) => {
      expect(peerAcks.map((ack) => msa(ack).controlId)).toEqual(
        Array.from({ length: 10 }, (_, n) => `${index + 1}-${n}`),
      );
    });
    expect(mostActivePerConnection).toBe(1);
    expect(mostActive).toBeGreaterThan(1);
    for (const peer of [1, 2, 3, 4]) {
      const own = order.filter((id) => id.startsWith(`${peer}-`));
      expect(own).toEqual(Array.from({ length: 10 }, (_, n) => `${peer}-${n}`));
    }
  });

  it('stops reading from a sender while its message is answered (a flood is not buffered)', async () => {
    let release: (() => void) | undefined;
    const { listener } = await start({
      answer: async (content) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return buildAck(readHl7(content).messages[0]!, { code: 'AA' });
      },
    });
    const peer = await rawPeer(listener.port);
    peer.write(framed(message('SLOW')));
    await waitFor(() => release !== undefined);
    // 32 MiB of frames the listener must not take in while the first is unanswered.
    const flood = Buffer.from(framed(message('FLOOD')).repeat(Math.ceil((32 * 1024 * 1024) / 120)));
    const flushed = peer.socket.write(flood);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(flushed).toBe(false);
    expect(peer.socket.writableLength).toBeGreaterThan(16 * 1024 * 1024);
    peer.socket.destroy();
    release!();
  });

  it('closes an idle connection after the idle timeout', async () => {
    const { listener, logs } = await start({ idleTimeoutMs: 150 });
    const peer = await rawPeer(listener.port);
    peer.write(framed(message('THEN-IDLE')));
    await peer.acks(1);
    await peer.closed;
    expect(logs).toContainEqual({ event: 'idle-timeout', remoteAddress: '127.0.0.1' });
    await waitFor(() => listener.connections() === 0);
  });

  it('refuses a sender outside the allowed ranges before reading a byte, and serves one inside', async () => {
    const outside = await start({ allowedCidrs: ['10.20.0.0/16', 'fd00::/8'] });
    const refused = await rawPeer(outside.listener.port);
    refused.write(framed(message('REFUSED')));
    await refused.closed;
    expect(outside.received).toEqual([]);
    expect(outside.logs).toContainEqual({
      event: 'connection-refused',
      remoteAddress: '127.0.0.1',
      reason: 'not in allowed ranges',
    });
    await outside.listener.stop();

    const inside = await start({ allowedCidrs: ['127.0.0.0/8'] });
    const allowed = await rawPeer(inside.listener.port);
    allowed.write(framed(message('ALLOWED')));
    expect(msa((await allowed.acks(1))[0]!)).toEqual({ code: 'AA', controlId: 'ALLOWED' });
  });

  it('names a bad allowed range', async () => {
    await expect(start({ allowedCidrs: ['10.0.0.0/33'] })).rejects.toThrow('"10.0.0.0/33"');
    await expect(start({ allowedCidrs: ['lab-network'] })).rejects.toThrow('"lab-network"');
  });

  it('speaks TLS with the configured certificate and key, and nothing in clear', async () => {
    const certificate = selfSignedCertificate();
    const { listener, received } = await start({ tls: certificate });
    const peer = await rawPeer(listener.port, { tls: { ca: certificate.cert } });
    peer.write(framed(message('OVER-TLS')));
    expect(msa((await peer.acks(1))[0]!)).toEqual({ code: 'AA', controlId: 'OVER-TLS' });

    const clear = await rawPeer(listener.port);
    clear.write(framed(message('IN-CLEAR')));
    await clear.closed;
    expect(received).toEqual([message('OVER-TLS')]);
  });
});

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
