import { describe, expect, it } from 'vitest';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import { cohortMembership, matchesCohortCode } from '../../lambdas/patient/cohort.js';
import { config, day, diagnosis, enrol, removal, stateOf } from '../rules/factories.js';

const dx = (options: Parameters<typeof diagnosis>[0]) => {
  const stored = diagnosis(options);
  if (stored.record.kind !== 'diagnosis') throw new Error('not a diagnosis');
  return stored.record;
};

describe('cohort code list (default: E83.59 with the word, SNOMED 237900002 on its own)', () => {
  it.each([
    [{ code: '237900002', codeSystem: 'SCT', text: 'Calciphylaxis' }, true],
    [{ code: '237900002', codeSystem: 'SNOMEDCT', text: 'Calcific uremic arteriolopathy' }, true],
    [{ code: '237900002', codeSystem: 'I10', text: 'Calciphylaxis' }, false],
    [{ code: 'E83.59', codeSystem: 'I10', text: 'Calciphylaxis' }, true],
    [{ code: 'E83.59', codeSystem: 'ICD-10-CM', text: 'Other disorders of calcium metabolism' }, false],
    [
      {
        code: 'E83.59',
        codeSystem: 'ICD10CM',
        text: 'Other disorders',
        description: 'CALCIPHYLAXIS, left leg',
      },
      true,
    ],
    [{ code: 'E83.59', codeSystem: 'I10C', text: 'Other', alternateText: 'calciphylaxis (local)' }, true],
    [{ code: 'e83.59', codeSystem: 'i10', text: 'calciphylaxis' }, true],
    [
      {
        code: 'N18.6',
        codeSystem: 'I10',
        text: 'ESRD',
        alternateCode: '237900002',
        alternateCodeSystem: 'SCT',
      },
      true,
    ],
    [{ code: 'N18.6', codeSystem: 'I10', text: 'ESRD with calciphylaxis' }, false],
  ])('%j on the list: %s', (options, expected) => {
    expect(matchesCohortCode(dx(options), config)).toBe(expected);
  });

  it('follows the hospital’s own list', () => {
    const local = parseRulesConfig({ timeZone: 'UTC', cohortCodes: [{ code: 'CALCI-1', systems: ['L'] }] });
    expect(matchesCohortCode(dx({ code: 'CALCI-1', codeSystem: 'L' }), local)).toBe(true);
    expect(matchesCohortCode(dx({ code: '237900002', codeSystem: 'SCT' }), local)).toBe(false);
  });
});

describe('cohort membership', () => {
  it('a qualifying diagnosis puts the patient in from its receipt', () => {
    const stored = diagnosis({ receivedAt: day(2) });
    expect(cohortMembership([stored], [], config)).toEqual({
      inCohort: true,
      enteredAt: day(2),
      via: 'diagnosis',
      entryRecordId: stored.recordId,
    });
  });

  it('a diagnosis that does not qualify does not', () => {
    expect(cohortMembership([diagnosis({ code: 'N18.6', codeSystem: 'I10' })], [], config).inCohort).toBe(
      false,
    );
  });

  it('an admin enrolment puts the patient in; a later removal takes them out', () => {
    expect(cohortMembership([], [enrol(day(1))], config)).toMatchObject({
      inCohort: true,
      via: 'admin',
      enteredAt: day(1),
    });
    expect(cohortMembership([], [enrol(day(1)), removal(day(5))], config)).toEqual({
      inCohort: false,
      removedAt: day(5),
    });
  });

  it('applies admin actions in time order whatever order they are listed in', () => {
    expect(cohortMembership([], [removal(day(5)), enrol(day(1))], config).inCohort).toBe(false);
    expect(cohortMembership([], [enrol(day(9)), removal(day(5)), enrol(day(1))], config)).toMatchObject({
      inCohort: true,
      enteredAt: day(9),
    });
  });

  it('only an admin takes a patient out: diagnoses keep them in', () => {
    const records = [diagnosis({ receivedAt: day(0) }), diagnosis({ receivedAt: day(3) })];
    expect(cohortMembership(records, [], config)).toMatchObject({ inCohort: true, enteredAt: day(0) });
  });

  it('after a removal, a re-sent diagnosis does not bring the patient back; an enrolment does', () => {
    const records = [diagnosis({ receivedAt: day(0) }), diagnosis({ receivedAt: day(10) })];
    expect(cohortMembership(records, [removal(day(5))], config).inCohort).toBe(false);
    expect(cohortMembership(records, [removal(day(5)), enrol(day(12))], config)).toMatchObject({
      inCohort: true,
      via: 'admin',
    });
  });

  it('is part of the patient state', () => {
    expect(stateOf({ enrolments: [] }).cohort.inCohort).toBe(false);
    expect(stateOf({ records: [diagnosis({ receivedAt: day(0) })], enrolments: [] }).cohort.via).toBe(
      'diagnosis',
    );
  });
});
