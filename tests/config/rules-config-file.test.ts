import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigError, parseRulesConfig } from '../../lambdas/config/rules-config.js';
import { rulesConfigFileVariable } from '../../lambdas/config/rules-config-file.js';
import { readRulesConfigFile, rulesConfigPath } from '../../lambdas/handlers/runtime.js';
import { writeRulesConfigFile } from '../../lib/config/rules-config-file.js';

const folder = mkdtempSync(join(tmpdir(), 'rules-config-file-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const errorOf = (path: string): ConfigError => {
  try {
    readRulesConfigFile(path);
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the file was accepted');
};

describe('the rules file the functions read at cold start', () => {
  const saved = process.env[rulesConfigFileVariable];
  afterEach(() => {
    if (saved === undefined) delete process.env[rulesConfigFileVariable];
    else process.env[rulesConfigFileVariable] = saved;
  });

  it('reads back exactly what synth (and the local stack) wrote', () => {
    const rules = parseRulesConfig({ timeZone: 'America/New_York', localDrugCodes: { 'RX-1': 'warfarin' } });
    expect(readRulesConfigFile(writeRulesConfigFile(rules, folder))).toEqual(rules);
  });

  it('is beside the code unless RULES_CONFIG_FILE names another path', () => {
    delete process.env[rulesConfigFileVariable];
    expect(rulesConfigPath()).toMatch(/lambdas[/\\]handlers[/\\]rules-config\.json$/);
    process.env[rulesConfigFileVariable] = '/elsewhere/rules-config.json';
    expect(rulesConfigPath()).toBe('/elsewhere/rules-config.json');
  });

  it('names the file when it is missing, not JSON, or not what synth validated and wrote (and the key)', () => {
    const missing = join(folder, 'absent.json');
    expect(errorOf(missing).message).toMatch(
      new RegExp(`^${missing}: the rules configuration cannot be read \\(ENOENT\\)`),
    );

    const notJson = join(folder, 'not-json.json');
    writeFileSync(notJson, '{ "timeZone": ');
    expect(errorOf(notJson).message).toBe(`${notJson}: the rules configuration is not valid JSON`);

    // Bounds are checked at synth (parseRulesConfig); the functions check the shape, without zod.
    const valid = parseRulesConfig({ timeZone: 'America/Chicago' });
    const wrongKind = join(folder, 'wrong-kind.json');
    writeFileSync(wrongKind, JSON.stringify({ ...valid, repeatMinutes: '30' }));
    expect(errorOf(wrongKind).message).toBe(
      `${wrongKind} is not a configuration validated at synth:\n  repeatMinutes: expected number, got string`,
    );
    const notParsed = join(folder, 'not-parsed.json');
    writeFileSync(notParsed, JSON.stringify({ timeZone: 'America/Chicago', repeatMinuts: 30 }));
    expect(errorOf(notParsed).issues).toEqual(
      expect.arrayContaining(['repeatMinutes: missing', 'repeatMinuts: not a rules setting']),
    );
  });

  it('accepts every configuration synth can write, the optional keys present or not', () => {
    const full = parseRulesConfig({
      timeZone: 'America/Chicago',
      escalationChain: [{ name: 'charge nurse', afterMinutes: 15 }],
      ackLinkBaseUrl: 'https://ack.example.org',
    });
    expect(readRulesConfigFile(writeRulesConfigFile(full, folder))).toEqual(full);
  });
});
