/**
 * The cinacalcet dose ladder (seed: "sequential doses (30,60,90,120, 180mg daily)") and the dose in
 * force for a patient.
 */
import type { Evidence } from '../../domain/alerts.js';
import { isActiveAt, isCinacalcet } from '../../patient/medication-orders.js';
import type {
  CinacalcetDoseChange,
  PatientMedicationOrder,
  PatientState,
} from '../../patient/patient-state.js';
import { instantMs } from './time.js';

export const cinacalcetDoseLadderMg = [30, 60, 90, 120, 180] as const;

/** 180→120→90→60→30→none; a dose between steps goes to the step below it. */
export function nextLowerCinacalcetDose(dailyDoseMg: number): number | undefined {
  return cinacalcetDoseLadderMg.findLast((step) => step < dailyDoseMg);
}

/** 30→60→90→120→180→none; a dose between steps goes to the step above it. */
export function nextHigherCinacalcetDose(dailyDoseMg: number): number | undefined {
  return cinacalcetDoseLadderMg.find((step) => step > dailyDoseMg);
}

/** The cinacalcet order in force now: the active one whose dose was set last. */
export function activeCinacalcet(state: PatientState, nowMs: number): PatientMedicationOrder | undefined {
  return latestCinacalcet(state, (order) => isActiveAt(order, nowMs));
}

/** A held cinacalcet order (held as the critical-low advice says), when none is active. */
export function heldCinacalcet(state: PatientState): PatientMedicationOrder | undefined {
  return latestCinacalcet(state, (order) => order.status === 'held');
}

function latestCinacalcet(
  state: PatientState,
  include: (order: PatientMedicationOrder) => boolean,
): PatientMedicationOrder | undefined {
  const lastChangeOrderId = state.cinacalcetDoses.at(-1)?.orderId;
  let latest: PatientMedicationOrder | undefined;
  for (const order of state.medicationOrders.values()) {
    if (!isCinacalcet(order) || !include(order)) continue;
    if (order.orderId === lastChangeOrderId) return order;
    if (latest === undefined || instantMs(order.lastEventAt) > instantMs(latest.lastEventAt)) latest = order;
  }
  return latest;
}

/** `90 mg daily`, or `dose not stated`. */
export const describeDailyDose = (dailyDoseMg: number | undefined): string =>
  dailyDoseMg === undefined ? 'dose not stated' : `${dailyDoseMg} mg daily`;

/** `cinacalcet 60 mg daily (change) at 2026-03-02T15:00:00.000Z`. */
export const doseChangeEvidence = (change: CinacalcetDoseChange): Evidence => ({
  kind: 'medicationOrder',
  recordId: change.recordId,
  summary: `cinacalcet ${describeDailyDose(change.dailyDoseMg)} (${change.kind}) at ${change.at}`,
  at: change.at,
});

/** `started at 60 mg daily`, `changed from 60 to 90 mg daily`. */
export function describeDoseChange(change: CinacalcetDoseChange): string {
  if (change.kind === 'start') return `started at ${describeDailyDose(change.dailyDoseMg)}`;
  return `changed from ${change.previousDailyDoseMg} to ${describeDailyDose(change.dailyDoseMg)}`;
}
