/**
 * Builds one patient's state from what is stored for them: records replayed in receipt order, the
 * admin cohort actions, and their open alerts. Pure and fast enough to rebuild on every event.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { Alert } from '../domain/alerts.js';
import type { CohortEnrolment, PatientRef, StoredRecord } from '../domain/records.js';
import { cohortMembership } from './cohort.js';
import { buildMedicationOrders } from './medication-orders.js';
import { buildObservationHistory } from './observations.js';
import type { PatientState } from './patient-state.js';
import { instantMs } from './time.js';

export type { PatientState } from './patient-state.js';

export interface PatientStateInput {
  patient: PatientRef;
  records: readonly StoredRecord[];
  enrolments: readonly CohortEnrolment[];
  openAlerts: readonly Alert[];
}

export function buildPatientState(input: PatientStateInput, config: RulesConfig, now: Date): PatientState {
  // Receipt order decides which version of a result or order stands; the sort is stable, so records
  // of one message keep their order.
  const inReceiptOrder = input.records
    .map((stored, index) => ({ stored, index, receivedAtMs: instantMs(stored.receivedAt) }))
    .sort((left, right) => left.receivedAtMs - right.receivedAtMs || left.index - right.index)
    .map(({ stored }) => stored);

  const observations = buildObservationHistory(inReceiptOrder);
  const medications = buildMedicationOrders(inReceiptOrder, now.getTime());
  return {
    patient: input.patient,
    cohort: cohortMembership(inReceiptOrder, input.enrolments, config),
    observations: observations.history,
    observationsByRecordId: observations.byRecordId,
    removedObservations: observations.removed,
    medicationOrders: medications.orders,
    cinacalcetDoses: medications.cinacalcetDoses,
    openAlerts: input.openAlerts.filter((alert) => alert.state === 'open' || alert.state === 'acknowledged'),
    builtAt: now.toISOString(),
  };
}
