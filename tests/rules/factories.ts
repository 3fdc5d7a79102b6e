/**
 * Small builders for rule and patient-state tests: records arrive as the normaliser leaves them
 * (canonical value already converted), with a synthetic patient and a fixed timeline.
 */
import { parseRulesConfig, type RulesConfig } from '../../lambdas/config/rules-config.js';
import type { Alert, Evidence, RuleId, RuleOutcome, Severity } from '../../lambdas/domain/alerts.js';
import type {
  Analyte,
  CohortEnrolment,
  Comparator,
  Diagnosis,
  MedicationClass,
  MedicationOrderEvent,
  Observation,
  PatientRef,
  Sex,
  StoredRecord,
} from '../../lambdas/domain/records.js';
import { buildPatientState } from '../../lambdas/patient/build-patient-state.js';
import { rebuildClinicalState } from '../../lambdas/patient/clinical-state.js';
import type { PatientState } from '../../lambdas/patient/patient-state.js';
import type { Rule, Trigger } from '../../lambdas/rules/rule.js';
import { analyteDefinition } from '../../lambdas/units/analytes.js';

export const config: RulesConfig = parseRulesConfig({ timeZone: 'America/Chicago' });

const dayMs = 86_400_000;
/** Day 0 of every test timeline. */
export const dayZero = '2026-03-02T15:00:00.000Z';
/** An instant `days` (fractions allowed) after day 0. */
export const day = (days: number): string => new Date(Date.parse(dayZero) + days * dayMs).toISOString();
export const hoursAfter = (iso: string, hours: number): string =>
  new Date(Date.parse(iso) + hours * 3_600_000).toISOString();

let sequence = 0;
const nextNumber = (): string => String(++sequence).padStart(6, '0');

export function patient(sex: Sex = 'F'): PatientRef {
  return {
    facility: 'NORTHSIDE DIALYSIS',
    namespace: 'NDC',
    mrn: 'TEST-0001',
    sex,
    location: 'HD^CHAIR09^^NDC',
  };
}

const source = (messageType: string) => ({
  facility: 'CENTRAL LAB',
  controlId: `MSG${nextNumber()}`,
  messageType,
});

const codes: Readonly<Record<Analyte, string>> = {
  calcium: '17861-6',
  phosphate: '2777-1',
  pth: '2731-8',
  crp: '1988-5',
  hemoglobin: '718-7',
  bicarbonate: '1963-8',
  inr: '6301-6',
  dialysateCalcium: 'DIALCA',
};

export interface ResultOptions {
  /** Observation time (OBX-14); default day 0. */
  at?: string;
  /** Default: the observation time. */
  receivedAt?: string;
  status?: string;
  comparator?: Comparator;
  filler?: string;
  subId?: string;
  recordId?: string;
  /** The value as sent, when a unit other than the canonical one was converted. */
  sent?: { value: number; unit: string };
  /** OBX-5 as sent, where it is not the number's shortest spelling (`1.80`, `7.20`). */
  rawValue?: string;
  unitError?: string;
  valueError?: string;
}

/** A stored result of a watched analyte; `value` undefined means the value could not be read. */
export function result(
  analyte: Analyte,
  value: number | undefined,
  options: ResultOptions = {},
): StoredRecord {
  const at = options.at ?? dayZero;
  const unit = analyteDefinition(analyte).canonicalUnit;
  const readable = value !== undefined && options.unitError === undefined && options.valueError === undefined;
  const canonical = readable
    ? { value, unit, ...(options.comparator === undefined ? {} : { comparator: options.comparator }) }
    : undefined;
  const sent = options.sent ?? (value === undefined ? undefined : { value, unit });
  const observation: Observation = {
    kind: 'observation',
    source: source('ORU^R01'),
    code: codes[analyte],
    codeSystem: analyte === 'dialysateCalcium' ? 'L' : 'LN',
    analyte,
    valueType: 'NM',
    rawValue:
      options.rawValue ??
      (value === undefined ? 'see note' : `${options.comparator ?? ''}${sent?.value ?? value}`),
    rawUnit: sent?.unit ?? unit,
    ...(sent === undefined || options.valueError !== undefined
      ? {}
      : {
          value: { ...sent, ...(options.comparator === undefined ? {} : { comparator: options.comparator }) },
        }),
    ...(canonical === undefined ? {} : { canonical }),
    ...(options.unitError === undefined ? {} : { unitError: options.unitError }),
    ...(options.valueError === undefined ? {} : { valueError: options.valueError }),
    abnormalFlags: [],
    status: options.status ?? 'F',
    observedAt: at,
    fillerOrderNumber: options.filler ?? `FIL${nextNumber()}`,
    setId: '1',
    subId: options.subId ?? '',
  };
  return {
    recordId: options.recordId ?? `OBS#${at}#${nextNumber()}`,
    receivedAt: options.receivedAt ?? at,
    record: observation,
  };
}

