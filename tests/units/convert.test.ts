import { describe, expect, it } from 'vitest';
import type { Analyte, Comparator } from '../../lambdas/domain/records.js';
import { analyteDefinitions, roundConverted, toCanonical } from '../../lambdas/units/index.js';

// clinical-rules.md, "Laboratory results": every accepted unit with its factor.
const conversions: Array<[Analyte, number, string, number, string]> = [
  ['calcium', 9.2, 'mg/dL', 9.2, 'mg/dL'],
  ['calcium', 2.0, 'mmol/L', 8.016, 'mg/dL'],
  ['calcium', 1.87, 'mmol/L', 7.495, 'mg/dL'], // 7.49496: still below the 7.5 critical boundary
  ['calcium', 4.0, 'mEq/L', 8.016, 'mg/dL'],
  ['phosphate', 5.5, 'mg/dL', 5.5, 'mg/dL'],
  ['phosphate', 1.5, 'mmol/L', 4.6455, 'mg/dL'],
  ['pth', 501, 'pg/mL', 501, 'pg/mL'],
  ['pth', 501, 'ng/L', 501, 'pg/mL'],
  ['pth', 53, 'pmol/L', 499.79, 'pg/mL'], // just under PTH_SEVERE's 500
  ['pth', 53.1, 'pmol/L', 500.733, 'pg/mL'], // just over it
  ['crp', 12.5, 'mg/L', 12.5, 'mg/L'],
  ['crp', 1.2, 'mg/dL', 12, 'mg/L'],
  ['hemoglobin', 11.9, 'g/dL', 11.9, 'g/dL'],
  ['hemoglobin', 119, 'g/L', 11.9, 'g/dL'],
  ['hemoglobin', 7.4, 'mmol/L', 11.9214, 'g/dL'],
  ['bicarbonate', 21, 'mmol/L', 21, 'mmol/L'],
  ['bicarbonate', 21, 'mEq/L', 21, 'mmol/L'],
  ['inr', 2.4, '{INR}', 2.4, 'ratio'],
  ['inr', 2.4, '{ratio}', 2.4, 'ratio'],
  ['inr', 2.4, '1', 2.4, 'ratio'],
  ['inr', 2.4, '', 2.4, 'ratio'],
  ['dialysateCalcium', 2.5, 'mEq/L', 2.5, 'mEq/L'],
  ['dialysateCalcium', 1.25, 'mmol/L', 2.5, 'mEq/L'],
];

describe('toCanonical: the unit table', () => {
  it.each(conversions)('%s %d %s -> %d %s', (analyte, value, unit, expected, canonicalUnit) => {
    const result = toCanonical(analyte, { value, unit });
    expect(result).toEqual({ ok: true, canonical: { value: expected, unit: canonicalUnit } });
  });

  it('covers every accepted unit of every analyte in the table', () => {
    const tested = new Set(conversions.map(([analyte, , unit]) => `${analyte} ${unit}`));
    const listed = analyteDefinitions.flatMap((d) => d.acceptedUnits.map((u) => `${d.analyte} ${u.unit}`));
    expect(listed.filter((key) => !tested.has(key))).toEqual([]);
  });

  it('CALCIUM_CRITICAL_LOW boundary: 1.87 mmol/L converts below 7.5 mg/dL, 1.88 above', () => {
    const low = toCanonical('calcium', { value: 1.87, unit: 'mmol/L' });
    const high = toCanonical('calcium', { value: 1.88, unit: 'mmol/L' });
    expect(low.ok && low.canonical.value < 7.5).toBe(true);
    expect(high.ok && high.canonical.value >= 7.5).toBe(true);
  });
});

describe('toCanonical: unit spellings', () => {
  it.each([
    ['calcium', 'MG/DL'],
    ['calcium', 'mg/dl'],
    ['calcium', ' mg / dL '],
    ['calcium', 'MMOL/L'],
    ['calcium', 'meq/L'],
    ['calcium', 'MEQ/L'],
    ['pth', 'PG/ML'],
    ['hemoglobin', 'G/DL'],
    ['inr', '{inr}'],
    ['inr', '  '],
  ] as Array<[Analyte, string]>)('%s accepts %j', (analyte, unit) => {
    expect(toCanonical(analyte, { value: 2, unit }).ok).toBe(true);
  });

  it.each([
    ['calcium', 'mg/L', /unit 'mg\/L' is not accepted for calcium/],
    ['calcium', 'mg%', /not accepted/],
    ['pth', 'ng/mL', /not accepted for PTH/], // 1000x off: never guessed
    ['crp', 'mg/dl/', /not accepted/],
    ['bicarbonate', 'mmol', /not accepted/],
    ['inr', 'sec', /not accepted for INR/],
    ['dialysateCalcium', 'mg/dL', /not accepted for dialysate calcium/],
  ] as Array<[Analyte, string, RegExp]>)('%s rejects %j with unitError', (analyte, unit, message) => {
    const result = toCanonical(analyte, { value: 2, unit });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.unitError).toMatch(message);
  });

  it.each([
    'calcium',
    'phosphate',
    'pth',
    'crp',
    'hemoglobin',
    'bicarbonate',
    'dialysateCalcium',
  ] as Analyte[])('%s without a unit is a unitError (only INR may omit it)', (analyte) => {
    const result = toCanonical(analyte, { value: 2, unit: '' });
    expect(result).toMatchObject({ ok: false, unitError: expect.stringMatching(/no unit was sent/) });
  });
});

describe('toCanonical: comparators are kept', () => {
  it.each([
    ['<', 7.0, 'mg/dL', 7.0],
    ['<=', 1.8, 'mmol/L', 7.2144],
    ['>', 2500, 'pg/mL', 2500],
    ['>=', 300, 'pmol/L', 2829],
  ] as Array<[Comparator, number, string, number]>)('%s %d %s', (comparator, value, unit, expected) => {
    const analyte: Analyte = unit.startsWith('p') ? 'pth' : 'calcium';
    const result = toCanonical(analyte, { value, unit, comparator });
    expect(result).toMatchObject({ ok: true, canonical: { value: expected, comparator } });
  });
});

describe('roundConverted', () => {
  it.each([
    [7.2 * 1, 7.2],
    [0.1 * 3, 0.3],
    [1.87 * 4.008, 7.495],
    [2.3 * 4.008, 9.2184],
    [1.00005, 1.0001],
    [-0.00001, 0],
  ])('%d -> %d (4 decimals, no float noise)', (input, expected) => {
    expect(roundConverted(input)).toBe(expected);
  });
});
