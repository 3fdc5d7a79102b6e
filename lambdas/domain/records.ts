/**
 * The domain records the rules need, as produced from HL7 v2 messages by the
 * message model and as stored per patient. Pure types: no AWS, no HL7 syntax.
 * Timestamps are ISO-8601 strings in UTC (`2026-07-26T23:44:14.000Z`).
 */

/** Analytes the rules watch (clinical-rules.md, "Laboratory results"). */
export type Analyte =
  | 'calcium'
  | 'phosphate'
  | 'pth'
  | 'crp'
  | 'hemoglobin'
  | 'bicarbonate'
  | 'inr'
  | 'dialysateCalcium';

/** Medication classes the rules know (clinical-rules.md, "Medication orders"). */
export type MedicationClass =
  | 'vitaminKAntagonist'
  | 'calcimimetic'
  | 'sodiumThiosulfate'
  | 'calciumBinder'
  | 'activeVitaminD'
  | 'nonCalciumBinder'
  | 'doac';

export type Sex = 'F' | 'M' | 'unknown';

/** A comparator sent with a value (`<7.0`, `SN` `>^2500`); absent means "equals". */
export type Comparator = '<' | '>' | '<=' | '>=';

/**
 * Who a record is about. Identity is (namespace, mrn): the namespace is the
 * MRN's assigning authority (PID-3.4) or, when that is empty, the sending
 * facility (MSH-4), after the hospital's aliases are applied.
 */
export interface PatientRef {
  /** Sending facility, MSH-4 first component. */
  facility: string;
  /** Identifier namespace of the MRN (assigning authority or facility, aliased). */
  namespace: string;
  mrn: string;
  sex: Sex;
  /** PV1-3 as sent (point of care^room^bed^facility, components joined with `^`), if any. */
  location?: string;
  /** Kept only so that a hospital with `pagePhi: full` can show it; never logged. */
  name?: { family: string; given: string };
}

/** A patient's identity in the store: the MRN within its namespace. */
export type PatientKey = Pick<PatientRef, 'namespace' | 'mrn'>;

/** Where a record came from: enough to find the raw message in the archive. */
export interface MessageSource {
  /** MSH-4 first component. */
  facility: string;
  /** MSH-10. */
  controlId: string;
  /** MSH-9 as `ORU^R01`. */
  messageType: string;
  /** MSH-7 as ISO UTC, when readable. */
  sentAt?: string;
}

/** A number as sent, with its comparator kept. */
export interface Quantity {
  value: number;
  comparator?: Comparator;
  unit: string;
}

export type ResultStatus = 'F' | 'C' | 'P' | 'X' | 'D' | 'W' | string;

export interface Observation {
  kind: 'observation';
  source: MessageSource;
  /** OBX-3 identifier and its coding system, as sent. */
  code: string;
  codeSystem: string;
  codeText?: string;
  /** LOINC code after the hospital's local-code map, when one applies. */
  loinc?: string;
  /** The watched analyte, when the code maps to one; absent for other tests. */
  analyte?: Analyte;
  /** OBX-2. */
  valueType: string;
  /** OBX-5 unescaped, repetitions joined with `~`, components with `^`. */
  rawValue: string;
  /** OBX-6 identifier as sent (may be empty). */
  rawUnit: string;
  /** The value as sent, when it is a number. */
  value?: Quantity;
  /** The value in the analyte's canonical unit (clinical-rules.md table). */
  canonical?: Quantity;
  /** Set when the unit is missing or not accepted for the analyte: never guessed. */
  unitError?: string;
  /** Set when the value cannot be read as a number (`7,1`, free text). */
  valueError?: string;
  /** OBX-8 repetitions. */
  abnormalFlags: string[];
  /** OBX-7. */
  referenceRange?: string;
  /** OBX-11. */
  status: ResultStatus;
  /** OBX-14, else OBR-7, as ISO UTC (no-offset times read in the hospital's zone). */
  observedAt: string;
  /** OBR-3 first component (ORC-3 when OBR-3 is empty). */
  fillerOrderNumber: string;
  /** OBR-2 first component. */
  placerOrderNumber?: string;
  /** OBX-1. */
  setId: string;
  /** OBX-4. */
  subId: string;
  /** NTE comments that follow the OBX. */
  notes?: string[];
}

