/**
 * Commit, then publish: alert changes and their rendered notifications are
 * written in one conditional transaction (the outbox), then each is claimed,
 * published and marked sent. A publish that fails leaves its outbox entry,
 * and the next evaluation of the patient (the stream retry) or the sweep
 * publishes it; one that keeps failing is parked.
 */
import { ackLinkFor, carriesAckLink } from '../ack-links/links.js';
import type { LifecycleResult } from '../alerts/lifecycle.js';
import { type RenderOptions, renderNotification } from '../alerts/render.js';
import { applyLiveAndShadowOutcomes, type LiveAndShadowInput } from '../alerts/shadow.js';
import type { RulesConfig } from '../config/rules-config.js';
import type { Notification } from '../domain/alerts.js';
import {
  type AckLinkSource,
  type NotificationPorts,
  type PatientKey,
  type PendingNotification,
  StoreError,
} from './ports.js';

export interface RenderSettings {
  config: Pick<RulesConfig, 'pagePhi' | 'ackLinkExpiryHours'>;
  ackLinks?: AckLinkSource | undefined;
  patientName?: RenderOptions['patientName'];
  now: Date;
}

async function ackUrlFor(notification: Notification, settings: RenderSettings): Promise<string | undefined> {
  const baseUrl = settings.ackLinks?.baseUrl;
  if (baseUrl === undefined || !carriesAckLink(notification)) return undefined;
  const key = await settings.ackLinks?.key();
  if (key === undefined) return undefined;
  return ackLinkFor(notification, {
    baseUrl,
    key,
    expiryHours: settings.config.ackLinkExpiryHours,
    now: settings.now,
  });
}

export async function renderPending(
  result: LifecycleResult,
  settings: RenderSettings,
): Promise<PendingNotification[]> {
  const pending: PendingNotification[] = [];
  for (const notification of result.notifications) {
    const ackUrl = await ackUrlFor(notification, settings);
    pending.push({
      notificationId: notification.notificationId,
      patient: patientKeyOf(notification.alert.patient),
      topic: notification.topic,
      rendered: renderNotification(notification, {
        pagePhi: settings.config.pagePhi,
        ...(settings.patientName === undefined ? {} : { patientName: settings.patientName }),
        ...(ackUrl === undefined ? {} : { ackUrl }),
      }),
    });
  }
  return pending;
}

/**
 * A patient's live and shadow outcomes through the lifecycle, with the live notifications rendered:
 * what the evaluation and the sweep commit and publish (`commitAndPublish`). The clock and the
 * configuration are the render settings'.
 */
export async function settleOutcomes(
  {
    history,
    state,
    ...outcomes
  }: Pick<LiveAndShadowInput, 'patient' | 'outcomes' | 'shadowOutcomes'> & {
    history: Pick<LiveAndShadowInput, 'activeAlerts'>;
    state: Pick<LiveAndShadowInput, 'shadowAlerts'>;
  },
  settings: RenderSettings & { config: LiveAndShadowInput['config'] },
): Promise<{ live: LifecycleResult; committed: LifecycleResult; outbox: PendingNotification[] }> {
  const { live, committed } = applyLiveAndShadowOutcomes({
    ...outcomes,
    activeAlerts: history.activeAlerts,
    shadowAlerts: state.shadowAlerts,
    now: settings.now,
    config: settings.config,
  });
  return { live, committed, outbox: await renderPending(live, settings) };
}

function patientKeyOf(patient: { namespace: string; mrn: string }): PatientKey {
  return { namespace: patient.namespace, mrn: patient.mrn };
}

/**
 * The outbox's rules of publication. A claim is held longer than the longest publish (the SNS
 * client's timeouts and retries: under 45 s), so two live publishers never both hold one entry.
 * An entry that failed `maxPublishAttempts` times is parked: it stops holding up the patient's
 * later notifications, is counted (NotificationsParked, alarmed) and waits for an operator.
 */
