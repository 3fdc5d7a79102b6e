import { describe, expect, it } from 'vitest';
import { CALCIUM_CHECK_AFTER_CINACALCET } from '../../lambdas/rules/CALCIUM_CHECK_AFTER_CINACALCET.js';
import { CALCIUM_MONITORING_OVERDUE } from '../../lambdas/rules/CALCIUM_MONITORING_OVERDUE.js';
import { QUARTERLY_LABS_OVERDUE } from '../../lambdas/rules/QUARTERLY_LABS_OVERDUE.js';
import type { Trigger } from '../../lambdas/rules/rule.js';
import { THIOSULFATE_COURSE_REVIEW } from '../../lambdas/rules/THIOSULFATE_COURSE_REVIEW.js';
import { THIOSULFATE_NOT_STARTED } from '../../lambdas/rules/THIOSULFATE_NOT_STARTED.js';
import {
  bicarbonate,
  calcium,
  cinacalcet,
  day,
  diagnosis,
  enrol,
  finding,
  hemoglobin,
  hoursAfter,
  kindOf,
  openAlert,
  resolution,
  run,
  stateOf,
  thiosulfate,
  warfarin,
} from './factories.js';

const sweep: Trigger = { kind: 'sweep' };

describe('Rule: CALCIUM_CHECK_AFTER_CINACALCET', () => {
  const started = cinacalcet(30, { at: day(0), id: 'ORD-CK' });

  it.each([
    [7, 'noChange'],
    [7.01, 'fire'],
    [8, 'fire'],
  ])('started on day 0, no calcium since, sweep on day %s: %s (due within 7 days)', (sweepDay, expected) => {
    expect(
      kindOf(run(CALCIUM_CHECK_AFTER_CINACALCET, { records: [started], trigger: sweep, now: day(sweepDay) })),
    ).toBe(expected);
  });

  it('names the start, the dose and how long ago', () => {
    const fired = finding(
      run(CALCIUM_CHECK_AFTER_CINACALCET, { records: [started], trigger: sweep, now: day(8) }),
    );
    expect(fired.finding).toBe(
      'No calcium result since cinacalcet started at 30 mg daily at 2026-03-02 09:00 CST (8 days ago; due within 7 days).',
    );
    expect(fired.recommendation).toBe('Check serum calcium now (due within 1 week of the change).');
    expect(fired.severity).toBe('urgent');
  });

  it('does not fire when a calcium was drawn after the start', () => {
    const records = [started, calcium(9.0, { at: day(3) })];
    expect(kindOf(run(CALCIUM_CHECK_AFTER_CINACALCET, { records, trigger: sweep, now: day(8) }))).toBe(
      'noChange',
    );
  });

  it('a calcium drawn before the start does not count', () => {
    const records = [calcium(9.0, { at: day(-1) }), started];
    expect(kindOf(run(CALCIUM_CHECK_AFTER_CINACALCET, { records, trigger: sweep, now: day(8) }))).toBe(
      'fire',
    );
  });

  it.each([
    [27, 'noChange'],
    [28, 'fire'],
  ])('a dose change on day 20 after a check on day 10, sweep on day %s: %s', (sweepDay, expected) => {
    const records = [
      started,
      calcium(9.0, { at: day(10) }),
      cinacalcet(60, { at: day(20), id: 'ORD-CK', control: 'XO' }),
    ];
    const outcomes = run(CALCIUM_CHECK_AFTER_CINACALCET, { records, trigger: sweep, now: day(sweepDay) });
    expect(kindOf(outcomes)).toBe(expected);
    if (expected === 'fire') expect(finding(outcomes).finding).toContain('changed from 30 to 60 mg daily');
  });

  it('fires only on the sweep, not on a record arriving on day 9', () => {
    const records = [started, hemoglobin(11, { at: day(9) })];
    expect(kindOf(run(CALCIUM_CHECK_AFTER_CINACALCET, { records, now: day(9) }))).toBe('noChange');
  });

  it('does not fire once cinacalcet was discontinued', () => {
    const records = [started, cinacalcet(30, { at: day(2), id: 'ORD-CK', control: 'DC' })];
    expect(kindOf(run(CALCIUM_CHECK_AFTER_CINACALCET, { records, trigger: sweep, now: day(9) }))).toBe(
      'noChange',
    );
  });

  describe('with the alert open since the day-8 sweep', () => {
    const alert = openAlert('CALCIUM_CHECK_AFTER_CINACALCET', [started], { openedAt: day(8) });

    it('a calcium arriving resolves it on its own trigger', () => {
      const records = [started, calcium(8.9, { at: day(9) })];
      const resolved = resolution(
        run(CALCIUM_CHECK_AFTER_CINACALCET, { records, openAlerts: [alert], now: day(9) }),
      );
      expect(resolved.reason).toBe(
        'Calcium 8.9 mg/dL (final) at 2026-03-11 10:00 CDT was drawn after the cinacalcet change.',
      );
    });

    it('an older calcium arriving late does not', () => {
      const records = [started, calcium(8.9, { at: day(-2), receivedAt: day(9) })];
      expect(kindOf(run(CALCIUM_CHECK_AFTER_CINACALCET, { records, openAlerts: [alert], now: day(9) }))).toBe(
        'noChange',
      );
    });
  });
});

