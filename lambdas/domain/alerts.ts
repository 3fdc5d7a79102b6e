/**
 * What the rules say and what the alert lifecycle keeps: findings, alerts,
 * notifications and audit events. Pure types shared by rules/, alerts/ and
 * the adapters.
 */
import type { MedicationClass, Observation, PatientRef, Quantity } from './records.js';

export const ruleIds = [
  'CALCIUM_CRITICAL_LOW',
  'CALCIUM_LOW',
  'VKA_ACTIVE',
  'PTH_SEVERE',
  'PTH_START_CINACALCET',
  'PTH_TITRATE_CINACALCET',
  'PTH_LOW',
  'CALCIUM_CHECK_AFTER_CINACALCET',
  'CALCIUM_MONITORING_OVERDUE',
  'HEMOGLOBIN_LOW',
  'BICARBONATE_LOW',
  'QUARTERLY_LABS_OVERDUE',
  'CRP_RISING',
  'CALCIUM_BINDER_ACTIVE',
  'ACTIVE_VITAMIN_D',
  'THIOSULFATE_NOT_STARTED',
  'THIOSULFATE_COURSE_REVIEW',
  'DIALYSATE_CALCIUM_HIGH',
  'RESULT_UNREADABLE',
] as const;

export type RuleId = (typeof ruleIds)[number];

/**
 * The rules whose alerts page the on-call (severity `critical` in their files; a test keeps the two
 * in step): the configuration may not take them off paging without a recorded, approved override.
 */
export const criticalRuleIds = ['CALCIUM_CRITICAL_LOW', 'VKA_ACTIVE'] as const satisfies readonly RuleId[];

export type Severity = 'critical' | 'urgent' | 'advisory';

/** A stored record that a finding rests on, small enough to carry in a page. */
export interface Evidence {
  kind: 'observation' | 'medicationOrder' | 'diagnosis' | 'cohortEnrolment';
  /** Stable id of the stored record (e.g. the observation's sort key). */
  recordId: string;
  /** One short line: `calcium 7.2 mg/dL (F) at 2026-07-26T23:44:14.000Z`. */
  summary: string;
  at: string;
  /**
   * When the message carrying this record arrived (the stored record's
   * receivedAt), so the timeliness report can tell lab delay from ours.
   */
  receivedAt?: string;
  /**
   * A result's value in the analyte's canonical unit (observations only): what a
   * `worsened` page compares. Absent on evidence stored before it was kept.
   */
  value?: Quantity;
}

/** What a rule says now about one patient. */
export interface Finding {
  ruleId: RuleId;
  severity: Severity;
  /**
   * Distinguishes alerts of one rule for one patient where the rule allows
   * several at once (RESULT_UNREADABLE: one per result); empty otherwise.
   */
  alertScope: string;
  /** One sentence with the value, unit and time. */
  finding: string;
  recommendation: string;
  evidence: Evidence[];
}

/**
 * A rule's verdict. `noChange` means neither condition holds (for example a
 * calcium of 7.8 neither opens nor resolves CALCIUM_CRITICAL_LOW).
 */
export type RuleOutcome =
  | { kind: 'fire'; finding: Finding }
  | { kind: 'resolve'; ruleId: RuleId; alertScope: string; reason: string; evidence: Evidence[] }
  | { kind: 'noChange'; ruleId: RuleId };

export type AlertState = 'open' | 'acknowledged' | 'resolved' | 'superseded';

