import { describe, expect, it } from 'vitest';
import type { Analyte } from '../../lambdas/domain/records.js';
import { analyteDefinition, analyteForCode } from '../../lambdas/units/index.js';

describe('analyteForCode', () => {
  it.each([
    ['17861-6', 'calcium'],
    ['2000-8', 'calcium'],
    ['2777-1', 'phosphate'],
    ['14879-1', 'phosphate'],
    ['2731-8', 'pth'],
    ['14866-2', 'pth'],
    ['1988-5', 'crp'],
    ['30522-7', 'crp'],
    ['718-7', 'hemoglobin'],
    ['59260-0', 'hemoglobin'],
    ['1963-8', 'bicarbonate'],
    ['2028-9', 'bicarbonate'],
    ['6301-6', 'inr'],
    ['34714-6', 'inr'],
  ] as Array<[string, Analyte]>)('LOINC %s is %s', (code, analyte) => {
    expect(analyteForCode(code, 'LN')).toBe(analyte);
    expect(analyteForCode(code, 'ln')).toBe(analyte);
  });

  it('a LOINC code the rules do not watch has no analyte', () => {
    expect(analyteForCode('2823-3', 'LN')).toBeUndefined();
  });

  it('a LOINC number under another coding system is not trusted as LOINC', () => {
    expect(analyteForCode('17861-6', 'L')).toBeUndefined();
  });

  it('dialysate calcium comes only from the hospital local-code map', () => {
    const local: Record<string, Analyte> = { DIALCA: 'dialysateCalcium', CA1: 'calcium' };
    expect(analyteForCode('DIALCA', 'L', local)).toBe('dialysateCalcium');
    expect(analyteForCode('CA1', '99LAB', local)).toBe('calcium');
    expect(analyteForCode('DIALCA', 'L')).toBeUndefined();
    expect(analyteForCode('toString', 'L', local)).toBeUndefined();
  });
});

describe('display precision of converted values (clinical convention)', () => {
  it.each([
    ['calcium', 'mg/dL', 1],
    ['phosphate', 'mg/dL', 1],
    ['pth', 'pg/mL', 0],
    ['crp', 'mg/L', 1],
    ['hemoglobin', 'g/dL', 1],
    ['bicarbonate', 'mmol/L', 0],
    ['inr', 'ratio', 1],
    ['dialysateCalcium', 'mEq/L', 1],
  ] as Array<[Analyte, string, number]>)(
    '%s is shown in %s with %i decimal(s)',
    (analyte, unit, decimals) => {
      expect(analyteDefinition(analyte)).toMatchObject({ canonicalUnit: unit, displayDecimals: decimals });
    },
  );
});
