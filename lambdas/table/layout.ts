/**
 * The single-table layout: key shapes, attribute names, index names and the
 * item types the evaluate function is triggered by. Pure constants and string
 * builders (no SDK import), so the CDK stack, the local stack and the store
 * all read the same definitions.
 *
 * Keys (pk / sk), the contract every reader of the table codes against:
 *
 *   PATIENT#<namespace>#<mrn>
 *     EVENT#AUDIT#<at>#<alertId>                                  audit event
 *     EVENT#NOTIFY#<notificationId>                               sent mark
 *     HIST#<observedAt>#OBS#<facility>#<controlId>#<obxSetId>     observation
 *     HIST#<eventAt>#MED#<facility>#<controlId>#<n>               medication order event
 *     HIST#<diagnosedAt>#DX#<facility>#<controlId>#<dg1SetId>     diagnosis
 *     HIST#<mergedAt>#MRG#<facility>#<controlId>                  patient merge (this patient survives)
 *     STATE#ALERT#<ruleId>#<alertScope>                           current alert (episode) per rule and scope
 *     STATE#SHADOW#<ruleId>#<alertScope>                          current would-be alert of a rule in shadow mode
 *     STATE#ENROL#<at>                                            cohort enrolment or removal
 *     STATE#OUTBOX#<notificationId>                               notification not yet published
 *     STATE#PROFILE                                               sex, location, name, cohort index
 *     STATE#CLINICAL                                              cohort membership and medication orders (never ages out)
 *   MSG#<application>#<facility>#<controlId>                      one sender's control id (MSH-3, MSH-4, MSH-10)
 *     MSG                                                         the first message with it (contentHash, expiresAt)
 *     MSG#<contentHash>                                           a later message reusing it with other content (expiresAt)
 *     AUDIT#<receivedAt>#<contentHash16>                          audit event: the control id was reused (kept)
 *   ALERTID#<alertId> / ALERTID                                   an alert episode under its own id (kept
 *                                                                 when a newer one takes the slot), and its slot
 *   SHADOW#<yyyy-mm> / <openedAt>#<alertId>                       a would-be alert episode of a shadow rule, by the
 *                                                                 UTC month it would have opened (the shadow report)
 *
 * A record key gets `#2`, `#3`, ... when one message holds two records that
 * would share it. The records of a message that reused an earlier message's
 * control id with other content end in `#R<contentHash16>` (before any such
 * `#n`), so they never overwrite the earlier message's records. Record times are ISO UTC with milliseconds (fixed width,
 * so they sort as text). A record's id (`recordId`) is its sort key.
 *
 * Key components are escaped (`%` -> `%25`, `#` -> `%23`) so an MRN or a
 * facility containing `#` can never make two keys collide; ordinary values
 * (letters, digits, ISO timestamps) appear unchanged.
 */
import type { PatientKey } from '../domain/records.js';

export const defaultTableName = 'calciphylaxis-alerting';

export const keyAttributes = { partition: 'pk', sort: 'sk' } as const;

/** Set on an item a patient merge copied to the survivor: the partition it was copied from. */
export const mergedFromAttribute = 'mergedFrom';

/** Set (true) on a medication order event that leaves the order as it was (an administration report). */
export const orderStateUnchangedAttribute = 'orderStateUnchanged';

/**
 * Set (true) on a record stored while its patient was outside the cohort, as the ingest
 * transaction established atomically: it can raise no alert, so it starts no evaluation (a
 * later cohort entry evaluates the patient whole, this record included).
 */
export const outsideCohortAttribute = 'outsideCohort';

/**
 * Set (true) on a record stored while its patient was in the cohort, as the ingest transaction
 * established atomically: its evaluation needs no triage read and goes straight to the history.
 */
export const insideCohortAttribute = 'insideCohort';

/**
 * The records marked with either: clinical records raise no alert outside the cohort; a merge record (it
 * moves another record to this patient, perhaps into the cohort) always starts its evaluation.
 */
export const outsideCohortItemTypes: ReadonlySet<unknown> = new Set([
  'observation',
  'medicationOrder',
  'diagnosis',
]);

/** Attribute DynamoDB's TTL reads (epoch seconds); set on duplicate-detection items. */
export const ttlAttribute = 'expiresAt';

export const openAlertsIndex = {
  name: 'openAlerts',
  partitionKey: 'openAlertsPk',
  sortKey: 'openAlertsSk',
  /** Partition value while an alert is open or acknowledged. */
  openValue: 'OPEN',
} as const;

