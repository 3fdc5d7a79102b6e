/**
 * The durable part of a patient's state: cohort membership (how and when they entered and left) and
 * each medication order's current state. It never ages out: it is folded forward by each message
 * that changes it, in the same write as that message's records, and read with the bounded result
 * history. A patient in the cohort for years, on warfarin for years, is evaluated exactly as a new one.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { CohortEnrolment, StoredRecord } from '../domain/records.js';
import {
  applyCohortEvent,
  cohortEventsOf,
  enrolmentEvent,
  matchesCohortCode,
  notInCohort,
} from './cohort.js';
import {
  applyMedicationEvents,
  changesOrderState,
  type MedicationHistory,
  noMedicationHistory,
} from './medication-orders.js';
import type { CohortMembership } from './patient-state.js';
import { instantMs } from './time.js';

export interface ClinicalState {
  cohort: CohortMembership;
  medications: MedicationHistory;
}

export const emptyClinicalState: ClinicalState = { cohort: notInCohort, medications: noMedicationHistory };

/** Whether storing these records changes the durable state (so it must be read and written with them). */
export function recordsChangeClinicalState(
  records: readonly StoredRecord['record'][],
  config: Pick<RulesConfig, 'cohortCodes'>,
): boolean {
  return records.some(
    (record) =>
      (record.kind === 'medicationOrder' && changesOrderState(record)) ||
      (record.kind === 'diagnosis' && matchesCohortCode(record, config)),
  );
}

/** The state after one message's stored records (in message order). */
export function applyRecords(
  state: ClinicalState,
  records: readonly StoredRecord[],
  config: Pick<RulesConfig, 'cohortCodes'>,
): ClinicalState {
  return {
    cohort: cohortEventsOf(records, config).reduce(applyCohortEvent, state.cohort),
    medications: applyMedicationEvents(state.medications, records),
  };
}

/** The state after an administrator's enrolment or removal. */
export function applyEnrolment(state: ClinicalState, enrolment: CohortEnrolment): ClinicalState {
  return { ...state, cohort: applyCohortEvent(state.cohort, enrolmentEvent(enrolment)) };
}

/**
 * The state rebuilt from a patient's whole record (a migration of data stored before the state was
 * kept, and the reference the incremental fold is tested against): records in receipt order,
 * enrolments interleaved by their time.
 */
export function rebuildClinicalState(
  records: readonly StoredRecord[],
  enrolments: readonly CohortEnrolment[],
  config: Pick<RulesConfig, 'cohortCodes'>,
): ClinicalState {
  type Step = { atMs: number; index: number } & (
    | { kind: 'record'; stored: StoredRecord }
    | { kind: 'enrolment'; enrolment: CohortEnrolment }
  );
  const steps: Step[] = [
    ...records.map(
      (stored, index): Step => ({ kind: 'record', stored, atMs: instantMs(stored.receivedAt), index }),
    ),
    ...enrolments.map(
      (enrolment, index): Step => ({
        kind: 'enrolment',
        enrolment,
        atMs: instantMs(enrolment.at),
        index: records.length + index,
      }),
    ),
  ].sort((left, right) => left.atMs - right.atMs || left.index - right.index);
  let state = emptyClinicalState;
  for (const step of steps) {
    state =
      step.kind === 'record'
        ? applyRecords(state, [step.stored], config)
        : applyEnrolment(state, step.enrolment);
  }
  return state;
}
