/** The documented methods: median (mean of the two middle values for an even count) and nearest-rank p90. */
import { describe, expect, it } from 'vitest';
import { median, nearestRankPercentile, summarize } from '../../lambdas/timeliness/statistics.js';

describe('median', () => {
  it.each([
    [[5], 5],
    [[9, 1, 5], 5],
    [[4, 1, 3, 2], 2.5],
    [[10, 20], 15],
  ])('%j → %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('is null for no values and leaves the input unsorted', () => {
    const values = [3, 1, 2];
    expect(median([])).toBeNull();
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('nearest-rank percentile', () => {
  it('p90 of 1..10 is the 9th value; of 1..20 the 18th; of one value that value', () => {
    const upTo = (n: number) => Array.from({ length: n }, (_, index) => n - index);
    expect(nearestRankPercentile(upTo(10), 90)).toBe(9);
    expect(nearestRankPercentile(upTo(20), 90)).toBe(18);
    expect(nearestRankPercentile(upTo(11), 90)).toBe(10); // rank ⌈9.9⌉ = 10
    expect(nearestRankPercentile([7], 90)).toBe(7);
    expect(nearestRankPercentile([], 90)).toBeNull();
  });

  it('p100 is the maximum; a percentile outside (0, 100] is refused', () => {
    expect(nearestRankPercentile([3, 9, 4], 100)).toBe(9);
    expect(() => nearestRankPercentile([1], 0)).toThrow(RangeError);
    expect(() => nearestRankPercentile([1], 101)).toThrow(RangeError);
  });

  it('summarize gives both', () => {
    expect(summarize([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual({ medianMinutes: 5.5, p90Minutes: 9 });
  });
});
