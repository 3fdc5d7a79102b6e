/**
 * What every handler reads once at cold start: the hospital's rule
 * configuration (failing loudly, naming the file) and Powertools' logger
 * and metrics. Logs carry ids, rule ids and codes, never names. The ports
 * that reach AWS are in ports.ts, so the ingest function loads only the
 * clients it uses.
 */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { RulesConfig } from '../config/rules-config.js';
import { rulesConfigFileName, rulesConfigFileVariable } from '../config/rules-config-file.js';
import { ConfigError, checkRulesConfigShape } from '../config/rules-config-shape.js';

export const metricsNamespace = 'CalciphylaxisAlerting';

export const logger = new Logger();
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? metricsNamespace,
});

/** The rules file: RULES_CONFIG_FILE when set (the local stack, tests), else the one bundled beside this code (Lambda). */
export function rulesConfigPath(): string {
  return (
    process.env[rulesConfigFileVariable] ??
    fileURLToPath(new URL(`./${rulesConfigFileName}`, import.meta.url))
  );
}

/**
 * Reads the rules file synth validated and wrote (no zod in the bundle: only its shape is
 * checked here); a problem names the file (and the key).
 */
export function readRulesConfigFile(path: string): RulesConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(
      `${path}: the rules configuration cannot be read (${code}); it is bundled at synth, or named by ${rulesConfigFileVariable}`,
      [`(file): ${code}`],
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`${path}: the rules configuration is not valid JSON`, ['(file): not valid JSON']);
  }
  return checkRulesConfigShape(json, path);
}

let rulesConfig: RulesConfig | undefined;
/** The hospital's rules configuration, read once per cold start (a bad one fails the cold start, naming the file). */
export function hospitalRulesConfig(): RulesConfig {
  rulesConfig ??= readRulesConfigFile(rulesConfigPath());
  return rulesConfig;
}

export const clock = (): Date => new Date();
