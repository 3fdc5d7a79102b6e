/**
 * A page with a tap-to-acknowledge link must still be one SMS: at most 160
 * characters, the link whole at the end, event, rule, facility and MRN kept.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ackLinkFor } from '../../lambdas/ack-links/links.js';
import { verifyAckToken } from '../../lambdas/ack-links/token.js';
import { applyOutcomes } from '../../lambdas/alerts/lifecycle.js';
import { renderNotification, smsMaxLength } from '../../lambdas/alerts/render.js';
import type { Alert, Notification, NotificationEvent } from '../../lambdas/domain/alerts.js';
import { at, config, fire, patient } from './factories.js';

const key = new TextEncoder().encode('synthetic-test-key-0123456789-abcdefghijklmnopqrstuvwxyz');
const now = at('2026-07-27T00:10:00.000Z');
const finding = 'Calcium 7.2 mg/dL (< 7.5) at 2026-07-26T23:44:14.000Z.';
/** A short custom domain, as a hospital would set in ackLinkBaseUrl. */
const shortBase = 'https://ack.example.org';
/** The deployed API's own URL: the longest base the stack produces. */
const apiBase = 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/v1';

function openedAlert(overrides: Partial<Alert> = {}): Alert {
  const [change] = applyOutcomes({
    patient,
    activeAlerts: [],
    outcomes: [fire('CALCIUM_CRITICAL_LOW', { finding })],
    now,
    config,
  }).changes;
  if (!change) throw new Error('nothing opened');
  return { ...change.alert, ...overrides };
}

function notification(alert = openedAlert(), event: NotificationEvent = 'opened'): Notification {
  return { notificationId: `${alert.alertId}:${event}`, topic: 'pages', event, alert };
}

function linkFor(target: Notification, baseUrl = shortBase): string {
  const url = ackLinkFor(target, { baseUrl, key, expiryHours: 24, now });
  if (url === undefined) throw new Error('no link');
  return url;
}

describe('SMS with an ack link', () => {
  it('fits page and link in 160 characters with a short base, shortening the finding', () => {
    const page = notification();
    const ackUrl = linkFor(page);
    const { sms } = renderNotification(page, { pagePhi: 'minimal', ackUrl }).message;
    expect(ackUrl).toMatch(/^https:\/\/ack\.example\.org\/a\/[A-Za-z0-9_-]{43}$/);
    expect(ackUrl).toHaveLength(69);
    expect(sms.length).toBeLessThanOrEqual(smsMaxLength);
    expect(
      sms.startsWith('OPENED CALCIUM_CRITICAL_LOW NDC MRN TEST0042 loc HD, CHAIR07: Calcium 7.2 mg/dL'),
    ).toBe(true);
    expect(sms.endsWith(`... ${ackUrl}`)).toBe(true);
  });

  it('with the API URL as base: the link stays whole and working, the finding is shortened', () => {
    const page = notification();
    const ackUrl = linkFor(page, apiBase);
    const { sms } = renderNotification(page, { pagePhi: 'minimal', ackUrl }).message;
    expect(sms.length).toBeLessThanOrEqual(smsMaxLength);
    expect(sms.endsWith(` ${ackUrl}`)).toBe(true);
    expect(sms.startsWith('OPENED CALCIUM_CRITICAL_LOW NDC MRN TEST0042')).toBe(true);
    const token = sms.slice(sms.lastIndexOf('/a/') + 3);
    expect(verifyAckToken(token, key, now)).toMatchObject({ ok: true, alertId: page.alert.alertId });
  });

  it('leaves the location out before the name, and the link out only when nothing else fits', () => {
    const page = notification(
      openedAlert({ patient: { ...openedAlert().patient, location: 'NEPHROLOGY-EAST^CHAIR-0042^^NDC' } }),
    );
    // 70 characters: room for who, name and 24 characters of finding, not for the location too.
    const ackUrl = `${shortBase}/a/${'x'.repeat(44)}`;
    const named = renderNotification(page, {
      pagePhi: 'full',
      patientName: { family: 'Testpatient', given: 'Alexa' },
      ackUrl,
    }).message.sms;
    expect(named).toBe(
      `OPENED CALCIUM_CRITICAL_LOW NDC MRN TEST0042 Testpatient, Alexa: Calcium 7.2 mg/dL (<... ${ackUrl}`,
    );
    expect(named.length).toBeLessThanOrEqual(smsMaxLength);

    // 90 characters: the name gives way too.
    const longer = `${shortBase}/a/${'x'.repeat(64)}`;
    const unnamed = renderNotification(page, {
      pagePhi: 'full',
      patientName: { family: 'Testpatient', given: 'Alexa' },
      ackUrl: longer,
    }).message.sms;
    expect(unnamed.startsWith('OPENED CALCIUM_CRITICAL_LOW NDC MRN TEST0042: Calcium')).toBe(true);
    expect(unnamed.endsWith(longer)).toBe(true);

    const tooLong = `${shortBase}/a/${'x'.repeat(140)}`;
    const withoutLink = renderNotification(page, { pagePhi: 'minimal', ackUrl: tooLong });
    expect(withoutLink.message.sms).not.toContain('https://');
    expect(withoutLink.message.sms).toContain('MRN TEST0042');
    // The body and the e-mail still carry it.
    expect(JSON.parse(withoutLink.message.default).ackUrl).toBe(tooLong);
    expect(withoutLink.message.email).toContain(`Acknowledge: ${tooLong}`);
  });

  it('stays within 160 characters for any finding, location, facility, MRN, name and event; the link whole or absent', () => {
    const text = (maxLength: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength });
    fc.assert(
      fc.property(
        fc.record({
          finding: text(400),
          location: fc.option(text(120), { nil: undefined }),
          facility: text(40),
          mrn: fc.stringMatching(/^[A-Z0-9]{1,20}$/),
          family: text(60),
          given: text(60),
          pagePhi: fc.constantFrom('minimal' as const, 'full' as const),
          base: fc.constantFrom(shortBase, apiBase, 'http://127.0.0.1:4080'),
          event: fc.constantFrom<NotificationEvent>('opened', 'escalated', 'repeated'),
        }),
        (input) => {
          const alert = openedAlert({
            finding: input.finding,
            patient: { facility: input.facility, namespace: 'NDC', mrn: input.mrn, location: input.location },
          });
          const page = notification(alert, input.event);
          const ackUrl = linkFor(page, input.base);
          const { sms } = renderNotification(page, {
            pagePhi: input.pagePhi,
            patientName: { family: input.family, given: input.given },
            ackUrl,
          }).message;
          expect(sms.length).toBeLessThanOrEqual(smsMaxLength);
          expect(sms).toContain(`MRN ${input.mrn}`);
          expect(sms).toContain(input.event.toUpperCase());
          if (input.base === apiBase) {
            // A long facility and MRN can leave no room for the API URL: then no link, never a cut one.
            expect(sms.endsWith(` ${ackUrl}`) || !sms.includes(apiBase.slice(0, 20))).toBe(true);
          } else {
            // Event, rule id, capped facility and a 20-character MRN always leave room for a short base.
            expect(sms.endsWith(` ${ackUrl}`)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
