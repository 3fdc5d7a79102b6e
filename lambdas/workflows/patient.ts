/**
 * A patient as the rules see them, from what the store returned: the
 * reference (identity, sex, location) and the state built from the bounded
 * history. Shared by evaluation and the sweep.
 */

import type { PatientRef } from '../domain/records.js';
import { buildPatientState, type PatientState } from '../patient/build-patient-state.js';
import type { PatientHistory, PatientProfile } from './ports.js';

export function patientRefOf(
  namespace: string,
  mrn: string,
  profile: PatientProfile | undefined,
): PatientRef {
  return {
    facility: profile?.facility ?? '',
    namespace,
    mrn,
    sex: profile?.sex ?? 'unknown',
    ...(profile?.location === undefined ? {} : { location: profile.location }),
  };
}

export function patientStateOf(patient: PatientRef, history: PatientHistory, now: Date): PatientState {
  return buildPatientState(
    {
      patient,
      records: history.records,
      clinical: history.clinical,
      openAlerts: history.activeAlerts,
      shadowAlerts: history.shadowAlerts ?? [],
    },
    now,
  );
}
