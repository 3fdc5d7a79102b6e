/**
 * Which notifications carry a tap-to-acknowledge link, what the link is, and
 * who the audit trail names when someone taps it. A link is a bearer
 * capability: anyone holding the SMS can acknowledge, exactly as anyone
 * holding the on-call phone can. The typed name (optional) and the audience
 * the link was sent to are what the audit trail can say about who.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { Notification } from '../domain/alerts.js';
import { mintAckToken } from './token.js';

/** Recipient 0: the on-call page (pages topic). Recipient n ≥ 1: escalation level n. */
export const onCallRecipient = 0;

/** The path of the public ack route under the API stage (`/a/{token}`). */
export const ackRoutePrefix = '/a/';

/** The environment variable with the deployed base URL (the API stage URL), set by the stack. */
export const ackLinkBaseUrlVariable = 'ACK_LINK_BASE_URL';
/** The environment variable with the ARN of the Secrets Manager secret holding the HMAC key. */
export const ackLinkSecretArnVariable = 'ACK_LINK_SECRET_ARN';

/** Events that ask someone to act; acknowledgements and closing notices need no link. */
const actionableEvents = new Set<Notification['event']>(['opened', 'escalated', 'repeated']);

/** Only pages of open critical alerts get a link: only those escalate and repeat until acknowledged. */
export function carriesAckLink(notification: Pick<Notification, 'event' | 'alert'>): boolean {
  return (
    notification.alert.severity === 'critical' &&
    notification.alert.state === 'open' &&
    actionableEvents.has(notification.event)
  );
}

/** Who a notification reaches, as a link recipient number. */
export function recipientOf(notification: Pick<Notification, 'escalation'>): number {
  return notification.escalation?.level ?? onCallRecipient;
}

/** `on-call page`, `escalation level 2 (unit charge nurse)`. */
export function recipientLabel(
  recipient: number,
  chain: readonly { level: number; name: string }[] = [],
): string {
  if (recipient === onCallRecipient) return 'on-call page';
  const name = chain.find((level) => level.level === recipient)?.name;
  return name === undefined ? `escalation level ${recipient}` : `escalation level ${recipient} (${name})`;
}

/** `<base>/a/<token>`; a trailing slash on the base is dropped. */
export function ackUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${ackRoutePrefix}${token}`;
}

/** The hospital's configured base (a short custom domain) wins over the deployed API URL; neither: no links. */
export function ackLinkBaseUrlOf(
  config: Pick<RulesConfig, 'ackLinkBaseUrl'>,
  deployedBaseUrl: string | undefined,
): string | undefined {
  const base = config.ackLinkBaseUrl ?? deployedBaseUrl;
  return base === undefined || base.trim() === '' ? undefined : base.trim();
}

export interface AckLinkSettings {
  /** From ackLinkBaseUrlOf; undefined = no ack endpoint, no links. */
  baseUrl: string | undefined;
  key: Uint8Array;
  expiryHours: RulesConfig['ackLinkExpiryHours'];
  /** When the notification is rendered (the link expires `expiryHours` later). */
  now: Date;
}

/**
 * The ack URL for this notification (pass it as `ackUrl` to renderNotification),
 * or undefined when the notification should carry none or no endpoint is deployed.
 */
export function ackLinkFor(notification: Notification, settings: AckLinkSettings): string | undefined {
  if (settings.baseUrl === undefined || !carriesAckLink(notification)) return undefined;
  const expiresAt = new Date(settings.now.getTime() + settings.expiryHours * 3_600_000);
  const token = mintAckToken(
    { alertId: notification.alert.alertId, recipient: recipientOf(notification), expiresAt },
    settings.key,
  );
  return ackUrl(settings.baseUrl, token);
}

/**
 * The `by` of an acknowledgement made through a link: the typed name when
 * given, always with the audience the link went to (`Dr Rivera via on-call
 * page link`, `escalation level 2 (unit charge nurse) link`).
 */
export function acknowledgerFor(
  recipient: number,
  typedName: string | undefined,
  chain: readonly { level: number; name: string }[] = [],
): string {
  const label = `${recipientLabel(recipient, chain)} link`;
  return typedName === undefined || typedName === '' ? label : `${typedName} via ${label}`;
}