export const outboxPolicy = {
  leaseMs: 60_000,
  maxPublishAttempts: 3,
  /**
   * The sent mark after SNS took a notification, against a store that is slow for a moment (a
   * retryable error: under a morning batch a write times out now and then): written again, waiting
   * 100, 400 then 1,600 ms, before the evaluation fails and its retry would publish once more.
   */
  sentMarkAttempts: 4,
  sentMarkFirstWaitMs: 100,
} as const;

/** Who is publishing (the claimant) and their clock. */
export interface Publisher {
  /** Stable across retries of the same work (a stream record's event id), fresh otherwise. */
  claimant: string;
  clock: () => Date;
}

export interface Delivery {
  published: number;
  parked: number;
}

export const noDelivery: Delivery = { published: 0, parked: 0 };

export function addDelivery(left: Delivery, right: Delivery): Delivery {
  return { published: left.published + right.published, parked: left.parked + right.parked };
}

/** A fresh claimant for work that is never retried as such (a sweep run, an acknowledgement). */
export function oneOffPublisher(kind: string, clock: () => Date): Publisher {
  return { claimant: `${kind}:${crypto.randomUUID()}`, clock };
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'unknown');

/**
 * Publishes outbox entries in order, each only once claimed (an entry another publisher holds,
 * or that was sent or parked meanwhile, is left to them). A failed publish gives the claim back and
 * is thrown, so the caller's retry sends it and the order is kept; on its last attempt the entry is
 * parked instead and the rest go out. The window left: a publisher that dies after SNS took the
 * message and before the entry is marked sent; after its lease the entry is published again, with
 * the same `notificationId` attribute, so subscribers can drop the repeat.
 */
export function publishPending(
  pending: readonly PendingNotification[],
  ports: NotificationPorts,
  publisher: Publisher,
): Promise<Delivery> {
  return publishEntries(pending, ports, publisher, (notification) =>
    ports.claimNotification(notification, {
      claimant: publisher.claimant,
      now: publisher.clock(),
      leaseMs: outboxPolicy.leaseMs,
    }),
  );
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The sent mark, written again while the store's error says a retry may succeed (outboxPolicy). */
async function markSent(
  ports: NotificationPorts,
  notification: PendingNotification,
  messageId: string,
  sentAt: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ports.completeNotification(notification, messageId, sentAt);
      return;
    } catch (error: unknown) {
      const retryable = error instanceof StoreError && error.retryable;
      if (!retryable || attempt >= outboxPolicy.sentMarkAttempts) throw error;
      await wait(outboxPolicy.sentMarkFirstWaitMs * 4 ** (attempt - 1));
    }
  }
}

async function publishEntries(
  pending: readonly PendingNotification[],
  ports: NotificationPorts,
  { claimant, clock }: Publisher,
  claim: (notification: PendingNotification) => Promise<number | undefined>,
): Promise<Delivery> {
  const delivery = { ...noDelivery };
  for (const notification of pending) {
    const attempt = await claim(notification);
    if (attempt === undefined) continue;
    let messageId: string;
    try {
      messageId = await ports.publish(notification.topic, {
        ...notification.rendered,
        attributes: { ...notification.rendered.attributes, notificationId: notification.notificationId },
      });
    } catch (error: unknown) {
      const park = attempt >= outboxPolicy.maxPublishAttempts;
      await ports.releaseNotification(notification, {
        claimant,
        at: clock().toISOString(),
        error: errorName(error),
        park,
      });
      if (!park) throw error;
      delivery.parked++;
      continue;
    }
    await markSent(ports, notification, messageId, clock().toISOString());
    delivery.published++;
  }
  return delivery;
}

export async function commitAndPublish(
  result: LifecycleResult,
  outbox: readonly PendingNotification[],
  ports: NotificationPorts,
  publisher: Publisher,
): Promise<Delivery> {
  if (result.changes.length === 0 && result.audit.length === 0 && outbox.length === 0) return noDelivery;
  // Committed already claimed by this publisher: the first attempt needs no claim of its own.
  const claim = { claimant: publisher.claimant, now: publisher.clock(), leaseMs: outboxPolicy.leaseMs };
  await ports.applyAlertChanges({ changes: result.changes, audit: result.audit, outbox, claim });
  return publishEntries(outbox, ports, publisher, async () => 1);
}
