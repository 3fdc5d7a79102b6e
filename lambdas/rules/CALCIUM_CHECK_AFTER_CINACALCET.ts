/**
 * CALCIUM_CHECK_AFTER_CINACALCET (urgent, sweep): cinacalcet started or its dose changed, still
 * active, and no calcium observed since; raised by the sweep once more than 7 days (local default)
 * have passed, i.e. on day 8. Resolves, on any trigger, when a calcium observed after the change
 * arrives (an older calcium arriving late does not count).
 */
import type { RuleOutcome } from '../domain/alerts.js';
import type { PatientState } from '../patient/patient-state.js';
import { defineRule } from './rule.js';
import { activeCinacalcet, describeDoseChange, doseChangeEvidence } from './support/cinacalcet.js';
import {
  describeResult,
  observationEvidence,
  type ReadableEntry,
  usableHistory,
} from './support/observations.js';
import { fire, noChange, openAlertFor, resolve } from './support/outcomes.js';
import { daysElapsed, formatClinicalTime, instantMs, isMoreThanDays } from './support/time.js';

const id = 'CALCIUM_CHECK_AFTER_CINACALCET';

/** The first final or corrected calcium observed at or after a time. */
const firstCalciumSince = (state: PatientState, sinceMs: number): ReadableEntry | undefined =>
  usableHistory(state, 'calcium', 'urgent').findLast((entry) => entry.observedAtMs >= sinceMs);

export const CALCIUM_CHECK_AFTER_CINACALCET = defineRule({
  id,
  version: 1,
  severity: 'urgent',
  trigger: 'sweep',
  seed: ['Monitor serum calcium within 1 week after initiation or dose adjustment'],
  evaluate({ state, config, now, trigger }): RuleOutcome[] {
    const change = state.cinacalcetDoses.at(-1);
    const open = openAlertFor(state, id);
    if (open !== undefined) {
      // The change the alert is about is the one it cites; a later change needs its own check.
      const citedChangeMs = open.evidence
        .filter((evidence) => evidence.kind === 'medicationOrder')
        .map((evidence) => instantMs(evidence.at))
        .reduce((earliest, at) => Math.min(earliest, at), change?.atMs ?? Number.POSITIVE_INFINITY);
      const checked = firstCalciumSince(state, citedChangeMs);
      if (checked !== undefined) {
        return [
          resolve(id, `${describeResult(checked, config.timeZone)} was drawn after the cinacalcet change.`, [
            observationEvidence(checked),
          ]),
        ];
      }
    }
    // Fires on the sweep only (defineRule enforces it); stop before composing a finding that would be dropped.
    if (trigger.kind !== 'sweep') return [noChange(id)];
    if (change === undefined || activeCinacalcet(state, now.getTime()) === undefined) return [noChange(id)];
    if (firstCalciumSince(state, change.atMs) !== undefined) return [noChange(id)];
    if (!isMoreThanDays(change.atMs, now.getTime(), config.calciumCheckAfterCinacalcetDays))
      return [noChange(id)];
    const days = daysElapsed(change.atMs, now.getTime());
    return [
      fire({
        ruleId: id,
        severity: 'urgent',
        alertScope: '',
        finding: `No calcium result since cinacalcet ${describeDoseChange(change)} at ${formatClinicalTime(change.at, config.timeZone)} (${days} days ago; due within ${config.calciumCheckAfterCinacalcetDays} days).`,
        recommendation: 'Check serum calcium now (due within 1 week of the change).',
        evidence: [doseChangeEvidence(change)],
      }),
    ];
  },
});
