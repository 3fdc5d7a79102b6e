/**
 * The rule-set version carried by every alert and notification: which rules
 * code and which effective hospital configuration decided it, so a page can
 * be traced to the exact logic that sent it. Pure: no AWS import.
 */
import { createHash } from 'node:crypto';
import type { RulesConfig } from '../config/rules-config.js';

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

/** `cfg-<12 hex>`: a short hash of the effective rules configuration. */
export function ruleSetVersion(config: RulesConfig): string {
  return `cfg-${createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 12)}`;
}
