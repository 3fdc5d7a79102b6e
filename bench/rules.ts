/**
 * Rules bench: how many times per second one patient's state can be rebuilt and every rule run on a
 * new result, for a cohort patient with a year of history (about 200 results and 20 order events).
 * This is the evaluate function's work per stream record, without the store.
 */
import { parseRulesConfig } from '../lambdas/config/rules-config.js';
import type { Alert } from '../lambdas/domain/alerts.js';
import type {
  Analyte,
  MedicationClass,
  MedicationOrderEvent,
  Observation,
  PatientRef,
  StoredRecord,
} from '../lambdas/domain/records.js';
import { buildPatientState } from '../lambdas/patient/build-patient-state.js';
import { rebuildClinicalState } from '../lambdas/patient/clinical-state.js';
import { evaluatePatient } from '../lambdas/rules/engine.js';
import { analyteDefinition } from '../lambdas/units/analytes.js';

const config = parseRulesConfig({ timeZone: 'America/Chicago' });
const dayMs = 86_400_000;
const yearStartMs = Date.parse('2025-06-02T14:00:00.000Z');
const iso = (days: number): string => new Date(yearStartMs + days * dayMs).toISOString();
const patient: PatientRef = { facility: 'NORTHSIDE DIALYSIS', namespace: 'NDC', mrn: 'BENCH-0001', sex: 'F' };
const source = { facility: 'CENTRAL LAB', controlId: 'BENCH', messageType: 'ORU^R01' };

let sequence = 0;

function result(analyte: Analyte, value: number, days: number, status = 'F', filler?: string): StoredRecord {
  sequence += 1;
  const at = iso(days);
  const unit = analyteDefinition(analyte).canonicalUnit;
  const observation: Observation = {
    kind: 'observation',
    source,
    code: analyte,
    codeSystem: 'LN',
    analyte,
    valueType: 'NM',
    rawValue: String(value),
    rawUnit: unit,
    value: { value, unit },
    canonical: { value, unit },
    abnormalFlags: [],
    status,
    observedAt: at,
    fillerOrderNumber: filler ?? `FIL${sequence}`,
    setId: '1',
    subId: '',
  };
  return { recordId: `OBS#${at}#${sequence}`, receivedAt: iso(days + 0.1), record: observation };
}

function order(
  ingredient: string,
  medicationClass: MedicationClass,
  orderControl: string,
  id: string,
  days: number,
  dailyDoseMg?: number,
): StoredRecord {
  sequence += 1;
  const event: MedicationOrderEvent = {
    kind: 'medicationOrder',
    source: { ...source, messageType: 'RDE^O11' },
    segment: 'RXE',
    orderControl,
    placerOrderNumber: id,
    fillerOrderNumber: '',
    drugCode: '',
    drugCodeSystem: 'RXNORM',
    drugText: ingredient,
    medicationClass,
    ingredient,
    dosesPerDay: 1,
    ...(dailyDoseMg === undefined ? {} : { doseMg: dailyDoseMg, dailyDoseMg }),
    eventAt: iso(days),
  };
  return { recordId: `MED#${iso(days)}#${sequence}`, receivedAt: iso(days), record: event };
}

