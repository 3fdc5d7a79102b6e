/** The cohort entry as a time and as evidence (overdue rules count from it where there is no result). */
import type { Evidence } from '../../domain/alerts.js';
import type { PatientState } from '../../patient/patient-state.js';
import { instantMs } from './time.js';

export interface CohortEntry {
  at: string;
  atMs: number;
  evidence: Evidence;
}

/** Rules run for cohort patients only, so membership has an entry time; `builtAt` guards the type. */
export function cohortEntry(state: PatientState): CohortEntry {
  const at = state.cohort.enteredAt ?? state.builtAt;
  const via = state.cohort.via ?? 'admin';
  return {
    at,
    atMs: instantMs(at),
    evidence: {
      kind: via === 'diagnosis' ? 'diagnosis' : 'cohortEnrolment',
      recordId: state.cohort.entryRecordId ?? `cohortEnrolment:${at}`,
      summary: `entered the calciphylaxis cohort (${via === 'diagnosis' ? 'diagnosis' : 'admin enrolment'}) at ${at}`,
      at,
    },
  };
}
