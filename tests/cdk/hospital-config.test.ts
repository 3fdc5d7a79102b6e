import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/config/rules-config.js';
import { maxMessageBytesLimit } from '../../lambdas/hl7/index.js';
import {
  type HospitalConfigInput,
  loadHospitalConfig,
  parseHospitalConfig,
  rulesConfigFor,
} from '../../lib/config/hospital-config.js';
import { hospitalJsonSchema } from '../../lib/config/hospital-json-schema.js';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const example = JSON.parse(
  readFileSync(join(repositoryRoot, 'config/hospitals/example.json'), 'utf8'),
) as HospitalConfigInput;

/** The example hospital with one change, for table-driven rejection tests. */
function exampleWith(change: (config: Record<string, unknown>) => void): Record<string, unknown> {
  const copy = structuredClone(example) as unknown as Record<string, unknown>;
  change(copy);
  return copy;
}

function rejectionOf(input: unknown): ConfigError {
  try {
    parseHospitalConfig(input, 'config/hospitals/x.json');
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('hospital configuration: the example hospital', () => {
  it('loads and fills the documented defaults', () => {
    const config = loadHospitalConfig('example');
    expect(config.hospitalId).toBe('example');
    expect(config.account).toBe('111111111111');
    expect(config.region).toBe('us-east-1');
    expect(config.rules.escalateAfterMinutes).toBe(15);
    expect(config.rules.crpRising).toEqual({ minimumMgL: 10, ratio: 1.5, lookbackDays: 30 });

    const minimal = parseHospitalConfig(
      exampleWith((config) => {
        delete config.feedSilenceMinutes;
        delete config.sweepEveryMinutes;
        delete config.maxMessageBytes;
        delete config.rules;
      }),
      'minimal.json',
    );
    expect(minimal.feedSilenceMinutes).toBe(60);
    expect(minimal.sweepEveryMinutes).toBe(5);
    expect(minimal.maxMessageBytes).toBe(maxMessageBytesLimit);
    expect(minimal.rules.pagePhi).toBe('minimal');
  });

  it('gives the runtime rules configuration the top-level time zone', () => {
    const rules = rulesConfigFor(
      parseHospitalConfig(
        exampleWith((config) => {
          config.timeZone = 'America/Denver';
          config.rules = { escalateAfterMinutes: 10 };
        }),
        'x.json',
      ),
    );
    expect(rules.timeZone).toBe('America/Denver');
    expect(rules.escalateAfterMinutes).toBe(10);
    expect(rules.repeatMinutes).toBe(30);
  });

  it('keeps config/hospitals/schema.json in step with the zod schema', () => {
    const committed: unknown = JSON.parse(
      readFileSync(join(repositoryRoot, 'config/hospitals/schema.json'), 'utf8'),
    );
    // On failure: npx tsx lib/config/write-json-schema.ts
    expect(committed).toEqual(hospitalJsonSchema());
    expect(example.$schema).toBe('./schema.json');
  });
});

describe('hospital configuration: a bad value fails naming the file and the key', () => {
  it.each([
    [
      'rules.escalateAfterMinutes: Too small',
      (c: Record<string, unknown>) => (c.rules = { escalateAfterMinutes: 0 }),
    ],
    ['rules.crpRising.ratio', (c: Record<string, unknown>) => (c.rules = { crpRising: { ratio: 0.9 } })],
    ['rules: Unrecognized key: "timeZone"', (c: Record<string, unknown>) => (c.rules = { timeZone: 'UTC' })],
    ['timeZone: not an IANA time zone', (c: Record<string, unknown>) => (c.timeZone = 'Mars/Olympus')],
    ['account', (c: Record<string, unknown>) => (c.account = '11111111111')],
    ['region', (c: Record<string, unknown>) => (c.region = 'us-east')],
    [
      'subscriptions.pages: at least one subscriber',
      (c: Record<string, unknown>) => (c.subscriptions = { ...example.subscriptions, pages: [] }),
    ],
    [
      'subscriptions.pages.0.endpoint',
      (c: Record<string, unknown>) =>
        (c.subscriptions = { ...example.subscriptions, pages: [{ protocol: 'sms', endpoint: '555-0100' }] }),
    ],
    [
      'subscriptions.escalations.0.endpoint',
      (c: Record<string, unknown>) =>
        (c.subscriptions = {
          ...example.subscriptions,
          escalations: [{ protocol: 'https', endpoint: 'http://oncall.example.org/hook' }],
        }),
    ],
    [
      'subscriptions.notices.0.severities.0',
      (c: Record<string, unknown>) =>
        (c.subscriptions = {
          ...example.subscriptions,
          notices: [{ protocol: 'email', endpoint: 'team@example.org', severities: ['urgentish'] }],
        }),
    ],
    ['alarmEmail', (c: Record<string, unknown>) => (c.alarmEmail = 'not-an-address')],
    ['dataRetentionDays', (c: Record<string, unknown>) => (c.dataRetentionDays = 0)],
    ['feedSilenceMinutes: Too small', (c: Record<string, unknown>) => (c.feedSilenceMinutes = 4)],
    ['feedSilenceMinutes: Too big', (c: Record<string, unknown>) => (c.feedSilenceMinutes = 1441)],
    ['sweepEveryMinutes', (c: Record<string, unknown>) => (c.sweepEveryMinutes = 0)],
    // Lambda refuses events over 6 MB and the body travels base64-encoded: a larger limit could never apply.
    [
      'maxMessageBytes: Too big',
      (c: Record<string, unknown>) => (c.maxMessageBytes = maxMessageBytesLimit + 1),
    ],
    ['senders.iamRoleArns: Too small', (c: Record<string, unknown>) => (c.senders = { iamRoleArns: [] })],
    [
      'senders.iamRoleArns.0',
      (c: Record<string, unknown>) =>
        (c.senders = { iamRoleArns: ['arn:aws:iam::111111111111:user/someone'] }),
    ],
    [
      'senders.mtls.certificateArn',
      (c: Record<string, unknown>) =>
        (c.senders = {
          iamRoleArns: ['arn:aws:iam::111111111111:role/lab-feed-sender'],
          mtls: {
            truststoreBucket: 'example-truststore',
            truststoreKey: 'truststore.pem',
            domainName: 'hl7.example.org',
            certificateArn: 'not-an-arn',
          },
        }),
    ],
    ['Unrecognized key: "alarmEmails"', (c: Record<string, unknown>) => (c.alarmEmails = 'x@example.org')],
    [
      'subscriptions.furtherEscalations: rules.escalationChain has 2 levels, so 1 list of subscribers is needed',
      (c: Record<string, unknown>) =>
        (c.rules = {
          escalationChain: [
            { name: 'backup nephrologist', afterMinutes: 15 },
            { name: 'unit charge nurse', afterMinutes: 30 },
          ],
        }),
    ],
    [
      'subscriptions.furtherEscalations: rules.escalationChain has 1 level, so 0 lists of subscribers are needed for levels after the first (level 1 is subscriptions.escalations); found 1',
      (c: Record<string, unknown>) =>
        (c.subscriptions = {
          ...example.subscriptions,
          furtherEscalations: [[{ protocol: 'sms', endpoint: '+15555550103' }]],
        }),
    ],
    [
      'subscriptions.furtherEscalations.0: at least one subscriber',
      (c: Record<string, unknown>) =>
        (c.subscriptions = { ...example.subscriptions, furtherEscalations: [[]] }),
    ],
    [
      'rules.escalationChain: afterMinutes must increase',
      (c: Record<string, unknown>) =>
        (c.rules = {
          escalationChain: [
            { name: 'backup nephrologist', afterMinutes: 30 },
            { name: 'unit charge nurse', afterMinutes: 15 },
          ],
        }),
    ],
  ])('%s', (expected, change) => {
    const error = rejectionOf(exampleWith(change));
    expect(error.message).toMatch(new RegExp(`^config/hospitals/x\\.json: .*${escapeRegExp(expected)}`, 'm'));
  });
});

describe('hospital configuration: escalation chain', () => {
  it('accepts a chain whose further levels each have subscribers', () => {
    const config = parseHospitalConfig(
      exampleWith((c) => {
        c.rules = {
          escalationChain: [
            { name: 'backup nephrologist', afterMinutes: 15 },
            { name: 'unit charge nurse', afterMinutes: 30 },
          ],
        };
        c.subscriptions = {
          ...example.subscriptions,
          furtherEscalations: [[{ protocol: 'sms', endpoint: '+15555550103' }]],
        };
      }),
      'x.json',
    );
    expect(rulesConfigFor(config).escalationChain?.map((level) => level.afterMinutes)).toEqual([15, 30]);
  });
});

describe('hospital configuration: reading the file', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'hospitals-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const write = (name: string, content: string) => writeFileSync(join(directory, name), content);
  const origin = (name: string) => relative(process.cwd(), join(directory, name));

  it('names the file and the key of a bad value', () => {
    write(
      'northside.json',
      JSON.stringify({ ...example, hospitalId: 'northside', rules: { escalateAfterMinutes: -1 } }),
    );
    expect(() => loadHospitalConfig('northside', directory)).toThrow(
      `${origin('northside.json')}: rules.escalateAfterMinutes: Too small`,
    );
  });

  it('rejects a file whose hospitalId is not its name', () => {
    write('southside.json', JSON.stringify({ ...example, hospitalId: 'westside' }));
    expect(() => loadHospitalConfig('southside', directory)).toThrow(
      `${origin('southside.json')}: hospitalId: "westside" does not match the file name "southside"`,
    );
  });

  it('reports invalid JSON and a missing file with the file name', () => {
    write('broken.json', '{ "hospitalId": "broken", ');
    expect(() => loadHospitalConfig('broken', directory)).toThrow(
      `${origin('broken.json')}: (file): not valid JSON`,
    );
    expect(() => loadHospitalConfig('absent', directory)).toThrow(
      `${origin('absent.json')}: (file): not found`,
    );
  });

  it('refuses a hospital id that is not a plain name (no paths)', () => {
    expect(() => loadHospitalConfig('../example', directory)).toThrow(ConfigError);
  });
});

describe('hospital configuration: code maps of any size', () => {
  it('accepts 2,000 local drug codes and 2,000 local lab codes, all carried into the runtime rules', () => {
    const drugCodes = Object.fromEntries(
      Array.from({ length: 2000 }, (_, n) => [`LOCAL-DRUG-${n}`, 'warfarin']),
    );
    const labCodes = Object.fromEntries(
      Array.from({ length: 2000 }, (_, n) => [`LOCAL-LAB-${n}`, 'calcium']),
    );
    const config = parseHospitalConfig(
      exampleWith((c) => (c.rules = { localDrugCodes: drugCodes, localLabCodes: labCodes })),
      'x.json',
    );
    const rules = rulesConfigFor(config);
    expect(Object.keys(rules.localDrugCodes)).toHaveLength(2000);
    expect(rules.localLabCodes['LOCAL-LAB-1999']).toBe('calcium');
    // Far beyond the 4 KB Lambda allows for all environment variables together.
    expect(Buffer.byteLength(JSON.stringify(rules))).toBeGreaterThan(64 * 1024);
  });
});

describe('cdk app (bin/app.ts)', () => {
  it('exits 1 with the file name when the chosen hospital has no file', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: repositoryRoot,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ hospital: 'no-such-hospital' }) },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('config/hospitals/no-such-hospital.json: (file): not found');
  }, 60_000);
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