describe('Rule: CALCIUM_MONITORING_OVERDUE', () => {
  const stableCalcium = calcium(9.1, { at: day(0) });

  it.each([
    [31, 'noChange'],
    [32, 'fire'],
  ])(
    'stable patient, last calcium on day 0, sweep on day %s: %s (monthly: 31 days)',
    (sweepDay, expected) => {
      const outcomes = run(CALCIUM_MONITORING_OVERDUE, {
        records: [stableCalcium],
        trigger: sweep,
        now: day(sweepDay),
      });
      expect(kindOf(outcomes)).toBe(expected);
      if (expected === 'fire') {
        expect(finding(outcomes).finding).toBe(
          'No calcium result since Calcium 9.1 mg/dL (final) at 2026-03-02 09:00 CST (32 days; due every 31 days: stable).',
        );
      }
    },
  );

  it.each([
    [7, 'noChange'],
    [8, 'fire'],
  ])(
    'entered the cohort on day 0 with no calcium, sweep on day %s: %s (weekly, from cohort entry)',
    (sweepDay, expected) => {
      const outcomes = run(CALCIUM_MONITORING_OVERDUE, {
        enrolments: [enrol(day(0))],
        trigger: sweep,
        now: day(sweepDay),
      });
      expect(kindOf(outcomes)).toBe(expected);
      if (expected === 'fire') {
        expect(finding(outcomes).finding).toBe(
          'No calcium result since cohort entry at 2026-03-02 09:00 CST (8 days; due every 7 days: in the cohort for under 56 days).',
        );
      }
    },
  );

  it.each([
    [8.3, 8, 'fire'],
    [8.4, 8, 'noChange'],
    [8.3, 7, 'noChange'],
  ])(
    'calcium %s on day 0, sweep on day %s: %s (weekly after a calcium < 8.4 in 28 days)',
    (value, sweepDay, expected) => {
      const records = [calcium(value, { at: day(0) })];
      expect(kindOf(run(CALCIUM_MONITORING_OVERDUE, { records, trigger: sweep, now: day(sweepDay) }))).toBe(
        expected,
      );
    },
  );

  it('is weekly after a cinacalcet change in the last 28 days', () => {
    const records = [cinacalcet(60, { at: day(-3) }), stableCalcium];
    const fired = finding(run(CALCIUM_MONITORING_OVERDUE, { records, trigger: sweep, now: day(8) }));
    expect(fired.finding).toContain('due every 7 days: cinacalcet started or changed in the last 28 days');
    expect(fired.recommendation).toBe('Check serum calcium (weekly initially, monthly once stable).');
  });

  it('fires only on the sweep', () => {
    const records = [stableCalcium, hemoglobin(11, { at: day(40) })];
    expect(kindOf(run(CALCIUM_MONITORING_OVERDUE, { records, now: day(40) }))).toBe('noChange');
  });

  describe('with the alert open', () => {
    const alert = openAlert('CALCIUM_MONITORING_OVERDUE', [stableCalcium], { openedAt: day(32) });

    it('a new calcium resolves it on its own trigger', () => {
      const records = [stableCalcium, calcium(9.0, { at: day(33) })];
      expect(kindOf(run(CALCIUM_MONITORING_OVERDUE, { records, openAlerts: [alert], now: day(33) }))).toBe(
        'resolve',
      );
    });

    it('an old calcium arriving late does not', () => {
      const records = [stableCalcium, calcium(9.0, { at: day(-4), receivedAt: day(33) })];
      expect(kindOf(run(CALCIUM_MONITORING_OVERDUE, { records, openAlerts: [alert], now: day(33) }))).toBe(
        'noChange',
      );
    });
  });
});

