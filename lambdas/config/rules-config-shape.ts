/**
 * What the functions need of the rules configuration at run time, without
 * zod: the configuration is validated (bounds, defaults, code maps) at synth
 * by rules-config.ts and bundled as the parsed result, so a cold start only
 * checks that the file has that shape (every key, of the right kind) and
 * names the key when it does not. The function bundles stay small.
 */
import type { RulesConfig } from './rules-config.js';

export const analyteNames = [
  'calcium',
  'phosphate',
  'pth',
  'crp',
  'hemoglobin',
  'bicarbonate',
  'inr',
  'dialysateCalcium',
] as const;

/** A configuration problem, naming the key (`crpRising.ratio: ...`) and where it came from. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Kind = 'string' | 'number' | 'object' | 'array';

/**
 * Each key of the parsed configuration and its kind; `?` when synth may
 * leave it out. `satisfies` keeps this list and the schema's keys the same.
 */
const shape = {
  timeZone: 'string',
  pagePhi: 'string',
  escalateAfterMinutes: 'number',
  repeatMinutes: 'number',
  escalationChain: 'array?',
  ackLinkExpiryHours: 'number',
  ackLinkBaseUrl: 'string?',
  timelinessTargetMinutes: 'number',
  namespaceAliases: 'object',
  localLabCodes: 'object',
  localDrugCodes: 'object',
  cohortCodes: 'array',
  modes: 'object',
  calcium: 'object',
  pth: 'object',
  hemoglobin: 'object',
  bicarbonateTargetAtLeastMmolL: 'number',
  calciumMonitoring: 'object',
  calciumCheckAfterCinacalcetDays: 'number',
  pthTitrateMinDaysSinceChange: 'number',
  crpRising: 'object',
  quarterlyLabsDays: 'number',
  thiosulfateNotStartedHours: 'number',
  thiosulfateCourseReviewDays: 'number',
  dialysateCalciumMaxMEqL: 'number',
  worsenedMargins: 'object',
} as const satisfies Record<keyof RulesConfig, Kind | `${Kind}?`>;

function kindOf(value: unknown): Kind | 'other' {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string' || typeof value === 'number') return typeof value as Kind;
  return value !== null && typeof value === 'object' ? 'object' : 'other';
}

/**
 * The configuration synth wrote (rules-config.ts parseRulesConfig's output),
 * checked for shape only; a missing, unknown or wrongly typed key is named.
 */
export function checkRulesConfigShape(input: unknown, origin: string): RulesConfig {
  const fail = (issues: string[]): never => {
    throw new ConfigError(
      `${origin} is not a configuration validated at synth:\n  ${issues.join('\n  ')}`,
      issues,
    );
  };
  if (kindOf(input) !== 'object') return fail(['(root): expected an object']);
  const values = input as Record<string, unknown>;
  const issues: string[] = [];
  for (const [key, expected] of Object.entries(shape)) {
    const optional = expected.endsWith('?');
    const kind = expected.replace('?', '');
    if (values[key] === undefined) {
      if (!optional) issues.push(`${key}: missing`);
    } else if (kindOf(values[key]) !== kind) {
      issues.push(`${key}: expected ${kind}, got ${kindOf(values[key])}`);
    }
  }
  for (const key of Object.keys(values)) {
    if (!(key in shape)) issues.push(`${key}: not a rules setting`);
  }
  if (issues.length > 0) fail(issues);
  return values as RulesConfig;
}
