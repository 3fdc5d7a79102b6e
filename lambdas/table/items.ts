/**
 * How domain records, alerts and profiles become table items and back. Items
 * stay small: the domain record is one compact JSON string (no raw HL7, which
 * lives in the S3 archive), next to the few attributes keys, indexes and
 * conditions need.
 */
import type { Alert, AuditEvent } from '../domain/alerts.js';
import type { ClinicalRecord, CohortEnrolment, PatientRef, Sex, StoredRecord } from '../domain/records.js';
import type { ClinicalState } from '../patient/clinical-state.js';
import { changesOrderState } from '../patient/medication-orders.js';
import type {
  LatestResults,
  PatientProfile,
  PendingNotification,
  StoredEnrolment,
} from '../workflows/ports.js';
import {
  alertIdPk,
  alertIdSk,
  alertSk,
  auditSk,
  clinicalStateSk,
  cohortIndex,
  cohortViewAlertSk,
  cohortViewIndex,
  criticalAlertsKeys,
  diagnosisSk,
  enrolmentSk,
  medicationOrderSk,
  mergeSk,
  notificationSk,
  observationSk,
  openAlertsIndex,
  orderStateUnchangedAttribute,
  outboxSk,
  type PatientKey,
  patientPk,
  shadowAlertSk,
  shadowEpisodeKey,
} from './layout.js';

export type { PatientProfile, StoredEnrolment } from '../workflows/ports.js';

/** A table item as the DocumentClient reads it. */
export type Item = Record<string, unknown>;

export function patientKeyOf(patient: Pick<PatientRef, 'namespace' | 'mrn'>): PatientKey {
  return { namespace: patient.namespace, mrn: patient.mrn };
}

/**
 * A time that sorts correctly inside a key: ISO UTC with milliseconds. A
 * record whose own time cannot be read is filed under its arrival time so it
 * still falls inside the history window.
 */
export function sortableTime(value: string | undefined, fallback: string): string {
  const parsed = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(parsed) ? new Date(Date.parse(fallback)).toISOString() : new Date(parsed).toISOString();
}

function recordSortKey(record: ClinicalRecord, receivedAt: string, medicationIndex: number): string {
  const { facility, controlId } = record.source;
  switch (record.kind) {
    case 'observation':
      return observationSk(sortableTime(record.observedAt, receivedAt), facility, controlId, record.setId);
    case 'medicationOrder':
      return medicationOrderSk(
        sortableTime(record.eventAt, receivedAt),
        facility,
        controlId,
        medicationIndex,
      );
    case 'diagnosis':
      return diagnosisSk(sortableTime(record.diagnosedAt, receivedAt), facility, controlId, record.setId);
    case 'patientMerge':
      return mergeSk(sortableTime(record.mergedAt, receivedAt), facility, controlId);
  }
}

/**
 * A record's JSON above this size keeps its bulky values (OBX-5, NTE
 * comments) in the raw-message archive rather than in the table. Ordinary
 * records are far below it (under 1 KB); an embedded PDF (OBX-2 ED) or a long
 * narrative is far above, and a DynamoDB item cannot exceed 400 KB. Every
 * evaluation reads the patient's records, so a lower bound also keeps reads cheap.
 */
export const inlineRecordBytes = 16 * 1024;
/** What stays of a value kept by reference: its start, enough to recognise it. */
const previewCharacters = 256;

/** Where the whole of a value kept out of the table is: the message in the archive and its OBX. */
export interface ValuesByReference {
  archiveKey: string;
  /** MSH-10 of the message (an archived batch holds several). */
  controlId: string;
  segment: 'OBX';
  /** Occurrence of the OBX in the message, 1-based; the comments are the NTEs after it. */
  sequence: number;
  /** Length of the whole OBX-5, when it was kept by reference. */
  rawValueCharacters?: number;
  /** Length of the whole comments (joined by newlines), when they were kept by reference. */
  noteCharacters?: number;
}

function preview(text: string): string {
  let end = previewCharacters;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1; // never split a surrogate pair
  return `${text.slice(0, end)}…`;
}

