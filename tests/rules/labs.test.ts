import { describe, expect, it } from 'vitest';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { Sex } from '../../lambdas/domain/records.js';
import { BICARBONATE_LOW } from '../../lambdas/rules/BICARBONATE_LOW.js';
import { CRP_RISING } from '../../lambdas/rules/CRP_RISING.js';
import { DIALYSATE_CALCIUM_HIGH } from '../../lambdas/rules/DIALYSATE_CALCIUM_HIGH.js';
import { HEMOGLOBIN_LOW } from '../../lambdas/rules/HEMOGLOBIN_LOW.js';
import {
  bicarbonate,
  crp,
  day,
  dialysateCalcium,
  finding,
  hemoglobin,
  kindOf,
  openAlert,
  type ResultOptions,
  resolution,
  run,
  stateOf,
} from './factories.js';

describe('Rule: HEMOGLOBIN_LOW', () => {
  it.each([
    ['F', 11.9, 'fire'],
    ['F', 12, 'fire'],
    ['F', 12.1, 'noChange'],
    ['M', 12.5, 'fire'],
    ['M', 13, 'fire'],
    ['M', 13.1, 'noChange'],
    ['unknown', 12, 'fire'],
    ['unknown', 12.5, 'noChange'],
  ] as const)('sex %s, hemoglobin %s g/dL: %s (≤ 12 women, ≤ 13 men)', (sex, value, expected) => {
    expect(kindOf(run(HEMOGLOBIN_LOW, { records: [hemoglobin(value)], sex: sex as Sex }))).toBe(expected);
  });

  it('reads hemoglobin sent as 120 g/L (×0.1) as 12 g/dL: fires for a woman', () => {
    const stored = hemoglobin(120 * 0.1, { sent: { value: 120, unit: 'g/L' } });
    expect(kindOf(run(HEMOGLOBIN_LOW, { records: [stored], sex: 'F' }))).toBe('fire');
  });

  it.each([
    [7.4, 'fire'],
    [7.5, 'noChange'],
  ])('reads hemoglobin sent as %s mmol/L (×1.611) for a woman: %s', (mmolL, expected) => {
    const stored = hemoglobin(mmolL * 1.611, { sent: { value: mmolL, unit: 'mmol/L' } });
    expect(kindOf(run(HEMOGLOBIN_LOW, { records: [stored], sex: 'F' }))).toBe(expected);
  });

  it('says when sex is unknown and the women’s target was used', () => {
    const fired = finding(run(HEMOGLOBIN_LOW, { records: [hemoglobin(11.2)], sex: 'unknown' }));
    expect(fired.finding).toBe(
      "Hemoglobin 11.2 g/dL (final) at 2026-03-02 09:00 CST is at or below 12 g/dL (sex unknown: the women's target is used).",
    );
    expect(fired.recommendation).toBe('Below target (> 12 g/dL women, > 13 g/dL men).');
  });

  it.each([
    ['M', 13.1, 'resolve'],
    ['M', 13, 'fire'],
    ['F', 12.1, 'resolve'],
  ] as const)('with an open alert, sex %s, a newer %s: %s', (sex, value, expected) => {
    const opening = hemoglobin(10.5, { at: day(0) });
    const records = [opening, hemoglobin(value, { at: day(40) })];
    const outcomes = run(HEMOGLOBIN_LOW, {
      records,
      sex,
      openAlerts: [openAlert('HEMOGLOBIN_LOW', [opening])],
    });
    expect(kindOf(outcomes)).toBe(expected);
  });
});

describe('Rule: BICARBONATE_LOW', () => {
  it.each([
    [21.9, {}, 'fire'],
    [22, {}, 'noChange'],
    [22, { comparator: '<' }, 'fire'],
    [22, { comparator: '>=' }, 'noChange'],
  ] as const)('bicarbonate %s mmol/L (%j): %s (target ≥ 22)', (value, options, expected) => {
    expect(kindOf(run(BICARBONATE_LOW, { records: [bicarbonate(value, options as ResultOptions)] }))).toBe(
      expected,
    );
  });

  it.each([
    ['mEq/L', 21, 'fire'],
    ['mEq/L', 22, 'noChange'],
  ])('reads bicarbonate sent in %s (×1): %s → %s', (unit, value, expected) => {
    const stored = bicarbonate(value, { sent: { value, unit } });
    expect(kindOf(run(BICARBONATE_LOW, { records: [stored] }))).toBe(expected);
  });

  it('names value, unit and recommendation', () => {
    const fired = finding(run(BICARBONATE_LOW, { records: [bicarbonate(19)] }));
    expect(fired.finding).toBe('Bicarbonate 19 mmol/L (final) at 2026-03-02 09:00 CST is below 22 mmol/L.');
    expect(fired.recommendation).toBe('Below target (≥ 22 mmol/L).');
  });

  it.each([
    [22, 'resolve'],
    [21.5, 'fire'],
  ])('with an open alert, a newer %s: %s', (value, expected) => {
    const opening = bicarbonate(19, { at: day(0) });
    const records = [opening, bicarbonate(value, { at: day(30) })];
    expect(
      kindOf(run(BICARBONATE_LOW, { records, openAlerts: [openAlert('BICARBONATE_LOW', [opening])] })),
    ).toBe(expected);
  });
});

