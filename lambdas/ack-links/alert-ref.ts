/**
 * The alert id in 10 bytes, so a link can carry it whole and the ack
 * endpoint needs no lookup table: alerts/ids.ts makes ids of the form
 * `<ruleId>-<13 base-36 digits of a 64-bit hash>[-<n>]`, which packs into a
 * rule code (1 byte), the hash (8 bytes) and the reopen suffix n (1 byte,
 * 0 = none).
 *
 * Rule codes are written out here, never derived from list order: a link in
 * flight must decode the same after a rule is added. Add new rules with a new
 * code; never reuse or renumber one.
 */
import type { RuleId } from '../domain/alerts.js';
import { AckLinkClaimsError } from './errors.js';

export const ruleCodes = {
  CALCIUM_CRITICAL_LOW: 1,
  CALCIUM_LOW: 2,
  VKA_ACTIVE: 3,
  PTH_SEVERE: 4,
  PTH_START_CINACALCET: 5,
  PTH_TITRATE_CINACALCET: 6,
  PTH_LOW: 7,
  CALCIUM_CHECK_AFTER_CINACALCET: 8,
  CALCIUM_MONITORING_OVERDUE: 9,
  HEMOGLOBIN_LOW: 10,
  BICARBONATE_LOW: 11,
  QUARTERLY_LABS_OVERDUE: 12,
  CRP_RISING: 13,
  CALCIUM_BINDER_ACTIVE: 14,
  ACTIVE_VITAMIN_D: 15,
  THIOSULFATE_NOT_STARTED: 16,
  THIOSULFATE_COURSE_REVIEW: 17,
  DIALYSATE_CALCIUM_HIGH: 18,
  RESULT_UNREADABLE: 19,
} as const satisfies Record<RuleId, number>;

const ruleByCode = new Map<number, RuleId>(
  Object.entries(ruleCodes).map(([ruleId, code]) => [code, ruleId as RuleId]),
);

export const alertRefBytes = 10;

const alertIdPattern = /^([A-Z0-9_]+)-([0-9a-z]{13})(?:-([0-9]+))?$/;
const hashDigits = 13;
const maxHash = (1n << 64n) - 1n;
const maxSuffix = 255;

function isRuleId(text: string): text is RuleId {
  return Object.hasOwn(ruleCodes, text);
}

/** The 10-byte form of an alert id; throws when the id is not one alerts/ids.ts makes. */
export function packAlertId(alertId: string): Uint8Array {
  const match = alertIdPattern.exec(alertId);
  const [, ruleId = '', hashText = '', suffixText] = match ?? [];
  if (match === null || !isRuleId(ruleId)) {
    throw new AckLinkClaimsError(`not an alert id made by the alert lifecycle: ${JSON.stringify(alertId)}`);
  }
  const hash = parseBase36(hashText);
  const suffix = suffixText === undefined ? 0 : Number(suffixText);
  if (hash > maxHash || hash.toString(36).padStart(hashDigits, '0') !== hashText) {
    throw new AckLinkClaimsError(`alert id hash out of range: ${JSON.stringify(alertId)}`);
  }
  // `-1` is never made, and a leading zero would not round-trip.
  if (suffixText !== undefined && (suffix < 2 || suffix > maxSuffix || String(suffix) !== suffixText)) {
    throw new AckLinkClaimsError(`alert id suffix out of range (2-${maxSuffix}): ${JSON.stringify(alertId)}`);
  }
  const bytes = new Uint8Array(alertRefBytes);
  const view = new DataView(bytes.buffer);
  bytes[0] = ruleCodes[ruleId];
  view.setBigUint64(1, hash);
  bytes[9] = suffix;
  return bytes;
}

/** The alert id back from its 10 bytes, or undefined when they name no known rule or an impossible suffix. */
export function unpackAlertId(bytes: Uint8Array): string | undefined {
  if (bytes.length !== alertRefBytes) return undefined;
  const ruleId = ruleByCode.get(bytes[0] ?? 0);
  const suffix = bytes[9] ?? 0;
  if (ruleId === undefined || suffix === 1) return undefined;
  const hash = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(1);
  const base = `${ruleId}-${hash.toString(36).padStart(hashDigits, '0')}`;
  return suffix === 0 ? base : `${base}-${suffix}`;
}

function parseBase36(text: string): bigint {
  let value = 0n;
  for (const character of text) value = value * 36n + BigInt(Number.parseInt(character, 36));
  return value;
}
