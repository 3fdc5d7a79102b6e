/**
 * QUARTERLY_LABS_OVERDUE (advisory, sweep): no hemoglobin, or no bicarbonate, for more than 92 days
 * (local default), counted from the latest result or from cohort entry where there is none; the
 * finding names which. Resolves, on any trigger, once neither is overdue.
 */
import type { RuleOutcome } from '../domain/alerts.js';
import { defineRule } from './rule.js';
import { cohortEntry } from './support/cohort.js';
import { analyteLabels, describeResult, newestUsable, observationEvidence } from './support/observations.js';
import { listInWords } from './support/orders.js';
import { fire, noChange, openAlertFor, resolve } from './support/outcomes.js';
import { daysElapsed, formatClinicalTime, isMoreThanDays } from './support/time.js';

const id = 'QUARTERLY_LABS_OVERDUE';
const quarterlyAnalytes = ['hemoglobin', 'bicarbonate'] as const;

export const QUARTERLY_LABS_OVERDUE = defineRule({
  id,
  version: 1,
  severity: 'advisory',
  trigger: 'sweep',
  seed: [
    'Check hemoglobin every 3 months (target >12 g/dL for women, >13 g/dL for men)',
    'Monitor serum bicarbonate every 3 months (target ≥22 mmol/L)',
  ],
  evaluate({ state, config, now, trigger }): RuleOutcome[] {
    const entry = cohortEntry(state);
    const labs = quarterlyAnalytes.map((analyte) => {
      const latest = newestUsable(state, analyte, 'advisory');
      const fromMs = latest?.observedAtMs ?? entry.atMs;
      return {
        analyte,
        latest,
        fromMs,
        overdue: isMoreThanDays(fromMs, now.getTime(), config.quarterlyLabsDays),
      };
    });
    const overdue = labs.filter((lab) => lab.overdue);
    if (overdue.length > 0) {
      // Fires on the sweep only (defineRule enforces it); stop before composing a finding that would be dropped.
      if (trigger.kind !== 'sweep') return [noChange(id)];
      const missing = overdue.map(({ analyte, latest, fromMs }) => {
        const since =
          latest === undefined
            ? `cohort entry at ${formatClinicalTime(entry.at, config.timeZone)}`
            : describeResult(latest, config.timeZone);
        return `no ${analyteLabels[analyte]} since ${since} (${daysElapsed(fromMs, now.getTime())} days)`;
      });
      const names = listInWords(overdue.map(({ analyte }) => analyteLabels[analyte]));
      return [
        fire({
          ruleId: id,
          severity: 'advisory',
          alertScope: '',
          finding: `Quarterly labs overdue (every ${config.quarterlyLabsDays} days): ${missing.join('; ')}.`,
          recommendation: `Check ${names} (every 3 months).`,
          evidence: overdue.map(({ latest }) =>
            latest === undefined ? entry.evidence : observationEvidence(latest),
          ),
        }),
      ];
    }
    if (openAlertFor(state, id) === undefined) return [noChange(id)];
    const current = labs.flatMap(({ latest }) => (latest === undefined ? [] : [latest]));
    return [
      resolve(
        id,
        `Hemoglobin and bicarbonate are within ${config.quarterlyLabsDays} days: ${current.map((latest) => describeResult(latest, config.timeZone)).join('; ')}.`,
        current.map(observationEvidence),
      ),
    ];
  },
});
