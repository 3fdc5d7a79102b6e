/**
 * Test doubles for the command-line tools: a real HTTP server on 127.0.0.1
 * (port 0) that records what it received and answers as told, and an io that
 * keeps what a command printed.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CommandIo } from '../../bin/cli/io.js';
import { buildAck, readHl7 } from '../../lambdas/hl7/index.js';

export interface ReceivedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface CannedAnswer {
  status: number;
  body: string;
  contentType?: string;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startTestServer(
  answer: (request: ReceivedRequest) => CannedAnswer,
): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const received: ReceivedRequest = {
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks),
    };
    requests.push(received);
    const { status, body, contentType } = answer(received);
    response.writeHead(status, { 'content-type': contentType ?? 'x-application/hl7-v2+er7; charset=utf-8' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago and has nobody listening now. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface CapturedIo extends CommandIo {
  stdout: string[];
  stderr: string[];
}

export function captureIo(env: Record<string, string | undefined> = {}): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line), env };
}

/**
 * Answers as POST /hl7 does (the pipeline's own ACK builder): AA 200 for a
 * message it reads, AR 400 otherwise, AE 500 for a control id starting `AE`.
 */
export function ingestLike(request: ReceivedRequest): CannedAnswer {
  const read = readHl7(request.body).messages[0]!;
  const storageDown = read.ok && read.message.header.controlId.startsWith('AE');
  const code = !read.ok ? 'AR' : storageDown ? 'AE' : 'AA';
  const errors = storageDown
    ? [
        {
          ackCode: 'AE' as const,
          code: '207',
          severity: 'E' as const,
          segment: 'MSH',
          sequence: 1,
          text: 'storage unavailable; retry later',
        },
      ]
    : undefined;
  return {
    status: { AA: 200, AR: 400, AE: 500 }[code],
    body: buildAck(read, errors === undefined ? { code } : { code, errors }),
  };
}