describe('Rule: QUARTERLY_LABS_OVERDUE', () => {
  it.each([
    [92, 'noChange'],
    [93, 'fire'],
  ])('hemoglobin and bicarbonate on day 0, sweep on day %s: %s (> 92 days)', (sweepDay, expected) => {
    const records = [hemoglobin(12.5, { at: day(0) }), bicarbonate(23, { at: day(0) })];
    const outcomes = run(QUARTERLY_LABS_OVERDUE, { records, trigger: sweep, now: day(sweepDay) });
    expect(kindOf(outcomes)).toBe(expected);
    if (expected === 'fire')
      expect(finding(outcomes).recommendation).toBe('Check hemoglobin and bicarbonate (every 3 months).');
  });

  it('names only the overdue one', () => {
    const records = [hemoglobin(12.5, { at: day(0) }), bicarbonate(23, { at: day(50) })];
    const fired = finding(run(QUARTERLY_LABS_OVERDUE, { records, trigger: sweep, now: day(93) }));
    expect(fired.recommendation).toBe('Check hemoglobin (every 3 months).');
    expect(fired.finding).toBe(
      'Quarterly labs overdue (every 92 days): no hemoglobin since Hemoglobin 12.5 g/dL (final) at 2026-03-02 09:00 CST (93 days).',
    );
  });

  it('counts from cohort entry where there is no result', () => {
    const outcomes = run(QUARTERLY_LABS_OVERDUE, {
      records: [hemoglobin(12.5, { at: day(60) })],
      enrolments: [enrol(day(0))],
      trigger: sweep,
      now: day(93),
    });
    expect(finding(outcomes).finding).toBe(
      'Quarterly labs overdue (every 92 days): no bicarbonate since cohort entry at 2026-03-02 09:00 CST (93 days).',
    );
  });

  describe('with the alert open for both', () => {
    const records = [hemoglobin(12.5, { at: day(0) }), bicarbonate(23, { at: day(0) })];
    const alert = openAlert('QUARTERLY_LABS_OVERDUE', records, { openedAt: day(93) });

    it('stays while one is still missing', () => {
      const withOne = [...records, hemoglobin(12.2, { at: day(94) })];
      expect(
        kindOf(run(QUARTERLY_LABS_OVERDUE, { records: withOne, openAlerts: [alert], now: day(94) })),
      ).toBe('noChange');
    });

    it('resolves once both have arrived', () => {
      const withBoth = [...records, hemoglobin(12.2, { at: day(94) }), bicarbonate(22.5, { at: day(95) })];
      expect(
        kindOf(run(QUARTERLY_LABS_OVERDUE, { records: withBoth, openAlerts: [alert], now: day(95) })),
      ).toBe('resolve');
    });
  });
});

