import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleIds } from '../../lambdas/domain/alerts.js';
import { evaluatePatient } from '../../lambdas/rules/engine.js';
import { rules, rulesById } from '../../lambdas/rules/registry.js';
import { defineRule, type Rule } from '../../lambdas/rules/rule.js';
import { calcium, cinacalcet, config, day, enrol, pth, stateOf, thiosulfate, warfarin } from './factories.js';

// The guideline summary the rules cite (the project's copy of the seed).
const guideline = readFileSync(
  new URL('../fixtures/guideline/calciphylaxis-guideline.txt', import.meta.url),
  'utf8',
);
const normalised = (text: string) => text.replace(/\s+/g, ' ');

describe('rule registry', () => {
  it('lists every rule id of the catalogue exactly once, in catalogue order', () => {
    expect(rules.map((rule) => rule.id)).toEqual([...ruleIds]);
    expect(rulesById.size).toBe(ruleIds.length);
  });

  it.each(rules.map((rule) => [rule.id, rule] as const))(
    '%s cites guideline sentences verbatim',
    (id, rule) => {
      if (id === 'RESULT_UNREADABLE') {
        expect(rule.seed).toEqual([]);
        return;
      }
      expect(rule.seed.length).toBeGreaterThan(0);
      for (const sentence of rule.seed) expect(normalised(guideline)).toContain(normalised(sentence));
    },
  );

  it.each([
    ['CALCIUM_CRITICAL_LOW', 'critical'],
    ['VKA_ACTIVE', 'critical'],
    ['CALCIUM_LOW', 'urgent'],
    ['PTH_SEVERE', 'urgent'],
    ['CALCIUM_CHECK_AFTER_CINACALCET', 'urgent'],
    ['CRP_RISING', 'urgent'],
    ['THIOSULFATE_NOT_STARTED', 'urgent'],
    ['PTH_START_CINACALCET', 'advisory'],
    ['PTH_TITRATE_CINACALCET', 'advisory'],
    ['PTH_LOW', 'advisory'],
    ['CALCIUM_MONITORING_OVERDUE', 'advisory'],
    ['HEMOGLOBIN_LOW', 'advisory'],
    ['BICARBONATE_LOW', 'advisory'],
    ['QUARTERLY_LABS_OVERDUE', 'advisory'],
    ['CALCIUM_BINDER_ACTIVE', 'advisory'],
    ['ACTIVE_VITAMIN_D', 'advisory'],
    ['THIOSULFATE_COURSE_REVIEW', 'advisory'],
    ['DIALYSATE_CALCIUM_HIGH', 'advisory'],
    ['RESULT_UNREADABLE', 'advisory'],
  ] as const)('%s has severity %s', (id, severity) => {
    expect(rulesById.get(id)?.severity).toBe(severity);
  });

  it('marks exactly the time-based rules as sweep rules', () => {
    expect(rules.filter((rule) => rule.trigger === 'sweep').map((rule) => rule.id)).toEqual([
      'CALCIUM_CHECK_AFTER_CINACALCET',
      'CALCIUM_MONITORING_OVERDUE',
      'QUARTERLY_LABS_OVERDUE',
      'THIOSULFATE_NOT_STARTED',
      'THIOSULFATE_COURSE_REVIEW',
    ]);
  });
});

describe('evaluatePatient', () => {
  const fired = (outcomes: ReturnType<typeof evaluatePatient>['outcomes']) =>
    outcomes.flatMap((outcome) => (outcome.kind === 'fire' ? [outcome.finding.ruleId] : []));

  it('runs every rule and returns one outcome per rule for a cohort patient', () => {
    const low = calcium(7.1, { at: day(0) });
    const state = stateOf({ records: [warfarin({ at: day(-3) }), low], now: day(0.1) });
    const { outcomes, errors } = evaluatePatient(
      state,
      { kind: 'records', stored: [low] },
      config,
      new Date(day(0.1)),
    );
    expect(errors).toEqual([]);
    expect(
      outcomes.map((outcome) =>
        outcome.kind === 'noChange'
          ? outcome.ruleId
          : outcome.kind === 'fire'
            ? outcome.finding.ruleId
            : outcome.ruleId,
      ),
    ).toEqual([...ruleIds]);
    expect(fired(outcomes)).toEqual(['CALCIUM_CRITICAL_LOW', 'VKA_ACTIVE']);
  });

  it('cohort entry with pre-existing warfarin pages VKA_ACTIVE at once', () => {
    const state = stateOf({
      records: [warfarin({ at: day(-30) })],
      enrolments: [enrol(day(0))],
      now: day(0),
    });
    const { outcomes } = evaluatePatient(state, { kind: 'cohortEntered' }, config, new Date(day(0)));
    expect(fired(outcomes)).toEqual(['VKA_ACTIVE']);
  });

  it('raises the time-based rules on the sweep only', () => {
    const records = [cinacalcet(30, { at: day(0) }), pth(420, { at: day(0) }), thiosulfate({ at: day(0) })];
    const state = stateOf({ records, enrolments: [enrol(day(-100))], now: day(9) });
    const onSweep = evaluatePatient(state, { kind: 'sweep' }, config, new Date(day(9)));
    expect(fired(onSweep.outcomes)).toEqual([
      'CALCIUM_CHECK_AFTER_CINACALCET',
      'CALCIUM_MONITORING_OVERDUE',
      'QUARTERLY_LABS_OVERDUE',
    ]);
    const onEntry = evaluatePatient(state, { kind: 'cohortEntered' }, config, new Date(day(9)));
    expect(fired(onEntry.outcomes)).toEqual([]);
  });

  it('gives nothing but noChange for a patient outside the cohort', () => {
    const low = calcium(6.0);
    const state = stateOf({ records: [warfarin(), low], enrolments: [] });
    for (const trigger of [{ kind: 'records', stored: [low] }, { kind: 'sweep' }] as const) {
      const { outcomes } = evaluatePatient(state, trigger, config, new Date(day(30)));
      expect(outcomes.every((outcome) => outcome.kind === 'noChange')).toBe(true);
    }
  });

  it('reports a rule that throws with its id and still runs the others', () => {
    const broken: Rule = defineRule({
      id: 'PTH_LOW',
      version: 1,
      severity: 'advisory',
      trigger: 'event',
      seed: [],
      evaluate: () => {
        throw new TypeError('boom');
      },
    });
    const odd: Rule = {
      ...broken,
      id: 'PTH_SEVERE',
      evaluate: () => {
        throw 'not an Error';
      },
    };
    const low = calcium(7.1);
    const state = stateOf({ records: [low] });
    const calciumRule = rulesById.get('CALCIUM_CRITICAL_LOW');
    if (calciumRule === undefined) throw new Error('registry lost CALCIUM_CRITICAL_LOW');
    const { outcomes, errors } = evaluatePatient(
      state,
      { kind: 'records', stored: [low] },
      config,
      new Date(day(1)),
      [broken, odd, calciumRule],
    );
    expect(errors).toEqual([
      { kind: 'ruleError', ruleId: 'PTH_LOW', message: 'boom' },
      { kind: 'ruleError', ruleId: 'PTH_SEVERE', message: 'not an Error' },
    ]);
    expect(fired(outcomes)).toEqual(['CALCIUM_CRITICAL_LOW']);
  });
});
