/**
 * CRP_RISING (urgent): CRP ≥ 10 mg/L and ≥ 1.5 × the previous CRP, that previous one observed within
 * 30 days before (local defaults); a CRP with no earlier one in that window does not fire. Resolves on
 * a newer CRP below 10.
 */
import type { RuleContext } from './rule.js';
import {
  describeResult,
  observationEvidence,
  type ReadableEntry,
  usableHistory,
} from './support/observations.js';
import { formatNumber, meetsAtLeast, meetsBelow } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';
import { msPerDay } from './support/time.js';

/** The CRP just before this one, when it lies within the look-back window. */
function previousWithinWindow(
  entry: ReadableEntry,
  { state, config }: RuleContext,
): ReadableEntry | undefined {
  const previous = usableHistory(state, 'crp', 'urgent').find(
    (older) => older.observedAtMs < entry.observedAtMs,
  );
  if (previous === undefined) return undefined;
  return entry.observedAtMs - previous.observedAtMs <= config.crpRising.lookbackDays * msPerDay
    ? previous
    : undefined;
}

/** Proves the rise: the newest at least `ratio` × the most the previous could have been. */
function hasRisen(entry: ReadableEntry, previous: ReadableEntry, ratio: number): boolean {
  const before = previous.observation.canonical;
  // `>5` puts no ceiling on the previous value, so no rise can be proven from it.
  if (before.comparator === '>' || before.comparator === '>=') return false;
  return meetsAtLeast(entry.observation.canonical, ratio * before.value);
}

function rise(entry: ReadableEntry, context: RuleContext): ReadableEntry | undefined {
  const { minimumMgL, ratio } = context.config.crpRising;
  if (!meetsAtLeast(entry.observation.canonical, minimumMgL)) return undefined;
  const previous = previousWithinWindow(entry, context);
  return previous !== undefined && hasRisen(entry, previous, ratio) ? previous : undefined;
}

export const CRP_RISING = resultRule({
  id: 'CRP_RISING',
  version: 1,
  severity: 'urgent',
  seed: [
    'Monitor C-reactive protein to track inflammatory response',
    'Implement meticulous wound care to prevent sepsis, the leading cause of mortality',
  ],
  analyte: 'crp',
  fires: (entry, context) => rise(entry, context) !== undefined,
  resolves: ({ observation }, { config }) => meetsBelow(observation.canonical, config.crpRising.minimumMgL),
  moreEvidence: (entry, context) => {
    const previous = rise(entry, context);
    return previous === undefined ? [] : [observationEvidence(previous)];
  },
  finding: (entry, context) => {
    const { timeZone, crpRising } = context.config;
    const previous = rise(entry, context);
    const from = previous === undefined ? '' : `, up from ${describeResult(previous, timeZone)}`;
    return `${describeResult(entry, timeZone, [crpRising.minimumMgL])} is at least ${formatNumber(crpRising.minimumMgL)} mg/L and ${formatNumber(crpRising.ratio)} times the previous CRP or more${from}.`;
  },
  recommendation: () =>
    'Rising inflammation: assess wounds for infection; sepsis is the leading cause of death.',
  resolveReason: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [config.crpRising.minimumMgL])} is below ${formatNumber(config.crpRising.minimumMgL)} mg/L.`,
});
