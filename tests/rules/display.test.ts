/**
 * How values read in findings (clinical-rules.md, "Page content"): the value as sent keeps the
 * digits it was sent with; a converted value is shown at the analyte's usual precision, with more
 * decimals only where rounding would put it on the other side of the threshold the finding states.
 * The rules still compare the exact canonical value.
 */
import { describe, expect, it } from 'vitest';
import type { Analyte } from '../../lambdas/domain/records.js';
import { CALCIUM_CRITICAL_LOW } from '../../lambdas/rules/CALCIUM_CRITICAL_LOW.js';
import { CALCIUM_LOW } from '../../lambdas/rules/CALCIUM_LOW.js';
import { HEMOGLOBIN_LOW } from '../../lambdas/rules/HEMOGLOBIN_LOW.js';
import { PTH_SEVERE } from '../../lambdas/rules/PTH_SEVERE.js';
import { toCanonical } from '../../lambdas/units/convert.js';
import { readObservationValue } from '../../lambdas/units/values.js';
import { calcium, day, finding, kindOf, openAlert, resolution, result, run } from './factories.js';

/** A result as the normaliser leaves it for OBX-5 `raw` (ST, so a comparator may lead) in `unit`. */
function sentAs(analyte: Analyte, raw: string, unit: string, at = day(0)) {
  const reading = readObservationValue('ST', raw);
  if (!reading.ok) throw new Error(reading.reason);
  const comparator = reading.comparator === undefined ? {} : { comparator: reading.comparator };
  const converted = toCanonical(analyte, { value: reading.value, unit, ...comparator });
  if (!converted.ok) throw new Error(converted.unitError);
  return result(analyte, converted.canonical.value, {
    at,
    ...comparator,
    sent: { value: reading.value, unit },
    rawValue: raw,
  });
}

describe('CALCIUM_CRITICAL_LOW (< 7.5 mg/dL) findings from calcium sent in mmol/L', () => {
  it('1.80 mmol/L (7.2144 mg/dL) reads 7.2 mg/dL, and the value as sent keeps its digits', () => {
    const stored = sentAs('calcium', '1.80', 'mmol/L');
    const fired = finding(run(CALCIUM_CRITICAL_LOW, { records: [stored] }));
    expect(fired.finding).toBe(
      'Calcium 7.2 mg/dL (1.80 mmol/L as sent, final) at 2026-03-02 09:00 CST is below 7.5 mg/dL.',
    );
    expect(fired.evidence[0]?.summary).toBe(`calcium 7.2 mg/dL (F) at ${day(0)}`);
  });

  it('1.87 mmol/L (7.495 mg/dL) fires, and does not read "7.5 mg/dL ... is below 7.5 mg/dL"', () => {
    const fired = finding(run(CALCIUM_CRITICAL_LOW, { records: [sentAs('calcium', '1.87', 'mmol/L')] }));
    expect(fired.finding).toBe(
      'Calcium 7.495 mg/dL (1.87 mmol/L as sent, final) at 2026-03-02 09:00 CST is below 7.5 mg/dL.',
    );
  });

  it('1.86 mmol/L (7.4549 mg/dL) keeps one more decimal: 7.45, not 7.5', () => {
    const fired = finding(run(CALCIUM_CRITICAL_LOW, { records: [sentAs('calcium', '1.86', 'mmol/L')] }));
    expect(fired.finding).toMatch(/^Calcium 7\.45 mg\/dL \(1\.86 mmol\/L as sent, final\)/);
  });

  it('1.88 mmol/L (7.535 mg/dL) does not fire: the rule compares the exact value, not the shown 7.5', () => {
    expect(kindOf(run(CALCIUM_CRITICAL_LOW, { records: [sentAs('calcium', '1.88', 'mmol/L')] }))).toBe(
      'noChange',
    );
  });

  it('resolves on 2.00 mmol/L (8.016 mg/dL) and says 8.02 is at least 8.0, not 8.0 is at least 8.0', () => {
    const low = calcium(7.2, { at: day(0) });
    const recovered = sentAs('calcium', '2.00', 'mmol/L', day(1));
    const outcome = resolution(
      run(CALCIUM_CRITICAL_LOW, {
        records: [low, recovered],
        openAlerts: [openAlert('CALCIUM_CRITICAL_LOW', [low])],
      }),
    );
    expect(outcome.reason).toMatch(
      /^Calcium 8\.02 mg\/dL \(2\.00 mmol\/L as sent, final\) .* is at least 8\.0 mg\/dL/,
    );
  });
});