describe('Rule: THIOSULFATE_NOT_STARTED', () => {
  const entered = [enrol(day(0))];

  it.each([
    [48, 'noChange'],
    [48.02, 'fire'],
    [72, 'fire'],
  ])('entered on day 0, no thiosulfate, sweep %s hours later: %s (> 48 h)', (hours, expected) => {
    const outcomes = run(THIOSULFATE_NOT_STARTED, {
      enrolments: entered,
      trigger: sweep,
      now: hoursAfter(day(0), hours),
    });
    expect(kindOf(outcomes)).toBe(expected);
  });

  it('names the entry and carries the starting dose', () => {
    const fired = finding(run(THIOSULFATE_NOT_STARTED, { enrolments: entered, trigger: sweep, now: day(3) }));
    expect(fired.finding).toBe(
      'In the calciphylaxis cohort since 2026-03-02 09:00 CST (72 hours) with no sodium thiosulfate order active since.',
    );
    expect(fired.recommendation).toBe(
      'Start sodium thiosulfate 12.5–25 g per dialysis session, 2–3 times weekly, for 3–6 months.',
    );
    expect(fired.evidence[0]?.kind).toBe('cohortEnrolment');
  });

  it('counts from the diagnosis that put the patient in the cohort', () => {
    const dx = diagnosis({ receivedAt: day(0) });
    const fired = finding(
      run(THIOSULFATE_NOT_STARTED, { records: [dx], enrolments: [], trigger: sweep, now: day(3) }),
    );
    expect(fired.evidence[0]).toMatchObject({ kind: 'diagnosis', recordId: dx.recordId });
  });

  it('does not fire with thiosulfate active, nor on a record trigger', () => {
    const records = [thiosulfate({ at: day(1) })];
    expect(
      kindOf(run(THIOSULFATE_NOT_STARTED, { records, enrolments: entered, trigger: sweep, now: day(3) })),
    ).toBe('noChange');
    const other = [hemoglobin(11, { at: day(3) })];
    expect(kindOf(run(THIOSULFATE_NOT_STARTED, { records: other, enrolments: entered, now: day(3) }))).toBe(
      'noChange',
    );
  });

  // A course once started counts: completed, stopped or held, it does not raise the alert again.
  it.each([
    ['completed (DC)', 'DC'],
    ['cancelled (CA)', 'CA'],
    ['held (HD)', 'HD'],
  ])('a course started after entry and then %s does not fire on a later sweep', (_label, control) => {
    const records = [
      thiosulfate({ at: day(1), id: 'ORD-STS' }),
      thiosulfate({ at: day(90), id: 'ORD-STS', control }),
    ];
    expect(
      kindOf(run(THIOSULFATE_NOT_STARTED, { records, enrolments: entered, trigger: sweep, now: day(120) })),
    ).toBe('noChange');
  });

  it('a course that ran to its end time after entry does not fire', () => {
    const records = [thiosulfate({ at: day(1), id: 'ORD-STS', endAt: day(60) })];
    expect(
      kindOf(run(THIOSULFATE_NOT_STARTED, { records, enrolments: entered, trigger: sweep, now: day(120) })),
    ).toBe('noChange');
  });

  it('an order stopped before cohort entry does not count: it fires', () => {
    const records = [
      thiosulfate({ at: day(-30), id: 'ORD-STS' }),
      thiosulfate({ at: day(-10), id: 'ORD-STS', control: 'DC' }),
    ];
    expect(
      kindOf(run(THIOSULFATE_NOT_STARTED, { records, enrolments: entered, trigger: sweep, now: day(3) })),
    ).toBe('fire');
  });

  it('an order active at entry and stopped at entry exactly counts (active at entry)', () => {
    const records = [
      thiosulfate({ at: day(-30), id: 'ORD-STS' }),
      thiosulfate({ at: day(0), id: 'ORD-STS', control: 'DC' }),
    ];
    expect(
      kindOf(run(THIOSULFATE_NOT_STARTED, { records, enrolments: entered, trigger: sweep, now: day(3) })),
    ).toBe('noChange');
  });

  it('a course completed years ago, long since dropped from the stored orders, still counts', () => {
    const records = [
      thiosulfate({ at: day(10), id: 'ORD-STS' }),
      thiosulfate({ at: day(120), id: 'ORD-STS', control: 'DC' }),
      // Much later order traffic drops the long-ended thiosulfate order from the stored state.
      warfarin({ at: day(900), id: 'ORD-W' }),
      warfarin({ at: day(901), id: 'ORD-W', control: 'DC' }),
    ];
    const state = stateOf({ records, enrolments: entered, now: day(1000) });
    expect([...state.medicationOrders.keys()]).toEqual(['ORD-W']);
    expect(
      kindOf(run(THIOSULFATE_NOT_STARTED, { records, enrolments: entered, trigger: sweep, now: day(1000) })),
    ).toBe('noChange');
  });

  it('an open alert resolves once a course has been active since entry, even if it has ended since', () => {
    const records = [
      thiosulfate({ at: day(4), id: 'ORD-STS' }),
      thiosulfate({ at: day(5), id: 'ORD-STS', control: 'HD' }),
    ];
    const alert = openAlert('THIOSULFATE_NOT_STARTED', [], { openedAt: day(3) });
    const resolved = resolution(
      run(THIOSULFATE_NOT_STARTED, { records, enrolments: entered, openAlerts: [alert], now: day(6) }),
    );
    expect(resolved.reason).toBe(
      'Sodium thiosulfate was active since cohort entry (last at 2026-03-07 09:00 CST).',
    );
  });

  it('resolves on the order’s own trigger once thiosulfate is active', () => {
    const order = thiosulfate({ at: day(4), id: 'ORD-STS' });
    const alert = openAlert('THIOSULFATE_NOT_STARTED', [], { openedAt: day(3) });
    const resolved = resolution(
      run(THIOSULFATE_NOT_STARTED, {
        records: [order],
        enrolments: entered,
        openAlerts: [alert],
        now: day(4),
      }),
    );
    expect(resolved.reason).toContain(
      'Sodium thiosulfate is active: sodium thiosulfate 25000 mg daily (order ORD-STS',
    );
  });
});

