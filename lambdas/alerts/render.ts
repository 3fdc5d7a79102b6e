/**
 * Turns a notification into what SNS publishes: a JSON body for machine
 * subscribers, a short SMS, an email, and the message attributes that
 * subscription filter policies match on (clinical-rules.md, "Page content").
 *
 * PHI: a page names the patient by facility, MRN and location only; the name
 * appears only when the hospital set `pagePhi: full` and the caller passed it,
 * and never in an email subject (subjects show on locked screens).
 */
import type { Alert, Evidence, Notification, NotificationEvent, RuleId, Severity } from '../domain/alerts.js';
import { asciiSubject, fitText, readableLocation, smsSafe } from './text.js';
import { worsenedWords } from './worsening.js';

export interface PatientName {
  family: string;
  given: string;
}

export interface RenderOptions {
  pagePhi: 'minimal' | 'full';
  /** Used only when `pagePhi` is `full`. */
  patientName?: PatientName;
  /**
   * This notification's tap-to-acknowledge link (ack-links/links.ts, `ackLinkFor`),
   * where an ack endpoint is deployed. It goes in the JSON body, the e-mail
   * and, whole or not at all, at the end of the SMS.
   */
  ackUrl?: string;
  hospitalName?: string;
}

/** The default (JSON) body: exactly these keys, `ackUrl` only when given. */
export interface NotificationBody {
  alertId: string;
  ruleId: RuleId;
  severity: Severity;
  event: NotificationEvent;
  patient: { facility: string; mrn: string; location: string | null; name?: PatientName };
  /**
   * The alert's finding; for `resolved`/`superseded`, why it closed; for
   * `worsened`, both values and the finding (what the reader needs now).
   */
  finding: string;
  recommendation: string;
  evidence: Evidence[];
  openedAt: string;
  /** The rules code and configuration that decided the alert (rules/rule-set-version.ts), where recorded. */
  ruleSetVersion?: string;
  ackUrl?: string;
}

/**
 * `escalationLevel` (`"1"`, `"2"`, ...) only on escalations: the publisher picks the level's topic
 * from it. `notificationId` is set when the outbox publishes (the same on a re-publish), so a
 * subscriber can drop a repeat.
 */
export type NotificationAttributes = Record<'severity' | 'ruleId' | 'facility' | 'event', string> & {
  escalationLevel?: string;
  /** The alert's rule-set version, where recorded, so a subscriber can tell which rules sent it. */
  ruleSetVersion?: string;
  notificationId?: string;
};

export interface RenderedNotification {
  /** Email subject: printable ASCII, at most `subjectMaxLength` characters. */
  subject: string;
  message: { default: string; sms: string; email: string };
  attributes: NotificationAttributes;
}

export const smsMaxLength = 160;
/** SNS wants subjects "less than 100 characters". */
export const subjectMaxLength = 99;

/** With a link, location and then name give way before the finding gets shorter than this. */
const smsMinFindingWithLink = 24;

/** Caps that keep room for the value in an SMS whatever the location or name. */
const smsCaps = { facility: 16, location: 20, name: 20 } as const;

export function renderNotification(notification: Notification, options: RenderOptions): RenderedNotification {
  const name = options.pagePhi === 'full' ? options.patientName : undefined;
  const body = bodyOf(notification, name, options.ackUrl);
  return {
    subject: subjectOf(notification, options.hospitalName),
    message: {
      default: JSON.stringify(body),
      sms: smsOf(notification, name, options.ackUrl),
      email: emailOf(notification, name, options),
    },
    attributes: {
      severity: notification.alert.severity,
      ruleId: notification.alert.ruleId,
      facility: notification.alert.patient.facility,
      event: notification.event,
      ...(notification.escalation === undefined
        ? {}
        : { escalationLevel: String(notification.escalation.level) }),
      ...(notification.alert.ruleSetVersion === undefined
        ? {}
        : { ruleSetVersion: notification.alert.ruleSetVersion }),
    },
  };
}

/** What the reader needs to know now: the finding, why the alert closed, or how much worse it got. */
export function headlineOf({ event, alert, worsened }: Notification): string {
  // Both values first: an SMS cut at 160 characters still says how much worse.
  if (event === 'worsened' && worsened !== undefined) {
    return `Worse (${worsenedWords(worsened)}): ${alert.finding}`;
  }
  if (event === 'resolved') return `Resolved: ${alert.resolution ?? 'no reason recorded'}`;
  if (event === 'superseded') {
    const resolution = alert.resolution ?? 'superseded';
    return `${resolution.charAt(0).toUpperCase()}${resolution.slice(1)}`;
  }
  return alert.finding;
}

function bodyOf(notification: Notification, name: PatientName | undefined, ackUrl: string | undefined) {
  const { alert } = notification;
  const body: NotificationBody = {
    alertId: alert.alertId,
    ruleId: alert.ruleId,
    severity: alert.severity,
    event: notification.event,
    patient: {
      facility: alert.patient.facility,
      mrn: alert.patient.mrn,
      location: alert.patient.location ?? null,
      ...(name ? { name: { family: name.family, given: name.given } } : {}),
    },
    finding: headlineOf(notification),
    recommendation: alert.recommendation,
    evidence: alert.evidence.map((evidence) => ({ ...evidence })),
    openedAt: alert.openedAt,
    ...(alert.ruleSetVersion === undefined ? {} : { ruleSetVersion: alert.ruleSetVersion }),
    ...(ackUrl ? { ackUrl } : {}),
  };
  return body;
}

