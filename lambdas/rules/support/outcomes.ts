/** Building rule outcomes and finding a rule's open alert. */
import type { Alert, Evidence, Finding, RuleId, RuleOutcome } from '../../domain/alerts.js';
import type { PatientState } from '../../patient/patient-state.js';

/** The patient's open (or acknowledged) alert for a rule and scope. */
export function openAlertFor(state: PatientState, ruleId: RuleId, alertScope = ''): Alert | undefined {
  return state.openAlerts.find((alert) => alert.ruleId === ruleId && alert.alertScope === alertScope);
}

export const fire = (finding: Finding): RuleOutcome => ({ kind: 'fire', finding });

export const resolve = (
  ruleId: RuleId,
  reason: string,
  evidence: Evidence[],
  alertScope = '',
): RuleOutcome => ({
  kind: 'resolve',
  ruleId,
  alertScope,
  reason,
  evidence,
});

export const noChange = (ruleId: RuleId): RuleOutcome => ({ kind: 'noChange', ruleId });
