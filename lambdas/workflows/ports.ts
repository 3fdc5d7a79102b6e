/**
 * What the workflows need from the outside world. The adapters implement
 * these over DynamoDB, SNS and S3; the workflows only see the shapes, so they
 * stay free of the AWS SDK and can be driven by any store. The shapes the
 * store takes and gives (a patient's history, a message to accept, an alert
 * change, ...) are defined here too, so workflows never import an adapter.
 */
import type { RenderedNotification } from '../alerts/render.js';
import type { RulesConfig } from '../config/rules-config.js';
import type { Alert, AuditEvent, Topic } from '../domain/alerts.js';
import type {
  ClinicalRecord,
  CohortEnrolment,
  PatientKey,
  PatientRef,
  Sex,
  StoredRecord,
} from '../domain/records.js';
import type { ClinicalState } from '../patient/clinical-state.js';
import type { LatestResults } from '../patient/latest-results.js';

/** A notification written with the alert change it belongs to, published afterwards (an outbox). */
export interface PendingNotification {
  notificationId: string;
  patient: PatientKey;
  topic: Topic;
  rendered: RenderedNotification;
}

export interface OutboxClaim {
  /** Who publishes; the same claimant may take its own entry again (a retry of the same work). */
  claimant: string;
  now: Date;
  /** Longer than the longest publish (SDK timeouts and retries included), so a live claim never lapses. */
  leaseMs: number;
}

export interface NotificationPorts {
  /**
   * Persists alert changes, audit events and the outbox in one conditional transaction; with a
   * claim, the outbox entries are written claimed by it (their first attempt).
   */
  applyAlertChanges(
    input: AlertChanges & { outbox: readonly PendingNotification[]; claim?: OutboxClaim },
  ): Promise<void>;
  /**
   * Takes the outbox entry for a while before publishing it (a conditional write): the attempt
   * number, or undefined when it was sent, is parked, or another claimant holds it.
   */
  claimNotification(pending: PendingNotification, claim: OutboxClaim): Promise<number | undefined>;
  /** Publishes to the topic; throws when SNS does not take it. */
  publish(topic: Topic, rendered: RenderedNotification): Promise<string>;
  /** Marks the outbox entry sent and keeps the sent mark. */
  completeNotification(pending: PendingNotification, messageId: string, sentAt: string): Promise<void>;
  /** After a failed publish: gives the claim back, or parks the entry so it is never taken again. */
  releaseNotification(
    pending: PendingNotification,
    release: { claimant: string; at: string; error: string; park: boolean },
  ): Promise<void>;
}

/** What decides, in one small read, whether a new record needs the full evaluation. */
export interface PatientTriage {
  inCohort: boolean;
  /** A committed notification not yet published (nor parked). */
  pendingNotifications: boolean;
}

export interface PatientPorts {
  triagePatient(namespace: string, mrn: string): Promise<PatientTriage>;
  loadPatient(
    namespace: string,
    mrn: string,
    window: { historyDays: number; now: Date },
  ): Promise<PatientHistory>;
  getPatientProfile(namespace: string, mrn: string): Promise<PatientProfile | undefined>;
}

export interface WorkflowSettings {
  config: RulesConfig;
  historyDays: number;
  /** Where tap-to-acknowledge links point and the key that signs them; no base URL: no links. */
  ackLinks?: AckLinkSource;
}

export interface AckLinkSource {
  baseUrl: string | undefined;
  /** Read lazily: only pages that carry a link need it. */
  key(): Promise<Uint8Array | undefined>;
}

export type { Alert, PatientKey };

/** The ingest outcome as HL7 acknowledgement code, or `received` when archived before parsing. */
export type ArchiveOutcome = 'AA' | 'AE' | 'AR' | 'received';

export interface RawMessageToArchive {
  bytes: Uint8Array;
  /** ISO UTC arrival time. */
  receivedAt: string;
  facility?: string;
  controlId?: string;
  outcome: ArchiveOutcome;
}

export interface AcceptMessageInput {
  /** MSH-3 as sent: with MSH-4 and MSH-10, who numbered the control id. */
  sendingApplication: string;
  /** MSH-4 first component. */
  facility: string;
  /** MSH-10. */
  controlId: string;
  /** SHA-256 (hex) of the message without MSH-7: the same ids with another hash are another message. */
  contentHash: string;
  /** When the pipeline received the message (ISO UTC). */
  receivedAt: string;
  /** Where the raw bytes were archived (S3 key). */
  archiveKey: string;
  patient: PatientRef;
  records: readonly ClinicalRecord[];
  /**
   * Set when the records change the patient's durable clinical state (an order event, a cohort
   * diagnosis): the next state from the current one and the records as stored. Written in the same
   * transaction as the records; recomputed on a fresh read when another message changed it first.
   */
  updateClinicalState?: (current: ClinicalState, stored: readonly StoredRecord[]) => ClinicalState;
}