/**
 * `OPENED CALCIUM_CRITICAL_LOW NDC MRN 298205 loc HD, CHAIR01: calcium 7.2 mg/dL ...`
 * The event, rule id, facility and MRN always fit; location and name are
 * capped; the finding takes the rest and is cut with `...` when long.
 *
 * An ack link goes at the end, whole (a cut link is useless). To make room
 * the finding is shortened, down to `smsMinFindingWithLink` characters; then
 * the location and then the name are left out. If even event, rule, facility
 * and MRN leave no room, the SMS goes without the link (the JSON body and the
 * e-mail still carry it).
 */
function smsOf(
  notification: Notification,
  name: PatientName | undefined,
  ackUrl: string | undefined,
): string {
  const { alert } = notification;
  const facility = fitText(smsSafe(alert.patient.facility), smsCaps.facility);
  const who = `${notification.event.toUpperCase()} ${alert.ruleId} ${facility} MRN ${smsSafe(alert.patient.mrn)}`;
  const named = name ? ` ${fitText(smsSafe(`${name.family}, ${name.given}`), smsCaps.name)}` : '';
  const location = readableLocation(alert.patient.location, alert.patient.facility);
  const where = location ? ` loc ${fitText(smsSafe(location), smsCaps.location)}` : '';
  const finding = smsSafe(headlineOf(notification));

  if (ackUrl !== undefined && ackUrl !== '') {
    const room = smsMaxLength - ' '.length - ackUrl.length;
    const prefixes = [`${who}${named}${where}: `, `${who}${named}: `, `${who}: `].filter(
      (prefix) => prefix.length <= room,
    );
    // The value matters more than the location or the name: keep a readable start of the finding.
    const prefix =
      prefixes.find((candidate) => room - candidate.length >= smsMinFindingWithLink) ?? prefixes.at(-1);
    if (prefix !== undefined) {
      return `${`${prefix}${fitText(finding, room - prefix.length)}`.trimEnd()} ${ackUrl}`;
    }
  }

  const prefix = `${who}${named}${where}: `;
  const fitted = fitText(finding, Math.max(0, smsMaxLength - prefix.length));
  // Only an absurdly long MRN could overflow here; the limit still holds.
  return fitText(`${prefix}${fitted}`, smsMaxLength);
}

function subjectOf(notification: Notification, hospitalName: string | undefined): string {
  const { alert } = notification;
  const core = asciiSubject(
    `${alert.severity.toUpperCase()} ${notification.event}: ${alert.ruleId} - ${alert.patient.facility} MRN ${alert.patient.mrn}`,
  );
  const room = subjectMaxLength - core.length - '[] '.length;
  const hospital = hospitalName ? asciiSubject(hospitalName) : '';
  // The hospital name is the part to give up when space runs out.
  const prefix = hospital && room >= 8 ? `[${fitText(hospital, room)}] ` : '';
  return fitText(`${prefix}${core}`, subjectMaxLength);
}

function emailOf(notification: Notification, name: PatientName | undefined, options: RenderOptions): string {
  const { alert, event } = notification;
  const location = readableLocation(alert.patient.location, alert.patient.facility);
  const lines = [
    `${alert.severity.toUpperCase()} alert ${alert.ruleId}: ${event}`,
    ...(options.hospitalName ? [`Hospital: ${options.hospitalName}`] : []),
    '',
    `Patient: MRN ${alert.patient.mrn} at ${alert.patient.facility}${location ? `, location ${location}` : ''}`,
    ...(name ? [`Name: ${name.family}, ${name.given}`] : []),
    '',
    `Finding: ${alert.finding}`,
    `Recommendation: ${alert.recommendation}`,
    ...(event === 'resolved' || event === 'superseded' || event === 'worsened'
      ? [`${headlineOf(notification)}`]
      : []),
    ...(alert.acknowledgedBy
      ? [`Acknowledged by ${acknowledgerOf(alert)} at ${alert.acknowledgedAt ?? ''}`]
      : []),
    ...(event === 'repeated' ? [`Repeat ${alert.repeatCount}: not yet acknowledged.`] : []),
    ...(event === 'escalated' ? [escalationLine(notification)] : []),
    '',
    'Evidence:',
    ...(alert.evidence.length > 0 ? alert.evidence.map((evidence) => `- ${evidence.summary}`) : ['- (none)']),
    '',
    `Alert ${alert.alertId}, opened ${alert.openedAt}`,
    ...(alert.ruleSetVersion === undefined ? [] : [`Rule set ${alert.ruleSetVersion}`]),
    ...(options.ackUrl ? [`Acknowledge: ${options.ackUrl}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The name given beside the identity, when there is one. */
function acknowledgerOf(alert: Alert): string {
  return alert.acknowledgedByName === undefined
    ? String(alert.acknowledgedBy)
    : `${alert.acknowledgedByName} (${alert.acknowledgedBy})`;
}

function escalationLine({ escalation }: Notification): string {
  return escalation === undefined
    ? 'Escalated: not acknowledged in time.'
    : `Escalated to level ${escalation.level} (${escalation.name}): not acknowledged in time.`;
}
