/**
 * A cohort member's latest calcium, PTH and CRP (the console's cohort list):
 * the newest result in force with a readable value, per analyte.
 */
import type { Quantity } from '../domain/records.js';
import type { PatientState } from './patient-state.js';

export interface LatestResult {
  /** In the analyte's canonical unit. */
  value: Quantity;
  /** OBX-5 and OBX-6 as sent (`1.80 mmol/L`). */
  sent: string;
  at: string;
  recordId: string;
}

export type LatestResults = Partial<Record<'calcium' | 'pth' | 'crp', LatestResult>>;

const analytes = ['calcium', 'pth', 'crp'] as const;

export function latestResultsOf(state: Pick<PatientState, 'observations'>): LatestResults {
  const latest: LatestResults = {};
  for (const analyte of analytes) {
    const entry = state.observations[analyte].find(
      (candidate) => candidate.observation.canonical !== undefined,
    );
    const canonical = entry?.observation.canonical;
    if (entry === undefined || canonical === undefined) continue;
    const { rawValue, rawUnit } = entry.observation;
    latest[analyte] = {
      value: canonical,
      sent: rawUnit === '' ? rawValue : `${rawValue} ${rawUnit}`,
      at: entry.observedAt,
      recordId: entry.recordId,
    };
  }
  return latest;
}
