/**
 * A tap on a page's acknowledgement link: GET shows the alert (and never
 * changes anything: SMS apps and mail scanners fetch links by themselves),
 * POST acknowledges it. A used, expired, altered or foreign link gets a page
 * that says why and changes nothing.
 */
import { acknowledgerFor, recipientLabel } from '../ack-links/links.js';
import { type AckPageResponse, ackPageResponse } from '../ack-links/page.js';
import { verifyAckToken } from '../ack-links/token.js';
import {
  type AlertContext,
  viewAfterAcknowledge,
  viewForTokenFailure,
  viewOnOpen,
} from '../ack-links/views.js';
import { escalationChainOf } from '../alerts/escalation.js';
import type { RulesConfig } from '../config/rules-config.js';
import { type AdminPorts, acknowledge } from './admin.js';

export interface AckLinkRequest {
  token: string;
  method: 'GET' | 'POST';
  /** The name typed on the page, when given. */
  typedName?: string;
}

export class AckLinkUnavailableError extends Error {
  constructor() {
    super('no acknowledgement link key is configured');
    this.name = 'AckLinkUnavailableError';
  }
}

export async function answerAckLink(
  request: AckLinkRequest,
  ports: AdminPorts,
  settings: { config: RulesConfig; key(): Promise<Uint8Array | undefined> },
  clock: () => Date,
): Promise<AckPageResponse> {
  const key = await settings.key();
  if (key === undefined) throw new AckLinkUnavailableError();
  const check = verifyAckToken(request.token, key, clock());
  if (!check.ok) return ackPageResponse(viewForTokenFailure(check));

  const { config } = settings;
  const chain = escalationChainOf(config);
  const alert = await ports.getAlert(check.alertId);
  const profile =
    alert !== undefined && config.pagePhi === 'full'
      ? await ports.getPatientProfile(alert.patient.namespace, alert.patient.mrn)
      : undefined;
  const context: AlertContext = {
    pagePhi: config.pagePhi,
    timeZone: config.timeZone,
    recipientLabel: recipientLabel(check.recipient, chain),
    ...(profile?.name === undefined ? {} : { patientName: profile.name }),
  };
  if (request.method === 'GET') return ackPageResponse(viewOnOpen(alert, context));

  const by = acknowledgerFor(check.recipient, request.typedName, chain);
  const result = await acknowledge(check.alertId, { identity: by }, ports, config, clock);
  return ackPageResponse(viewAfterAcknowledge(result, context));
}
