/**
 * The MLLP door: a TCP (or TLS) listener for interface engines and lab
 * systems that send HL7 v2 framed as <VT> message <FS><CR> and wait for the
 * ACK on the same connection. Each frame is answered, framed, with what
 * `answer` returns (the ingest workflow's ACK, or the relay's target's).
 *
 * Per connection, messages are handled in order and one at a time: the
 * socket is paused while a message is answered, so a sender that does not
 * wait for its ACKs is simply not read from. What one connection can hold
 * is bounded by the decoder (one frame, at most the size limit + 1 byte) and
 * the frames of one TCP read. Every outcome that is not an ACK is logged
 * with the peer's address and byte counts, never content:
 *
 * - bytes outside a frame (before a start block, after an end block):
 *   discarded; there is no message to address an answer to;
 * - a start block inside a frame: the unfinished frame is discarded, the
 *   new one read;
 * - an end block without its CR: the frame is answered (FS cannot occur in
 *   HL7 content); the byte after it counts as outside a frame;
 * - a message over the size limit: answered by `answer` from its first
 *   `maxMessageBytes + 1` bytes (the ingest reader answers AR, addressed
 *   from the MSH when it has one); the rest is not kept;
 * - no end block within `endBlockTimeoutMs` of the last byte of a frame:
 *   the connection is closed (the sender resends on its next connection);
 * - no byte for `idleTimeoutMs` between messages: the connection is closed;
 * - a peer outside the allowed ranges: the connection is closed on accept,
 *   before any byte (or TLS handshake) is read.
 */
import { BlockList, createServer as createTcpServer, isIPv4, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { buildAck, errorCodes, readHl7 } from '../../lambdas/hl7/index.js';
import { parseCidr } from '../../lambdas/mllp/cidr.js';
import { frame, MllpDecoder } from '../../lambdas/mllp/framing.js';

export interface MllpPeer {
  remoteAddress: string;
}

export interface MllpListenerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 for a free port. */
  port: number;
  /** The same limit as POST /hl7 (the hospital's maxMessageBytes). */
  maxMessageBytes: number;
  /** The ACK (HL7 text) for one frame's content. A throw is answered AE. */
  answer(content: Uint8Array, peer: MllpPeer): Promise<string>;
  /** PEM certificate chain and key: the listener speaks TLS only (1.2 or later). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Sender address ranges (CIDR, IPv4 or IPv6) allowed to connect; absent: any. */
  allowedCidrs?: readonly string[];
  /** Default 5 minutes. */
  idleTimeoutMs?: number;
  /** Default 30 s. */
  endBlockTimeoutMs?: number;
  /** Default 64: with a frame of at most maxMessageBytes + 1 held per connection, 64 x 4 MiB bounds the buffers at 256 MiB. More are closed on accept. */
  maxConnections?: number;
  /** Framing and connection outcomes (ids and counts only). */
  log?: (event: MllpLogEvent) => void;
}

export type MllpLogEvent =
  | { event: 'connection-refused'; remoteAddress: string; reason: 'not in allowed ranges' }
  | { event: 'outside-frame'; remoteAddress: string; bytes: number }
  | { event: 'abandoned-frame'; remoteAddress: string; bytes: number }
  | { event: 'end-block-without-cr'; remoteAddress: string }
  | { event: 'oversize'; remoteAddress: string; bytes: number; limit: number }
  | { event: 'end-block-timeout'; remoteAddress: string; bufferedBytes: number }
  | { event: 'idle-timeout'; remoteAddress: string }
  | { event: 'answer-failed'; remoteAddress: string; error: string }
  | { event: 'socket-error'; remoteAddress: string; error: string };

export interface MllpListener {
  host: string;
  port: number;
  /** Open connections now. */
  connections(): number;
  /** Stops accepting, closes every connection, waits for messages being answered. */
  stop(): Promise<void>;
}

/** A CIDR list as a BlockList (used here as an allow-list); a bad range is an error naming it. */
export function allowList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const range = parseCidr(cidr);
    if (range === undefined) {
      throw new Error(`allowed sender range "${cidr}" is not an IPv4 or IPv6 CIDR (e.g. 10.20.0.0/16)`);
    }
    list.addSubnet(range.address, range.prefix, range.family);
  }
  return list;
}

