/** Small builders for lifecycle and rendering tests. Synthetic patients only. */

import type { LifecycleResult } from '../../lambdas/alerts/lifecycle.js';
import { parseRulesConfig, type RulesConfig } from '../../lambdas/config/rules-config.js';
import type { Alert, Evidence, Finding, RuleId, RuleOutcome, Severity } from '../../lambdas/domain/alerts.js';
import type { PatientRef } from '../../lambdas/domain/records.js';

export const config: RulesConfig = parseRulesConfig({ timeZone: 'America/Chicago' });

export const patient: PatientRef = {
  facility: 'NDC',
  namespace: 'NDC',
  mrn: 'TEST0042',
  sex: 'F',
  location: 'HD^CHAIR07^^NDC',
  name: { family: 'Testpatient', given: 'Alexa' },
};

export const severityOf: Record<RuleId, Severity> = {
  CALCIUM_CRITICAL_LOW: 'critical',
  CALCIUM_LOW: 'urgent',
  VKA_ACTIVE: 'critical',
  PTH_SEVERE: 'urgent',
  PTH_START_CINACALCET: 'advisory',
  PTH_TITRATE_CINACALCET: 'advisory',
  PTH_LOW: 'advisory',
  CALCIUM_CHECK_AFTER_CINACALCET: 'urgent',
  CALCIUM_MONITORING_OVERDUE: 'advisory',
  HEMOGLOBIN_LOW: 'advisory',
  BICARBONATE_LOW: 'advisory',
  QUARTERLY_LABS_OVERDUE: 'advisory',
  CRP_RISING: 'urgent',
  CALCIUM_BINDER_ACTIVE: 'advisory',
  ACTIVE_VITAMIN_D: 'advisory',
  THIOSULFATE_NOT_STARTED: 'urgent',
  THIOSULFATE_COURSE_REVIEW: 'advisory',
  DIALYSATE_CALCIUM_HIGH: 'advisory',
  RESULT_UNREADABLE: 'advisory',
};

export function at(iso: string): Date {
  return new Date(iso);
}

export function minutesAfter(start: Date | string, minutes: number, seconds = 0): Date {
  return new Date(new Date(start).getTime() + minutes * 60_000 + seconds * 1000);
}

export function calciumEvidence(
  recordId: string,
  mgDl: number,
  observedAt = '2026-07-26T23:44:14.000Z',
): Evidence {
  return {
    kind: 'observation',
    recordId,
    summary: `calcium ${mgDl} mg/dL (F) at ${observedAt}`,
    at: observedAt,
  };
}

export function finding(ruleId: RuleId, overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId,
    severity: severityOf[ruleId],
    alertScope: '',
    finding: `${ruleId}: calcium 7.2 mg/dL at 2026-07-26T23:44:14.000Z.`,
    recommendation: 'Withhold cinacalcet until calcium >= 8.0 mg/dL, then restart at 60 mg. Recheck calcium.',
    evidence: [calciumEvidence('OBS#2026-07-26T23:44:14.000Z#FIL1#17861-6#1', 7.2)],
    ...overrides,
  };
}

export function fire(ruleId: RuleId, overrides: Partial<Finding> = {}): RuleOutcome {
  return { kind: 'fire', finding: finding(ruleId, overrides) };
}

export function resolve(
  ruleId: RuleId,
  reason: string,
  evidence: Evidence[] = [],
  alertScope = '',
): RuleOutcome {
  return { kind: 'resolve', ruleId, alertScope, reason, evidence };
}

/** The alerts as the store would hold them after persisting `result` on top of `alerts`. */
export function persist(alerts: Alert[], result: LifecycleResult): Alert[] {
  const byId = new Map(alerts.map((alert) => [alert.alertId, alert]));
  for (const change of result.changes) {
    if (change.kind === 'update') {
      const stored = byId.get(change.alert.alertId);
      if (stored?.version !== change.expectedVersion) throw new Error('conditional write would fail');
      if (change.alert.version !== change.expectedVersion + 1) throw new Error('version not bumped by one');
    } else if (byId.has(change.alert.alertId) || change.alert.version !== 1) {
      throw new Error('create of an existing alert, or not at version 1');
    }
    byId.set(change.alert.alertId, change.alert);
  }
  return [...byId.values()];
}

export function active(alerts: Alert[]): Alert[] {
  return alerts.filter((alert) => alert.state === 'open' || alert.state === 'acknowledged');
}

export function orderEvidence(recordId: string, drug = 'warfarin 5 mg daily'): Evidence {
  return {
    kind: 'medicationOrder',
    recordId,
    summary: `${drug} (NW) at 2026-07-26T08:00:00.000Z`,
    at: '2026-07-26T08:00:00.000Z',
  };
}