export const cohortIndex = {
  name: 'cohort',
  partitionKey: 'cohortPk',
  sortKey: 'cohortSk',
  /** Partition value on the profile item while the patient is in the cohort (the sort value is its pk). */
  memberValue: 'COHORT',
} as const;

/**
 * The console's cohort list, whole in one Query: each cohort member's profile
 * (sort value: the patient's pk) and, right after it, each of the patient's
 * active alert slots (sort value `<pk>#ALERT#<ruleId>#<scope>`, only while
 * open or acknowledged). Its own index rather than `cohort`, which the sweep
 * reads and whose attributes only membership changes may write: the alert
 * attributes here are written with every alert change (the ack link's too),
 * and they only ever change what the console lists.
 */
export const cohortViewIndex = {
  name: 'cohortView',
  partitionKey: 'cohortViewPk',
  sortKey: 'cohortViewSk',
  memberValue: 'COHORT',
} as const;

/** The `cohortView` sort value of an active alert slot: right after its patient's profile (`<pk>`). */
export function cohortViewAlertSk(patient: PatientKey, ruleId: string, alertScope: string): string {
  return `${patientPk(patient)}#ALERT#${keyPart(ruleId)}#${keyPart(alertScope)}`;
}

/**
 * Every critical alert episode, open or closed, by the month it opened: the
 * timeliness report reads one partition per month of its period. Written on
 * each put of a critical alert's episode item (`ALERTID#<alertId>`), which a
 * later episode of the same rule and scope never replaces, and kept when it
 * closes (unlike `openAlerts`). Months are UTC, as `openedAt` is.
 */
export const criticalAlertsIndex = {
  name: 'criticalAlerts',
  partitionKey: 'criticalAlertsPk',
  sortKey: 'criticalAlertsSk',
} as const;

/** `CRITICAL#2026-11` for a month given as `2026-11`. */
export function criticalAlertsPk(month: string): string {
  return `CRITICAL#${month}`;
}

/**
 * The `criticalAlerts` index attributes of an alert item, or none for an
 * alert that is not critical. The sort value `<openedAt>#<alertId>` is
 * ordered by opening time; `openedAt` is ISO UTC with milliseconds, as the
 * lifecycle writes it (an unreadable one leaves the alert out of the index
 * rather than filing it in a wrong month).
 */
export function criticalAlertsKeys(alert: {
  alertId: string;
  severity: string;
  openedAt: string;
}): Record<string, string> {
  const openedMs = Date.parse(alert.openedAt);
  if (alert.severity !== 'critical' || Number.isNaN(openedMs)) return {};
  const openedAt = new Date(openedMs).toISOString();
  return {
    [criticalAlertsIndex.partitionKey]: criticalAlertsPk(openedAt.slice(0, 7)),
    [criticalAlertsIndex.sortKey]: `${openedAt}#${alert.alertId}`,
  };
}

/**
 * The `criticalAlerts` partitions and sort-key bounds of the alerts opened
 * at or after `from` and before `to`: one per UTC month touched. `BETWEEN
 * <from> AND <to>` keeps `to` out, because every sort value is `<openedAt>#...`
 * and so sorts after the bare `<to>` when openedAt equals it.
 */
export function criticalAlertsRanges(from: Date, to: Date): { pk: string; from: string; to: string }[] {
  return monthRanges(from, to, criticalAlertsPk);
}

/** Month partitions (`<prefix><yyyy-mm>`) touched by [from, to), with the sort-key bounds inside each. */
function monthRanges(
  from: Date,
  to: Date,
  pkOf: (month: string) => string,
): { pk: string; from: string; to: string }[] {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  if (Number.isNaN(fromMs) || Number.isNaN(toMs) || fromMs >= toMs) return [];
  const ranges: { pk: string; from: string; to: string }[] = [];
  const last = new Date(toMs - 1);
  let year = from.getUTCFullYear();
  let month = from.getUTCMonth();
  while (year < last.getUTCFullYear() || (year === last.getUTCFullYear() && month <= last.getUTCMonth())) {
    const monthStart = Date.UTC(year, month, 1);
    const monthEnd = Date.UTC(year, month + 1, 1);
    ranges.push({
      pk: pkOf(new Date(monthStart).toISOString().slice(0, 7)),
      from: new Date(Math.max(fromMs, monthStart)).toISOString(),
      to: new Date(Math.min(toMs, monthEnd)).toISOString(),
    });
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
  }
  return ranges;
}

