/**
 * CALCIUM_MONITORING_OVERDUE (advisory, sweep): no calcium for longer than the interval: 7 days while
 * the patient entered the cohort under 56 days ago, or had a calcium < 8.4 in the last 28 days, or a
 * cinacalcet start or change in the last 28 days; else 31 days (local defaults). Counts from the latest
 * calcium, or from cohort entry where there is none. Resolves, on any trigger, when a calcium newer
 * than the alert's arrives and monitoring is no longer overdue.
 */
import type { RuleOutcome } from '../domain/alerts.js';
import type { RuleContext } from './rule.js';
import { defineRule } from './rule.js';
import { cohortEntry } from './support/cohort.js';
import {
  describeResult,
  isNewerThanAlertBasis,
  newestUsable,
  observationEvidence,
  usableHistory,
} from './support/observations.js';
import { fire, noChange, openAlertFor, resolve } from './support/outcomes.js';
import { formatThreshold, meetsBelow } from './support/quantity.js';
import { daysElapsed, formatClinicalTime, isMoreThanDays, msPerDay } from './support/time.js';

const id = 'CALCIUM_MONITORING_OVERDUE';

/** The interval in force and why (weekly while new, unstable or recently changed; monthly once stable). */
function monitoringInterval({ state, config, now }: RuleContext): { days: number; why: string } {
  const nowMs = now.getTime();
  const settings = config.calciumMonitoring;
  const weekly = (why: string) => ({ days: settings.intensiveIntervalDays, why });
  if (nowMs - cohortEntry(state).atMs < settings.newCohortDays * msPerDay) {
    return weekly(`in the cohort for under ${settings.newCohortDays} days`);
  }
  const recentLowMs = nowMs - settings.recentLowCalciumDays * msPerDay;
  // Low as CALCIUM_LOW reads it (the hospital's `calcium.lowBelowMgDl`, default 8.4).
  const lowBelow = config.calcium.lowBelowMgDl;
  const recentLow = usableHistory(state, 'calcium', 'advisory').some(
    (entry) => entry.observedAtMs >= recentLowMs && meetsBelow(entry.observation.canonical, lowBelow),
  );
  if (recentLow) {
    return weekly(
      `calcium below ${formatThreshold(lowBelow, 1)} mg/dL in the last ${settings.recentLowCalciumDays} days`,
    );
  }
  const recentChangeMs = nowMs - settings.recentCinacalcetChangeDays * msPerDay;
  if (state.cinacalcetDoses.some((change) => change.atMs >= recentChangeMs)) {
    return weekly(`cinacalcet started or changed in the last ${settings.recentCinacalcetChangeDays} days`);
  }
  return { days: settings.stableIntervalDays, why: 'stable' };
}

export const CALCIUM_MONITORING_OVERDUE = defineRule({
  id,
  version: 1,
  severity: 'advisory',
  trigger: 'sweep',
  seed: ['Monitor serum calcium weekly initially, then monthly once stable'],
  evaluate(context): RuleOutcome[] {
    const { state, config, now, trigger } = context;
    const latest = newestUsable(state, 'calcium', 'advisory');
    const entry = cohortEntry(state);
    const fromMs = latest?.observedAtMs ?? entry.atMs;
    const interval = monitoringInterval(context);
    if (isMoreThanDays(fromMs, now.getTime(), interval.days)) {
      // Fires on the sweep only (defineRule enforces it); stop before composing a finding that would be dropped.
      if (trigger.kind !== 'sweep') return [noChange(id)];
      const since =
        latest === undefined
          ? `cohort entry at ${formatClinicalTime(entry.at, config.timeZone)}`
          : describeResult(latest, config.timeZone);
      return [
        fire({
          ruleId: id,
          severity: 'advisory',
          alertScope: '',
          finding: `No calcium result since ${since} (${daysElapsed(fromMs, now.getTime())} days; due every ${interval.days} days: ${interval.why}).`,
          recommendation: 'Check serum calcium (weekly initially, monthly once stable).',
          evidence: [latest === undefined ? entry.evidence : observationEvidence(latest)],
        }),
      ];
    }
    const open = openAlertFor(state, id);
    if (open !== undefined && latest !== undefined && isNewerThanAlertBasis(latest, open, state)) {
      return [
        resolve(id, `${describeResult(latest, config.timeZone)} arrived.`, [observationEvidence(latest)]),
      ];
    }
    return [noChange(id)];
  },
});
