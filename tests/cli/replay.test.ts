/** `npm run replay`: archived messages sent again in arrival order (archive faked, HTTP real). */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { archivePrefixes, parseDay } from '../../bin/cli/archive-days.js';
import { type RawArchive, replayCommand } from '../../bin/cli/commands/replay.js';
import { runCommand } from '../../bin/cli/io.js';
import { captureIo, ingestLike, startTestServer, type TestServer } from './support.js';

const hl7 = (controlId: string, type = 'ORU^R01') =>
  `MSH|^~\\&|LAB|NDC|ALERTING|NDC|20270228060000-0600||${type}|${controlId}|P|2.5.1\rPID|1||900001^^^NDC^MR\r`;

/** An archive of keys per day prefix; `listed` records which prefixes were read. */
function fakeArchive(days: Record<string, Record<string, string>>) {
  const listed: string[] = [];
  const archive: RawArchive = {
    async *listRawMessages(prefix) {
      listed.push(prefix);
      const keys = Object.keys(days[prefix] ?? {}).sort();
      for (const key of keys) yield { key };
    },
    async getRawMessage(key) {
      const prefix = key.slice(0, 15);
      const text = days[prefix]?.[key];
      if (text === undefined) throw new Error(`no ${key}`);
      return {
        bytes: new TextEncoder().encode(text),
        facility: 'NDC',
        controlId: 'x',
        outcome: 'AR',
        contentType: 'application/hl7-v2',
      };
    },
  };
  return { archive, listed, days };
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(ingestLike);
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
});

const clock = () => new Date('2027-03-01T15:00:00Z');

async function replay(args: string[], archive: RawArchive) {
  const io = captureIo();
  const code = await runCommand(
    (a, i) => replayCommand(a, i, { archive, clock }),
    [...args, '--url', `${server.base}/hl7`],
    io,
  );
  return { code, ...io };
}

describe('archive days', () => {
  it('covers every UTC day from --from to --to, across a month end', () => {
    expect(archivePrefixes(parseDay('from', '2027-02-27'), parseDay('to', '2027-03-01'))).toEqual([
      'raw/2027/02/27/',
      'raw/2027/02/28/',
      'raw/2027/03/01/',
    ]);
  });

  it('refuses days that do not exist and a range that runs backwards', () => {
    expect(() => parseDay('from', '2027-02-29')).toThrow(/YYYY-MM-DD/);
    expect(() => parseDay('from', '27-02-01')).toThrow(/YYYY-MM-DD/);
    expect(() => archivePrefixes(parseDay('from', '2027-03-02'), parseDay('to', '2027-03-01'))).toThrow(
      /before/,
    );
  });
});