function isAllowed(list: BlockList, remoteAddress: string): boolean {
  // An IPv4 peer on a dual-stack socket appears as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress)?.[1];
  if (mapped !== undefined) return list.check(mapped, 'ipv4');
  return isIPv4(remoteAddress) ? list.check(remoteAddress, 'ipv4') : list.check(remoteAddress, 'ipv6');
}

/** AE (retry later, saying why), addressed from the message's MSH when it has one. */
export function retryLaterAck(
  content: Uint8Array,
  maxMessageBytes: number,
  text = 'the message could not be processed now; retry later',
): string {
  const read = readHl7(content, { maxBytes: maxMessageBytes }).messages[0] ?? {
    ok: false,
    text: '',
    errors: [],
  };
  return buildAck(
    read,
    {
      code: 'AE',
      errors: [
        {
          ackCode: 'AE',
          code: errorCodes.applicationInternalError,
          severity: 'E',
          segment: 'MSH',
          sequence: 1,
          text,
        },
      ],
    },
    new Date(),
  );
}

export async function startMllpListener(options: MllpListenerOptions): Promise<MllpListener> {
  const host = options.host ?? '127.0.0.1';
  const idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
  const endBlockTimeoutMs = options.endBlockTimeoutMs ?? 30_000;
  const log = options.log ?? (() => undefined);
  const allowed = options.allowedCidrs === undefined ? undefined : allowList(options.allowedCidrs);
  const sockets = new Set<Socket>();
  const inFlight = new Set<Promise<void>>();

  const serve = (socket: Socket): void => {
    if (socket.destroyed) return;
    const remoteAddress = socket.remoteAddress ?? 'unknown';
    const decoder = new MllpDecoder(options.maxMessageBytes);
    const waiting: { content: Uint8Array; totalBytes: number; oversize: boolean }[] = [];
    let busy = false;

    const armTimeout = () =>
      socket.setTimeout(busy ? 0 : decoder.inFrame ? endBlockTimeoutMs : idleTimeoutMs);
    socket.on('timeout', () => {
      if (decoder.inFrame) {
        log({ event: 'end-block-timeout', remoteAddress, bufferedBytes: decoder.bufferedBytes });
      } else {
        log({ event: 'idle-timeout', remoteAddress });
      }
      socket.destroy();
    });
    socket.on('error', (error) => log({ event: 'socket-error', remoteAddress, error: error.message }));

    const next = (): void => {
      const message = waiting.shift();
      if (message === undefined || socket.destroyed) {
        busy = false;
        armTimeout();
        if (!socket.destroyed) socket.resume();
        return;
      }
      busy = true;
      armTimeout();
      if (message.oversize) {
        log({ event: 'oversize', remoteAddress, bytes: message.totalBytes, limit: options.maxMessageBytes });
      }
      const handled = options
        .answer(message.content, { remoteAddress })
        .catch((error: unknown) => {
          log({
            event: 'answer-failed',
            remoteAddress,
            error: error instanceof Error ? error.name : 'unknown',
          });
          return retryLaterAck(message.content, options.maxMessageBytes);
        })
        .then((ack) => {
          if (!socket.destroyed) socket.write(frame(Buffer.from(ack, 'utf8')));
        });
      inFlight.add(handled);
      void handled.finally(() => {
        inFlight.delete(handled);
        next();
      });
    };

    socket.on('data', (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) {
        if (event.kind === 'frame') waiting.push(event);
        else if (event.kind === 'end-block-without-cr') log({ event: event.kind, remoteAddress });
        else log({ event: event.kind, remoteAddress, bytes: event.bytes });
      }
      if (busy) return;
      if (waiting.length > 0) {
        socket.pause();
        next();
      } else {
        armTimeout();
      }
    });
    armTimeout();
  };

  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, serve)
    : createTcpServer(serve);
  server.maxConnections = options.maxConnections ?? 64;
  // 'connection' is the raw TCP socket (before any TLS handshake): the allow-list applies there.
  server.prependListener('connection', (socket: Socket) => {
    const remoteAddress = socket.remoteAddress ?? '';
    if (allowed !== undefined && !isAllowed(allowed, remoteAddress)) {
      log({ event: 'connection-refused', remoteAddress, reason: 'not in allowed ranges' });
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  if (options.tls) {
    server.on('tlsClientError', (error, socket) =>
      log({ event: 'socket-error', remoteAddress: socket.remoteAddress ?? 'unknown', error: error.message }),
    );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;

  return {
    host,
    port,
    connections: () => sockets.size,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await Promise.allSettled([...inFlight]);
      await closed;
    },
  };
}
