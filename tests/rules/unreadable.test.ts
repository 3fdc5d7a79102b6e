import { describe, expect, it } from 'vitest';
import { CALCIUM_CRITICAL_LOW } from '../../lambdas/rules/CALCIUM_CRITICAL_LOW.js';
import { RESULT_UNREADABLE } from '../../lambdas/rules/RESULT_UNREADABLE.js';
import { calcium, finding, kindOf, result, retraction, run, warfarin } from './factories.js';

describe('Rule: RESULT_UNREADABLE', () => {
  const badUnit = calcium(7.1, {
    unitError: "unit 'mg' is not accepted for calcium",
    sent: { value: 7.1, unit: 'mg' },
  });
  const commaDecimal = result('calcium', undefined, { valueError: "'7,1' is not a number" });

  it('fires once for the offending result, scoped to its record id, naming message, analyte and problem', () => {
    const fired = finding(run(RESULT_UNREADABLE, { records: [badUnit] }));
    expect(fired.alertScope).toBe(badUnit.recordId);
    expect(fired.severity).toBe('advisory');
    const { source } = badUnit.record;
    expect(fired.finding).toBe(
      `Unreadable calcium result in message ${source.controlId} (ORU^R01 from CENTRAL LAB), OBX-3 17861-6^LN, OBX-5 '7.1', OBX-6 'mg', observed 2026-03-02 09:00 CST: unit 'mg' is not accepted for calcium.`,
    );
    expect(fired.evidence.map((item) => item.recordId)).toEqual([badUnit.recordId]);
  });

  it('fires once per offending result when a message with several results is evaluated once', () => {
    const readable = calcium(9.1);
    const outcomes = run(RESULT_UNREADABLE, {
      records: [badUnit, readable, commaDecimal],
      trigger: { kind: 'records', stored: [badUnit, readable, commaDecimal] },
    });
    expect(
      outcomes.map((outcome) => (outcome.kind === 'fire' ? outcome.finding.alertScope : outcome.kind)),
    ).toEqual([badUnit.recordId, commaDecimal.recordId]);
  });

  it('fires for an unreadable value', () => {
    expect(finding(run(RESULT_UNREADABLE, { records: [commaDecimal] })).finding).toContain(
      "'7,1' is not a number",
    );
  });

  it('infers nothing clinical from it: no critical alert from an unreadable calcium', () => {
    expect(kindOf(run(CALCIUM_CRITICAL_LOW, { records: [badUnit] }))).toBe('noChange');
  });

  it('is raised on that record’s trigger only', () => {
    expect(kindOf(run(RESULT_UNREADABLE, { records: [badUnit, warfarin()] }))).toBe('noChange');
    expect(kindOf(run(RESULT_UNREADABLE, { records: [badUnit], trigger: { kind: 'sweep' } }))).toBe(
      'noChange',
    );
    expect(kindOf(run(RESULT_UNREADABLE, { records: [badUnit], trigger: { kind: 'cohortEntered' } }))).toBe(
      'noChange',
    );
  });

  it.each([
    ['a readable result', calcium(9.2)],
    ['a retraction without a value', retraction(calcium(9.2))],
    [
      'a test that is not watched',
      { ...badUnit, record: { ...badUnit.record, analyte: undefined, code: '2345-7' } } as typeof badUnit,
    ],
  ])('says nothing for %s', (_name, stored) => {
    expect(kindOf(run(RESULT_UNREADABLE, { records: [stored] }))).toBe('noChange');
  });

  it('says nothing for a patient outside the cohort', () => {
    expect(kindOf(run(RESULT_UNREADABLE, { records: [badUnit], enrolments: [] }))).toBe('noChange');
  });
});
