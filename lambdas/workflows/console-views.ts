/**
 * What the admin API answers the console with: the alert detail, a patient's
 * timeline and the cohort list. Types only (the console's bundle imports them
 * too, so this file imports nothing but the domain's types).
 */
import type { Alert, AlertState, RuleId, Severity } from '../domain/alerts.js';
import type { MedicationClass, Quantity, Sex } from '../domain/records.js';

/** One piece of evidence with the value as sent and, for a result, as normalised. */
export interface EvidenceView {
  kind: 'observation' | 'medicationOrder' | 'diagnosis' | 'cohortEnrolment';
  recordId: string;
  at: string;
  summary: string;
  /** A result: OBX-5 and OBX-6 as sent (`1.80 mmol/L`); an order: the drug and dose as sent. */
  sent?: string;
  /** A result in the analyte's canonical unit. */
  canonical?: Quantity;
  /** OBX-11 result status, or ORC-1 order control. */
  status?: string;
  receivedAt?: string;
}

/** One line of an alert's audit trail: a state change (or escalation, repeat) or a notification sent. */
export type TrailEntry =
  | {
      kind: 'transition';
      at: string;
      from: AlertState | 'none';
      to: AlertState;
      reason: string;
      by: string;
      byName?: string;
    }
  | { kind: 'notification'; at: string; event: string; topic?: string };

export interface AlertDetail {
  alert: Alert;
  evidence: EvidenceView[];
  /** Oldest first. */
  trail: TrailEntry[];
}

export const timelineAnalytes = ['calcium', 'pth', 'crp', 'hemoglobin', 'bicarbonate'] as const;
export type TimelineAnalyte = (typeof timelineAnalytes)[number];

export interface TimelinePoint {
  at: string;
  /** In the canonical unit. */
  value: number;
  comparator?: string;
  /** OBX-5 and OBX-6 as sent. */
  sent: string;
  status: string;
  recordId: string;
}

export interface ReferenceLine {
  value: number;
  /** What the line means, in the clinic's words (`critical < 7.5 (CALCIUM_CRITICAL_LOW)`). */
  label: string;
}

export interface TimelineSeries {
  analyte: TimelineAnalyte;
  label: string;
  unit: string;
  lines: ReferenceLine[];
  /** Oldest first; results in force (corrections applied, retractions removed). */
  points: TimelinePoint[];
}

export const timelineMedicationClasses = [
  'calcimimetic',
  'vitaminKAntagonist',
  'sodiumThiosulfate',
  'calciumBinder',
  'activeVitaminD',
] as const satisfies readonly MedicationClass[];
export type TimelineMedicationClass = (typeof timelineMedicationClasses)[number];

/** A stretch of an order at one status and daily dose. */
export interface MedicationStep {
  from: string;
  /** Absent while it goes on. */
  to?: string;
  status: 'active' | 'held';
  dailyDoseMg?: number;
}

export interface MedicationBar {
  orderId: string;
  medicationClass: TimelineMedicationClass;
  ingredient?: string;
  drugText: string;
  /** Oldest first. */
  steps: MedicationStep[];
}

export interface AlertMarker {
  alertId: string;
  ruleId: RuleId;
  severity: Severity;
  event: 'opened' | 'acknowledged' | 'resolved' | 'superseded';
  at: string;
}

export interface PatientSummary {
  facility?: string;
  namespace: string;
  mrn: string;
  sex: Sex;
  location?: string;
  /** Only where the hospital keeps names (`pagePhi: full`); the console is behind sign-in. */
  name?: { family: string; given: string };
}

export interface CohortEntry {
  since?: string;
  via?: 'diagnosis' | 'enrolment';
  /** Who enrolled the patient (an enrolment). */
  by?: string;
}

export interface PatientTimeline {
  patient: PatientSummary;
  cohort: CohortEntry & { inCohort: boolean };
  from: string;
  to: string;
  series: TimelineSeries[];
  medications: MedicationBar[];
  /** Oldest first. */
  markers: AlertMarker[];
}

export interface LatestValue {
  value: Quantity;
  sent: string;
  at: string;
}

export interface CohortRow {
  patient: PatientSummary;
  cohort: CohortEntry;
  latest: Partial<Record<'calcium' | 'pth' | 'crp', LatestValue>>;
  alerts: { active: number; unacknowledged: number; critical: number };
}

export interface CohortList {
  patients: CohortRow[];
}
