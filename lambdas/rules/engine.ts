/**
 * Runs the rules for one patient and one trigger. Every rule runs on every trigger: `event` rules
 * fire and resolve on any trigger, `sweep` rules fire only on the sweep but resolve on any trigger
 * (see `defineRule`). A rule that throws is reported with its id and the rest still run, so one bad
 * rule never loses the batch.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { RuleId, RuleOutcome } from '../domain/alerts.js';
import type { PatientState } from '../patient/patient-state.js';
import { rules as allRules } from './registry.js';
import type { Rule, Trigger } from './rule.js';

export type { Trigger } from './rule.js';

export interface RuleError {
  kind: 'ruleError';
  ruleId: RuleId;
  message: string;
}

export interface PatientEvaluation {
  outcomes: RuleOutcome[];
  errors: RuleError[];
}

export function evaluatePatient(
  state: PatientState,
  trigger: Trigger,
  config: RulesConfig,
  now: Date,
  rules: readonly Rule[] = allRules,
): PatientEvaluation {
  const context = { state, trigger, config, now };
  const outcomes: RuleOutcome[] = [];
  const errors: RuleError[] = [];
  for (const rule of rules) {
    try {
      outcomes.push(...rule.evaluate(context));
    } catch (error: unknown) {
      errors.push({
        kind: 'ruleError',
        ruleId: rule.id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { outcomes, errors };
}