export const calcium = (mgDl: number, options?: ResultOptions) => result('calcium', mgDl, options);
export const pth = (pgMl: number, options?: ResultOptions) => result('pth', pgMl, options);
export const crp = (mgL: number, options?: ResultOptions) => result('crp', mgL, options);
export const hemoglobin = (gDl: number, options?: ResultOptions) => result('hemoglobin', gDl, options);
export const bicarbonate = (mmolL: number, options?: ResultOptions) => result('bicarbonate', mmolL, options);
export const dialysateCalcium = (mEqL: number, options?: ResultOptions) =>
  result('dialysateCalcium', mEqL, options);
export const phosphate = (mgDl: number, options?: ResultOptions) => result('phosphate', mgDl, options);

function observationOf(stored: StoredRecord): Observation {
  if (stored.record.kind !== 'observation') throw new Error('not an observation');
  return stored.record;
}

/** A later version of the same result (same filler number, OBX-3, OBX-4), e.g. status `C`. */
export function correction(of: StoredRecord, value: number, options: ResultOptions = {}): StoredRecord {
  const original = observationOf(of);
  return result(original.analyte ?? 'calcium', value, {
    at: options.at ?? original.observedAt,
    receivedAt: options.receivedAt ?? hoursAfter(of.receivedAt, 2),
    status: 'C',
    filler: original.fillerOrderNumber,
    subId: original.subId,
    ...options,
  });
}

/** A retraction (`X`, `D` or `W`) of the stored result with the same filler number and OBX-3. */
export function retraction(
  of: StoredRecord,
  status: 'X' | 'D' | 'W' = 'X',
  receivedAt?: string,
): StoredRecord {
  const original = observationOf(of);
  return result(original.analyte ?? 'calcium', undefined, {
    at: original.observedAt,
    receivedAt: receivedAt ?? hoursAfter(of.receivedAt, 3),
    status,
    filler: original.fillerOrderNumber,
    subId: original.subId,
  });
}

export interface OrderOptions {
  control?: string;
  /** Order event time (ORC-9); default day 0. */
  at?: string;
  receivedAt?: string;
  /** ORC-2; default a new one per call. */
  id?: string;
  filler?: string;
  doseMg?: number;
  dosesPerDay?: number;
  startAt?: string;
  endAt?: string;
  recordId?: string;
}

export function medicationOrder(
  ingredient: string,
  medicationClass: MedicationClass | undefined,
  options: OrderOptions = {},
): StoredRecord {
  const at = options.at ?? dayZero;
  const dosesPerDay = options.dosesPerDay ?? 1;
  const event: MedicationOrderEvent = {
    kind: 'medicationOrder',
    source: source('RDE^O11'),
    segment: 'RXE',
    orderControl: options.control ?? 'NW',
    placerOrderNumber: options.id ?? `ORD${nextNumber()}`,
    fillerOrderNumber: options.filler ?? '',
    drugCode: '',
    drugCodeSystem: 'RXNORM',
    drugText: `${ingredient} tablet`,
    ...(medicationClass === undefined ? {} : { medicationClass, ingredient }),
    ...(options.doseMg === undefined
      ? {}
      : { doseMg: options.doseMg, dailyDoseMg: options.doseMg * dosesPerDay }),
    dosesPerDay,
    ...(options.startAt === undefined ? {} : { startAt: options.startAt }),
    ...(options.endAt === undefined ? {} : { endAt: options.endAt }),
    eventAt: at,
  };
  return {
    recordId: options.recordId ?? `MED#${at}#${nextNumber()}`,
    receivedAt: options.receivedAt ?? at,
    record: event,
  };
}

export const warfarin = (options?: OrderOptions) =>
  medicationOrder('warfarin', 'vitaminKAntagonist', { doseMg: 5, ...options });
export const cinacalcet = (dailyDoseMg: number | undefined, options?: OrderOptions) =>
  medicationOrder('cinacalcet', 'calcimimetic', {
    ...(dailyDoseMg === undefined ? {} : { doseMg: dailyDoseMg }),
    ...options,
  });
export const etelcalcetide = (options?: OrderOptions) =>
  medicationOrder('etelcalcetide', 'calcimimetic', options);
export const thiosulfate = (options?: OrderOptions) =>
  medicationOrder('sodium thiosulfate', 'sodiumThiosulfate', { doseMg: 25_000, ...options });
export const calciumAcetate = (options?: OrderOptions) =>
  medicationOrder('calcium acetate', 'calciumBinder', { doseMg: 667, dosesPerDay: 3, ...options });
export const calcitriol = (options?: OrderOptions) =>
  medicationOrder('calcitriol', 'activeVitaminD', options);
export const sevelamer = (options?: OrderOptions) =>
  medicationOrder('sevelamer', 'nonCalciumBinder', options);

export interface DiagnosisOptions {
  code?: string;
  codeSystem?: string;
  text?: string;
  alternateCode?: string;
  alternateCodeSystem?: string;
  alternateText?: string;
  description?: string;
  receivedAt?: string;
}