/**
 * A record as the item holds it (its JSON): an observation too large to keep inline has its value
 * and comments cut to a preview, with a pointer to where they are whole; any other record is
 * unchanged. `sequence` is the OBX's occurrence: the message model makes exactly one observation
 * per OBX, in order, or rejects the message. The record is serialised once: the size check reads
 * the JSON the item stores.
 */
function withLargeValuesByReference(
  record: ClinicalRecord,
  where: Omit<ValuesByReference, 'segment' | 'sequence'>,
  sequence: number,
): { record: ClinicalRecord; json: string; byReference?: ValuesByReference } {
  const json = JSON.stringify(record);
  // A UTF-8 byte is at most 3 per UTF-16 unit: most records need no byte count at all.
  if (record.kind !== 'observation' || json.length * 3 <= inlineRecordBytes) return { record, json };
  if (Buffer.byteLength(json, 'utf8') <= inlineRecordBytes) return { record, json };
  const kept = { ...record };
  const byReference: ValuesByReference = { ...where, segment: 'OBX', sequence };
  if (record.rawValue.length > previewCharacters) {
    kept.rawValue = preview(record.rawValue);
    byReference.rawValueCharacters = record.rawValue.length;
  }
  const notes = record.notes?.join('\n') ?? '';
  if (notes.length > previewCharacters) {
    kept.notes = [preview(notes)];
    byReference.noteCharacters = notes.length;
  }
  return byReference.rawValueCharacters === undefined && byReference.noteCharacters === undefined
    ? { record, json }
    : { record: kept, json: JSON.stringify(kept), byReference };
}

export interface MessageOfRecords {
  receivedAt: string;
  /** The raw message in the archive: where values too large for the table are read. */
  archiveKey: string;
  /** Sets apart the records of a message that reused an earlier message's control id (`reusedControlIdSuffix`). */
  keySuffix?: string;
}

/**
 * The items for one message's records, with deterministic keys (a retry writes
 * the same keys). Two records that would share a key (OBX-1 restarting under
 * each OBR with the same time) get `#2`, `#3`, ... in message order. An
 * observation too large for an item keeps its bulky values by reference
 * (`byReference` on the item); the stored record then holds their preview.
 */
export function recordItems(
  patient: PatientKey,
  records: readonly ClinicalRecord[],
  { receivedAt, archiveKey, keySuffix = '' }: MessageOfRecords,
): { items: Item[]; stored: StoredRecord[] } {
  const pk = patientPk(patient);
  const seen = new Map<string, number>();
  const items: Item[] = [];
  const stored: StoredRecord[] = [];
  let medicationIndex = 0;
  let obxSequence = 0;
  for (const sent of records) {
    if (sent.kind === 'medicationOrder') {
      medicationIndex += 1;
    } else if (sent.kind === 'observation') {
      obxSequence += 1;
    }
    const baseKey = recordSortKey(sent, receivedAt, medicationIndex) + keySuffix;
    const count = (seen.get(baseKey) ?? 0) + 1;
    seen.set(baseKey, count);
    const sk = count === 1 ? baseKey : `${baseKey}#${count}`;
    const { record, json, byReference } = withLargeValuesByReference(
      sent,
      { archiveKey, controlId: sent.source.controlId },
      obxSequence,
    );
    const item: Item = {
      pk,
      sk,
      itemType: record.kind,
      namespace: patient.namespace,
      mrn: patient.mrn,
      receivedAt,
      record: json,
    };
    if (byReference !== undefined) item.byReference = byReference;
    // An administration report (RE) or another event that leaves the order as it was cannot change
    // an alert (orders are read from the clinical state): it never invokes the evaluation.
    if (record.kind === 'medicationOrder' && !changesOrderState(record))
      item[orderStateUnchangedAttribute] = true;
    items.push(item);
    stored.push({ recordId: sk, receivedAt, record });
  }
  return { items, stored };
}

export function storedRecordFromItem(item: Item): StoredRecord {
  return {
    recordId: String(item.sk),
    receivedAt: String(item.receivedAt),
    record: JSON.parse(String(item.record)) as ClinicalRecord,
  };
}

