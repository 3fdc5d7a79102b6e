/**
 * When the on-call was actually paged: the caller records it after SNS took
 * the first `opened` page, so the timeliness report measures the page that
 * went out, not the decision to send it.
 */
import type { Alert, Notification } from '../domain/alerts.js';
import type { AlertChange } from './changeset.js';
import { InvalidTimestampError } from './errors.js';

/** The notification whose publish time is the alert's `firstPagedAt`: the opening page of a critical alert. */
export function isFirstPage(notification: Pick<Notification, 'event' | 'topic'>): boolean {
  return notification.event === 'opened' && notification.topic === 'pages';
}

/**
 * The write that records the first page at `at` (the publish time), or
 * undefined when one is already recorded: a retried publish must not move
 * the clock. Apply it like any lifecycle change (conditional on the version);
 * on a version conflict re-read the alert and call again.
 */
export function markPaged(alert: Alert, at: Date): AlertChange | undefined {
  if (Number.isNaN(at.getTime())) throw new InvalidTimestampError('paged at', String(at));
  if (alert.firstPagedAt !== undefined) return undefined;
  return {
    kind: 'update',
    alert: { ...alert, firstPagedAt: at.toISOString(), version: alert.version + 1 },
    expectedVersion: alert.version,
  };
}
