/**
 * The common shape of the rules about an active order of a medication class: fire while one is
 * active; resolve when none is (ended by DC/CA/OD, held, or past its end time).
 */
import type { RuleId, RuleOutcome, Severity } from '../../domain/alerts.js';
import type { MedicationClass } from '../../domain/records.js';
import type { PatientMedicationOrder } from '../../patient/patient-state.js';
import { defineRule, type Rule, type RuleContext } from '../rule.js';
import { activeOrdersOf, drugName, listInWords, orderEvidence } from './orders.js';
import { fire, noChange, openAlertFor, resolve } from './outcomes.js';
import { formatClinicalTime, instantMs } from './time.js';

export interface OrderRuleSpec {
  id: RuleId;
  /** The rule's logic version (rule.ts, `Rule.version`). */
  version: number;
  severity: Severity;
  seed: readonly string[];
  medicationClass: MedicationClass;
  /** One sentence naming the active order(s) and since when. */
  finding(active: PatientMedicationOrder[], context: RuleContext): string;
  recommendation(active: PatientMedicationOrder[], context: RuleContext): string;
}

export function orderRule(spec: OrderRuleSpec): Rule {
  return defineRule({
    id: spec.id,
    version: spec.version,
    severity: spec.severity,
    trigger: 'event',
    seed: spec.seed,
    evaluate(context): RuleOutcome[] {
      const { state, now } = context;
      const active = activeOrdersOf(state, spec.medicationClass, now.getTime());
      if (active.length > 0) {
        return [
          fire({
            ruleId: spec.id,
            severity: spec.severity,
            alertScope: '',
            finding: spec.finding(active, context),
            recommendation: spec.recommendation(active, context),
            evidence: active.map(orderEvidence),
          }),
        ];
      }
      if (openAlertFor(state, spec.id) === undefined) return [noChange(spec.id)];
      const stopped = [...state.medicationOrders.values()]
        .filter((order) => order.medicationClass === spec.medicationClass)
        .sort((left, right) => instantMs(right.lastEventAt) - instantMs(left.lastEventAt));
      const how = stopped.map(
        (order) => `${drugName(order)} order ${order.orderId} ${howStopped(order, context)}`,
      );
      const reason =
        how.length === 0
          ? 'No active order of this class is on record.'
          : `No active order: ${listInWords(how)}.`;
      return [resolve(spec.id, reason, stopped.map(orderEvidence))];
    },
  });
}

function howStopped(order: PatientMedicationOrder, { config }: RuleContext): string {
  const at = (iso: string): string => formatClinicalTime(iso, config.timeZone);
  if (order.status === 'held') return `held (${order.lastOrderControl}) at ${at(order.lastEventAt)}`;
  if (order.endAt !== undefined && (order.status !== 'ended' || order.endedAt === order.endAt)) {
    return `reached its end time ${at(order.endAt)}`;
  }
  return `ended (${order.lastOrderControl}) at ${at(order.endedAt ?? order.lastEventAt)}`;
}