/**
 * Would-be alerts of rules in shadow mode, by the UTC month they would have opened: the shadow
 * report reads one partition per month of its period (as the timeliness report reads
 * `criticalAlerts`), and nothing else reads these partitions, so a would-be alert never reaches
 * an on-call list, an escalation or an acknowledgement. `SHADOW#2026-11` for `2026-11`.
 */
export function shadowAlertsPk(month: string): string {
  return `SHADOW#${month}`;
}

/** The key of a would-be alert's episode item: its month partition, `<openedAt>#<alertId>` within. */
export function shadowEpisodeKey(alert: { alertId: string; openedAt: string }): { pk: string; sk: string } {
  const openedMs = Date.parse(alert.openedAt);
  const openedAt = Number.isNaN(openedMs) ? alert.openedAt : new Date(openedMs).toISOString();
  return { pk: shadowAlertsPk(openedAt.slice(0, 7)), sk: `${openedAt}#${alert.alertId}` };
}

/** The shadow partitions and sort-key bounds of would-be alerts opened at or after `from` and before `to`. */
export function shadowAlertsRanges(from: Date, to: Date): { pk: string; from: string; to: string }[] {
  return monthRanges(from, to, shadowAlertsPk);
}

export const itemTypes = [
  'observation',
  'medicationOrder',
  'diagnosis',
  'patientMerge',
  'cohortEnrolment',
  'patient',
  'clinicalState',
  'alert',
  'shadowAlert',
  'audit',
  'notification',
  'message',
  'messageAudit',
] as const;

export type ItemType = (typeof itemTypes)[number];

/** New items of these types start an evaluation (the stream event-source filter). */
export const evaluationTriggerItemTypes = [
  'observation',
  'medicationOrder',
  'diagnosis',
  'patientMerge',
  'cohortEnrolment',
] as const;

/**
 * The event-source filter of the evaluate function, in Lambda's filter-pattern
 * syntax: the CDK stack and the local stream poller use this one object.
 * Records a merge copied to the survivor never invoke it (the merge evaluates
 * the survivor once, on the whole), nor do order events that leave the order
 * as it was (orders are read from the clinical state, so they change nothing),
 * nor do records of patients outside the cohort.
 */
export const evaluationTriggerFilterPattern = {
  eventName: ['INSERT'],
  dynamodb: {
    NewImage: {
      itemType: { S: [...evaluationTriggerItemTypes] },
      [mergedFromAttribute]: { S: [{ exists: false }] },
      [orderStateUnchangedAttribute]: { BOOL: [{ exists: false }] },
      [outsideCohortAttribute]: { BOOL: [{ exists: false }] },
    },
  },
} as const;

/** Escapes one key component so `#` only ever separates components. */
export function keyPart(value: string): string {
  return value.replaceAll('%', '%25').replaceAll('#', '%23');
}

/** Reverses keyPart. */
export function unescapeKeyPart(value: string): string {
  return value.replaceAll('%23', '#').replaceAll('%25', '%');
}

export type { PatientKey };

export function patientPk({ namespace, mrn }: PatientKey): string {
  return `PATIENT#${keyPart(namespace)}#${keyPart(mrn)}`;
}

/*
 * The patient partition is sorted in three bands, so that everything an
 * evaluation reads is one contiguous key range (one Query):
 *
 *   EVENT#...  written, never read by an evaluation (audit trail, sent marks)
 *   HIST#...   clinical records, time first: `HIST#<at>#OBS|MED|DX#...`
 *   STATE#...  the patient's current state (profile, alerts, enrolments, outbox)
 *
 * `EVENT` < `HIST` < `STATE`, so `HIST#<since>` .. `STATE$` holds the records
 * from `since` on and every state item, and no event item.
 */

/** Band prefixes of the patient partition's sort keys. */
export const sortKeyBand = {
  event: 'EVENT#',
  history: 'HIST#',
  state: 'STATE#',
} as const;

/** Sort-key prefixes per item kind in the patient partition. */
export const sortKeyPrefix = {
  history: sortKeyBand.history,
  cohortEnrolment: 'STATE#ENROL#',
  alert: 'STATE#ALERT#',
  shadowAlert: 'STATE#SHADOW#',
  outbox: 'STATE#OUTBOX#',
  audit: 'EVENT#AUDIT#',
  notification: 'EVENT#NOTIFY#',
} as const;

/** The PROFILE item (sex, location, name, cohort membership). */
export const profileSk = 'STATE#PROFILE';

/**
 * The durable clinical state (cohort membership, each medication order's current state): written
 * with every message or enrolment that changes it, read with every history.
 */
export const clinicalStateSk = 'STATE#CLINICAL';

