/**
 * The shape of a rule (one file per rule id, like cdk-nag's rules): a pure function of the patient's
 * state that says, per alert scope, `fire`, `resolve` or `noChange`. Alert state, dedup and
 * notification belong to the alert lifecycle, not here.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { RuleId, RuleOutcome, Severity } from '../domain/alerts.js';
import type { StoredRecord } from '../domain/records.js';
import type { PatientState } from '../patient/patient-state.js';

/** What caused this evaluation. */
export type Trigger =
  /** The records of one message (several results of one message are evaluated once). */
  { kind: 'records'; stored: readonly StoredRecord[] } | { kind: 'cohortEntered' } | { kind: 'sweep' };

export interface RuleContext {
  state: PatientState;
  trigger: Trigger;
  config: RulesConfig;
  now: Date;
}

export interface Rule {
  id: RuleId;
  /**
   * The rule's logic version, carried (through the rule-set version) on every alert and page it
   * decides. Bump it with any change to what the rule fires or resolves on;
   * tests/rules/rule-versions.test.ts pins it with the file's text, so a change without a bump fails.
   */
  version: number;
  severity: Severity;
  /** `sweep` rules are about time passing: they fire only on the scheduled sweep. */
  trigger: 'event' | 'sweep';
  /** The guideline sentence(s) the rule implements, verbatim. */
  seed: readonly string[];
  evaluate(context: RuleContext): RuleOutcome[];
}

/**
 * Wraps a rule's decision with what holds for every rule: patients outside the cohort get
 * `noChange` (clinical-rules.md: results and orders are stored but raise no alert), and a `sweep`
 * rule fires only on a sweep but may resolve on any trigger (a calcium arriving ends an overdue).
 */
export function defineRule(rule: Rule): Rule {
  const unchanged: RuleOutcome[] = [{ kind: 'noChange', ruleId: rule.id }];
  return {
    ...rule,
    evaluate(context) {
      if (!context.state.cohort.inCohort) return unchanged;
      const outcomes = rule.evaluate(context);
      if (rule.trigger === 'event' || context.trigger.kind === 'sweep') return outcomes;
      return outcomes.map((outcome) =>
        outcome.kind === 'fire' ? { kind: 'noChange', ruleId: rule.id } : outcome,
      );
    },
  };
}
