/**
 * The single-table layout: key shapes, attribute names, index names and the
 * item types the evaluate function is triggered by. Pure constants and string
 * builders (no SDK import), so the CDK stack, the local stack and the store
 * all read the same definitions.
 *
 * Key components are escaped (`%` -> `%25`, `#` -> `%23`) so an MRN or a
 * facility containing `#` can never make two keys collide; ordinary values
 * (letters, digits, ISO timestamps) appear unchanged.
 */

export const defaultTableName = 'calciphylaxis-alerting';

export const keyAttributes = { partition: 'pk', sort: 'sk' } as const;

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
  /** Partition value on the PROFILE item while the patient is in the cohort. */
  memberValue: 'COHORT',
} as const;

export const itemTypes = [
  'observation',
  'medicationOrder',
  'diagnosis',
  'cohortEnrolment',
  'patient',
  'alert',
  'audit',
  'notification',
  'message',
] as const;

export type ItemType = (typeof itemTypes)[number];

/** New items of these types start an evaluation (the stream event-source filter). */
export const evaluationTriggerItemTypes = [
  'observation',
  'medicationOrder',
  'diagnosis',
  'cohortEnrolment',
] as const;

/**
 * The event-source filter of the evaluate function, in Lambda's filter-pattern
 * syntax: the CDK stack and the local stream poller use this one object.
 */
export const evaluationTriggerFilterPattern = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { itemType: { S: [...evaluationTriggerItemTypes] } } },
} as const;

/** Escapes one key component so `#` only ever separates components. */
export function keyPart(value: string): string {
  return value.replaceAll('%', '%25').replaceAll('#', '%23');
}

/** Reverses keyPart. */
export function unescapeKeyPart(value: string): string {
  return value.replaceAll('%23', '#').replaceAll('%25', '%');
}

export interface PatientKey {
  namespace: string;
  mrn: string;
}

export function patientPk({ namespace, mrn }: PatientKey): string {
  return `PATIENT#${keyPart(namespace)}#${keyPart(mrn)}`;
}

export const profileSk = 'PROFILE';

/** Sort-key prefixes per item kind in the patient partition. */
export const sortKeyPrefix = {
  observation: 'OBS#',
  medicationOrder: 'MED#',
  diagnosis: 'DX#',
  cohortEnrolment: 'ENROL#',
  alert: 'ALERT#',
  audit: 'AUDIT#',
  notification: 'NOTIFY#',
  outbox: 'OUTBOX#',
} as const;

/**
 * Upper bound for a `BETWEEN` over one prefix: `$` is the character after `#`,
 * so `OBS$` sorts after every `OBS#...` key.
 */
export function prefixUpperBound(prefix: string): string {
  return `${prefix.slice(0, -1)}$`;
}

export function observationSk(
  observedAt: string,
  facility: string,
  controlId: string,
  obxSetId: string,
): string {
  return `OBS#${observedAt}#${keyPart(facility)}#${keyPart(controlId)}#${keyPart(obxSetId)}`;
}

export function medicationOrderSk(eventAt: string, facility: string, controlId: string, n: number): string {
  return `MED#${eventAt}#${keyPart(facility)}#${keyPart(controlId)}#${n}`;
}

export function diagnosisSk(
  diagnosedAt: string,
  facility: string,
  controlId: string,
  dg1SetId: string,
): string {
  return `DX#${diagnosedAt}#${keyPart(facility)}#${keyPart(controlId)}#${keyPart(dg1SetId)}`;
}

export function enrolmentSk(at: string): string {
  return `ENROL#${at}`;
}

export function alertSk(ruleId: string, alertScope: string): string {
  return `ALERT#${keyPart(ruleId)}#${keyPart(alertScope)}`;
}

export function auditSk(at: string, alertId: string): string {
  return `AUDIT#${at}#${keyPart(alertId)}`;
}

export function notificationSk(notificationId: string): string {
  return `NOTIFY#${keyPart(notificationId)}`;
}

/**
 * A rendered notification committed with its alert change and not yet
 * published (the outbox). Deleted when published, leaving the NOTIFY# mark.
 */
export function outboxSk(notificationId: string): string {
  return `OUTBOX#${keyPart(notificationId)}`;
}

/** Duplicate detection: one item per (sending facility, MSH-10). */
export function messagePk(facility: string, controlId: string): string {
  return `MSG#${keyPart(facility)}#${keyPart(controlId)}`;
}

export const messageSk = 'MSG';

/**
 * Alert ids are made by the alert lifecycle, not the store; this small item
 * maps an id to the patient partition and ALERT sort key where the alert
 * lives, so `getAlert(alertId)` is one GetItem plus one GetItem.
 */
export function alertIdPk(alertId: string): string {
  return `ALERTID#${keyPart(alertId)}`;
}

export const alertIdSk = 'ALERTID';
