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

  it('names the file when it is missing, not JSON, or has a bad value (and the key)', () => {
    const missing = join(folder, 'absent.json');
    expect(errorOf(missing).message).toMatch(
      new RegExp(`^${missing}: the rules configuration cannot be read \\(ENOENT\\)`),
    );

    const notJson = join(folder, 'not-json.json');
    writeFileSync(notJson, '{ "timeZone": ');
    expect(errorOf(notJson).message).toBe(`${notJson}: the rules configuration is not valid JSON`);

    const badValue = join(folder, 'bad-value.json');
    writeFileSync(badValue, JSON.stringify({ timeZone: 'America/Chicago', repeatMinutes: 0 }));
    expect(errorOf(badValue).message).toMatch(/is invalid:\n {2}repeatMinutes: Too small/);
  });
});
