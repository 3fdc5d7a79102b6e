/**
 * Small factories for synthetic patients, records and alerts (never real
 * people). Every patient is new, so tests sharing one table never see each
 * other's data.
 */
import { randomUUID } from 'node:crypto';
import type { AcceptMessageInput } from '../../lambdas/adapters/message-store.js';
import { alertIdFor } from '../../lambdas/alerts/ids.js';
import type { Alert } from '../../lambdas/domain/alerts.js';
import type {
  ClinicalRecord,
  Diagnosis,
  MedicationOrderEvent,
  Observation,
  PatientRef,
} from '../../lambdas/domain/records.js';

export function syntheticPatient(overrides: Partial<PatientRef> = {}): PatientRef {
  return {
    facility: 'DIALYSIS_EAST',
    namespace: 'SYNTH_HOSP',
    mrn: `SYN${randomUUID().slice(0, 12)}`,
    sex: 'F',
    location: 'HD^CHAIR^4^DIALYSIS_EAST',
    name: { family: 'Testpatient', given: 'Synthia' },
    ...overrides,
  };
}

export function uniqueControlId(): string {
  return `CTL${randomUUID().replaceAll('-', '').slice(0, 16)}`;
}

/** What acceptMessage tells messages with one control id apart by: the sending application and a content hash of its own. */
export function messageIdentity(): { sendingApplication: string; contentHash: string } {
  return { sendingApplication: 'LAB', contentHash: randomUUID().replaceAll('-', '').repeat(2) };
}

/** One new message about `patient` carrying `records`, as ingest hands it to acceptMessage. */
export function storableMessage(
  patient: PatientRef,
  records: readonly ClinicalRecord[],
  receivedAt = new Date().toISOString(),
): AcceptMessageInput {
  const controlId = uniqueControlId();
  return {
    ...messageIdentity(),
    facility: 'DIALYSIS_EAST',
    controlId,
    receivedAt,
    archiveKey: `raw/${receivedAt}-${controlId}.hl7`,
    patient,
    records: records.map((record) => ({ ...record, source: { ...record.source, controlId } })),
  };
}

export function calciumObservation(
  overrides: Partial<Observation> & { calciumMgDl?: number; controlId?: string } = {},
): Observation {
  const { calciumMgDl = 7.2, controlId = 'CTL-1', ...rest } = overrides;
  return {
    kind: 'observation',
    source: {
      facility: 'DIALYSIS_EAST',
      controlId,
      messageType: 'ORU^R01',
      sentAt: '2026-07-27T00:00:00.000Z',
    },
    code: '17861-6',
    codeSystem: 'LN',
    codeText: 'Calcium [Mass/volume] in Serum or Plasma',
    loinc: '17861-6',
    analyte: 'calcium',
    valueType: 'NM',
    rawValue: String(calciumMgDl),
    rawUnit: 'mg/dL',
    value: { value: calciumMgDl, unit: 'mg/dL' },
    canonical: { value: calciumMgDl, unit: 'mg/dL' },
    abnormalFlags: calciumMgDl < 8.5 ? ['L'] : [],
    referenceRange: '8.5-10.5',
    status: 'F',
    observedAt: '2026-07-26T23:44:14.000Z',
    fillerOrderNumber: 'FIL-1',
    placerOrderNumber: 'PLC-1',
    setId: '1',
    subId: '',
    ...rest,
  };
}

export function warfarinOrder(
  overrides: Partial<MedicationOrderEvent> & { controlId?: string } = {},
): MedicationOrderEvent {
  const { controlId = 'CTL-1', ...rest } = overrides;
  return {
    kind: 'medicationOrder',
    source: { facility: 'DIALYSIS_EAST', controlId, messageType: 'RDE^O11' },
    segment: 'RXE',
    orderControl: 'NW',
    placerOrderNumber: 'PLC-RX-1',
    fillerOrderNumber: 'FIL-RX-1',
    drugCode: '855332',
    drugCodeSystem: 'RXNORM',
    drugText: 'warfarin 5 MG Oral Tablet',
    medicationClass: 'vitaminKAntagonist',
    ingredient: 'warfarin',
    doseMg: 5,
    dosesPerDay: 1,
    dailyDoseMg: 5,
    frequency: 'QD',
    startAt: '2026-07-01T00:00:00.000Z',
    eventAt: '2026-07-01T09:00:00.000Z',
    ...rest,
  };
}

export function calciphylaxisDiagnosis(
  overrides: Partial<Diagnosis> & { controlId?: string } = {},
): Diagnosis {
  const { controlId = 'CTL-1', ...rest } = overrides;
  return {
    kind: 'diagnosis',
    source: { facility: 'DIALYSIS_EAST', controlId, messageType: 'ADT^A08' },
    code: 'E83.59',
    codeSystem: 'I10',
    text: 'Calciphylaxis',
    diagnosedAt: '2026-07-20T10:00:00.000Z',
    setId: '1',
    ...rest,
  };
}

export function openAlert(patient: PatientRef, overrides: Partial<Alert> = {}): Alert {
  const openedAt = overrides.openedAt ?? '2026-07-26T23:45:00.000Z';
  const ruleId = overrides.ruleId ?? 'CALCIUM_CRITICAL_LOW';
  const alertScope = overrides.alertScope ?? '';
  return {
    // The production id scheme: readable rule id plus a hash, no MRN (ids end up in URLs).
    alertId: alertIdFor({ namespace: patient.namespace, mrn: patient.mrn, ruleId, alertScope, openedAt }),
    patient: { facility: patient.facility, namespace: patient.namespace, mrn: patient.mrn },
    ruleId,
    alertScope,
    severity: 'critical',
    state: 'open',
    finding: 'Calcium 7.2 mg/dL at 2026-07-26T23:44:14.000Z is below 7.5 mg/dL.',
    recommendation: 'Review cinacalcet dose today.',
    evidence: [
      {
        kind: 'observation',
        recordId: 'HIST#2026-07-26T23:44:14.000Z#OBS#DIALYSIS_EAST#CTL-1#1',
        summary: 'calcium 7.2 mg/dL (F) at 2026-07-26T23:44:14.000Z',
        at: '2026-07-26T23:44:14.000Z',
      },
    ],
    openedAt,
    lastNotifiedAt: openedAt,
    repeatCount: 0,
    version: 1,
    ...overrides,
  };
}
