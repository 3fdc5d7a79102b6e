import { describe, expect, it } from 'vitest';
import { PTH_LOW } from '../../lambdas/rules/PTH_LOW.js';
import { PTH_SEVERE } from '../../lambdas/rules/PTH_SEVERE.js';
import { PTH_START_CINACALCET } from '../../lambdas/rules/PTH_START_CINACALCET.js';
import { PTH_TITRATE_CINACALCET } from '../../lambdas/rules/PTH_TITRATE_CINACALCET.js';
import {
  cinacalcet,
  day,
  etelcalcetide,
  finding,
  kindOf,
  openAlert,
  pth,
  type ResultOptions,
  resolution,
  run,
} from './factories.js';

describe('Rule: PTH_SEVERE', () => {
  it.each([
    [499, {}, 'noChange'],
    [500, {}, 'noChange'],
    [500.1, {}, 'fire'],
    [2500, { comparator: '>' }, 'fire'],
    [500, { comparator: '>' }, 'fire'],
    [600, { comparator: '<' }, 'noChange'],
  ] as const)('PTH %s pg/mL (%j): %s (boundary > 500)', (value, options, expected) => {
    expect(kindOf(run(PTH_SEVERE, { records: [pth(value, options as ResultOptions)] }))).toBe(expected);
  });

  it('reads PTH sent in pmol/L after conversion (60 pmol/L = 565.8 pg/mL, shown as 566)', () => {
    const fired = finding(
      run(PTH_SEVERE, { records: [pth(60 * 9.43, { sent: { value: 60, unit: 'pmol/L' } })] }),
    );
    expect(fired.finding).toBe(
      'PTH 566 pg/mL (60 pmol/L as sent, final) at 2026-03-02 09:00 CST is above 500 pg/mL.',
    );
    expect(fired.recommendation).toBe(
      'Refer for parathyroidectomy: can be curative; consider early when medical therapy fails.',
    );
  });

  it.each([
    [500, 'resolve'],
    [320, 'resolve'],
    [501, 'fire'],
  ])('with an open alert from 720, a newer PTH %s: %s', (value, expected) => {
    const opening = pth(720, { at: day(0) });
    const records = [opening, pth(value, { at: day(30) })];
    expect(kindOf(run(PTH_SEVERE, { records, openAlerts: [openAlert('PTH_SEVERE', [opening])] }))).toBe(
      expected,
    );
  });
});

describe('Rule: PTH_START_CINACALCET', () => {
  it.each([
    [300, 'noChange'],
    [300.5, 'fire'],
    [420, 'fire'],
    [500, 'fire'],
    [501, 'noChange'],
    [150, 'noChange'],
  ])('PTH %s with no calcimimetic: %s (band 300 < PTH ≤ 500)', (value, expected) => {
    expect(kindOf(run(PTH_START_CINACALCET, { records: [pth(value)] }))).toBe(expected);
  });

  it('carries the starting advice', () => {
    expect(finding(run(PTH_START_CINACALCET, { records: [pth(420)] })).recommendation).toBe(
      'Start cinacalcet 30 mg daily; titrate every 2–4 weeks (30, 60, 90, 120, 180 mg) to PTH 150–300 pg/mL; check calcium within 1 week.',
    );
  });

  it.each([
    ['cinacalcet', cinacalcet(30, { at: day(-20) })],
    ['etelcalcetide', etelcalcetide({ at: day(-20) })],
  ])('does not fire while %s is active', (_name, order) => {
    expect(kindOf(run(PTH_START_CINACALCET, { records: [order, pth(420)] }))).toBe('noChange');
  });

  describe('with an open alert from PTH 420 on day 0', () => {
    const opening = pth(420, { at: day(0) });
    const alert = openAlert('PTH_START_CINACALCET', [opening]);

    it('resolves when a calcimimetic order becomes active', () => {
      const started = cinacalcet(30, { at: day(3), id: 'ORD-CIN' });
      const resolved = resolution(
        run(PTH_START_CINACALCET, { records: [opening, started], openAlerts: [alert] }),
      );
      expect(resolved.reason).toContain('A calcimimetic is active: cinacalcet 30 mg daily (order ORD-CIN');
      expect(resolved.evidence.map((item) => item.recordId)).toEqual([started.recordId]);
    });

    it.each([
      [300, 'resolve'],
      [310, 'fire'],
      [650, 'noChange'],
    ])('a newer PTH %s: %s', (value, expected) => {
      const records = [opening, pth(value, { at: day(30) })];
      expect(kindOf(run(PTH_START_CINACALCET, { records, openAlerts: [alert] }))).toBe(expected);
    });
  });
});