describe('values sent in the canonical unit are shown as sent', () => {
  it.each([
    ['7.20', 'Calcium 7.20 mg/dL (final)'],
    ['7.2', 'Calcium 7.2 mg/dL (final)'],
    ['7', 'Calcium 7 mg/dL (final)'],
    ['7.4999', 'Calcium 7.4999 mg/dL (final)'],
  ])('CALCIUM_CRITICAL_LOW: OBX-5 %s mg/dL reads %s', (raw, expected) => {
    const fired = finding(run(CALCIUM_CRITICAL_LOW, { records: [sentAs('calcium', raw, 'mg/dL')] }));
    expect(fired.finding.startsWith(`${expected} at `)).toBe(true);
  });
});

describe('a bound as sent stays true after rounding', () => {
  it('CALCIUM_LOW (< 8.4): <2.0 mmol/L (<8.016 mg/dL) reads <8.1 mg/dL, never <8.0', () => {
    const fired = finding(run(CALCIUM_LOW, { records: [sentAs('calcium', '<2.0', 'mmol/L')] }));
    expect(fired.finding).toBe(
      'Calcium <8.1 mg/dL (<2.0 mmol/L as sent, final) at 2026-03-02 09:00 CST is below 8.4 mg/dL.',
    );
  });
});

describe('other analytes at their usual precision', () => {
  it('PTH_SEVERE (> 500): 60 pmol/L (565.8 pg/mL) reads 566 pg/mL', () => {
    const fired = finding(run(PTH_SEVERE, { records: [sentAs('pth', '60', 'pmol/L')] }));
    expect(fired.finding).toBe(
      'PTH 566 pg/mL (60 pmol/L as sent, final) at 2026-03-02 09:00 CST is above 500 pg/mL.',
    );
  });

  it('PTH_SEVERE (> 500): 53.03 pmol/L (500.0729 pg/mL) fires and reads 500.1, not 500 is above 500', () => {
    const fired = finding(run(PTH_SEVERE, { records: [sentAs('pth', '53.03', 'pmol/L')] }));
    expect(fired.finding).toMatch(
      /^PTH 500\.1 pg\/mL \(53\.03 pmol\/L as sent, final\) .* is above 500 pg\/mL\.$/,
    );
  });

  it('HEMOGLOBIN_LOW (≤ 12 women): 99 g/L reads 9.9 g/dL; 120.4 g/L (12.04 g/dL) does not fire', () => {
    const fired = finding(run(HEMOGLOBIN_LOW, { records: [sentAs('hemoglobin', '99', 'g/L')] }));
    expect(fired.finding).toMatch(/^Hemoglobin 9\.9 g\/dL \(99 g\/L as sent, final\)/);
    expect(kindOf(run(HEMOGLOBIN_LOW, { records: [sentAs('hemoglobin', '120.4', 'g/L')] }))).toBe('noChange');
  });

  it('HEMOGLOBIN_LOW (≤ 12 women): 119.6 g/L (11.96 g/dL) fires and reads 11.96, not 12.0 is at or below 12', () => {
    const fired = finding(run(HEMOGLOBIN_LOW, { records: [sentAs('hemoglobin', '119.6', 'g/L')] }));
    expect(fired.finding).toMatch(/^Hemoglobin 11\.96 g\/dL \(119\.6 g\/L as sent, final\)/);
  });
});
