/**
 * Reading results for a rule (clinical-rules.md, "Laboratory results"): `F` and `C` are evaluated;
 * `P` only by critical rules (a critical preliminary value is still critical); results without a
 * canonical value (unit or value unreadable) raise no clinical rule. Rules look at the newest value.
 */
import type { Alert, Evidence, ReadableObservation, Severity } from '../../domain/alerts.js';
import type { Analyte } from '../../domain/records.js';
import type { ObservationEntry, PatientState } from '../../patient/patient-state.js';
import { analyteDefinition } from '../../units/analytes.js';
import { acceptedUnitFor } from '../../units/convert.js';
import { sentDecimals } from '../../units/values.js';
import { formatShown } from './quantity.js';
import { formatClinicalTime, instantMs } from './time.js';

export type ReadableEntry = ObservationEntry & { observation: ReadableObservation };

const statusWords: Readonly<Record<string, string>> = { F: 'final', C: 'corrected', P: 'preliminary' };

/** Whether a rule of this severity may read the result. */
export function isUsable(entry: ObservationEntry, severity: Severity): entry is ReadableEntry {
  if (entry.observation.canonical === undefined) return false;
  const status = entry.observation.status.toUpperCase();
  return status === 'F' || status === 'C' || (status === 'P' && severity === 'critical');
}

/** The newest result of an analyte a rule of this severity may read. */
export function newestUsable(
  state: PatientState,
  analyte: Analyte,
  severity: Severity,
): ReadableEntry | undefined {
  return state.observations[analyte].find((entry): entry is ReadableEntry => isUsable(entry, severity));
}

/** Readable results of an analyte, newest first. */
export function usableHistory(state: PatientState, analyte: Analyte, severity: Severity): ReadableEntry[] {
  return state.observations[analyte].filter((entry): entry is ReadableEntry => isUsable(entry, severity));
}

export const analyteLabels: Readonly<Record<Analyte, string>> = {
  calcium: 'calcium',
  phosphate: 'phosphate',
  pth: 'PTH',
  crp: 'CRP',
  hemoglobin: 'hemoglobin',
  bicarbonate: 'bicarbonate',
  inr: 'INR',
  dialysateCalcium: 'dialysate calcium',
};

const analyteLabel = ({ observation }: ObservationEntry): string =>
  observation.analyte === undefined ? observation.code : analyteLabels[observation.analyte];

const comparableUnit = (unit: string): string => unit.replace(/\s/g, '').toLowerCase();

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** Decimals of the value as sent; the analyte's usual precision when OBX-5 holds no plain number. */
function decimalsAsSent(observation: ReadableObservation): number {
  const usual =
    observation.analyte === undefined ? 0 : analyteDefinition(observation.analyte).displayDecimals;
  return sentDecimals(observation.rawValue) ?? usual;
}

/**
 * The canonical value as a page shows it: with the digits it was sent with when no conversion
 * changed it, else at the analyte's usual precision (units/analytes.ts), keeping more decimals
 * where rounding would cross a threshold the sentence states (`stated`).
 */
function shownCanonical(observation: ReadableObservation, stated: readonly number[]): string {
  const { analyte, value: sent, canonical } = observation;
  const unchanged =
    sent !== undefined && analyte !== undefined && acceptedUnitFor(analyte, sent.unit)?.factor === 1;
  const decimals =
    unchanged || analyte === undefined
      ? decimalsAsSent(observation)
      : analyteDefinition(analyte).displayDecimals;
  return formatShown(canonical, decimals, stated);
}

/** `calcium 7.2 mg/dL (F) at 2026-07-26T23:44:14.000Z`. */
export function observationEvidence(entry: ObservationEntry): Evidence {
  const { observation } = entry;
  const analyte = analyteLabel(entry);
  const value =
    observation.canonical === undefined
      ? `'${observation.rawValue}' '${observation.rawUnit}'`
      : shownCanonical({ ...observation, canonical: observation.canonical }, []);
  return {
    kind: 'observation',
    recordId: entry.recordId,
    summary: `${analyte} ${value} (${observation.status}) at ${entry.observedAt}`,
    at: entry.observedAt,
    receivedAt: entry.receivedAt,
    // The number a `worsened` page compares (alerts/worsening.ts).
    ...(observation.canonical === undefined ? {} : { value: { ...observation.canonical } }),
  };
}

/**
 * `Calcium 7.2 mg/dL (1.80 mmol/L as sent, final) at 2026-07-26 18:44 CDT`: value, unit and time for
 * a finding sentence; the value as sent, with its digits, is named when it was converted. `stated`:
 * the thresholds the sentence goes on to state, which the shown value must not round across.
 */
export function describeResult(
  entry: ReadableEntry,
  timeZone: string,
  stated: readonly number[] = [],
): string {
  const { observation } = entry;
  const details: string[] = [];
  const sent = observation.value;
  if (sent !== undefined && comparableUnit(sent.unit) !== comparableUnit(observation.canonical.unit)) {
    details.push(`${formatShown(sent, decimalsAsSent(observation))} as sent`);
  }
  details.push(statusWords[observation.status.toUpperCase()] ?? observation.status);
  const name = capitalised(analyteLabel(entry));
  return `${name} ${shownCanonical(observation, stated)} (${details.join(', ')}) at ${formatClinicalTime(entry.observedAt, timeZone)}`;
}

const observationEvidenceOf = (alert: Alert): Evidence[] =>
  alert.evidence.filter((evidence) => evidence.kind === 'observation');

/**
 * Whether a result may resolve an alert: it must be newer than every result the alert rests on that
 * still stands (clinical-rules.md: an older result "cannot resolve an alert opened by a newer value").
 * Evidence since retracted or replaced does not count, so a correction of the result that opened the
 * alert, which takes its place in time, can resolve it.
 */
export function isNewerThanAlertBasis(entry: ObservationEntry, alert: Alert, state: PatientState): boolean {
  for (const evidence of observationEvidenceOf(alert)) {
    if (evidence.recordId === entry.recordId) return false;
    if (state.removedObservations.has(evidence.recordId)) continue;
    // Evidence outside the loaded history window still has its time on the alert.
    const basisMs =
      state.observationsByRecordId.get(evidence.recordId)?.observedAtMs ?? instantMs(evidence.at);
    if (entry.observedAtMs <= basisMs) return false;
  }
  return true;
}

/** Every result the alert rests on was retracted or replaced: its basis is gone. */
export function alertBasisWithdrawn(alert: Alert, state: PatientState): 'retracted' | 'replaced' | undefined {
  const evidence = observationEvidenceOf(alert);
  if (evidence.length === 0) return undefined;
  const reasons = evidence.map((item) => state.removedObservations.get(item.recordId));
  if (reasons.some((reason) => reason === undefined)) return undefined;
  return reasons.includes('replaced') ? 'replaced' : 'retracted';
}