/** A year in the cohort: weekly calcium and phosphate, monthly labs, titrations, a stopped VKA. */
export function yearOfHistory(): StoredRecord[] {
  const records: StoredRecord[] = [];
  for (let week = 0; week < 52; week += 1) {
    records.push(
      result('calcium', 8.2 + (week % 7) / 10, week * 7),
      result('phosphate', 5 + (week % 4) / 5, week * 7),
    );
  }
  for (let month = 0; month < 12; month += 1) {
    const days = month * 30 + 2;
    records.push(
      result('pth', 620 - month * 30, days),
      result('crp', month % 3 === 0 ? 18 : 6, days),
      result('crp', 7, days + 14),
      result('hemoglobin', 11.4 + (month % 3) / 5, days),
      result('bicarbonate', 21 + (month % 4), days),
      result('dialysateCalcium', month < 6 ? 2.5 : 2.0, days),
      result('inr', 1.1, days),
    );
    // A preliminary calcium replaced by its final, as labs send them.
    const filler = `FILP${month}`;
    records.push(
      result('calcium', 7.9, days + 1, 'P', filler),
      result('calcium', 8.0, days + 1, 'F', filler),
    );
  }
  records.push(
    order('warfarin', 'vitaminKAntagonist', 'NW', 'RX-W', -20, 5),
    order('warfarin', 'vitaminKAntagonist', 'DC', 'RX-W', 1),
    order('sodium thiosulfate', 'sodiumThiosulfate', 'NW', 'RX-S1', 1, 25_000),
    order('sodium thiosulfate', 'sodiumThiosulfate', 'DC', 'RX-S1', 90),
    order('sodium thiosulfate', 'sodiumThiosulfate', 'NW', 'RX-S2', 90, 25_000),
    order('sodium thiosulfate', 'sodiumThiosulfate', 'DC', 'RX-S2', 180),
    order('sodium thiosulfate', 'sodiumThiosulfate', 'NW', 'RX-S3', 180, 12_500),
    order('cinacalcet', 'calcimimetic', 'NW', 'RX-C', 30, 30),
    order('cinacalcet', 'calcimimetic', 'XO', 'RX-C', 60, 60),
    order('cinacalcet', 'calcimimetic', 'XO', 'RX-C', 90, 90),
    order('cinacalcet', 'calcimimetic', 'HD', 'RX-C', 150),
    order('cinacalcet', 'calcimimetic', 'XO', 'RX-C', 160, 60),
    order('cinacalcet', 'calcimimetic', 'XO', 'RX-C', 250, 90),
    order('calcium acetate', 'calciumBinder', 'NW', 'RX-B', -30, 2001),
    order('calcium acetate', 'calciumBinder', 'DC', 'RX-B', 10),
    order('sevelamer', 'nonCalciumBinder', 'NW', 'RX-N', 10, 2400),
    order('calcitriol', 'activeVitaminD', 'NW', 'RX-D', 5, 0.25),
    order('calcitriol', 'activeVitaminD', 'XO', 'RX-D', 100, 0.5),
    order('apixaban', 'doac', 'NW', 'RX-A', 1, 5),
    order('calcitriol', 'activeVitaminD', 'DC', 'RX-D', 200),
  );
  return records;
}

const openAlerts: Alert[] = [];

export async function run(): Promise<void> {
  const history = yearOfHistory();
  const enrolments = [
    { kind: 'cohortEnrolment' as const, action: 'enrol' as const, by: 'bench', at: iso(-1) },
  ];
  const results = history.filter((stored) => stored.record.kind === 'observation').length;
  const orders = history.length - results;
  // Stored between messages: folded once as ingest does, read with the history on each evaluation.
  const clinical = rebuildClinicalState(history, enrolments, config);

  const evaluateOnce = (index: number): number => {
    const incoming = result('calcium', 7.2 + (index % 20) / 10, 365 + index / 1000);
    const now = new Date(Date.parse(incoming.receivedAt) + 60_000);
    const state = buildPatientState({ patient, records: [...history, incoming], clinical, openAlerts }, now);
    const { outcomes, errors } = evaluatePatient(state, { kind: 'records', stored: [incoming] }, config, now);
    if (errors.length > 0)
      throw new Error(`rule errors in the bench: ${errors.map((error) => error.ruleId).join(', ')}`);
    return outcomes.length;
  };

  for (let index = 0; index < 300; index += 1) evaluateOnce(index);
  let evaluations = 0;
  const started = performance.now();
  while (performance.now() - started < 2_000) {
    evaluateOnce(evaluations);
    evaluations += 1;
  }
  const elapsedMs = performance.now() - started;
  const perSecond = Math.round((evaluations / elapsedMs) * 1000);
  const meanMicros = Math.round((elapsedMs / evaluations) * 1000);
  console.log(
    `rules: ${perSecond} evaluations/s (buildPatientState + evaluatePatient on a new result; ` +
      `${results + 1} results, ${orders} order events, 19 rules; mean ${meanMicros} µs over ${evaluations} runs)`,
  );
}
