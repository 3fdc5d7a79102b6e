/**
 * Would-be alerts of rules in shadow mode: the same lifecycle as live alerts (one per rule and
 * scope, dedup by evidence, resolve, supersede), so the record says exactly what the rule would have
 * raised and when, but only the alert changes are kept: no notification, no audit trail of paging,
 * no escalation (the store keeps them apart from live alerts, off the on-call lists). Pure.
 */
import type { Alert, RuleOutcome } from '../domain/alerts.js';
import type { AlertChange } from './changeset.js';
import {
  type AlertPatient,
  type ApplyOutcomesInput,
  applyOutcomes,
  type LifecycleResult,
} from './lifecycle.js';

export interface ApplyShadowOutcomesInput extends Omit<ApplyOutcomesInput, 'activeAlerts' | 'outcomes'> {
  patient: AlertPatient;
  /** The patient's open would-be alerts. */
  shadowAlerts: readonly Alert[];
  /** The shadow rules' outcomes (engine `shadowOutcomes`). */
  outcomes: RuleOutcome[];
}

/** The would-be alert changes, each marked `shadow`. */
export function applyShadowOutcomes(input: ApplyShadowOutcomesInput): AlertChange[] {
  if (input.outcomes.every((outcome) => outcome.kind === 'noChange')) return [];
  const { changes } = applyOutcomes({ ...input, activeAlerts: [...input.shadowAlerts] });
  return changes.map((change) => ({ ...change, alert: { ...change.alert, shadow: true } }));
}

export interface LiveAndShadowInput extends Omit<ApplyOutcomesInput, 'outcomes'> {
  shadowAlerts: readonly Alert[];
  outcomes: RuleOutcome[];
  shadowOutcomes: RuleOutcome[];
}

/**
 * The live lifecycle (what to render and publish) and, to commit, its changes with the shadow rules'
 * would-be alerts: written in the same transaction, with no notification and no audit event, so
 * they can neither page nor hold up a live alert.
 */
export function applyLiveAndShadowOutcomes(input: LiveAndShadowInput): {
  live: LifecycleResult;
  committed: LifecycleResult;
} {
  const { shadowAlerts, shadowOutcomes, ...liveInput } = input;
  const live = applyOutcomes(liveInput);
  const shadowChanges = applyShadowOutcomes({ ...liveInput, shadowAlerts, outcomes: shadowOutcomes });
  return { live, committed: { ...live, changes: [...live.changes, ...shadowChanges] } };
}
