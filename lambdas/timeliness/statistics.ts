/**
 * The two summary figures of the timeliness report, with the methods written
 * down so a quality officer can redo them by hand:
 * - median: the middle value of the sorted durations; for an even count, the
 *   mean of the two middle values;
 * - 90th percentile: nearest rank, the value at rank ⌈0.9 × n⌉ (1-based) of
 *   the sorted durations, so it is always a duration that happened.
 * Both are null for no values.
 */

export interface DurationSummary {
  medianMinutes: number | null;
  p90Minutes: number | null;
}

export function median(values: readonly number[]): number | null {
  const sorted = ascending(values);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2;
}

/** Nearest-rank percentile, `percent` in (0, 100]. */
export function nearestRankPercentile(values: readonly number[], percent: number): number | null {
  if (!(percent > 0 && percent <= 100)) throw new RangeError(`percentile must be in (0, 100]: ${percent}`);
  const sorted = ascending(values);
  if (sorted.length === 0) return null;
  const rank = Math.ceil((percent / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

export function summarize(values: readonly number[]): DurationSummary {
  return { medianMinutes: median(values), p90Minutes: nearestRankPercentile(values, 90) };
}

function ascending(values: readonly number[]): number[] {
  return [...values].sort((left, right) => left - right);
}