export interface Alert {
  /** Stable and unique: `<namespace>#<mrn>#<ruleId>#<scope>#<openedAt>`-derived. */
  alertId: string;
  patient: Pick<PatientRef, 'facility' | 'namespace' | 'mrn' | 'location'>;
  ruleId: RuleId;
  alertScope: string;
  severity: Severity;
  state: AlertState;
  finding: string;
  recommendation: string;
  evidence: Evidence[];
  openedAt: string;
  acknowledgedAt?: string;
  /** Who acknowledged: the caller's IAM identity (admin API) or the ack link's typed name and audience. */
  acknowledgedBy?: string;
  /** The name an admin caller gave for themselves, beside the identity. */
  acknowledgedByName?: string;
  resolvedAt?: string;
  resolution?: string;
  /** Escalation/repeat bookkeeping for critical alerts. */
  escalatedAt?: string;
  /**
   * The highest escalation level notified (1 = the first level). Absent on
   * alerts stored before the escalation chain: there `escalatedAt` means level 1.
   */
  escalationLevel?: number;
  /** Timeliness (critical results): when the result was observed (OBX-14, else OBR-7) or the order took effect. */
  resultAt?: string;
  /** Timeliness: when the message carrying that result arrived. */
  receivedAt?: string;
  /** Timeliness: when the first `opened` page was published (the store reads it from that page's sent mark). */
  firstPagedAt?: string;
  /**
   * Acknowledged critical or urgent alerts of rules with a value to compare
   * (alerts/worsening.ts): what a newer result must be worse than, by the
   * rule's margin, to page `worsened`.
   */
  worsening?: WorseningReference;
  lastNotifiedAt: string;
  repeatCount: number;
  /**
   * The rule-set version (rules/rule-set-version.ts) of the rules decision that last changed the
   * alert (opened, new evidence, resolved, superseded). Escalations, repeats and acknowledgements
   * are not rules decisions and keep it. Absent on alerts stored before it was kept.
   */
  ruleSetVersion?: string;
  /**
   * A would-be alert of a rule in `shadow` mode: recorded where it would have opened (its own slot
   * and the shadow report), never paged, escalated, listed for the on-call or acknowledged.
   */
  shadow?: true;
  /** Optimistic-concurrency version, bumped on every change. */
  version: number;
}

/** The value a `worsened` page is measured against, and where it came from. */
export interface WorseningReference {
  value: Quantity;
  /** The result it was read from. */
  recordId: string;
  at: string;
  /** The worst value of the evidence when the alert was acknowledged, or the value the last `worsened` page named. */
  setBy: 'acknowledgement' | 'worsened';
  /** `worsened` pages sent for this alert so far (they number the notification ids). */
  pages: number;
}

export type NotificationEvent =
  | 'opened'
  | 'escalated'
  | 'repeated'
  | 'acknowledged'
  | 'resolved'
  | 'superseded'
  | 'worsened';

export type Topic = 'pages' | 'notices' | 'escalations';

/** One level of the escalation chain, as a notification names it. */
export interface EscalationStep {
  /** 1-based: level 1 publishes to the `escalations` topic, level n to `escalation-<n>`. */
  level: number;
  /** Who the level reaches, in the hospital's words (`backup nephrologist`). */
  name: string;
}

export interface Notification {
  /** Unique per alert transition, so a retry can tell whether it was sent. */
  notificationId: string;
  topic: Topic;
  event: NotificationEvent;
  alert: Alert;
  /** Only on `escalated` notifications (topic `escalations`): which level of the chain it goes to. */
  escalation?: EscalationStep;
  /** Only on `worsened` notifications: the value it was measured against and the new, worse one. */
  worsened?: { was: WorseningReference; now: WorseningReference };
}

export interface AuditEvent {
  alertId: string;
  at: string;
  from: AlertState | 'none';
  to: AlertState;
  /** Named reason: `first notification`, `escalated`, `superseded by CALCIUM_CRITICAL_LOW`, ... */
  reason: string;
  by: string;
  /** The name the acting caller gave, beside `by` (their identity). */
  byName?: string;
  /** The alert's rule-set version after this transition (absent on alerts stored before it was kept). */
  ruleSetVersion?: string;
}

/** Medication order state as the rules see it (events applied in order). */
export interface MedicationOrderState {
  orderId: string;
  medicationClass?: MedicationClass;
  ingredient?: string;
  drugText: string;
  status: 'active' | 'held' | 'ended';
  dailyDoseMg?: number;
  startedAt: string;
  endedAt?: string;
  lastEventAt: string;
}

/** Convenience for rules that read numbers: an observation with a canonical value. */
export type ReadableObservation = Observation & { canonical: NonNullable<Observation['canonical']> };
