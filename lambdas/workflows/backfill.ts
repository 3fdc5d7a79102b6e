/**
 * The migration of a table written before the durable clinical state was kept: for every patient,
 * rebuild cohort membership and medication orders from the whole stored record and store them where
 * they differ, and put the patient's profile and active alerts into the console's cohort list (the
 * `cohortView` index, which items written before it existed lack). Idempotent (a second run finds nothing to change) and safe while messages keep
 * arriving (each write is conditional on the version read; a lost race is recomputed).
 */
import { isDeepStrictEqual } from 'node:util';
import type { RulesConfig } from '../config/rules-config.js';
import type { CohortEnrolment, StoredRecord } from '../domain/records.js';
import { type ClinicalState, rebuildClinicalState } from '../patient/clinical-state.js';
import type { PatientKey } from './ports.js';

export interface BackfillPorts {
  listAllPatients(): Promise<PatientKey[]>;
  readWholeRecord(patient: PatientKey): Promise<{ records: StoredRecord[]; enrolments: CohortEnrolment[] }>;
  readClinicalState(
    operation: string,
    patient: PatientKey,
  ): Promise<{ state: ClinicalState; version: number }>;
  replaceClinicalState(
    patient: PatientKey,
    next: ClinicalState,
    readVersion: number,
    at: string,
  ): Promise<boolean>;
  /** Lists a cohort member and their active alerts in the console's cohort list (`cohortView`). */
  indexCohortView(patient: PatientKey): Promise<void>;
}

export interface BackfillSummary {
  patients: number;
  written: number;
  unchanged: number;
  /** Patients whose state kept changing under us on every attempt (run again later). */
  contended: number;
}

const maxAttempts = 5;

export async function backfillClinicalState(
  ports: BackfillPorts,
  config: Pick<RulesConfig, 'cohortCodes'>,
  clock: () => Date,
): Promise<BackfillSummary> {
  const summary: BackfillSummary = { patients: 0, written: 0, unchanged: 0, contended: 0 };
  for (const patient of await ports.listAllPatients()) {
    summary.patients++;
    summary[await rebuildStoredState('backfill', patient, ports, config, clock)]++;
    await ports.indexCohortView(patient);
  }
  return summary;
}

/** Rebuilds one patient's state from their whole record and stores it where it differs. */
export function rebuildStoredState(
  operation: string,
  patient: PatientKey,
  ports: Pick<BackfillPorts, 'readWholeRecord' | 'readClinicalState' | 'replaceClinicalState'>,
  config: Pick<RulesConfig, 'cohortCodes'>,
  clock: () => Date,
): Promise<ClinicalStateUpdate> {
  return updateClinicalState(operation, patient, ports, clock, async () => {
    const { records, enrolments } = await ports.readWholeRecord(patient);
    return rebuildClinicalState(records, enrolments, config);
  });
}

export type ClinicalStateUpdate = 'written' | 'unchanged' | 'contended';

/**
 * Read, compute the next state, write it on condition of the version read; recomputed when another
 * writer came first. A state equal to the stored one is not written (absent reads as empty).
 */
export async function updateClinicalState(
  operation: string,
  patient: PatientKey,
  ports: Pick<BackfillPorts, 'readClinicalState' | 'replaceClinicalState'>,
  clock: () => Date,
  next: (current: ClinicalState) => Promise<ClinicalState> | ClinicalState,
): Promise<ClinicalStateUpdate> {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const current = await ports.readClinicalState(operation, patient);
    const updated = await next(current.state);
    if (isDeepStrictEqual(current.state, updated)) return 'unchanged';
    if (await ports.replaceClinicalState(patient, updated, current.version, clock().toISOString())) {
      return 'written';
    }
  }
  return 'contended';
}
