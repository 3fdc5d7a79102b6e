/**
 * Commit, then publish: alert changes and their rendered notifications are
 * written in one conditional transaction (the outbox), then each is published
 * and marked sent. A publish that fails leaves its outbox entry, and the next
 * evaluation of the patient (the stream retry) publishes it once.
 */

import type { LifecycleResult } from '../alerts/lifecycle.js';
import { type RenderOptions, renderNotification } from '../alerts/render.js';
import type { RulesConfig } from '../config/rules-config.js';
import type { NotificationPorts, PatientKey, PendingNotification } from './ports.js';

export function renderPending(
  result: LifecycleResult,
  patientOf: (alertPatient: { namespace: string; mrn: string }) => PatientKey,
  config: Pick<RulesConfig, 'pagePhi'>,
  patientName?: RenderOptions['patientName'],
): PendingNotification[] {
  return result.notifications.map((notification) => ({
    notificationId: notification.notificationId,
    patient: patientOf(notification.alert.patient),
    topic: notification.topic,
    rendered: renderNotification(notification, {
      pagePhi: config.pagePhi,
      ...(patientName === undefined ? {} : { patientName }),
    }),
  }));
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
