/** `npm run send` end to end against a real HTTP server that answers like POST /hl7. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sendCommand } from '../../bin/cli/commands/send.js';
import { runCommand } from '../../bin/cli/io.js';
import { readHl7 } from '../../lambdas/hl7/index.js';
import { referenceSignature } from './sigv4-reference.js';
import { captureIo, closedPort, ingestLike, startTestServer, type TestServer } from './support.js';

const accepted =
  'MSH|^~\\&|LAB|NDC|ALERTING|NDC|20270301060000-0600||ORU^R01^ORU_R01|OK0001|P|2.5.1\rPID|1||900001^^^NDC^MR\rOBX|1|NM|17861-6^Calcium^LN||9.1|mg/dL|||||F|||20270301060000-0600\r';
const rejected =
  'MSH|^~\\&|LAB|NDC|ALERTING|NDC|20270301060000-0600||MDM^T02|BAD0001|P|2.5.1\rPID|1||900001^^^NDC^MR\r';

function controlIdOf(body: Buffer): string | undefined {
  const read = readHl7(body).messages[0]!;
  return read.ok ? read.message.header.controlId : read.header?.controlId;
}

let server: TestServer;
let folder: string;

beforeAll(async () => {
  server = await startTestServer(ingestLike);
  folder = await mkdtemp(join(tmpdir(), 'send-'));
  await writeFile(join(folder, '1-accepted.hl7'), accepted);
  await writeFile(join(folder, '2-rejected.hl7'), rejected);
  await writeFile(join(folder, '3-storage-down.hl7'), accepted.replace('OK0001', 'AE0001'));
});

afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

afterEach(() => {
  server.requests.length = 0;
  vi.unstubAllEnvs();
});

const send = (args: string[], env: Record<string, string | undefined> = {}) => {
  const io = captureIo(env);
  return runCommand(sendCommand, args, io).then((code) => ({ code, ...io }));
};

describe('npm run send', () => {
  it("posts the file's bytes unchanged as HL7 to /hl7 and prints status, MSA-1 and MSA-2; exit 0", async () => {
    const { code, stdout } = await send([join(folder, '1-accepted.hl7'), '--url', `${server.base}/hl7`]);
    expect(code).toBe(0);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.method).toBe('POST');
    expect(request!.url).toBe('/hl7');
    expect(request!.headers['content-type']).toBe('x-application/hl7-v2+er7; charset=utf-8');
    expect(request!.body.equals(Buffer.from(accepted))).toBe(true);
    expect(stdout).toEqual([`${join(folder, '1-accepted.hl7')}  200  AA  OK0001`]);
  });

  it('sends a folder in name order, prints the ERR reasons of a rejection, exits 1', async () => {
    const { code, stdout, stderr } = await send([folder, '--url', `${server.base}/hl7`]);
    expect(code).toBe(1);
    expect(server.requests.map((r) => controlIdOf(r.body))).toEqual(['OK0001', 'BAD0001', 'AE0001']);
    expect(stdout[0]).toMatch(/1-accepted\.hl7 {2}200 {2}AA {2}OK0001$/);
    expect(stdout[1]).toMatch(
      /2-rejected\.hl7 {2}400 {2}AR {2}BAD0001 {2}MSH-9\.1 Message type MDM is not accepted here/,
    );
    expect(stdout[2]).toMatch(
      /3-storage-down\.hl7 {2}500 {2}AE {2}AE0001 {2}MSH storage unavailable; retry later$/,
    );
    expect(stderr).toEqual(['2 of 3 file(s) not accepted']);
  });

  it('uses INGEST_PORT for the local default and honours --content-type', async () => {
    const port = new URL(server.base).port;
    const { code } = await send([join(folder, '1-accepted.hl7'), '--content-type', 'application/hl7-v2'], {
      INGEST_PORT: port,
    });
    expect(code).toBe(0);
    expect(server.requests[0]!.headers['content-type']).toBe('application/hl7-v2');
  });

  it('says plainly when nothing listens, naming the URL; exit 1', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/hl7`;
    const { code, stdout, stderr } = await send([join(folder, '1-accepted.hl7'), '--url', url]);
    expect(code).toBe(1);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([
      `nothing is listening at ${url} (connection refused): is \`npm start\` running?`,
    ]);
  });

  it('reports a response without an ACK (a gateway error) as not accepted', async () => {
    const gateway = await startTestServer(() => ({
      status: 403,
      contentType: 'application/json',
      body: '{"message":"Missing Authentication Token"}',
    }));
    try {
      const { code, stdout } = await send([
        join(folder, '1-accepted.hl7'),
        '--url',
        `${gateway.base}/v1/hl7`,
      ]);
      expect(code).toBe(1);
      expect(stdout[0]).toMatch(
        / {2}403 {2}no ACK in the response: \{"message":"Missing Authentication Token"\}$/,
      );
    } finally {
      await gateway.close();
    }
  });

  it('with --sigv4 signs what it sends with the default credential chain (here: the environment)', async () => {
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTESTSEND');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret/for+tests');
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    const { code } = await send([
      join(folder, '1-accepted.hl7'),
      '--url',
      `${server.base}/v1/hl7`,
      '--sigv4',
      '--region',
      'eu-west-1',
    ]);
    expect(code).toBe(0);
    const request = server.requests[0]!;
    const authorization = String(request.headers.authorization);
    const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
    expect(signedNames).toEqual(['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date']);
    // Recomputed from the request as received: fetch sent exactly what was signed.
    const expected = referenceSignature(
      {
        method: 'POST',
        path: '/v1/hl7',
        query: new URLSearchParams(),
        headers: Object.fromEntries(signedNames.map((name) => [name, String(request.headers[name])])),
        body: request.body,
      },
      { accessKeyId: 'AKIDTESTSEND', secretAccessKey: 'secret/for+tests' },
      'eu-west-1',
      'execute-api',
      String(request.headers['x-amz-date']),
    );
    expect(authorization).toBe(expected.authorization);
  });

  it('refuses a command line it cannot use, before sending anything (exit 2)', async () => {
    expect((await send([])).code).toBe(2);
    expect((await send([folder, '--bogus'])).code).toBe(2);
    expect((await send([folder, '--url', 'ftp://example.org/hl7'])).code).toBe(2);
    const noRegion = await send([folder, '--url', 'https://hl7.hospital.example.org/hl7', '--sigv4'], {});
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr[0]).toMatch(/--sigv4 needs a region/);
    expect(server.requests).toHaveLength(0);
  });
});