export function diagnosis(options: DiagnosisOptions = {}): StoredRecord {
  const receivedAt = options.receivedAt ?? dayZero;
  const record: Diagnosis = {
    kind: 'diagnosis',
    source: source('ADT^A08'),
    code: options.code ?? '237900002',
    codeSystem: options.codeSystem ?? 'SCT',
    text: options.text ?? 'Calciphylaxis',
    ...(options.alternateCode === undefined ? {} : { alternateCode: options.alternateCode }),
    ...(options.alternateCodeSystem === undefined
      ? {}
      : { alternateCodeSystem: options.alternateCodeSystem }),
    ...(options.alternateText === undefined ? {} : { alternateText: options.alternateText }),
    ...(options.description === undefined ? {} : { description: options.description }),
    diagnosedAt: receivedAt,
    setId: '1',
  };
  return { recordId: `DX#${receivedAt}#${nextNumber()}`, receivedAt, record };
}

export const enrol = (at: string): CohortEnrolment => ({
  kind: 'cohortEnrolment',
  action: 'enrol',
  by: 'admin-7',
  at,
});
export const removal = (at: string): CohortEnrolment => ({
  kind: 'cohortEnrolment',
  action: 'remove',
  by: 'admin-7',
  at,
});

/** Long before day 0: cohort entry is not a factor unless a test sets it. */
export const longAgo = '2025-01-06T15:00:00.000Z';

export interface Scenario {
  records?: StoredRecord[];
  /** Default: enrolled long ago. Pass `[]` for a patient outside the cohort. */
  enrolments?: CohortEnrolment[];
  openAlerts?: Alert[];
  sex?: Sex;
  /** Default day 30. */
  now?: string;
}

export function stateOf(scenario: Scenario = {}): PatientState {
  const records = scenario.records ?? [];
  return buildPatientState(
    {
      patient: patient(scenario.sex ?? 'F'),
      records,
      clinical: rebuildClinicalState(records, scenario.enrolments ?? [enrol(longAgo)], config),
      openAlerts: scenario.openAlerts ?? [],
    },
    new Date(scenario.now ?? day(30)),
  );
}

/** Runs one rule; the trigger defaults to the last record given (else a sweep). */
/** `config`: a hospital's configuration other than the defaults (thresholds moved within their ranges). */
export function run(
  rule: Rule,
  scenario: Scenario & { trigger?: Trigger; config?: RulesConfig } = {},
): RuleOutcome[] {
  const last = scenario.records?.at(-1);
  const trigger: Trigger =
    scenario.trigger ?? (last === undefined ? { kind: 'sweep' } : { kind: 'records', stored: [last] });
  return rule.evaluate({
    state: stateOf(scenario),
    trigger,
    config: scenario.config ?? config,
    now: new Date(scenario.now ?? day(30)),
  });
}

/** The single outcome a rule gave, failing the test when there were several. */
export function single(outcomes: RuleOutcome[]): RuleOutcome {
  if (outcomes.length !== 1 || outcomes[0] === undefined)
    throw new Error(`expected one outcome, got ${outcomes.length}`);
  return outcomes[0];
}

export const kindOf = (outcomes: RuleOutcome[]): RuleOutcome['kind'] => single(outcomes).kind;

export function finding(outcomes: RuleOutcome[]) {
  const outcome = single(outcomes);
  if (outcome.kind !== 'fire') throw new Error(`expected fire, got ${outcome.kind}`);
  return outcome.finding;
}

export function resolution(outcomes: RuleOutcome[]) {
  const outcome = single(outcomes);
  if (outcome.kind !== 'resolve') throw new Error(`expected resolve, got ${outcome.kind}`);
  return outcome;
}

export function evidenceOf(stored: StoredRecord): Evidence {
  const { record } = stored;
  if (record.kind === 'observation') {
    return {
      kind: 'observation',
      recordId: stored.recordId,
      summary: record.analyte ?? '',
      at: record.observedAt,
    };
  }
  if (record.kind === 'medicationOrder') {
    return {
      kind: 'medicationOrder',
      recordId: stored.recordId,
      summary: record.drugText,
      at: record.eventAt,
    };
  }
  if (record.kind === 'patientMerge') throw new Error('a merge is not evidence');
  return { kind: 'diagnosis', recordId: stored.recordId, summary: record.text, at: stored.receivedAt };
}

const severities: Readonly<Partial<Record<RuleId, Severity>>> = {
  CALCIUM_CRITICAL_LOW: 'critical',
  VKA_ACTIVE: 'critical',
};

/** An open alert for a rule, resting on the given records. */
export function openAlert(
  ruleId: RuleId,
  basis: StoredRecord[],
  options: { openedAt?: string; alertScope?: string; state?: Alert['state'] } = {},
): Alert {
  const openedAt = options.openedAt ?? basis.at(-1)?.receivedAt ?? dayZero;
  const alertScope = options.alertScope ?? '';
  return {
    alertId: `NDC#TEST-0001#${ruleId}#${alertScope}#${openedAt}`,
    patient: { facility: 'NORTHSIDE DIALYSIS', namespace: 'NDC', mrn: 'TEST-0001' },
    ruleId,
    alertScope,
    severity: severities[ruleId] ?? 'advisory',
    state: options.state ?? 'open',
    finding: '',
    recommendation: '',
    evidence: basis.map(evidenceOf),
    openedAt,
    lastNotifiedAt: openedAt,
    repeatCount: 0,
    version: 1,
  };
}