export function enrolmentItem(patient: PatientKey, enrolment: CohortEnrolment): Item {
  return {
    pk: patientPk(patient),
    sk: enrolmentSk(enrolment.at),
    itemType: 'cohortEnrolment',
    namespace: patient.namespace,
    mrn: patient.mrn,
    record: JSON.stringify(enrolment),
  };
}

export function storedEnrolmentFromItem(item: Item): StoredEnrolment {
  return { recordId: String(item.sk), enrolment: JSON.parse(String(item.record)) as CohortEnrolment };
}

export function isClosed(alert: Pick<Alert, 'state'>): boolean {
  return alert.state === 'resolved' || alert.state === 'superseded';
}

/**
 * The alert item; the open-alerts index attributes exist only while the alert is open or
 * acknowledged. A would-be alert of a shadow rule has its own slot and is on no index.
 */
export function alertItem(alert: Alert): Item {
  if (alert.shadow === true) {
    return {
      pk: patientPk(alert.patient),
      sk: shadowAlertSk(alert.ruleId, alert.alertScope),
      itemType: 'shadowAlert',
      ...alertAttributes(alert),
    };
  }
  const item: Item = {
    pk: patientPk(alert.patient),
    sk: alertSk(alert.ruleId, alert.alertScope),
    itemType: 'alert',
    ...alertAttributes(alert),
  };
  if (!isClosed(alert)) {
    item[openAlertsIndex.partitionKey] = openAlertsIndex.openValue;
    item[openAlertsIndex.sortKey] = `${alert.openedAt}#${alert.alertId}`;
    item[cohortViewIndex.partitionKey] = cohortViewIndex.memberValue;
    item[cohortViewIndex.sortKey] = cohortViewAlertSk(alert.patient, alert.ruleId, alert.alertScope);
  }
  return item;
}

/**
 * The episode item (`ALERTID#<alertId>`): this alert under its own id, put with
 * every change of it and never replaced by a later episode of the same rule
 * and scope. It carries the `criticalAlerts` index attributes (so the
 * timeliness report counts every episode) and where the patient's current
 * alert slot is (`alertPk`/`alertSk`, which an open-alerts cursor checks).
 */
export function alertEpisodeItem(alert: Alert): Item {
  if (alert.shadow === true) {
    // Filed by month for the shadow report, away from `ALERTID#`: no acknowledgement can find it.
    return {
      ...shadowEpisodeKey(alert),
      itemType: 'shadowAlert',
      ...alertAttributes(alert),
    };
  }
  return {
    pk: alertIdPk(alert.alertId),
    sk: alertIdSk,
    itemType: 'alert',
    alertId: alert.alertId,
    alertPk: patientPk(alert.patient),
    alertSk: alertSk(alert.ruleId, alert.alertScope),
    state: alert.state,
    severity: alert.severity,
    version: alert.version,
    openedAt: alert.openedAt,
    alert: JSON.stringify(alert),
    ...ruleSetVersionOf(alert),
    ...criticalAlertsKeys(alert),
  };
}

/** What an alert slot item (live or shadow) says of its alert, beside its keys. */
function alertAttributes(alert: Alert): Item {
  return {
    alertId: alert.alertId,
    ruleId: alert.ruleId,
    state: alert.state,
    severity: alert.severity,
    version: alert.version,
    openedAt: alert.openedAt,
    alert: JSON.stringify(alert),
    ...ruleSetVersionOf(alert),
  };
}

/** The rule-set version beside the alert's JSON, so a reader of the table sees which rules decided it. */
function ruleSetVersionOf(alert: Alert): Item {
  return alert.ruleSetVersion === undefined ? {} : { ruleSetVersion: alert.ruleSetVersion };
}

export function alertFromItem(item: Item): Alert {
  return JSON.parse(String(item.alert)) as Alert;
}