/** An accepted message, as its duplicate-detection item remembers it. */
export interface OriginalMessage {
  receivedAt: string;
  archiveKey: string;
}

export type AcceptMessageResult =
  | {
      outcome: 'stored';
      storedRecords: StoredRecord[];
      /** Set when an earlier message with other content had this control id (audited). */
      reusedControlId?: { first?: OriginalMessage };
    }
  | {
      outcome: 'duplicate';
      /** The first copy, when DynamoDB returned it. */
      original?: OriginalMessage;
    };

export type AlertChange =
  | { kind: 'create'; alert: Alert }
  /** `alert` carries the new version; the stored one must still be `expectedVersion`. */
  | { kind: 'update'; alert: Alert; expectedVersion: number };

export interface AlertChanges {
  changes: readonly AlertChange[];
  audit: readonly AuditEvent[];
  /** Rendered notifications of these changes, committed with them and published afterwards. */
  outbox?: readonly PendingNotification[];
  /** The outbox entries are written claimed by this claimant (who publishes them next). */
  claim?: OutboxClaim;
}

export interface AlertPage {
  alerts: Alert[];
  /** Pass back to get the next page; absent on the last page. */
  cursor?: string;
}

export interface PatientHistory {
  /** Undefined when no message about the patient has been stored yet. */
  profile: PatientProfile | undefined;
  /** Observations, medication order events and diagnoses inside the window, oldest first. */
  records: StoredRecord[];
  /** Cohort membership and medication orders, however old (empty for a patient without either). */
  clinical: ClinicalState;
  /** The current alert per rule and scope while open or acknowledged. */
  activeAlerts: Alert[];
  /** The last alert per rule and scope that is resolved or superseded. */
  closedAlerts: Alert[];
  /** Open would-be alerts of rules in shadow mode (absent: none; a store written before shadow mode). */
  shadowAlerts?: Alert[];
  /** Notifications committed but not yet published (a publish failed or the function stopped): send these first. */
  pendingNotifications: PendingNotification[];
}

export interface HistoryWindow {
  /** How far back records are read (HISTORY_DAYS). */
  historyDays: number;
  now: Date | string;
}

/** What the administrator asked for; stored as the enrolment record. */
export type CohortMembershipChange = Omit<CohortEnrolment, 'kind'>;

/** What the store keeps about a patient besides the records (the STATE#PROFILE item). */
export interface PatientProfile {
  namespace: string;
  mrn: string;
  /** The sending facility of the last message about this patient. */
  facility?: string;
  sex: Sex;
  location?: string;
  /** Kept only for hospitals with `pagePhi: full`; never logged. */
  name?: { family: string; given: string };
  /** Present while the patient is in the cohort; `by`: who enrolled them (an enrolment). */
  cohort?: { since: string; via: string; by?: string };
  updatedAt?: string;
  /** A cohort member's latest calcium, PTH and CRP, as their last evaluation saw them (the console's cohort list). */
  latestResults?: LatestResults;
}

export type { LatestResult, LatestResults } from '../patient/latest-results.js';

/** A cohort enrolment or removal as stored (recordId is its sort key). */
export interface StoredEnrolment {
  recordId: string;
  enrolment: CohortEnrolment;
}

export type TriggeringItem =
  | {
      kind: 'record';
      patient: PatientKey;
      stored: StoredRecord;
      /** The ingest found the patient in the cohort when it stored the record (no triage needed). */
      insideCohortAtIngest?: boolean;
    }
  | { kind: 'enrolment'; patient: PatientKey; stored: StoredEnrolment };

/** What a store throws; `retryable` says whether the same call may succeed later (AE, not AR). */
export class StoreError extends Error {
  constructor(
    message: string,
    /** True when the same call may succeed later (throttling, network, a 5xx): answer AE, not AR. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/**
 * An alert changed under us: a create found the alert already open (a
 * concurrent or retried evaluation), or an update found another version. The
 * caller reloads the patient and evaluates again.
 */
export class ConcurrentAlertChangeError extends StoreError {
  constructor(readonly alertIds: readonly string[]) {
    super(`Alert changed concurrently: ${alertIds.join(', ')}`, true);
    this.name = 'ConcurrentAlertChangeError';
  }
}
