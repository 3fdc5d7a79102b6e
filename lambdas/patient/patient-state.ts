/**
 * What the rules read about one patient: cohort membership, result history per analyte (corrections
 * and retractions applied), medication orders and the cinacalcet dose history, and the open alerts.
 * Pure types; built by `buildPatientState`.
 */
import type { Alert, MedicationOrderState } from '../domain/alerts.js';
import type { Analyte, MedicationClass, Observation, PatientRef } from '../domain/records.js';

/** Cohort membership (clinical-rules.md, "Who the rules apply to: the cohort"). */
export interface CohortMembership {
  inCohort: boolean;
  /** When the current membership began: receipt of the qualifying diagnosis, or the admin enrolment. */
  enteredAt?: string;
  /** How the current membership began. */
  via?: 'diagnosis' | 'admin';
  /** Who enrolled the patient, for an admin enrolment. */
  enteredBy?: string;
  /** The diagnosis record, or `cohortEnrolment:<at>` for an admin enrolment; cited as evidence. */
  entryRecordId?: string;
  /** Set when an administrator removed the patient and they have not been enrolled again. */
  removedAt?: string;
}

/** One result in force: the latest version of (filler order number, OBX-3, OBX-4). */
export interface ObservationEntry {
  /** The stored record now in force (a correction's own id once it has replaced the original). */
  recordId: string;
  receivedAt: string;
  /** The time the result stands at: a correction keeps the original's place in time. */
  observedAt: string;
  observedAtMs: number;
  observation: Observation;
  /** Earlier stored versions this one replaced, oldest first. */
  replacesRecordIds: readonly string[];
}

/** Per watched analyte, newest first by `observedAt`. */
export type ObservationHistory = Readonly<Record<Analyte, readonly ObservationEntry[]>>;

/** Why a stored result is no longer in the history. */
export type RemovedObservation = 'retracted' | 'replaced';

/** A medication order as the rules see it, with what is needed to cite it. */
export interface PatientMedicationOrder extends MedicationOrderState {
  /** Stored record of the latest event applied to the order. */
  recordId: string;
  /** ORC-1 of the latest event applied. */
  lastOrderControl: string;
  placerOrderNumber?: string;
  fillerOrderNumber?: string;
  /** RXE-1 end time, when sent: once past, the order is ended. */
  endAt?: string;
  /** When the order last became active or changed dose (the latest such is the cinacalcet dose in force). */
  doseSetAt?: string;
}

/** A cinacalcet start or daily-dose change (clinical-rules.md, "Medication orders"). */
export interface CinacalcetDoseChange {
  kind: 'start' | 'change';
  /** When it took effect: RXE-1 start for a new order, else the order event time. */
  at: string;
  atMs: number;
  receivedAt: string;
  dailyDoseMg?: number;
  previousDailyDoseMg?: number;
  orderId: string;
  recordId: string;
}

export interface PatientState {
  patient: PatientRef;
  cohort: CohortMembership;
  observations: ObservationHistory;
  /** Results in force by stored record id (any analyte), to check what an alert rests on. */
  observationsByRecordId: ReadonlyMap<string, ObservationEntry>;
  /** Stored results that were retracted or replaced by a correction, by record id. */
  removedObservations: ReadonlyMap<string, RemovedObservation>;
  /** By order id (ORC-2, else ORC-3). */
  medicationOrders: ReadonlyMap<string, PatientMedicationOrder>;
  /** Oldest first. */
  cinacalcetDoses: readonly CinacalcetDoseChange[];
  /** Per class, the latest time up to now an order of it was active (now, for one active now). */
  medicationLastActiveAt: Readonly<Partial<Record<MedicationClass, string>>>;
  /** The patient's alerts in state `open` or `acknowledged`. */
  openAlerts: readonly Alert[];
  /** Open would-be alerts of rules in shadow mode: what those rules see as their own open alert. */
  shadowAlerts: readonly Alert[];
  /** The clock the state was built at (order end times are judged against it). */
  builtAt: string;
}
