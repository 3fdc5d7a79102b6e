/**
 * Which ack page to show, from the token check, the alert as stored and (on
 * POST) what the acknowledgement did. The handler does: verify → (failure:
 * viewForTokenFailure) → load the alert → GET: viewOnOpen; POST: acknowledge
 * only an open alert, then viewAfterAcknowledge.
 */
import type { Alert } from '../domain/alerts.js';
import type { AckAlertContext, AckPageView } from './page.js';
import type { AckTokenCheck } from './token.js';

/** What acknowledging returned: the shape of workflows/admin.ts `AcknowledgeResult`. */
export type AckOutcome =
  | { outcome: 'acknowledged' | 'alreadyAcknowledged' | 'closed'; alert: Alert }
  | { outcome: 'notFound' };

export type AlertContext = Omit<AckAlertContext, 'alert'>;

export function viewForTokenFailure(check: Extract<AckTokenCheck, { ok: false }>): AckPageView {
  return check.reason === 'expired' ? { kind: 'expired' } : { kind: 'invalid', reason: check.reason };
}

/** GET: show the alert as it stands; nothing changes. */
export function viewOnOpen(alert: Alert | undefined, context: AlertContext): AckPageView {
  if (alert === undefined) return { kind: 'notFound' };
  switch (alert.state) {
    case 'open':
      return { kind: 'confirm', alert, ...context };
    case 'acknowledged':
      return { kind: 'alreadyAcknowledged', alert, ...context };
    case 'resolved':
    case 'superseded':
      return { kind: 'resolved', alert, ...context };
  }
}

/** POST: what the acknowledgement did; a second tap shows who was first. */
export function viewAfterAcknowledge(result: AckOutcome, context: AlertContext): AckPageView {
  switch (result.outcome) {
    case 'acknowledged':
      return { kind: 'acknowledged', alert: result.alert, ...context };
    case 'alreadyAcknowledged':
      return { kind: 'alreadyAcknowledged', alert: result.alert, ...context };
    case 'closed':
      return { kind: 'resolved', alert: result.alert, ...context };
    case 'notFound':
      return { kind: 'notFound' };
  }
}