export type OrderControl = 'NW' | 'XO' | 'RL' | 'SC' | 'DC' | 'CA' | 'OD' | 'HD' | string;

export interface MedicationOrderEvent {
  kind: 'medicationOrder';
  source: MessageSource;
  /** Which segment carried the drug: RXE (order), RXD (dispense), RXA (administration). */
  segment: 'RXE' | 'RXD' | 'RXA';
  /** ORC-1. */
  orderControl: OrderControl;
  /** ORC-5 order status, when sent. */
  orderStatus?: string;
  /** ORC-2 first component. */
  placerOrderNumber: string;
  /** ORC-3 first component. */
  fillerOrderNumber: string;
  /** Drug code (RXE-2 / RXD-2 / RXA-5 identifier) and system, as sent. */
  drugCode: string;
  drugCodeSystem: string;
  drugText: string;
  /** The class and ingredient matched by RxNorm code or name; absent for other drugs. */
  medicationClass?: MedicationClass;
  ingredient?: string;
  /** Give amount per dose in mg (RXE-3 / RXD-4 / RXA-6 with a mg/g/mcg unit). */
  doseMg?: number;
  /** Doses per day from the frequency (RXE-1 / TQ1); 1 when not sent. */
  dosesPerDay: number;
  /** doseMg × dosesPerDay, when doseMg is known. */
  dailyDoseMg?: number;
  /** Frequency code as sent (`QD`, `BID`, `Q24H`, ...). */
  frequency?: string;
  startAt?: string;
  endAt?: string;
  /** When this order event happened: ORC-9, else RXA-3, else MSH-7. */
  eventAt: string;
}

export interface Diagnosis {
  kind: 'diagnosis';
  source: MessageSource;
  /** DG1-3 identifier and system (first triplet). */
  code: string;
  codeSystem: string;
  text: string;
  /** DG1-3 alternate triplet, when sent. */
  alternateCode?: string;
  alternateCodeSystem?: string;
  alternateText?: string;
  /** DG1-4. */
  description?: string;
  /** DG1-5, else the message time. */
  diagnosedAt: string;
  /** DG1-1. */
  setId: string;
}

/**
 * A patient merge (ADT A40, A34, A18): the prior identifier (MRG-1) is retired and everything
 * stored under it now belongs to the message's patient (PID-3), the survivor.
 */
export interface PatientMerge {
  kind: 'patientMerge';
  source: MessageSource;
  /** The retired identifier, in its namespace (MRG-1, after the hospital's aliases). */
  prior: { namespace: string; mrn: string };
  /** EVN-2, else MSH-7. */
  mergedAt: string;
}

export type ClinicalRecord = Observation | MedicationOrderEvent | Diagnosis | PatientMerge;

/** An administrator's enrolment in (or removal from) the cohort. */
export interface CohortEnrolment {
  kind: 'cohortEnrolment';
  action: 'enrol' | 'remove';
  /** Who made the change: the caller's IAM identity, as the API authenticated it. */
  by: string;
  /** The name the caller gave for themselves, kept beside the identity (never instead of it). */
  byName?: string;
  at: string;
  reason?: string;
  /** A removal: the patient's active alerts when it was made, which its evaluation resolves. */
  resolvesAlerts?: AlertResolvedByRemoval[];
}

/** An alert a cohort removal closes, as the response and the enrolment record name it. */
export interface AlertResolvedByRemoval {
  alertId: string;
  ruleId: string;
  severity: string;
  state: string;
}

/**
 * A clinical record as stored: records are kept as an append-only log of what
 * arrived (corrections and retractions are new records, applied when the
 * patient's state is built), each with the store's id for it.
 */
export interface StoredRecord {
  /** The store's stable id for this record (its sort key); cited as evidence. */
  recordId: string;
  /** When the pipeline accepted the message that carried it (ISO UTC). */
  receivedAt: string;
  record: ClinicalRecord;
}
