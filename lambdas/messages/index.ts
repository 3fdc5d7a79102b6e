/**
 * The typed message model: a validated HL7 v2 message and the hospital's
 * rules config in, the domain records out (patient, observations, medication
 * order events, diagnoses), or the HL7 errors that make the message unusable.
 * Pure: no I/O.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { ClinicalRecord, MessageSource, PatientRef } from '../domain/records.js';
import {
  adtMergeEvents,
  type Hl7Error,
  type Hl7Message,
  type SupportedMessageCode,
  supportedEventsOf,
  unsupportedEventText,
} from '../hl7/index.js';
import type { ModelContext } from './context.js';
import { modelDiagnoses } from './diagnoses.js';
import { first, placedSegments } from './fields.js';
import { modelMerge } from './merges.js';
import { modelObservations } from './observations.js';
import { modelMedicationOrders, type OrderMessageCode } from './orders.js';
import { modelPatient } from './patient.js';
import { Problems } from './problems.js';
import { optionalTime, type TimeReader, timeReader } from './time.js';

export interface ModelledMessage {
  source: MessageSource;
  patient: PatientRef;
  records: ClinicalRecord[];
}

export type ModelResult = { ok: true; modelled: ModelledMessage } | { ok: false; errors: Hl7Error[] };

type Content =
  | { kind: 'results' }
  | { kind: 'orders'; code: OrderMessageCode }
  | { kind: 'diagnoses' }
  | { kind: 'merge' };

/**
 * What each accepted message type carries. The events accepted per type are
 * the reader's (hl7/validate.ts), so the two cannot disagree: v2.3 O01 and
 * v2.5 O11 pharmacy events read the same, and every accepted ADT event gives
 * the patient and its DG1 diagnoses (none for most of them).
 */
const contentByCode: Readonly<Record<SupportedMessageCode, Content>> = {
  ORU: { kind: 'results' },
  RDE: { kind: 'orders', code: 'RDE' },
  RDS: { kind: 'orders', code: 'RDS' },
  RAS: { kind: 'orders', code: 'RAS' },
  OMP: { kind: 'orders', code: 'OMP' },
  ADT: { kind: 'diagnoses' },
};

/** The reader already refused other types and events; checked again so no caller can model one. */
function contentOf(message: Hl7Message, problems: Problems): Content | undefined {
  const code = message.header.messageCode.trim().toUpperCase();
  const event = message.header.triggerEvent.trim().toUpperCase();
  const events = supportedEventsOf(code);
  if (events === undefined) {
    problems.message(
      '200',
      { segment: 'MSH', sequence: 1, field: 9, component: 1 },
      `message type ${code} is not read here`,
    );
    return undefined;
  }
  if (!events.includes(event)) {
    problems.message(
      '201',
      { segment: 'MSH', sequence: 1, field: 9, component: 2 },
      unsupportedEventText(code, event),
    );
    return undefined;
  }
  return code === 'ADT' && adtMergeEvents.has(event)
    ? { kind: 'merge' }
    : contentByCode[code as SupportedMessageCode];
}

function sourceOf(message: Hl7Message, readTime: TimeReader): MessageSource {
  const msh = message.segment('MSH');
  const source: MessageSource = {
    // header.sendingFacility is the raw field (for ACKs); identity uses MSH-4.1 unescaped.
    facility: first(msh, 4),
    controlId: message.header.controlId,
    messageType: `${message.header.messageCode}^${message.header.triggerEvent}`,
  };
  const sentAt = optionalTime(message.header.sentAtRaw, readTime);
  if (sentAt !== undefined) source.sentAt = sentAt;
  return source;
}

function recordsOf(context: ModelContext, content: Content): ClinicalRecord[] {
  switch (content.kind) {
    case 'results':
      return modelObservations(context);
    case 'orders':
      return modelMedicationOrders(context, content.code);
    case 'diagnoses':
      return modelDiagnoses(context);
    case 'merge':
      return modelMerge(context);
  }
}

/**
 * Models one message. Only one patient per message is supported: a second
 * PID (an ORU with several PATIENT_RESULT groups) is rejected with code 100,
 * so that no record is ever attributed to the wrong patient.
 */
export function modelMessage(message: Hl7Message, config: RulesConfig): ModelResult {
  const problems = new Problems();
  const content = contentOf(message, problems);
  if (content === undefined) return { ok: false, errors: problems.errors };

  const pids = message.segmentsNamed('PID');
  const [pid] = pids;
  if (pid === undefined) {
    problems.message('101', { segment: 'PID', sequence: 1 }, 'PID segment missing: the patient is unknown');
    return { ok: false, errors: problems.errors };
  }
  if (pids.length > 1) {
    problems.message(
      '100',
      { segment: 'PID', sequence: 2 },
      'one patient per message: a second PID was sent',
    );
    return { ok: false, errors: problems.errors };
  }

  const readTime = timeReader(config.timeZone);
  const source = sourceOf(message, readTime);
  const context: ModelContext = {
    readTime,
    message,
    config,
    source,
    problems,
    placed: placedSegments(message.segments),
    sentAtRaw: message.header.sentAtRaw,
  };
  const patient = modelPatient(context, pid);
  const records = recordsOf(context, content);
  if (patient === undefined || problems.any) return { ok: false, errors: problems.errors };
  return { ok: true, modelled: { source, patient, records } };
}

export { doseInMg, dosesPerDayFor, type Frequency } from './dosing.js';
export {
  type CatalogueIngredient,
  isCatalogueIngredient,
  type MedicationMatch,
  matchMedication,
  matchMedicationName,
  medicationCatalogue,
} from './medications.js';
