/**
 * THIOSULFATE_NOT_STARTED (urgent, sweep): in the cohort for more than 48 hours (local default) and
 * no sodium thiosulfate order has been active at any time since cohort entry. A course that was
 * completed, stopped or held does not raise it again (THIOSULFATE_COURSE_REVIEW covers long
 * courses). Resolves, on any trigger, once one is or was active since entry.
 */
import type { RuleOutcome } from '../domain/alerts.js';
import { defineRule } from './rule.js';
import { cohortEntry } from './support/cohort.js';
import { activeOrdersOf, describeOrder, listInWords, orderEvidence } from './support/orders.js';
import { fire, noChange, openAlertFor, resolve } from './support/outcomes.js';
import { formatClinicalTime, instantMs, msPerHour } from './support/time.js';

const id = 'THIOSULFATE_NOT_STARTED';

export const THIOSULFATE_NOT_STARTED = defineRule({
  id,
  version: 1,
  severity: 'urgent',
  trigger: 'sweep',
  seed: [
    'For dialysis patients with calciphylaxis, immediately initiate sodium thiosulfate (12.5-25g per dialysis session, 2-3 times weekly for 3-6 months)',
    'Sodium thiosulfate: 12.5-25g per dialysis session, 2-3 times weekly, continue for 3-6 months',
  ],
  evaluate({ state, config, now, trigger }): RuleOutcome[] {
    const active = activeOrdersOf(state, 'sodiumThiosulfate', now.getTime());
    if (active.length > 0) {
      if (openAlertFor(state, id) === undefined) return [noChange(id)];
      const orders = listInWords(active.map((order) => describeOrder(order, config.timeZone)));
      return [resolve(id, `Sodium thiosulfate is active: ${orders}.`, active.map(orderEvidence))];
    }
    const entry = cohortEntry(state);
    const lastActiveAt = state.medicationLastActiveAt.sodiumThiosulfate;
    if (lastActiveAt !== undefined && instantMs(lastActiveAt) >= entry.atMs) {
      if (openAlertFor(state, id) === undefined) return [noChange(id)];
      return [
        resolve(
          id,
          `Sodium thiosulfate was active since cohort entry (last at ${formatClinicalTime(lastActiveAt, config.timeZone)}).`,
          [],
        ),
      ];
    }
    // Fires on the sweep only (defineRule enforces it); stop before composing a finding that would be dropped.
    if (trigger.kind !== 'sweep') return [noChange(id)];
    const hours = (now.getTime() - entry.atMs) / msPerHour;
    if (hours <= config.thiosulfateNotStartedHours) return [noChange(id)];
    return [
      fire({
        ruleId: id,
        severity: 'urgent',
        alertScope: '',
        finding: `In the calciphylaxis cohort since ${formatClinicalTime(entry.at, config.timeZone)} (${Math.floor(hours)} hours) with no sodium thiosulfate order active since.`,
        recommendation:
          'Start sodium thiosulfate 12.5–25 g per dialysis session, 2–3 times weekly, for 3–6 months.',
        evidence: [entry.evidence],
      }),
    ];
  },
});
