/**
 * Runs the rules for one patient and one trigger. Every rule runs on every trigger: `event` rules
 * fire and resolve on any trigger, `sweep` rules fire only on the sweep but resolve on any trigger
 * (see `defineRule`). A rule that throws is reported with its id and the rest still run, so one bad
 * rule never loses the batch.
 *
 * Modes (config `modes`, config/rule-modes.ts): `live` rules give the outcomes the lifecycle pages
 * on; `shadow` rules run against their own would-be alerts and give `shadowOutcomes`, which are
 * recorded and never paged; `off` rules do not run. A live alert of a rule no longer live is
 * resolved, naming the mode, so nothing keeps paging or escalating for a rule that was taken off.
 */
import { ruleModeOf } from '../config/rule-mode.js';
import type { RulesConfig } from '../config/rules-config.js';
import type { RuleId, RuleOutcome } from '../domain/alerts.js';
import type { PatientState } from '../patient/patient-state.js';
import { rules as allRules } from './registry.js';
import type { Rule, RuleContext, Trigger } from './rule.js';

export type { Trigger } from './rule.js';

export interface RuleError {
  kind: 'ruleError';
  ruleId: RuleId;
  message: string;
}

export interface PatientEvaluation {
  /** What the live rules say: the lifecycle opens, resolves and pages on these. */
  outcomes: RuleOutcome[];
  /** What the shadow rules say, judged against their would-be alerts: recorded, never paged. */
  shadowOutcomes: RuleOutcome[];
  errors: RuleError[];
}

export function evaluatePatient(
  state: PatientState,
  trigger: Trigger,
  config: RulesConfig,
  now: Date,
  rules: readonly Rule[] = allRules,
): PatientEvaluation {
  const live: RuleContext = { state, trigger, config, now };
  // A shadow rule sees its own would-be alert where a live one would see its alert; live alerts of
  // other rules stay (CALCIUM_LOW in shadow still stands aside for a live CALCIUM_CRITICAL_LOW).
  const shadow: RuleContext = {
    ...live,
    state: {
      ...state,
      openAlerts: [
        ...state.openAlerts.filter((alert) => ruleModeOf(config, alert.ruleId) === 'live'),
        ...state.shadowAlerts,
      ],
    },
  };
  const outcomes: RuleOutcome[] = [];
  const shadowOutcomes: RuleOutcome[] = [];
  const errors: RuleError[] = [];
  for (const rule of rules) {
    const mode = ruleModeOf(config, rule.id);
    if (mode !== 'live') outcomes.push(...retired(rule.id, mode, state));
    if (mode === 'off') continue;
    try {
      if (mode === 'live') outcomes.push(...rule.evaluate(live));
      else shadowOutcomes.push(...rule.evaluate(shadow));
    } catch (error: unknown) {
      errors.push({
        kind: 'ruleError',
        ruleId: rule.id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { outcomes, shadowOutcomes, errors };
}

/** Resolves the live alerts of a rule the configuration took off paging (set to shadow or off). */
function retired(ruleId: RuleId, mode: 'shadow' | 'off', state: PatientState): RuleOutcome[] {
  return state.openAlerts
    .filter((alert) => alert.ruleId === ruleId)
    .map((alert) => ({
      kind: 'resolve',
      ruleId,
      alertScope: alert.alertScope,
      reason: `${ruleId} was set to ${mode} in the hospital configuration: it no longer pages.`,
      evidence: [],
    }));
}