/**
 * Upper bound for a `BETWEEN` over one prefix: `$` is the character after `#`,
 * so `STATE$` sorts after every `STATE#...` key.
 */
export function prefixUpperBound(prefix: string): string {
  return `${prefix.slice(0, -1)}$`;
}

/**
 * The key range of a patient's history read: records at or after `since`
 * (an ISO UTC time with milliseconds, as the record keys hold it) and every
 * state item. A record at exactly `since` is included: its key
 * `HIST#<since>#...` sorts after the bare `HIST#<since>`.
 */
export function historyRange(since: string): { from: string; to: string } {
  return { from: `${sortKeyBand.history}${since}`, to: prefixUpperBound(sortKeyBand.state) };
}

export function observationSk(
  observedAt: string,
  facility: string,
  controlId: string,
  obxSetId: string,
): string {
  return `HIST#${observedAt}#OBS#${keyPart(facility)}#${keyPart(controlId)}#${keyPart(obxSetId)}`;
}

export function medicationOrderSk(eventAt: string, facility: string, controlId: string, n: number): string {
  return `HIST#${eventAt}#MED#${keyPart(facility)}#${keyPart(controlId)}#${n}`;
}

export function diagnosisSk(
  diagnosedAt: string,
  facility: string,
  controlId: string,
  dg1SetId: string,
): string {
  return `HIST#${diagnosedAt}#DX#${keyPart(facility)}#${keyPart(controlId)}#${keyPart(dg1SetId)}`;
}

export function mergeSk(mergedAt: string, facility: string, controlId: string): string {
  return `HIST#${mergedAt}#MRG#${keyPart(facility)}#${keyPart(controlId)}`;
}

/** Enrolments are state, not history: every one counts however old (few per patient). */
export function enrolmentSk(at: string): string {
  return `STATE#ENROL#${at}`;
}

/** The current alert per rule and scope. */
export function alertSk(ruleId: string, alertScope: string): string {
  return `STATE#ALERT#${keyPart(ruleId)}#${keyPart(alertScope)}`;
}

/** The current would-be alert of a rule in shadow mode, per rule and scope (never on an index). */
export function shadowAlertSk(ruleId: string, alertScope: string): string {
  return `STATE#SHADOW#${keyPart(ruleId)}#${keyPart(alertScope)}`;
}

export function auditSk(at: string, alertId: string): string {
  return `EVENT#AUDIT#${at}#${keyPart(alertId)}`;
}

/** The sent mark of a published notification. */
export function notificationSk(notificationId: string): string {
  return `EVENT#NOTIFY#${keyPart(notificationId)}`;
}

/**
 * A rendered notification committed with its alert change and not yet
 * published (the outbox). Deleted when published, leaving the sent mark.
 */
export function outboxSk(notificationId: string): string {
  return `STATE#OUTBOX#${keyPart(notificationId)}`;
}

/**
 * Duplicate detection: one partition per (MSH-3 as sent, MSH-4.1, MSH-10),
 * the control id as one sending application at one facility numbers it.
 */
export function messagePk(application: string, facility: string, controlId: string): string {
  return `MSG#${keyPart(application)}#${keyPart(facility)}#${keyPart(controlId)}`;
}

/** The first message with a control id; it holds that message's content hash. */
export const messageSk = 'MSG';

/** A later message that reused the control id with other content (its full SHA-256). */
export function reusedMessageSk(contentHash: string): string {
  return `MSG#${keyPart(contentHash)}`;
}

/** The audit event of a reused control id, in the control id's partition, never expiring. */
export function controlIdReusedAuditSk(receivedAt: string, contentHash: string): string {
  return `AUDIT#${receivedAt}#${keyPart(contentHash.slice(0, 16))}`;
}

/**
 * Ends the record keys of a message that reused a control id with other
 * content. `R` after `#` can never be confused with the `#2`, `#3` that
 * separate two records of one message, and escaped components never hold
 * `#`, so a key with this suffix cannot equal a key without it.
 */
export function reusedControlIdSuffix(contentHash: string): string {
  return `#R${keyPart(contentHash.slice(0, 16))}`;
}

/**
 * Alert ids are made by the alert lifecycle, not the store. The episode item
 * under the id holds the alert (put with every change, in the same
 * transaction as the patient's alert slot), so `getAlert(alertId)` is one
 * GetItem and finds earlier episodes too; it also names the slot (`alertPk`,
 * `alertSk`). Items written before it held the alert are only that pointer.
 */
export function alertIdPk(alertId: string): string {
  return `ALERTID#${keyPart(alertId)}`;
}

export const alertIdSk = 'ALERTID';
