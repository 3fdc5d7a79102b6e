/**
 * What every handler reads once at cold start: the hospital's rule
 * configuration (failing loudly, naming the variable) and Powertools' logger
 * and metrics. Logs carry ids, rule ids and codes, never names. The ports
 * that reach AWS are in ports.ts, so the ingest function loads only the
 * clients it uses.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { requiredEnv } from '../adapters/aws-clients.js';
import { parseRulesConfig, type RulesConfig } from '../config/rules-config.js';

export const metricsNamespace = 'CalciphylaxisAlerting';

export const logger = new Logger();
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? metricsNamespace,
});

let rulesConfig: RulesConfig | undefined;
export function rulesConfigFromEnv(): RulesConfig {
  if (rulesConfig !== undefined) return rulesConfig;
  let json: unknown;
  try {
    json = JSON.parse(requiredEnv('RULES_CONFIG'));
  } catch (error: unknown) {
    if (error instanceof SyntaxError) throw new Error('RULES_CONFIG is not valid JSON');
    throw error;
  }
  rulesConfig = parseRulesConfig(json, 'RULES_CONFIG');
  return rulesConfig;
}

export const clock = (): Date => new Date();
