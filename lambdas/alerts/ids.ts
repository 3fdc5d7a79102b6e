/**
 * Deterministic ids for alerts and notifications. The core stays portable
 * (no node:crypto), so the alert id uses FNV-1a 64: not a security hash, only
 * a compact, stable and URL-safe name that keeps the MRN out of URLs and logs.
 */
import type { Alert, NotificationEvent, RuleId } from '../domain/alerts.js';

const fnvOffsetBasis = 0xcbf29ce484222325n;
const fnvPrime = 0x100000001b3n;
const mask64 = 0xffffffffffffffffn;

/** FNV-1a 64 over the UTF-8 bytes of `text`, as 13 base-36 characters. */
export function fnv1a64(text: string): string {
  let hash = fnvOffsetBasis;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * fnvPrime) & mask64;
  }
  return hash.toString(36).padStart(13, '0');
}

export interface AlertIdParts {
  namespace: string;
  mrn: string;
  ruleId: RuleId;
  alertScope: string;
  openedAt: string;
}

/**
 * `<ruleId>-<hash>`: the rule id stays readable for the on-call and the logs;
 * the hash covers who, which rule, which scope and when it opened, so each
 * opening gets its own id. The unit separator keeps `a|b` + `c` apart from `a` + `b|c`.
 */
export function alertIdFor(parts: AlertIdParts): string {
  const key = [parts.namespace, parts.mrn, parts.ruleId, parts.alertScope, parts.openedAt].join('\u001f');
  return `${parts.ruleId}-${fnv1a64(key)}`;
}

/**
 * `<alertId>:<event>`, `<alertId>:repeated:<n>` for the n-th repeat,
 * `<alertId>:worsened:<n>` for the n-th worsened page and
 * `<alertId>:escalated:<level>` for escalation levels 2 and up (level 1 keeps
 * `<alertId>:escalated`, the id it had before the chain): the same transition
 * always gets the same id, so a retried evaluation can tell that a
 * notification was already sent.
 */
export function notificationIdFor(
  alert: Pick<Alert, 'alertId' | 'repeatCount' | 'worsening'>,
  event: NotificationEvent,
  escalationLevel?: number,
) {
  if (event === 'repeated') return `${alert.alertId}:repeated:${alert.repeatCount}`;
  if (event === 'worsened') return `${alert.alertId}:worsened:${alert.worsening?.pages ?? 0}`;
  if (event === 'escalated' && escalationLevel !== undefined && escalationLevel > 1) {
    return `${alert.alertId}:escalated:${escalationLevel}`;
  }
  return `${alert.alertId}:${event}`;
}
