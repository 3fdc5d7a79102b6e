/**
 * A patient as the rules see them, from what the store returned: the
 * reference (identity, sex, location) and the state built from the bounded
 * history. Shared by evaluation and the sweep.
 */
import type { PatientHistory, PatientProfile } from '../adapters/store.js';
import type { RulesConfig } from '../config/rules-config.js';
import type { PatientRef } from '../domain/records.js';
import { buildPatientState, type PatientState } from '../patient/build-patient-state.js';

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

export function patientStateOf(
  patient: PatientRef,
  history: PatientHistory,
  config: RulesConfig,
  now: Date,
): PatientState {
  return buildPatientState(
    {
      patient,
      records: history.records,
      enrolments: history.enrolments.map((stored) => stored.enrolment),
      openAlerts: history.activeAlerts,
    },
    config,
    now,
  );
}