describe('Rule: CRP_RISING', () => {
  const rising = (previous: number, current: number, daysApart = 10, options: ResultOptions = {}) => [
    crp(previous, { at: day(0), ...options }),
    crp(current, { at: day(daysApart) }),
  ];

  it.each([
    [4, 10, 'fire'],
    [10 / 1.5, 10, 'fire'],
    [10, 15, 'fire'],
    [10, 14.9, 'noChange'],
    [6, 9.9, 'noChange'],
    [20, 25, 'noChange'],
  ])('previous CRP %f then %s mg/L: %s (≥ 10 and ≥ 1.5 ×)', (previous, current, expected) => {
    expect(kindOf(run(CRP_RISING, { records: rising(previous, current), now: day(11) }))).toBe(expected);
  });

  it.each([
    [30, 'fire'],
    [30.5, 'noChange'],
  ])('the previous CRP %s days before: %s (look-back 30 days)', (days, expected) => {
    expect(kindOf(run(CRP_RISING, { records: rising(5, 20, days), now: day(31) }))).toBe(expected);
  });

  it('reads CRP sent in mg/dL (×10) after conversion, shown at its usual one decimal', () => {
    const records = [
      crp(4, { at: day(0) }),
      crp(1.2 * 10, { at: day(10), sent: { value: 1.2, unit: 'mg/dL' } }),
    ];
    expect(finding(run(CRP_RISING, { records, now: day(11) })).finding).toContain(
      'CRP 12.0 mg/L (1.2 mg/dL as sent, final)',
    );
  });

  it('a first CRP does not fire, however high', () => {
    expect(kindOf(run(CRP_RISING, { records: [crp(80)] }))).toBe('noChange');
  });

  it('a previous value sent as <5 bounds the rise; one sent as >5 cannot prove it', () => {
    expect(kindOf(run(CRP_RISING, { records: rising(5, 10, 10, { comparator: '<' }), now: day(11) }))).toBe(
      'fire',
    );
    expect(kindOf(run(CRP_RISING, { records: rising(5, 50, 10, { comparator: '>' }), now: day(11) }))).toBe(
      'noChange',
    );
  });

  it('cites both results and names the rise', () => {
    const records = rising(4, 12);
    const fired = finding(run(CRP_RISING, { records, now: day(11) }));
    expect(fired.evidence.map((item) => item.recordId)).toEqual([records[1]?.recordId, records[0]?.recordId]);
    expect(fired.finding).toBe(
      'CRP 12 mg/L (final) at 2026-03-12 10:00 CDT is at least 10 mg/L and 1.5 times the previous CRP or more, up from CRP 4 mg/L (final) at 2026-03-02 09:00 CST.',
    );
    expect(fired.recommendation).toBe(
      'Rising inflammation: assess wounds for infection; sepsis is the leading cause of death.',
    );
  });

  it('honours the hospital’s own threshold and ratio', () => {
    const strict = parseRulesConfig({
      timeZone: 'UTC',
      crpRising: { minimumMgL: 20, ratio: 2, lookbackDays: 14 },
    });
    const context = (records: ReturnType<typeof rising>) => ({
      state: stateOf({ records, now: day(11) }),
      trigger: { kind: 'sweep' } as const,
      config: strict,
      now: new Date(day(11)),
    });
    expect(kindOf(CRP_RISING.evaluate(context(rising(10, 15))))).toBe('noChange');
    expect(kindOf(CRP_RISING.evaluate(context(rising(10, 20))))).toBe('fire');
  });

  it.each([
    [9.9, 'resolve'],
    [10, 'noChange'],
  ])('with an open alert, a newer CRP %s: %s (resolves below 10)', (value, expected) => {
    const records = rising(4, 12);
    records.push(crp(value, { at: day(20) }));
    const outcomes = run(CRP_RISING, {
      records,
      openAlerts: [openAlert('CRP_RISING', records.slice(0, 2))],
      now: day(21),
    });
    expect(kindOf(outcomes)).toBe(expected);
  });
});

describe('Rule: DIALYSATE_CALCIUM_HIGH', () => {
  it.each([
    [2.0, 'noChange'],
    [2.5, 'fire'],
    [1.5, 'noChange'],
  ])('dialysate calcium %s mEq/L: %s (boundary > 2.0)', (value, expected) => {
    expect(kindOf(run(DIALYSATE_CALCIUM_HIGH, { records: [dialysateCalcium(value)] }))).toBe(expected);
  });

  it('reads 1.25 mmol/L as 2.5 mEq/L and fires', () => {
    const stored = dialysateCalcium(2.5, { sent: { value: 1.25, unit: 'mmol/L' } });
    const fired = finding(run(DIALYSATE_CALCIUM_HIGH, { records: [stored] }));
    expect(fired.finding).toBe(
      'Dialysate calcium 2.5 mEq/L (1.25 mmol/L as sent, final) at 2026-03-02 09:00 CST is above 2 mEq/L.',
    );
    expect(fired.recommendation).toBe(
      'Consider dialysate calcium 1.5–2.0 mEq/L to avoid positive calcium balance.',
    );
  });

  it('resolves on a newer 2.0', () => {
    const opening = dialysateCalcium(2.5, { at: day(0) });
    const records = [opening, dialysateCalcium(2.0, { at: day(7) })];
    const resolved = resolution(
      run(DIALYSATE_CALCIUM_HIGH, { records, openAlerts: [openAlert('DIALYSATE_CALCIUM_HIGH', [opening])] }),
    );
    expect(resolved.reason).toBe(
      'Dialysate calcium 2 mEq/L (final) at 2026-03-09 10:00 CDT is 2 mEq/L or below.',
    );
  });
});
