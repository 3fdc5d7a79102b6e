/**
 * Commit, then publish: alert changes and their rendered notifications are
 * written in one conditional transaction (the outbox), then each is published
 * and marked sent. A publish that fails leaves its outbox entry, and the next
 * evaluation of the patient (the stream retry) publishes it once.
 */
import { ackLinkFor, carriesAckLink } from '../ack-links/links.js';
import type { LifecycleResult } from '../alerts/lifecycle.js';
import { type RenderOptions, renderNotification } from '../alerts/render.js';
import type { RulesConfig } from '../config/rules-config.js';
import type { Notification } from '../domain/alerts.js';
import type { AckLinkSource, NotificationPorts, PatientKey, PendingNotification } from './ports.js';

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

function patientKeyOf(patient: { namespace: string; mrn: string }): PatientKey {
  return { namespace: patient.namespace, mrn: patient.mrn };
}

/** Publishes outbox entries in order; stops at the first failure (it is thrown) so order is kept. */
export async function publishPending(
  pending: readonly PendingNotification[],
  ports: NotificationPorts,
  now: () => Date,
): Promise<number> {
  let published = 0;
  for (const notification of pending) {
    const messageId = await ports.publish(notification.topic, notification.rendered);
    await ports.completeNotification(notification, messageId, now().toISOString());
    published++;
  }
  return published;
}

export async function commitAndPublish(
  result: LifecycleResult,
  outbox: readonly PendingNotification[],
  ports: NotificationPorts,
  now: () => Date,
): Promise<number> {
  if (result.changes.length === 0 && result.audit.length === 0 && outbox.length === 0) return 0;
  await ports.applyAlertChanges({ changes: result.changes, audit: result.audit, outbox });
  return publishPending(outbox, ports, now);
}
