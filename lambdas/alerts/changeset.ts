/**
 * Collects what one lifecycle call decides: at most one write per alert (the
 * store applies it with a conditional write on the version it read), every
 * notification to send and one audit event per transition.
 */
import type { Alert, AuditEvent, Notification, NotificationEvent } from '../domain/alerts.js';
import { IllegalTransitionError } from './errors.js';
import { notificationIdFor } from './ids.js';
import { canTransition, topicFor } from './states.js';

/**
 * `create`: the store writes it only if the slot is free. `update`: the store
 * writes it only if the stored version is still `expectedVersion`; the new
 * version is `expectedVersion + 1`, whatever number of transitions it holds.
 */
export type AlertChange =
  | { kind: 'create'; alert: Alert }
  | { kind: 'update'; alert: Alert; expectedVersion: number };

export interface LifecycleResult {
  changes: AlertChange[];
  notifications: Notification[];
  audit: AuditEvent[];
}

export function emptyResult(): LifecycleResult {
  return { changes: [], notifications: [], audit: [] };
}

interface Tracked {
  /** As read from the store; absent when created by this call. */
  stored?: Alert;
  current: Alert;
}

export class Changeset {
  private readonly tracked = new Map<string, Tracked>();
  private readonly notifications: Notification[] = [];
  private readonly audit: AuditEvent[] = [];

  /**
   * `ruleSetVersion`: the rules and configuration deciding this call's changes, stamped on every
   * alert it creates or changes; absent where the change is not a rules decision (escalation,
   * repeat, acknowledgement), which keeps the alert's own.
   */
  constructor(
    private readonly at: string,
    private readonly ruleSetVersion?: string,
  ) {}

  has(alertId: string): boolean {
    return this.tracked.has(alertId);
  }

  create(alert: Alert, reason: string, by: string): Alert {
    const created = { ...alert, ...this.stamp(), version: 1 };
    if (!canTransition('none', created.state)) {
      throw new IllegalTransitionError(created.alertId, 'none', created.state);
    }
    this.tracked.set(created.alertId, { current: created });
    this.record('none', created, reason, by);
    return created;
  }

  /** Applies `patch` to the alert as last changed here (or as stored) and records the transition. */
  update(
    before: Alert,
    patch: Partial<Omit<Alert, 'alertId' | 'version'>>,
    reason: string,
    by: string,
    byName?: string,
  ): Alert {
    const tracked = this.tracked.get(before.alertId);
    const stored = tracked ? tracked.stored : before;
    const after: Alert = { ...before, ...patch, ...this.stamp(), version: stored ? stored.version + 1 : 1 };
    if (!canTransition(before.state, after.state)) {
      throw new IllegalTransitionError(before.alertId, before.state, after.state);
    }
    this.tracked.set(after.alertId, stored ? { stored, current: after } : { current: after });
    this.record(before.state, after, reason, by, byName);
    return after;
  }

  /** `escalation` names the chain level of an `escalated` notification, `worsened` both values of a `worsened` one. */
  notify(
    alert: Alert,
    event: NotificationEvent,
    details: Pick<Notification, 'escalation' | 'worsened'> = {},
  ): void {
    const { escalation, worsened } = details;
    this.notifications.push({
      notificationId: notificationIdFor(alert, event, escalation?.level),
      topic: topicFor(event, alert.severity),
      event,
      alert,
      ...(escalation === undefined ? {} : { escalation: { ...escalation } }),
      ...(worsened === undefined ? {} : { worsened }),
    });
  }

  private stamp(): Pick<Alert, 'ruleSetVersion'> {
    return this.ruleSetVersion === undefined ? {} : { ruleSetVersion: this.ruleSetVersion };
  }

  result(): LifecycleResult {
    const changes: AlertChange[] = [...this.tracked.values()].map(({ stored, current }) =>
      stored
        ? { kind: 'update', alert: current, expectedVersion: stored.version }
        : { kind: 'create', alert: current },
    );
    return { changes, notifications: this.notifications, audit: this.audit };
  }

  private record(
    from: Alert['state'] | 'none',
    after: Alert,
    reason: string,
    by: string,
    byName?: string,
  ): void {
    this.audit.push({
      alertId: after.alertId,
      at: this.at,
      from,
      to: after.state,
      reason,
      by,
      ...(byName === undefined ? {} : { byName }),
      ...(after.ruleSetVersion === undefined ? {} : { ruleSetVersion: after.ruleSetVersion }),
    });
  }
}
