import { describe, expect, it } from 'vitest';
import { CALCIUM_CRITICAL_LOW } from '../../lambdas/rules/CALCIUM_CRITICAL_LOW.js';
import { CALCIUM_LOW } from '../../lambdas/rules/CALCIUM_LOW.js';
import {
  calcium,
  cinacalcet,
  correction,
  day,
  finding,
  kindOf,
  openAlert,
  type ResultOptions,
  resolution,
  retraction,
  run,
  single,
} from './factories.js';

describe('Rule: CALCIUM_CRITICAL_LOW', () => {
  it.each([
    [7.2, {}, 'fire'],
    [7.49, {}, 'fire'],
    [7.5, {}, 'noChange'],
    [7.51, {}, 'noChange'],
    [7.0, { comparator: '<' }, 'fire'],
    [7.5, { comparator: '<' }, 'fire'],
    [7.5, { comparator: '<=' }, 'noChange'],
    [8.0, { comparator: '<' }, 'noChange'],
    [7.0, { comparator: '>' }, 'noChange'],
  ] as const)('calcium %s mg/dL (%j) with no open alert: %s (boundary 7.5)', (value, options, expected) => {
    expect(kindOf(run(CALCIUM_CRITICAL_LOW, { records: [calcium(value, options as ResultOptions)] }))).toBe(
      expected,
    );
  });

  it.each([
    ['1.8 mmol/L', 1.8 * 4.008, 'fire'],
    ['1.87 mmol/L', 1.87 * 4.008, 'fire'],
    ['3.74 mEq/L', 3.74 * 2.004, 'fire'],
    ['1.875 mmol/L', 1.875 * 4.008, 'noChange'],
  ])('reads calcium sent as %s after conversion to mg/dL (%f): %s', (sentAs, mgDl, expected) => {
    const [sentValue, sentUnit] = sentAs.split(' ');
    const stored = calcium(mgDl, { sent: { value: Number(sentValue), unit: sentUnit ?? '' } });
    const outcomes = run(CALCIUM_CRITICAL_LOW, { records: [stored] });
    expect(kindOf(outcomes)).toBe(expected);
    if (expected === 'fire') expect(finding(outcomes).finding).toContain(`${sentAs} as sent`);
  });

  it('states value, unit and clinic-local time in the finding and cites the result with its value', () => {
    const stored = calcium(7.2, { at: day(0) });
    const fired = finding(run(CALCIUM_CRITICAL_LOW, { records: [stored] }));
    expect(fired.finding).toBe('Calcium 7.2 mg/dL (final) at 2026-03-02 09:00 CST is below 7.5 mg/dL.');
    expect(fired.severity).toBe('critical');
    expect(fired.alertScope).toBe('');
    expect(fired.evidence).toEqual([
      {
        kind: 'observation',
        recordId: stored.recordId,
        summary: `calcium 7.2 mg/dL (F) at ${day(0)}`,
        at: day(0),
        receivedAt: stored.receivedAt,
        // What a worsened page compares (the value at acknowledgement against a newer one).
        value: { value: 7.2, unit: 'mg/dL' },
      },
    ]);
  });

  it.each([
    ['F', 'fire'],
    ['C', 'fire'],
    ['P', 'fire'],
    ['I', 'noChange'],
  ])('status %s calcium 7.2: %s (a critical preliminary value is still critical)', (status, expected) => {
    expect(kindOf(run(CALCIUM_CRITICAL_LOW, { records: [calcium(7.2, { status })] }))).toBe(expected);
  });

  it.each(['X', 'D', 'W'] as const)('a %s retraction removes the value: nothing fires from it', (status) => {
    const low = calcium(7.2, { at: day(1) });
    const records = [calcium(8.6, { at: day(0) }), low, retraction(low, status)];
    expect(kindOf(run(CALCIUM_CRITICAL_LOW, { records }))).toBe('noChange');
  });

  it('resolves when the result that opened it is retracted', () => {
    const low = calcium(7.2, { at: day(1) });
    const records = [calcium(8.6, { at: day(0) }), low, retraction(low, 'W')];
    const resolved = resolution(
      run(CALCIUM_CRITICAL_LOW, { records, openAlerts: [openAlert('CALCIUM_CRITICAL_LOW', [low])] }),
    );
    expect(resolved.reason).toContain('retracted');
    expect(resolved.reason).toContain('Calcium 8.6 mg/dL');
  });

  describe('with an open alert opened by 7.2 mg/dL on day 0', () => {
    const opening = calcium(7.2, { at: day(0) });
    const alert = openAlert('CALCIUM_CRITICAL_LOW', [opening]);
    const withNewer = (value: number, options: ResultOptions = {}) =>
      run(CALCIUM_CRITICAL_LOW, {
        records: [opening, calcium(value, { at: day(2), ...options })],
        openAlerts: [alert],
      });

    it.each([
      [7.9, {}, 'noChange'],
      [7.99, {}, 'noChange'],
      [8.0, {}, 'resolve'],
      [8.5, {}, 'resolve'],
      [8.0, { comparator: '<' }, 'noChange'],
      [8.0, { comparator: '>' }, 'resolve'],
      [7.5, {}, 'noChange'],
      [7.4, {}, 'fire'],
    ] as const)('a newer calcium %s (%j): %s (boundary 8.0)', (value, options, expected) => {
      expect(kindOf(withNewer(value, options as ResultOptions))).toBe(expected);
    });

    it('a preliminary 8.5 does not end it: only final or corrected results resolve', () => {
      expect(kindOf(withNewer(8.5, { status: 'P' }))).toBe('noChange');
    });

    it('an older calcium of 8.5 arriving late neither resolves it nor fires from the old value', () => {
      const late = calcium(8.5, { at: day(-3), receivedAt: day(1) });
      const outcome = single(run(CALCIUM_CRITICAL_LOW, { records: [opening, late], openAlerts: [alert] }));
      // The newest value (7.2) still stands: the rule restates it, citing that result, not the late one.
      expect(outcome.kind).toBe('fire');
      if (outcome.kind === 'fire')
        expect(outcome.finding.evidence.map((item) => item.recordId)).toEqual([opening.recordId]);
    });

    it('an alert resting on a result outside the loaded history is not resolved by an older one', () => {
      const beyondWindow = openAlert('CALCIUM_CRITICAL_LOW', [calcium(7.0, { at: day(10) })]);
      const records = [calcium(8.6, { at: day(5) })];
      expect(kindOf(run(CALCIUM_CRITICAL_LOW, { records, openAlerts: [beyondWindow] }))).toBe('noChange');
      const newer = [...records, calcium(8.6, { at: day(11) })];
      expect(kindOf(run(CALCIUM_CRITICAL_LOW, { records: newer, openAlerts: [beyondWindow] }))).toBe(
        'resolve',
      );
    });

    it('a correction of the opening result to 8.2 resolves it (the correction takes its place in time)', () => {
      const corrected = correction(opening, 8.2);
      expect(kindOf(run(CALCIUM_CRITICAL_LOW, { records: [opening, corrected], openAlerts: [alert] }))).toBe(
        'resolve',
      );
    });

    it('a correction to 7.3 keeps it firing, citing the corrected result', () => {
      const corrected = correction(opening, 7.3);
      const fired = finding(
        run(CALCIUM_CRITICAL_LOW, { records: [opening, corrected], openAlerts: [alert] }),
      );
      expect(fired.finding).toContain('7.3 mg/dL (corrected)');
      expect(fired.evidence[0]?.recordId).toBe(corrected.recordId);
    });

    it('a correction to 7.8 withdraws its basis: resolved as corrected', () => {
      const corrected = correction(opening, 7.8);
      const resolved = resolution(
        run(CALCIUM_CRITICAL_LOW, { records: [opening, corrected], openAlerts: [alert] }),
      );
      expect(resolved.reason).toMatch(
        /replaced by a corrected or final version; latest: Calcium 7\.8 mg\/dL/,
      );
    });
  });

  describe('names the cinacalcet dose (180→120→90→60→30 mg)', () => {
    it.each([
      [180, 'then restart at 120 mg daily'],
      [120, 'then restart at 90 mg daily'],
      [90, 'then restart at 60 mg daily'],
      [60, 'then restart at 30 mg daily'],
      [30, 'restart dose: none: review before restarting'],
    ])('on %i mg daily the recommendation says "%s"', (dose, text) => {
      const records = [cinacalcet(dose, { at: day(-60) }), calcium(7.1, { at: day(0) })];
      expect(finding(run(CALCIUM_CRITICAL_LOW, { records })).recommendation).toContain(text);
    });

    it('with no active cinacalcet (the order was discontinued) it says so', () => {
      const stopped = [
        cinacalcet(90, { at: day(-60), id: 'ORD-C1' }),
        cinacalcet(90, { at: day(-5), id: 'ORD-C1', control: 'DC' }),
      ];
      expect(
        finding(run(CALCIUM_CRITICAL_LOW, { records: [...stopped, calcium(7.1)] })).recommendation,
      ).toMatch(/^No active cinacalcet order/);
    });

    it('with a dose not stated it gives the ladder instead of a number', () => {
      const records = [cinacalcet(undefined, { at: day(-60) }), calcium(7.1)];
      expect(finding(run(CALCIUM_CRITICAL_LOW, { records })).recommendation).toContain(
        'the order states no dose',
      );
    });

    const opening = calcium(7.1, { at: day(0) });
    const recovered = calcium(8.1, { at: day(3) });
    const resolveWith = (orders: ReturnType<typeof cinacalcet>[]) =>
      resolution(
        run(CALCIUM_CRITICAL_LOW, {
          records: [...orders, opening, recovered],
          openAlerts: [openAlert('CALCIUM_CRITICAL_LOW', [opening])],
        }),
      ).reason;

    it('the resolve reason on 90 mg names 60 mg as the restart dose', () => {
      expect(resolveWith([cinacalcet(90, { at: day(-60) })])).toBe(
        'Calcium 8.1 mg/dL (final) at 2026-03-05 09:00 CST is at least 8.0 mg/dL: restart cinacalcet at 60 mg daily (the next lower dose; on 90 mg daily).',
      );
    });

    it('the resolve reason uses the held order when cinacalcet was withheld as advised', () => {
      const held = [
        cinacalcet(90, { at: day(-60), id: 'ORD-H' }),
        cinacalcet(90, { at: day(1), id: 'ORD-H', control: 'HD' }),
      ];
      expect(resolveWith(held)).toContain(
        'restart cinacalcet at 60 mg daily (the next lower dose; held at 90 mg daily)',
      );
    });

    it('the resolve reason on 30 mg names none', () => {
      expect(resolveWith([cinacalcet(30, { at: day(-60) })])).toContain(
        'restart dose: none: review before restarting',
      );
    });

    it('the resolve reason with no cinacalcet says so', () => {
      expect(resolveWith([])).toContain('no active cinacalcet order');
    });

    it('the resolve reason with a dose not stated points to the ladder', () => {
      expect(resolveWith([cinacalcet(undefined, { at: day(-60) })])).toContain('the order states no dose');
    });
  });

  it('an older critical value arriving late does not fire: the newest value decides', () => {
    const records = [calcium(8.6, { at: day(5) }), calcium(7.0, { at: day(3), receivedAt: day(6) })];
    expect(kindOf(run(CALCIUM_CRITICAL_LOW, { records }))).toBe('noChange');
  });

  it('a patient outside the cohort gets nothing, however low', () => {
    expect(kindOf(run(CALCIUM_CRITICAL_LOW, { records: [calcium(6.0)], enrolments: [] }))).toBe('noChange');
  });
});