describe('npm run replay', () => {
  it('sends each archived message as stored, in key (arrival) order, through today by default', async () => {
    const { archive, listed } = fakeArchive({
      'raw/2027/02/28/': {
        'raw/2027/02/28/2027-02-28T10:00:00.000Z-b.hl7': hl7('M2'),
        'raw/2027/02/28/2027-02-28T09:00:00.000Z-a.hl7': hl7('M1'),
      },
      'raw/2027/03/01/': { 'raw/2027/03/01/2027-03-01T08:00:00.000Z-c.hl7': hl7('M3') },
    });
    const { code, stdout } = await replay(['--from', '2027-02-28'], archive);
    expect(code).toBe(0);
    expect(listed).toEqual(['raw/2027/02/28/', 'raw/2027/03/01/']);
    expect(server.requests.map((r) => r.body.toString())).toEqual([hl7('M1'), hl7('M2'), hl7('M3')]);
    expect(server.requests[0]!.headers['content-type']).toBe('application/hl7-v2');
    expect(stdout.at(-1)).toBe('replayed 3: 3 accepted (duplicates included), 0 rejected');
  });

  it('does not send again what this replay itself gets archived (under today)', async () => {
    const fake = fakeArchive({
      'raw/2027/03/01/': { 'raw/2027/03/01/2027-03-01T08:00:00.000Z-a.hl7': hl7('M1') },
    });
    const archive: RawArchive = {
      ...fake.archive,
      async *listRawMessages(prefix) {
        for await (const item of fake.archive.listRawMessages(prefix)) {
          yield item;
          // As the ingest would: the replayed message is archived again, later the same day.
          fake.days[prefix]![`${prefix}2027-03-01T15:00:00.000Z-z.hl7`] = hl7('M1');
        }
      },
    };
    await replay(['--from', '2027-03-01'], archive);
    expect(server.requests).toHaveLength(1);
  });

  it('goes on past a rejection (exit 1) but stops at an AE, naming where to resume', async () => {
    const { archive } = fakeArchive({
      'raw/2027/03/01/': {
        'raw/2027/03/01/1.hl7': hl7('R1', 'MDM^T02'),
        'raw/2027/03/01/2.hl7': hl7('AE1'),
        'raw/2027/03/01/3.hl7': hl7('M3'),
      },
    });
    const { code, stdout, stderr } = await replay(['--from', '2027-03-01', '--to', '2027-03-01'], archive);
    expect(code).toBe(1);
    expect(server.requests).toHaveLength(2);
    expect(stdout[1]).toMatch(/^1\.hl7 {2}400 {2}AR {2}R1 {2}MSH-9\.1 /);
    expect(stdout[2]).toMatch(/^2\.hl7 {2}500 {2}AE {2}AE1 /);
    expect(stderr).toEqual([
      'stopped at raw/2027/03/01/2.hl7: the server could not process it; replay again from 2027-03-01',
    ]);
  });

  it('stops at an answer without an ACK (a gateway refusing the caller), which every later message would get', async () => {
    const gateway = await startTestServer(() => ({
      status: 403,
      contentType: 'application/json',
      body: '{"message":"Forbidden"}',
    }));
    try {
      const { archive } = fakeArchive({
        'raw/2027/03/01/': { 'raw/2027/03/01/1.hl7': hl7('M1'), 'raw/2027/03/01/2.hl7': hl7('M2') },
      });
      const io = captureIo();
      const code = await runCommand(
        (a, i) => replayCommand(a, i, { archive, clock }),
        ['--from', '2027-03-01', '--url', `${gateway.base}/v1/hl7`],
        io,
      );
      expect(code).toBe(1);
      expect(gateway.requests).toHaveLength(1);
      expect(io.stdout[1]).toBe('1.hl7  403  no ACK in the response: {"message":"Forbidden"}');
      expect(io.stderr[0]).toMatch(
        /^stopped at raw\/2027\/03\/01\/1\.hl7: the server answered without an ACK/,
      );
    } finally {
      await gateway.close();
    }
  });

  it('--dry-run lists what it would send and sends nothing', async () => {
    const { archive } = fakeArchive({ 'raw/2027/03/01/': { 'raw/2027/03/01/a.hl7': hl7('M1') } });
    const { code, stdout } = await replay(['--from', '2027-03-01', '--dry-run'], archive);
    expect(code).toBe(0);
    expect(server.requests).toHaveLength(0);
    expect(stdout).toEqual([
      '1 archived message(s) in raw/2027/03/01/ to raw/2027/03/01/ (dry run)',
      'raw/2027/03/01/a.hl7  NDC  x  archived as AR',
    ]);
  });

  it('explains the archive settings when the bucket is not configured', async () => {
    const archive: RawArchive = {
      // biome-ignore lint/correctness/useYield: fails before the first item, as the adapter does without ARCHIVE_BUCKET
      async *listRawMessages() {
        throw Object.assign(new Error('Environment variable ARCHIVE_BUCKET is not set'), {
          name: 'MissingEnvironmentError',
        });
      },
      getRawMessage: () => Promise.reject(new Error('unused')),
    };
    const { code, stderr } = await replay(['--from', '2027-03-01'], archive);
    expect(code).toBe(1);
    expect(stderr[0]).toMatch(/ARCHIVE_BUCKET is not set \(see --help/);
  });
});
