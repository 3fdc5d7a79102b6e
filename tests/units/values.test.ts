import { describe, expect, it } from 'vitest';
import { readObservationValue, sentDecimals } from '../../lambdas/units/index.js';

describe('readObservationValue: numbers the rules may read', () => {
  it.each([
    ['NM', '7.2', 7.2, undefined],
    ['NM', ' 10.9 ', 10.9, undefined],
    ['NM', '.5', 0.5, undefined],
    ['NM', '-2', -2, undefined],
    ['NM', '1204', 1204, undefined],
    ['ST', '<7.0', 7.0, '<'],
    ['ST', '> 2500', 2500, '>'],
    ['ST', '<= 7.4', 7.4, '<='],
    ['ST', '>=500', 500, '>='],
    ['ST', ' 8.1 ', 8.1, undefined],
    ['st', '8.1', 8.1, undefined],
  ])('%s %j -> %d %s', (type, text, value, comparator) => {
    const expected = comparator === undefined ? { ok: true, value } : { ok: true, value, comparator };
    expect(readObservationValue(type, text)).toEqual(expected);
  });

  it.each([
    [['<', '7.0'], 7.0, '<'],
    [['>', '2500'], 2500, '>'],
    [['', '7.2'], 7.2, undefined],
    [['=', '7.2'], 7.2, undefined],
    [['<=', '7.4'], 7.4, '<='],
    [['>=', '8'], 8, '>='],
  ])('SN %j -> %d %s', (components, value, comparator) => {
    const expected = comparator === undefined ? { ok: true, value } : { ok: true, value, comparator };
    expect(readObservationValue('SN', [components])).toEqual(expected);
    expect(readObservationValue('SN', components.join('^'))).toEqual(expected);
  });
});

describe('readObservationValue: never guessed (RESULT_UNREADABLE)', () => {
  it.each([
    ['NM', '7,1', /'7,1' is not a decimal/],
    ['ST', '7,1', /'7,1' is not a decimal/],
    ['NM', '<7.0', /not a decimal/], // NM has no comparator: only ST and SN carry one
    ['ST', 'hemolysed', /not a decimal/],
    ['ST', '7.2 mg/dL', /not a decimal/],
    ['ST', '7.2.1', /not a decimal/],
    ['ST', '1e3', /not a decimal/],
    ['ST', '=<7', /not a decimal/],
    ['NM', '', /empty/],
    ['TX', '7.2', /value type TX is not numeric/],
    ['CWE', '260385009^Negative^SCT', /not numeric/],
    ['', '7.2', /value type is missing/],
  ])('%s %j is a valueError', (type, text, reason) => {
    const result = readObservationValue(type, text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it.each([
    [['<>', '7']],
    [['', '1', '-', '5']], // a range is not one number
    [['', '1', ':', '128']], // a ratio
    [['<', '7,1']],
    [['<', '']],
  ])('SN %j is a valueError', (components) => {
    expect(readObservationValue('SN', [components]).ok).toBe(false);
  });

  it('several repetitions are not one value', () => {
    expect(readObservationValue('NM', [['7.2'], ['7.4']])).toMatchObject({ ok: false, reason: /2 values/ });
  });
});

describe('sentDecimals: the precision a value was sent with', () => {
  it.each([
    ['1.80', 2],
    ['7.2', 1],
    ['7', 0],
    ['7.', 0],
    ['.5', 1],
    ['-2.25', 2],
    ['<2.0', 1],
    ['> 2500', 0],
    ['<^2.00', 2],
    ['', undefined],
    ['see note', undefined],
  ] as const)('%j: %s', (raw, decimals) => {
    expect(sentDecimals(raw)).toBe(decimals);
  });
});