describe('Rule: CALCIUM_LOW', () => {
  it.each([
    [7.4, {}, 'noChange'],
    [7.5, {}, 'fire'],
    [8.0, {}, 'fire'],
    [8.39, {}, 'fire'],
    [8.4, {}, 'noChange'],
    [8.0, { comparator: '<' }, 'fire'],
    [7.5, { comparator: '<' }, 'noChange'],
    [8.4, { comparator: '>' }, 'noChange'],
  ] as const)('calcium %s (%j) with no open alert: %s (band 7.5 ≤ Ca < 8.4)', (value, options, expected) => {
    expect(kindOf(run(CALCIUM_LOW, { records: [calcium(value, options as ResultOptions)] }))).toBe(expected);
  });

  it('ignores a preliminary 7.8 (urgent rules read final and corrected results only)', () => {
    expect(kindOf(run(CALCIUM_LOW, { records: [calcium(7.8, { status: 'P' })] }))).toBe('noChange');
  });

  it('carries the catalogue recommendation and the value in the finding', () => {
    const fired = finding(run(CALCIUM_LOW, { records: [calcium(8.1)] }));
    expect(fired.finding).toBe('Calcium 8.1 mg/dL (final) at 2026-03-02 09:00 CST is below 8.4 mg/dL.');
    expect(fired.recommendation).toBe(
      'Increase calcium-containing binders and/or vitamin D sterols, individualised in calciphylaxis (calcium loading promotes calcification).',
    );
    expect(fired.severity).toBe('urgent');
  });

  describe('while CALCIUM_CRITICAL_LOW is open (opened by 7.2 on day 0)', () => {
    const opening = calcium(7.2, { at: day(0) });
    const critical = openAlert('CALCIUM_CRITICAL_LOW', [opening]);
    const both = (value: number) => {
      const scenario = { records: [opening, calcium(value, { at: day(2) })], openAlerts: [critical] };
      return {
        critical: kindOf(run(CALCIUM_CRITICAL_LOW, scenario)),
        low: kindOf(run(CALCIUM_LOW, scenario)),
      };
    };

    it.each([
      [7.8, { critical: 'noChange', low: 'noChange' }],
      [7.99, { critical: 'noChange', low: 'noChange' }],
      [8.0, { critical: 'resolve', low: 'fire' }],
      [8.3, { critical: 'resolve', low: 'fire' }],
      [8.4, { critical: 'resolve', low: 'noChange' }],
      [7.0, { critical: 'fire', low: 'noChange' }],
    ])('a newer calcium %s gives %j', (value, expected) => {
      expect(both(value)).toEqual(expected);
    });

    it('with the critical value still newest, CALCIUM_LOW stays aside even when no critical alert is open', () => {
      expect(kindOf(run(CALCIUM_LOW, { records: [calcium(7.0)] }))).toBe('noChange');
    });
  });

  describe('with an open alert opened by 8.0 on day 0', () => {
    const opening = calcium(8.0, { at: day(0) });
    const alert = openAlert('CALCIUM_LOW', [opening]);

    it.each([
      [8.4, 'resolve'],
      [9.1, 'resolve'],
      [8.3, 'fire'],
    ])('a newer calcium %s: %s', (value, expected) => {
      const records = [opening, calcium(value, { at: day(3) })];
      expect(kindOf(run(CALCIUM_LOW, { records, openAlerts: [alert] }))).toBe(expected);
    });

    it('an older 8.6 arriving late does not resolve it', () => {
      const records = [opening, calcium(8.6, { at: day(-2), receivedAt: day(1) })];
      expect(kindOf(run(CALCIUM_LOW, { records, openAlerts: [alert] }))).toBe('fire');
    });

    it('its resolve reason names the value', () => {
      const records = [opening, calcium(8.8, { at: day(3) })];
      expect(resolution(run(CALCIUM_LOW, { records, openAlerts: [alert] })).reason).toBe(
        'Calcium 8.8 mg/dL (final) at 2026-03-05 09:00 CST is at least 8.4 mg/dL.',
      );
    });
  });
});
