import { describe, expect, it } from 'vitest';
import { asciiSubject, fitText, readableLocation } from '../../lambdas/alerts/text.js';

describe('text fitting for SMS and subjects', () => {
  it.each([
    ['calcium 7.2 mg/dL', 40, 'calcium 7.2 mg/dL'],
    ['calcium 7.2 mg/dL', 10, 'calcium...'],
    ['calcium', 3, 'cal'],
    ['calcium', 0, ''],
  ])('fitText(%j, %i) = %j', (text, max, expected) => {
    expect(fitText(text, max)).toBe(expected);
  });

  it('never splits a surrogate pair', () => {
    const cut = fitText('ab😀cdefgh', 6);
    expect(cut).toBe('ab...');
    expect(cut.length).toBeLessThanOrEqual(6);
  });

  it('subjects are printable ASCII', () => {
    expect(asciiSubject('Clínica São José ≥ 2\n')).toBe('Clinica Sao Jose >= 2');
    expect(asciiSubject('病院')).toBe('??');
  });

  it.each([
    ['HD^CHAIR07^^NDC', 'HD, CHAIR07, NDC'],
    ['HD^CHAIR^4^DIALYSIS_EAST', 'HD, CHAIR, 4, DIALYSIS_EAST'],
    [' HD ^ CHAIR07 ', 'HD, CHAIR07'],
    // PV1-3.4 is an HD: its namespace id names the facility; status, type, building and floor are codes.
    ['HD^CHAIR07^^NDC&1.2.840.1&ISO^A^N^B2^3', 'HD, CHAIR07, NDC'],
    ['^^^', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('readableLocation(%j) = %j', (location, expected) => {
    expect(readableLocation(location)).toBe(expected);
  });

  it('leaves out the facility component where the page already names that facility', () => {
    expect(readableLocation('HD^CHAIR07^^NDC', 'NDC')).toBe('HD, CHAIR07');
    expect(readableLocation('HD^CHAIR07^^ndc ', 'NDC')).toBe('HD, CHAIR07');
    expect(readableLocation('HD^CHAIR07^^NDC', 'NORTHSIDE DIALYSIS')).toBe('HD, CHAIR07, NDC');
    expect(readableLocation('^^^NDC', 'NDC')).toBeUndefined();
  });
});
