/**
 * THIOSULFATE_COURSE_REVIEW (advisory, sweep): sodium thiosulfate active for more than 183 days (local
 * default), counted over the whole course: an order renewed as a new order continues the course.
 * Resolves, on any trigger, when no thiosulfate order is active.
 */
import type { RuleOutcome } from '../domain/alerts.js';
import type { PatientState } from '../patient/patient-state.js';
import { defineRule } from './rule.js';
import { activeOrdersOf, describeOrder, listInWords, orderEvidence } from './support/orders.js';
import { fire, noChange, openAlertFor, resolve } from './support/outcomes.js';
import { daysElapsed, formatClinicalTime, instantMs, msPerDay } from './support/time.js';

const id = 'THIOSULFATE_COURSE_REVIEW';

/**
 * A gap shorter than a week between one thiosulfate order ending and the next starting is a renewal,
 * not a new course: doses are given 2–3 times weekly, so such a gap misses no more than a dose or two.
 */
const renewalGapMs = 7 * msPerDay;

/** When the course running now began: the earliest start reached through back-to-back orders. */
function courseStartMs(state: PatientState, nowMs: number): number {
  const periods = [...state.medicationOrders.values()]
    .filter((order) => order.medicationClass === 'sodiumThiosulfate')
    .map((order) => ({
      startMs: instantMs(order.startedAt),
      endMs: order.status === 'active' ? nowMs : instantMs(order.endedAt ?? order.lastEventAt),
    }))
    .sort((left, right) => right.endMs - left.endMs);
  let startMs = nowMs;
  for (const period of periods) {
    if (period.endMs < startMs - renewalGapMs) break;
    startMs = Math.min(startMs, period.startMs);
  }
  return startMs;
}

export const THIOSULFATE_COURSE_REVIEW = defineRule({
  id,
  version: 1,
  severity: 'advisory',
  trigger: 'sweep',
  seed: [
    'Sodium thiosulfate: 12.5-25g per dialysis session, 2-3 times weekly, continue for 3-6 months',
    'Long-term sodium thiosulfate administration (up to 52 months) has been reported with acceptable safety profiles',
  ],
  evaluate({ state, config, now, trigger }): RuleOutcome[] {
    const nowMs = now.getTime();
    const active = activeOrdersOf(state, 'sodiumThiosulfate', nowMs);
    if (active.length === 0) {
      if (openAlertFor(state, id) === undefined) return [noChange(id)];
      return [resolve(id, 'No sodium thiosulfate order is active: the course has ended.', [])];
    }
    // Fires on the sweep only (defineRule enforces it); stop before composing a finding that would be dropped.
    if (trigger.kind !== 'sweep') return [noChange(id)];
    const startMs = courseStartMs(state, nowMs);
    if (nowMs - startMs <= config.thiosulfateCourseReviewDays * msPerDay) return [noChange(id)];
    const orders = listInWords(active.map((order) => describeOrder(order, config.timeZone)));
    return [
      fire({
        ruleId: id,
        severity: 'advisory',
        alertScope: '',
        finding: `Sodium thiosulfate course running since ${formatClinicalTime(new Date(startMs).toISOString(), config.timeZone)} (${daysElapsed(startMs, nowMs)} days): ${orders}.`,
        recommendation: 'Course past 6 months: review (longer courses are reported, up to 52 months).',
        evidence: active.map(orderEvidence),
      }),
    ];
  },
});
