/** A raw MLLP peer for tests: writes bytes as given and reads framed ACKs back. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { MllpDecoder } from '../../lambdas/mllp/framing.js';

export interface RawPeer {
  socket: Socket;
  write(bytes: string | Uint8Array): void;
  /** The next `count` ACKs (frame contents as text). */
  acks(count: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves when the listener closes the connection. */
  closed: Promise<void>;
  end(): void;
}

export async function rawPeer(
  port: number,
  options: { tls?: { ca: string }; host?: string } = {},
): Promise<RawPeer> {
  const host = options.host ?? '127.0.0.1';
  const socket: Socket = await new Promise((resolve, reject) => {
    const opened = options.tls
      ? connectTls({ host, port, ca: options.tls.ca, servername: 'localhost' }, () => resolve(opened))
      : connect({ host, port }, () => resolve(opened));
    opened.once('error', reject);
  });
  const decoder = new MllpDecoder(64 * 1024 * 1024);
  const received: string[] = [];
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const event of decoder.push(chunk)) {
      if (event.kind === 'frame') received.push(Buffer.from(event.content).toString('utf8'));
    }
    wake?.();
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    write: (bytes) => socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes),
    async acks(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`${received.length} of ${count} ACKs within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      return received.splice(0, count);
    },
    closed,
    end: () => socket.end(),
  };
}

export const framed = (message: string) => `\x0b${message}\x1c\r`;

/** MSA-1 and MSA-2 of an ACK (in the ACK's own field separator, MSH-1). */
export function msa(ack: string): { code: string; controlId: string } {
  const line = ack.split(/\r\n?|\n/).find((segment) => segment.startsWith('MSA')) ?? '';
  const [, code = '', controlId = ''] = line.split(ack.charAt(3));
  return { code, controlId };
}

/** A throwaway self-signed certificate for localhost (test only). */
export function selfSignedCertificate(): { cert: string; key: string } {
  const folder = mkdtempSync(join(tmpdir(), 'mllp-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(folder, 'key.pem'),
        '-out',
        join(folder, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      cert: readFileSync(join(folder, 'cert.pem'), 'utf8'),
      key: readFileSync(join(folder, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
