/**
 * The on-site relay: an MLLP listener on a hospital server that forwards
 * each message to POST /hl7 (HTTPS, SigV4 when asked) and answers the
 * sender with the target's own ACK.
 *
 * When the target cannot be reached (no answer, or an HTTP answer without an
 * ACK: a gateway error, throttling, a refused signature), the sender is
 * answered AE and keeps the message to retry. With a spool, the relay
 * instead accepts on the target's behalf: the message is written durably
 * (see spool.ts), the sender is told AA, and the spool is forwarded in
 * arrival order once the target answers again. While anything is spooled,
 * new messages join the spool behind it, so none overtakes an older one.
 *
 * Forwarding is at least once: a relay stopped after the target stored a
 * spooled message but before the relay removed it sends it again on restart,
 * and the target recognises it as a duplicate (same MSH-3, MSH-4, MSH-10 and
 * content): AA, nothing stored or paged twice.
 */
import { buildAck, maxMessageBytesLimit, readHl7 } from '../../lambdas/hl7/index.js';
import { readAcks } from '../cli/ack.js';
import type { HttpClient } from '../cli/http.js';
import { defaultHl7ContentType } from '../cli/ingest.js';
import { type MllpListener, type MllpListenerOptions, retryLaterAck, startMllpListener } from './listener.js';
import { Spool } from './spool.js';

export interface RelayOptions {
  listen: Pick<MllpListenerOptions, 'host' | 'port' | 'tls' | 'allowedCidrs' | 'log'>;
  target: URL;
  /** Signs when the target needs SigV4. */
  client: HttpClient;
  /** A folder for the spool; absent: AE while the target cannot be reached. */
  spoolFolder?: string;
  /** How long to wait before trying the target again with a spooled message. Default 5 s. */
  retryIntervalMs?: number;
  /** Default the ingest's limit (4 MiB). */
  maxMessageBytes?: number;
  /** One line per forwarding outcome that is not a plain pass-through: file names, codes, counts. */
  log?: (line: string) => void;
}

export interface Relay {
  host: string;
  port: number;
  /** Messages in the spool now. */
  spooled(): number;
  stop(): Promise<void>;
}

type Forwarded =
  | { kind: 'ack'; ack: string; code: 'AA' | 'AR' | 'AE' }
  | { kind: 'unavailable'; reason: string };

function worstCode(codes: string[]): 'AA' | 'AR' | 'AE' {
  if (codes.some((code) => code === 'AE' || code === 'CE')) return 'AE';
  if (codes.some((code) => code === 'AR' || code === 'CR')) return 'AR';
  return 'AA';
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const maxMessageBytes = options.maxMessageBytes ?? maxMessageBytesLimit;
  const retryIntervalMs = options.retryIntervalMs ?? 5000;
  const log = options.log ?? (() => undefined);
  const spool = options.spoolFolder === undefined ? undefined : new Spool(options.spoolFolder);
  let stopped = false;
  let draining: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;

  async function forward(content: Uint8Array): Promise<Forwarded> {
    let reply: Awaited<ReturnType<HttpClient['send']>>;
    try {
      reply = await options.client.send({
        method: 'POST',
        url: options.target,
        headers: { 'content-type': defaultHl7ContentType },
        body: content,
      });
    } catch (error: unknown) {
      return { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
    }
    const acks = readAcks(reply.body);
    if (acks.length === 0) return { kind: 'unavailable', reason: `HTTP ${reply.status} without an ACK` };
    return { kind: 'ack', ack: reply.text, code: worstCode(acks.map((ack) => ack.code)) };
  }

  function retryLater(content: Uint8Array, reason: string): string {
    return retryLaterAck(
      content,
      maxMessageBytes,
      `the receiving system cannot be reached now (${reason}); retry later`,
    );
  }

  function scheduleDrain(): void {
    if (spool === undefined || stopped || draining !== undefined || retryTimer !== undefined) return;
    draining = drain().finally(() => {
      draining = undefined;
    });
  }

  async function drain(): Promise<void> {
    while (spool !== undefined && !stopped) {
      const oldest = spool.oldest();
      if (oldest === undefined) return;
      const forwarded = await forward(oldest.content);
      if (forwarded.kind === 'unavailable' || forwarded.code === 'AE') {
        const why = forwarded.kind === 'unavailable' ? forwarded.reason : 'the target answered AE';
        log(
          `spool: ${spool.size} waiting, ${oldest.name} not forwarded (${why}); retry in ${retryIntervalMs} ms`,
        );
        if (!stopped) {
          retryTimer = setTimeout(() => {
            retryTimer = undefined;
            scheduleDrain();
          }, retryIntervalMs);
        }
        return;
      }
      if (forwarded.code === 'AR') {
        spool.rejectedByTarget(oldest.name, forwarded.ack);
        log(`spool: the target rejected ${oldest.name} (AR); kept with its ACK in ${spool.folder}/rejected`);
      } else {
        spool.forwarded(oldest.name);
        log(`spool: forwarded ${oldest.name} (AA), ${spool.size} waiting`);
      }
    }
  }

  /** Accepted on the target's behalf: only a single message the relay can read itself. */
  function accept(content: Uint8Array, reason: string): string {
    const read = readHl7(content, { maxBytes: maxMessageBytes });
    const only = read.messages[0];
    if (spool === undefined || read.batch !== undefined || read.messages.length !== 1 || !only?.ok) {
      return retryLater(content, reason);
    }
    const name = spool.add(content);
    log(`spool: ${name} spooled (${reason}), ${spool.size} waiting`);
    scheduleDrain();
    return buildAck(only, { code: 'AA' });
  }

  const listener: MllpListener = await startMllpListener({
    ...options.listen,
    maxMessageBytes,
    async answer(content) {
      if (spool !== undefined && spool.size > 0) return accept(content, 'older messages are spooled');
      const forwarded = await forward(content);
      if (forwarded.kind === 'ack') return forwarded.ack;
      log(`target unavailable: ${forwarded.reason}`);
      return spool === undefined ? retryLater(content, forwarded.reason) : accept(content, forwarded.reason);
    },
  });
  scheduleDrain();

  return {
    host: listener.host,
    port: listener.port,
    spooled: () => spool?.size ?? 0,
    async stop() {
      stopped = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      await listener.stop();
      await draining;
    },
  };
}