describe('Rule: PTH_TITRATE_CINACALCET', () => {
  const onDose = (dose: number | undefined, changedOnDay: number) =>
    cinacalcet(dose, { at: day(changedOnDay), id: 'ORD-T' });

  it.each([
    [30, 'from 30 mg to 60 mg daily'],
    [60, 'from 60 mg to 90 mg daily'],
    [90, 'from 90 mg to 120 mg daily'],
    [120, 'from 120 mg to 180 mg daily'],
  ])('on %i mg for 20 days with PTH 420 it names the next dose: %s', (dose, text) => {
    const fired = finding(
      run(PTH_TITRATE_CINACALCET, { records: [onDose(dose, 0), pth(420, { at: day(19) })], now: day(20) }),
    );
    expect(fired.recommendation).toBe(
      `Increase cinacalcet ${text} (the next dose); check calcium within 1 week.`,
    );
    expect(fired.finding).toContain(`on cinacalcet ${dose} mg daily, unchanged for 20 days`);
  });

  it.each([
    [13.9, 'noChange'],
    [14, 'fire'],
    [15, 'fire'],
  ])('last dose change %s days ago: %s (at least 14 days)', (days, expected) => {
    const records = [onDose(60, 0), pth(420, { at: day(1) })];
    expect(kindOf(run(PTH_TITRATE_CINACALCET, { records, now: day(days) }))).toBe(expected);
  });

  it.each([
    [180, 420, 'noChange'],
    [undefined, 420, 'noChange'],
    [60, 300, 'noChange'],
    [60, 500, 'fire'],
    [60, 501, 'noChange'],
  ])('on %s mg with PTH %s: %s', (dose, value, expected) => {
    const records = [onDose(dose, 0), pth(value, { at: day(19) })];
    expect(kindOf(run(PTH_TITRATE_CINACALCET, { records, now: day(20) }))).toBe(expected);
  });

  it('does not fire on etelcalcetide (the dose ladder is cinacalcet’s)', () => {
    const records = [etelcalcetide({ at: day(0) }), pth(420, { at: day(19) })];
    expect(kindOf(run(PTH_TITRATE_CINACALCET, { records, now: day(20) }))).toBe('noChange');
  });

  describe('with an open alert (60 mg since day 0, PTH 420, opened day 20)', () => {
    const order = onDose(60, 0);
    const opening = pth(420, { at: day(19) });
    const alert = openAlert('PTH_TITRATE_CINACALCET', [opening], { openedAt: day(20) });

    it('resolves on a dose change', () => {
      const records = [order, opening, cinacalcet(90, { at: day(22), id: 'ORD-T', control: 'XO' })];
      const resolved = resolution(
        run(PTH_TITRATE_CINACALCET, { records, openAlerts: [alert], now: day(23) }),
      );
      expect(resolved.reason).toBe('Cinacalcet changed from 60 to 90 mg daily at 2026-03-24 10:00 CDT.');
    });

    it('resolves on a newer PTH ≤ 300', () => {
      const records = [order, opening, pth(280, { at: day(40) })];
      expect(kindOf(run(PTH_TITRATE_CINACALCET, { records, openAlerts: [alert], now: day(41) }))).toBe(
        'resolve',
      );
    });
  });
});

describe('Rule: PTH_LOW', () => {
  it.each([
    [99.9, {}, 'fire'],
    [100, {}, 'noChange'],
    [100.1, {}, 'noChange'],
    [100, { comparator: '<' }, 'fire'],
    [3, { comparator: '<' }, 'fire'],
  ] as const)('PTH %s (%j): %s (boundary < 100)', (value, options, expected) => {
    expect(kindOf(run(PTH_LOW, { records: [pth(value, options as ResultOptions)] }))).toBe(expected);
  });

  it('carries the adynamic bone advice', () => {
    expect(finding(run(PTH_LOW, { records: [pth(60)] })).recommendation).toBe(
      'Low PTH suggests adynamic bone disease, which raises risk: consider dialysate calcium 1.5–2.0 mEq/L so PTH can rise to ≥ 100.',
    );
  });

  it.each([
    [100, 'resolve'],
    [99, 'fire'],
  ])('with an open alert from 60, a newer PTH %s: %s', (value, expected) => {
    const opening = pth(60, { at: day(0) });
    const records = [opening, pth(value, { at: day(30) })];
    expect(kindOf(run(PTH_LOW, { records, openAlerts: [openAlert('PTH_LOW', [opening])] }))).toBe(expected);
  });
});