describe('Rule: THIOSULFATE_COURSE_REVIEW', () => {
  it.each([
    [183, 'noChange'],
    [184, 'fire'],
  ])('thiosulfate since day 0, sweep on day %s: %s (> 183 days)', (sweepDay, expected) => {
    const records = [thiosulfate({ at: day(0) })];
    const outcomes = run(THIOSULFATE_COURSE_REVIEW, { records, trigger: sweep, now: day(sweepDay) });
    expect(kindOf(outcomes)).toBe(expected);
    if (expected === 'fire') {
      expect(finding(outcomes).recommendation).toBe(
        'Course past 6 months: review (longer courses are reported, up to 52 months).',
      );
    }
  });

  it('counts a renewal written as a new order as the same course', () => {
    const records = [
      thiosulfate({ at: day(0), id: 'STS-1' }),
      thiosulfate({ at: day(90), id: 'STS-1', control: 'DC' }),
      thiosulfate({ at: day(91), id: 'STS-2' }),
    ];
    const fired = finding(run(THIOSULFATE_COURSE_REVIEW, { records, trigger: sweep, now: day(184) }));
    expect(fired.finding).toContain('course running since 2026-03-02 09:00 CST (184 days)');
  });

  it('a new course after a long break counts from its own start', () => {
    const records = [
      thiosulfate({ at: day(0), id: 'STS-1' }),
      thiosulfate({ at: day(60), id: 'STS-1', control: 'DC' }),
      thiosulfate({ at: day(120), id: 'STS-2' }),
    ];
    expect(kindOf(run(THIOSULFATE_COURSE_REVIEW, { records, trigger: sweep, now: day(184) }))).toBe(
      'noChange',
    );
  });

  it('resolves when the order ends', () => {
    const order = thiosulfate({ at: day(0), id: 'STS-1' });
    const records = [order, thiosulfate({ at: day(200), id: 'STS-1', control: 'DC' })];
    const outcomes = run(THIOSULFATE_COURSE_REVIEW, {
      records,
      openAlerts: [openAlert('THIOSULFATE_COURSE_REVIEW', [order], { openedAt: day(184) })],
      now: day(200),
    });
    expect(kindOf(outcomes)).toBe('resolve');
    expect(kindOf(run(THIOSULFATE_COURSE_REVIEW, { records, now: day(200) }))).toBe('noChange');
  });
});
