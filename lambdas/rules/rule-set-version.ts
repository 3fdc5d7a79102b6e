/**
 * The rule-set version carried by every alert and notification: which rules
 * code and which effective hospital configuration decided it, so a page can
 * be traced to the exact logic that sent it. Pure: no AWS import.
 *
 * `rules-<10 hex>+cfg-<12 hex>`: the first part is a hash of every rule's id
 * and version (rule.ts, `Rule.version`, pinned by tests), the second a hash of
 * the effective rules configuration (thresholds, modes, code maps, timing).
 * Either changing changes the version; the same code and configuration always
 * give the same version, on every function and in the backtest.
 */
import { createHash } from 'node:crypto';
import type { RulesConfig } from '../config/rules-config.js';
import { rules } from './registry.js';
import type { Rule } from './rule.js';

/** Keys in a stable order, so the same configuration always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** `rules-<10 hex>`: a hash of the rules' `id:version` pairs, in id order. */
export function rulesCodeVersion(ruleSet: readonly Pick<Rule, 'id' | 'version'>[] = rules): string {
  const pairs = ruleSet.map((rule) => `${rule.id}:${rule.version}`).sort();
  return `rules-${sha256(pairs.join(',')).slice(0, 10)}`;
}

const codeVersion = rulesCodeVersion();

// A configuration is read once per process and never changed: hashing it (code maps of thousands of
// entries) once per object keeps it off every evaluation's path.
const versions = new WeakMap<RulesConfig, string>();

/** `rules-<10 hex>+cfg-<12 hex>`: this code's rules under this effective configuration. */
export function ruleSetVersion(config: RulesConfig): string {
  let version = versions.get(config);
  if (version === undefined) {
    version = `${codeVersion}+cfg-${sha256(canonicalJson(config)).slice(0, 12)}`;
    versions.set(config, version);
  }
  return version;
}
