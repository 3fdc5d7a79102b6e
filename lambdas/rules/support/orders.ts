/** Reading medication orders for a rule: the active orders of a class, cited as evidence. */
import type { Evidence } from '../../domain/alerts.js';
import type { MedicationClass } from '../../domain/records.js';
import { isActiveAt } from '../../patient/medication-orders.js';
import type { PatientMedicationOrder, PatientState } from '../../patient/patient-state.js';
import { describeDailyDose } from './cinacalcet.js';
import { formatClinicalTime, instantMs } from './time.js';

/** Active orders of a class, most recently started first. */
export function activeOrdersOf(
  state: PatientState,
  medicationClass: MedicationClass,
  nowMs: number,
): PatientMedicationOrder[] {
  const active: PatientMedicationOrder[] = [];
  for (const order of state.medicationOrders.values()) {
    if (order.medicationClass === medicationClass && isActiveAt(order, nowMs)) active.push(order);
  }
  return active.sort((left, right) => instantMs(right.startedAt) - instantMs(left.startedAt));
}

/** The drug as the clinic names it: the matched ingredient, else the text sent. */
export const drugName = (order: PatientMedicationOrder): string => order.ingredient ?? order.drugText;

/** `warfarin 5 mg daily, order ORD977704 (NW) at 2026-10-01T20:14:54.000Z`. */
export function orderEvidence(order: PatientMedicationOrder): Evidence {
  const dose = order.dailyDoseMg === undefined ? '' : ` ${describeDailyDose(order.dailyDoseMg)}`;
  return {
    kind: 'medicationOrder',
    recordId: order.recordId,
    summary: `${drugName(order)}${dose}, order ${order.orderId} (${order.lastOrderControl}) at ${order.lastEventAt}`,
    at: order.lastEventAt,
  };
}

/** `warfarin 5 mg daily (order ORD977704, active since 2026-10-01 13:14 PDT)`. */
export function describeOrder(order: PatientMedicationOrder, timeZone: string): string {
  const dose = order.dailyDoseMg === undefined ? '' : ` ${describeDailyDose(order.dailyDoseMg)}`;
  return `${drugName(order)}${dose} (order ${order.orderId}, active since ${formatClinicalTime(order.startedAt, timeZone)})`;
}

/** `a, b and c`. */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
