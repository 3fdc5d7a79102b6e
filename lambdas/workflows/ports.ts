/**
 * What the workflows need from the outside world. The adapters implement
 * these over DynamoDB, SNS and S3; the workflows only see the shapes, so they
 * stay free of the AWS SDK and can be driven by any store.
 */
import type { AlertChanges, PatientHistory, PatientKey, PatientProfile } from '../adapters/store.js';
import type { RenderedNotification } from '../alerts/render.js';
import type { RulesConfig } from '../config/rules-config.js';
import type { Alert, Topic } from '../domain/alerts.js';

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
