import { describe, expect, it } from 'vitest';
import type { Comparator, Quantity } from '../../lambdas/domain/records.js';
import { nextHigherCinacalcetDose, nextLowerCinacalcetDose } from '../../lambdas/rules/support/cinacalcet.js';
import { listInWords } from '../../lambdas/rules/support/orders.js';
import {
  formatNumber,
  formatShown,
  meetsAbove,
  meetsAtLeast,
  meetsAtMost,
  meetsBelow,
} from '../../lambdas/rules/support/quantity.js';
import {
  daysElapsed,
  formatClinicalTime,
  isMoreThanDays,
  msPerDay,
} from '../../lambdas/rules/support/time.js';

const quantity = (text: string): Quantity => {
  const match = /^(<=|>=|<|>)?(.+)$/.exec(text);
  const comparator = match?.[1] as Comparator | undefined;
  return { value: Number(match?.[2]), unit: 'mg/dL', ...(comparator === undefined ? {} : { comparator }) };
};

describe('comparator-aware thresholds', () => {
  it.each([
    // value, threshold, below, atMost, above, atLeast
    ['7.4', 7.5, true, true, false, false],
    ['7.5', 7.5, false, true, false, true],
    ['7.6', 7.5, false, false, true, true],
    ['<7.0', 7.5, true, true, false, false],
    ['<7.5', 7.5, true, true, false, false],
    ['<=7.5', 7.5, false, true, false, false],
    ['<8.0', 7.5, false, false, false, false],
    ['<8.0', 8.0, true, true, false, false],
    ['>8.4', 8.4, false, false, true, true],
    ['>=8.4', 8.4, false, false, false, true],
    ['>2500', 500, false, false, true, true],
    ['>400', 500, false, false, false, false],
  ] as const)(
    '%s against %s: below %s, at most %s, above %s, at least %s',
    (text, threshold, below, atMost, above, atLeast) => {
      const sent = quantity(text);
      expect([
        meetsBelow(sent, threshold),
        meetsAtMost(sent, threshold),
        meetsAbove(sent, threshold),
        meetsAtLeast(sent, threshold),
      ]).toEqual([below, atMost, above, atLeast]);
    },
  );

  it('treats a value a floating-point error away from the threshold as the threshold', () => {
    // What arithmetic on unit factors can leave behind (0.1 × 3 × 40).
    const twelve = { value: 0.1 * 3 * 40, unit: 'g/dL' };
    expect(twelve.value).not.toBe(12);
    expect(meetsAtMost(twelve, 12)).toBe(true);
    expect(meetsAbove(twelve, 12)).toBe(false);
  });

  it.each([
    [7.2, '7.2'],
    [7.49496, '7.495'],
    [12.000000000000002, '12'],
    [2500, '2500'],
  ])('formats %s as %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('formatShown: a value as a page shows it', () => {
  it.each([
    ['7.2144', 1, [], '7.2 mg/dL'],
    ['7.45', 1, [], '7.5 mg/dL'],
    ['7.2', 2, [], '7.20 mg/dL'],
    ['565.8', 0, [], '566 mg/dL'],
    ['<7.0', 1, [], '<7.0 mg/dL'],
    // A bound rounds outward: <8.016 is not <8.0, but it is <8.1.
    ['<8.016', 1, [], '<8.1 mg/dL'],
    ['>8.016', 1, [], '>8.0 mg/dL'],
    // Rounding must not reach or cross a stated threshold: one more decimal, then another.
    ['7.4549', 1, [7.5], '7.45 mg/dL'],
    ['7.495', 1, [7.5], '7.495 mg/dL'],
    ['7.5', 1, [7.5], '7.5 mg/dL'],
    ['8.016', 1, [8.0], '8.02 mg/dL'],
    ['500.0729', 0, [500], '500.1 mg/dL'],
  ] as const)('%s at %i decimals, thresholds %j: %s', (text, decimals, stated, expected) => {
    expect(formatShown(quantity(text), decimals, stated)).toBe(expected);
  });
});

describe('cinacalcet dose ladder', () => {
  it.each([
    [180, 120],
    [120, 90],
    [90, 60],
    [60, 30],
    [30, undefined],
    [45, 30],
    [15, undefined],
  ])('next lower below %s mg is %s', (dose, next) => {
    expect(nextLowerCinacalcetDose(dose)).toBe(next);
  });

  it.each([
    [30, 60],
    [60, 90],
    [90, 120],
    [120, 180],
    [180, undefined],
    [100, 120],
  ])('next higher above %s mg is %s', (dose, next) => {
    expect(nextHigherCinacalcetDose(dose)).toBe(next);
  });
});

describe('time', () => {
  it.each([
    ['2026-01-15T15:00:00.000Z', 'America/Chicago', '2026-01-15 09:00 CST'],
    ['2026-07-15T15:00:00.000Z', 'America/Chicago', '2026-07-15 10:00 CDT'],
    ['2026-07-15T23:30:00.000Z', 'UTC', '2026-07-15 23:30 UTC'],
    ['not a time', 'UTC', 'not a time'],
  ])('formats %s in %s as %s', (iso, zone, text) => {
    expect(formatClinicalTime(iso, zone)).toBe(text);
  });

  it('counts "more than N days" strictly', () => {
    expect(isMoreThanDays(0, 7 * msPerDay, 7)).toBe(false);
    expect(isMoreThanDays(0, 7 * msPerDay + 1, 7)).toBe(true);
    expect(daysElapsed(0, 8 * msPerDay - 1)).toBe(7);
  });

  it('lists in words', () => {
    expect(listInWords([])).toBe('');
    expect(listInWords(['a'])).toBe('a');
    expect(listInWords(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
