/**
 * Rule modes in the engine: a live rule pages as always; a shadow rule's verdicts come out apart
 * (recorded, never paged) and are judged against its own would-be alerts; an off rule is not run;
 * a live alert of a rule taken off paging is resolved, naming the mode.
 */
import { describe, expect, it } from 'vitest';
import { sweepAlerts } from '../../lambdas/alerts/lifecycle.js';
import { applyShadowOutcomes } from '../../lambdas/alerts/shadow.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { RuleOutcome } from '../../lambdas/domain/alerts.js';
import { buildPatientState } from '../../lambdas/patient/build-patient-state.js';
import { rebuildClinicalState } from '../../lambdas/patient/clinical-state.js';
import { evaluatePatient } from '../../lambdas/rules/engine.js';
import { calcium, day, enrol, openAlert, patient, stateOf } from './factories.js';

const override = { reason: 'Trial of the raised line on the unit', approvedBy: 'Dr A. Synthetic' };
const shadowConfig = parseRulesConfig({
  timeZone: 'America/Chicago',
  modes: {
    CALCIUM_CRITICAL_LOW: { mode: 'shadow', criticalOverride: override },
    CALCIUM_LOW: { mode: 'shadow' },
    PTH_LOW: { mode: 'off' },
  },
});
const kinds = (outcomes: RuleOutcome[], ruleId: string) =>
  outcomes
    .filter((outcome) => (outcome.kind === 'fire' ? outcome.finding.ruleId : outcome.ruleId) === ruleId)
    .map((outcome) => outcome.kind);

describe('evaluatePatient with modes', () => {
  it('CALCIUM_CRITICAL_LOW in shadow: calcium 7.2 fires only among the shadow outcomes', () => {
    const low = calcium(7.2, { at: day(0) });
    const { outcomes, shadowOutcomes } = evaluatePatient(
      stateOf({ records: [low], now: day(0.1) }),
      { kind: 'records', stored: [low] },
      shadowConfig,
      new Date(day(0.1)),
    );
    expect(kinds(outcomes, 'CALCIUM_CRITICAL_LOW')).toEqual([]);
    expect(kinds(shadowOutcomes, 'CALCIUM_CRITICAL_LOW')).toEqual(['fire']);
    // The same result under the defaults pages.
    const live = evaluatePatient(
      stateOf({ records: [low], now: day(0.1) }),
      { kind: 'records', stored: [low] },
      parseRulesConfig({ timeZone: 'America/Chicago' }),
      new Date(day(0.1)),
    );
    expect(kinds(live.outcomes, 'CALCIUM_CRITICAL_LOW')).toEqual(['fire']);
  });

  it('an off rule says nothing anywhere (PTH_LOW off)', () => {
    const { outcomes, shadowOutcomes } = evaluatePatient(
      stateOf(),
      { kind: 'sweep' },
      shadowConfig,
      new Date(day(30)),
    );
    expect(kinds(outcomes, 'PTH_LOW')).toEqual([]);
    expect(kinds(shadowOutcomes, 'PTH_LOW')).toEqual([]);
  });

  it("a shadow rule resolves its own would-be alert, not a live one: CALCIUM_LOW's 8.5 after 7.9", () => {
    const low = calcium(7.9, { at: day(0) });
    const recovered = calcium(8.5, { at: day(1) });
    const wouldBe = { ...openAlert('CALCIUM_LOW', [low]), shadow: true as const };
    const state = buildPatientState(
      {
        patient: patient(),
        records: [low, recovered],
        clinical: rebuildClinicalState([], [enrol('2025-01-06T15:00:00.000Z')], shadowConfig),
        openAlerts: [],
        shadowAlerts: [wouldBe],
      },
      new Date(day(1.1)),
    );
    const { shadowOutcomes } = evaluatePatient(
      state,
      { kind: 'records', stored: [recovered] },
      shadowConfig,
      new Date(day(1.1)),
    );
    expect(kinds(shadowOutcomes, 'CALCIUM_LOW')).toEqual(['resolve']);
  });

  it('resolves a live alert of a rule set to shadow, naming the mode, so it stops paging', () => {
    const low = calcium(7.9, { at: day(0) });
    const live = openAlert('CALCIUM_LOW', [low]);
    const { outcomes } = evaluatePatient(
      stateOf({ records: [low], openAlerts: [live] }),
      { kind: 'sweep' },
      shadowConfig,
      new Date(day(1)),
    );
    const resolved = outcomes.find(
      (outcome) => outcome.kind === 'resolve' && outcome.ruleId === 'CALCIUM_LOW',
    );
    expect(resolved).toMatchObject({
      kind: 'resolve',
      reason: 'CALCIUM_LOW was set to shadow in the hospital configuration: it no longer pages.',
    });
  });
});

describe('applyShadowOutcomes', () => {
  it('records the would-be alert, marked shadow, with no notification or audit to send', () => {
    const low = calcium(7.2, { at: day(0) });
    const { shadowOutcomes } = evaluatePatient(
      stateOf({ records: [low], now: day(0.1) }),
      { kind: 'records', stored: [low] },
      shadowConfig,
      new Date(day(0.1)),
    );
    const changes = applyShadowOutcomes({
      patient: patient(),
      shadowAlerts: [],
      outcomes: shadowOutcomes,
      now: new Date(day(0.1)),
      config: shadowConfig,
    });
    expect(changes.map((change) => [change.kind, change.alert.ruleId, change.alert.shadow])).toEqual([
      ['create', 'CALCIUM_CRITICAL_LOW', true],
    ]);
    // Again with the would-be alert open: the same evidence changes nothing (no duplicate record).
    const again = applyShadowOutcomes({
      patient: patient(),
      shadowAlerts: changes.map((change) => change.alert),
      outcomes: shadowOutcomes,
      now: new Date(day(0.2)),
      config: shadowConfig,
    });
    expect(again).toEqual([]);
  });
});

describe('sweepAlerts with modes', () => {
  it('neither escalates nor repeats a live critical alert of a rule taken off paging (the evaluation resolves it)', () => {
    const low = calcium(7.1, { at: day(0) });
    const alert = openAlert('CALCIUM_CRITICAL_LOW', [low]);
    const later = new Date(Date.parse(alert.openedAt) + 120 * 60_000);
    expect(sweepAlerts({ activeAlerts: [alert], now: later, config: shadowConfig }).notifications).toEqual(
      [],
    );
    const live = sweepAlerts({
      activeAlerts: [alert],
      now: later,
      config: parseRulesConfig({ timeZone: 'America/Chicago' }),
    });
    expect(live.notifications.map((notification) => notification.event)).toEqual(['escalated', 'repeated']);
  });
});
