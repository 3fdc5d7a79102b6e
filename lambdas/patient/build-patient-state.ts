/**
 * Builds one patient's state for the rules: results from the bounded history replayed in receipt
 * order, cohort membership and medication orders from the durable clinical state, and the open
 * alerts. Pure and fast enough to rebuild on every event.
 */
import type { Alert } from '../domain/alerts.js';
import type { PatientRef, StoredRecord } from '../domain/records.js';
import type { ClinicalState } from './clinical-state.js';
import { medicationOrdersAt } from './medication-orders.js';
import { buildObservationHistory } from './observations.js';
import type { PatientState } from './patient-state.js';
import { instantMs } from './time.js';

export type { PatientState } from './patient-state.js';

export interface PatientStateInput {
  patient: PatientRef;
  /** The bounded history: results are read from it (orders and diagnoses come from `clinical`). */
  records: readonly StoredRecord[];
  clinical: ClinicalState;
  openAlerts: readonly Alert[];
  /** Open would-be alerts of rules in shadow mode (none where the store has none). */
  shadowAlerts?: readonly Alert[];
}

export function buildPatientState(input: PatientStateInput, now: Date): PatientState {
  // Receipt order decides which version of a result stands; the sort is stable, so records of one
  // message keep their order.
  const inReceiptOrder = input.records
    .map((stored, index) => ({ stored, index, receivedAtMs: instantMs(stored.receivedAt) }))
    .sort((left, right) => left.receivedAtMs - right.receivedAtMs || left.index - right.index)
    .map(({ stored }) => stored);

  const observations = buildObservationHistory(inReceiptOrder);
  const medications = medicationOrdersAt(input.clinical.medications, now.getTime());
  return {
    patient: input.patient,
    cohort: input.clinical.cohort,
    observations: observations.history,
    observationsByRecordId: observations.byRecordId,
    removedObservations: observations.removed,
    medicationOrders: medications.orders,
    cinacalcetDoses: medications.cinacalcetDoses,
    medicationLastActiveAt: medications.lastActiveAt,
    openAlerts: input.openAlerts.filter((alert) => alert.state === 'open' || alert.state === 'acknowledged'),
    shadowAlerts: (input.shadowAlerts ?? []).filter((alert) => alert.state === 'open'),
    builtAt: now.toISOString(),
  };
}