export function auditItem(patient: PatientKey, event: AuditEvent): Item {
  return {
    pk: patientPk(patient),
    sk: auditSk(event.at, event.alertId),
    itemType: 'audit',
    alertId: event.alertId,
    at: event.at,
    from: event.from,
    to: event.to,
    reason: event.reason,
    by: event.by,
    ...(event.byName === undefined ? {} : { byName: event.byName }),
    ...(event.ruleSetVersion === undefined ? {} : { ruleSetVersion: event.ruleSetVersion }),
  };
}

export function profileFromItem(item: Item): PatientProfile {
  const profile: PatientProfile = {
    namespace: String(item.namespace),
    mrn: String(item.mrn),
    sex: (typeof item.sex === 'string' ? item.sex : 'unknown') as Sex,
  };
  if (typeof item.facility === 'string') profile.facility = item.facility;
  if (typeof item.location === 'string') profile.location = item.location;
  if (typeof item.name === 'string')
    profile.name = JSON.parse(item.name) as { family: string; given: string };
  if (typeof item.updatedAt === 'string') profile.updatedAt = item.updatedAt;
  if (item[cohortIndex.partitionKey] === cohortIndex.memberValue) {
    profile.cohort = { since: String(item.cohortSince), via: String(item.cohortVia) };
    if (typeof item.cohortBy === 'string') profile.cohort.by = item.cohortBy;
  }
  if (typeof item.latestResults === 'string') {
    profile.latestResults = JSON.parse(item.latestResults) as LatestResults;
  }
  return profile;
}

/**
 * `position` keeps the order of one change's notifications (opened before escalated). With a
 * claim, the entry is written already claimed by whoever committed it (its first attempt), so
 * publishing it right after the commit needs no separate claim.
 */
export function outboxItem(
  notification: PendingNotification,
  queuedAt: string,
  position: number,
  claim?: { claimant: string; claimedUntil: number },
): Item {
  return {
    ...(claim === undefined
      ? {}
      : { claimedBy: claim.claimant, claimedUntil: claim.claimedUntil, attempts: 1 }),
    pk: patientPk(notification.patient),
    sk: outboxSk(notification.notificationId),
    itemType: 'notification',
    status: 'pending',
    notificationId: notification.notificationId,
    topic: notification.topic,
    queuedAt,
    position,
    notification: JSON.stringify(notification),
  };
}

/** Pending notifications in the order they were committed. */
export function outboxFromItems(items: readonly Item[]): PendingNotification[] {
  return [...items]
    .sort((a, b) =>
      String(a.queuedAt) === String(b.queuedAt)
        ? Number(a.position) - Number(b.position)
        : String(a.queuedAt) < String(b.queuedAt)
          ? -1
          : 1,
    )
    .map((item) => JSON.parse(String(item.notification)) as PendingNotification);
}

/** The durable clinical state as stored, with the version a conditional write checks (0: none stored yet). */
export interface VersionedClinicalState {
  state: ClinicalState;
  version: number;
}

export function clinicalStateItem(
  patient: PatientKey,
  stored: VersionedClinicalState,
  updatedAt: string,
): Item {
  return {
    pk: patientPk(patient),
    sk: clinicalStateSk,
    itemType: 'clinicalState',
    namespace: patient.namespace,
    mrn: patient.mrn,
    version: stored.version,
    updatedAt,
    cohort: JSON.stringify(stored.state.cohort),
    medications: JSON.stringify(stored.state.medications),
  };
}

export function clinicalStateFromItem(item: Item): VersionedClinicalState {
  return {
    state: {
      cohort: JSON.parse(String(item.cohort)) as ClinicalState['cohort'],
      medications: JSON.parse(String(item.medications)) as ClinicalState['medications'],
    },
    version: Number(item.version),
  };
}

/** The sent mark of a published notification (the timeliness report reads its `sentAt`). */
export function sentMarkItem(
  notificationId: string,
  patient: PatientKey,
  details: { sentAt?: string; messageId?: string; topic?: string },
): Item {
  return {
    pk: patientPk(patient),
    sk: notificationSk(notificationId),
    itemType: 'notification',
    status: 'sent',
    notificationId,
    sentAt: details.sentAt ?? new Date().toISOString(),
    messageId: details.messageId,
    topic: details.topic,
  };
}
