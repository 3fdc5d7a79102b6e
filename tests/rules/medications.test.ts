import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../lambdas/domain/records.js';
import { ACTIVE_VITAMIN_D } from '../../lambdas/rules/ACTIVE_VITAMIN_D.js';
import { CALCIUM_BINDER_ACTIVE } from '../../lambdas/rules/CALCIUM_BINDER_ACTIVE.js';
import type { Rule } from '../../lambdas/rules/rule.js';
import { VKA_ACTIVE } from '../../lambdas/rules/VKA_ACTIVE.js';
import {
  calcitriol,
  calcium,
  calciumAcetate,
  day,
  finding,
  kindOf,
  medicationOrder,
  type OrderOptions,
  openAlert,
  resolution,
  run,
  sevelamer,
  warfarin,
} from './factories.js';

describe('Rule: VKA_ACTIVE', () => {
  it('fires on a new warfarin order, naming the drug, dose and order', () => {
    const order = warfarin({ id: 'ORD977704', at: day(0) });
    const fired = finding(run(VKA_ACTIVE, { records: [order] }));
    expect(fired.severity).toBe('critical');
    expect(fired.finding).toBe(
      'Vitamin K antagonist active: warfarin 5 mg daily (order ORD977704, active since 2026-03-02 09:00 CST).',
    );
    expect(fired.recommendation).toBe(
      'Discontinue warfarin (vitamin K antagonist) now (11-fold risk); for atrial fibrillation consider reduced-dose apixaban.',
    );
    expect(fired.evidence.map((item) => item.recordId)).toEqual([order.recordId]);
  });

  it.each(['acenocoumarol', 'phenprocoumon', 'fluindione'])('fires for %s too', (ingredient) => {
    const fired = finding(run(VKA_ACTIVE, { records: [medicationOrder(ingredient, 'vitaminKAntagonist')] }));
    expect(fired.recommendation).toContain(`Discontinue ${ingredient}`);
  });

  it('fires on cohort entry for warfarin ordered before the patient entered', () => {
    const records = [warfarin({ at: day(-40) })];
    const outcomes = run(VKA_ACTIVE, { records, enrolments: [], trigger: { kind: 'cohortEntered' } });
    expect(kindOf(outcomes)).toBe('noChange');
    const entered = run(VKA_ACTIVE, {
      records,
      enrolments: [{ kind: 'cohortEnrolment', action: 'enrol', by: 'admin-7', at: day(1) }],
      trigger: { kind: 'cohortEntered' },
    });
    expect(kindOf(entered)).toBe('fire');
  });

  it('holds on every later result while the order stays active', () => {
    const order = warfarin({ at: day(0) });
    const outcomes = run(VKA_ACTIVE, {
      records: [order, calcium(9.0, { at: day(3) })],
      openAlerts: [openAlert('VKA_ACTIVE', [order])],
    });
    expect(kindOf(outcomes)).toBe('fire');
  });

  it.each([
    ['DC', 'ended (DC)'],
    ['CA', 'ended (CA)'],
    ['OD', 'ended (OD)'],
    ['HD', 'held (HD)'],
  ])('resolves when the order gets %s', (control, how) => {
    const order = warfarin({ id: 'ORD1', at: day(0) });
    const outcomes = run(VKA_ACTIVE, {
      records: [order, warfarin({ id: 'ORD1', control, at: day(2) })],
      openAlerts: [openAlert('VKA_ACTIVE', [order])],
    });
    expect(resolution(outcomes).reason).toContain(`warfarin order ORD1 ${how}`);
  });

  it('resolves once the order end time has passed, and not before', () => {
    const order = warfarin({ id: 'ORD2', at: day(0), endAt: day(10) });
    const scenario = { records: [order], openAlerts: [openAlert('VKA_ACTIVE', [order])] };
    expect(kindOf(run(VKA_ACTIVE, { ...scenario, now: day(9.9) }))).toBe('fire');
    expect(resolution(run(VKA_ACTIVE, { ...scenario, now: day(10) })).reason).toContain(
      'reached its end time',
    );
  });

  it('stays while a second VKA order is still active', () => {
    const first = warfarin({ id: 'ORD1', at: day(0) });
    const records = [
      first,
      warfarin({ id: 'ORD3', at: day(1) }),
      warfarin({ id: 'ORD1', control: 'DC', at: day(2) }),
    ];
    const fired = finding(run(VKA_ACTIVE, { records, openAlerts: [openAlert('VKA_ACTIVE', [first])] }));
    expect(fired.finding).toContain('order ORD3');
    expect(fired.finding).not.toContain('order ORD1');
  });

  it('a DOAC is not a VKA', () => {
    expect(kindOf(run(VKA_ACTIVE, { records: [medicationOrder('apixaban', 'doac')] }))).toBe('noChange');
  });

  it('a patient outside the cohort gets nothing', () => {
    expect(kindOf(run(VKA_ACTIVE, { records: [warfarin()], enrolments: [] }))).toBe('noChange');
  });
});

describe.each([
  {
    rule: CALCIUM_BINDER_ACTIVE,
    order: (options?: OrderOptions) => calciumAcetate(options),
    other: sevelamer(),
    finding: 'Calcium-based phosphate binder active: calcium acetate 2001 mg daily',
    recommendation: 'Reduce calcium-containing binders; prefer a non-calcium binder such as sevelamer.',
  },
  {
    rule: ACTIVE_VITAMIN_D,
    order: (options?: OrderOptions) => calcitriol(options),
    other: sevelamer(),
    finding: 'Active vitamin D sterol ordered: calcitriol (order',
    recommendation: 'High-dose active vitamin D adds to calcium loading: review the dose.',
  },
] as {
  rule: Rule;
  order: (options?: OrderOptions) => StoredRecord;
  other: StoredRecord;
  finding: string;
  recommendation: string;
}[])('Rule: $rule.id', ({ rule, order, other, finding: expectedFinding, recommendation }) => {
  it('fires while an order is active, as an advisory', () => {
    const fired = finding(run(rule, { records: [order()] }));
    expect(fired.severity).toBe('advisory');
    expect(fired.finding).toContain(expectedFinding);
    expect(fired.recommendation).toBe(recommendation);
  });

  it('does not fire for another class', () => {
    expect(kindOf(run(rule, { records: [other] }))).toBe('noChange');
  });

  it('resolves when the order ends, and says nothing when no alert is open', () => {
    const first = order({ id: 'ORD-B', at: day(0) });
    const records = [first, order({ id: 'ORD-B', control: 'DC', at: day(4) })];
    expect(kindOf(run(rule, { records }))).toBe('noChange');
    expect(resolution(run(rule, { records, openAlerts: [openAlert(rule.id, [first])] })).reason).toContain(
      'order ORD-B ended (DC) at 2026-03-06 09:00 CST',
    );
  });
});
