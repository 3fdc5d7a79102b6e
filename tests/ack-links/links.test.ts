/** Which notifications carry a link, what it is, and what the audit trail says when it is used. */
import { describe, expect, it } from 'vitest';
import { parseAckForm } from '../../lambdas/ack-links/form.js';
import {
  ackLinkBaseUrlOf,
  ackLinkFor,
  acknowledgerFor,
  ackUrl,
  carriesAckLink,
  recipientLabel,
  recipientOf,
} from '../../lambdas/ack-links/links.js';
import { verifyAckToken } from '../../lambdas/ack-links/token.js';
import { escalationChainOf } from '../../lambdas/alerts/escalation.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { Alert, Notification, NotificationEvent, Severity } from '../../lambdas/domain/alerts.js';

const key = new TextEncoder().encode('synthetic-test-key-0123456789-abcdefghijklmnopqrstuvwxyz');
const now = new Date('2026-07-27T00:10:00.000Z');

const alert: Alert = {
  alertId: 'CALCIUM_CRITICAL_LOW-0abc123def456',
  patient: { facility: 'NDC', namespace: 'NDC', mrn: 'TEST0042', location: 'HD^CHAIR07^^NDC' },
  ruleId: 'CALCIUM_CRITICAL_LOW',
  alertScope: '',
  severity: 'critical',
  state: 'open',
  finding: 'Calcium 7.2 mg/dL (< 7.5).',
  recommendation: 'Withhold cinacalcet.',
  evidence: [],
  openedAt: now.toISOString(),
  lastNotifiedAt: now.toISOString(),
  repeatCount: 0,
  version: 1,
};

function notification(event: NotificationEvent, overrides: Partial<Notification> = {}): Notification {
  return { notificationId: `${alert.alertId}:${event}`, topic: 'pages', event, alert, ...overrides };
}

const settings = { baseUrl: 'https://ack.example.org', key, expiryHours: 24, now };

describe('which notifications carry a link', () => {
  it.each<[NotificationEvent, Severity, Alert['state'], boolean]>([
    ['opened', 'critical', 'open', true],
    ['repeated', 'critical', 'open', true],
    ['escalated', 'critical', 'open', true],
    ['acknowledged', 'critical', 'acknowledged', false],
    ['resolved', 'critical', 'resolved', false],
    ['superseded', 'critical', 'superseded', false],
    ['opened', 'urgent', 'open', false],
    ['opened', 'advisory', 'open', false],
  ])('%s of a %s %s alert: %s', (event, severity, state, expected) => {
    const target = notification(event, { alert: { ...alert, severity, state } });
    expect(carriesAckLink(target)).toBe(expected);
    expect(ackLinkFor(target, settings) !== undefined).toBe(expected);
  });

  it('none without a base URL (no ack endpoint deployed)', () => {
    expect(ackLinkFor(notification('opened'), { ...settings, baseUrl: undefined })).toBeUndefined();
  });
});

describe('the link', () => {
  it('is <base>/a/<token> for this alert and audience, expiring expiryHours later', () => {
    const url = ackLinkFor(
      notification('escalated', {
        topic: 'escalations',
        escalation: { level: 2, name: 'unit charge nurse' },
      }),
      settings,
    );
    expect(url).toMatch(/^https:\/\/ack\.example\.org\/a\/[A-Za-z0-9_-]{43}$/);
    const token = url?.split('/a/')[1] ?? '';
    expect(verifyAckToken(token, key, now)).toEqual({
      ok: true,
      alertId: alert.alertId,
      recipient: 2,
      expiresAt: new Date('2026-07-28T00:10:00.000Z'),
    });
    expect(verifyAckToken(token, key, new Date('2026-07-28T00:10:00.000Z')).ok).toBe(false);
  });

  it('drops trailing slashes of the base', () => {
    expect(ackUrl('https://x.example.org/v1//', 'T')).toBe('https://x.example.org/v1/a/T');
  });

  it('takes the configured base over the deployed API URL; none at all means no links', () => {
    const deployed = 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/v1';
    expect(ackLinkBaseUrlOf({ ackLinkBaseUrl: 'https://ack.example.org' }, deployed)).toBe(
      'https://ack.example.org',
    );
    expect(ackLinkBaseUrlOf({}, deployed)).toBe(deployed);
    expect(ackLinkBaseUrlOf({}, undefined)).toBeUndefined();
    expect(ackLinkBaseUrlOf({}, '  ')).toBeUndefined();
  });
});

describe('who the audit trail names', () => {
  const chain = escalationChainOf(
    parseRulesConfig({
      timeZone: 'UTC',
      escalationChain: [
        { name: 'backup nephrologist', afterMinutes: 15 },
        { name: 'unit charge nurse', afterMinutes: 30 },
      ],
    }),
  );

  it('names the audience: on-call page or the escalation level', () => {
    expect(recipientOf(notification('opened'))).toBe(0);
    expect(recipientOf(notification('escalated', { escalation: { level: 2, name: 'x' } }))).toBe(2);
    expect(recipientLabel(0, chain)).toBe('on-call page');
    expect(recipientLabel(2, chain)).toBe('escalation level 2 (unit charge nurse)');
    expect(recipientLabel(4, chain)).toBe('escalation level 4');
  });

  it('adds the typed name when given', () => {
    expect(acknowledgerFor(0, 'Dr Rivera', chain)).toBe('Dr Rivera via on-call page link');
    expect(acknowledgerFor(1, undefined, chain)).toBe('escalation level 1 (backup nephrologist) link');
  });
});

describe('the posted form', () => {
  it('reads the optional name, trimmed, spaces collapsed', () => {
    expect(parseAckForm('by=%20Dr%20%20Rivera%20')).toEqual({ typedName: 'Dr Rivera' });
    expect(parseAckForm('by=Dr+Rivera')).toEqual({ typedName: 'Dr Rivera' });
    expect(parseAckForm('by=')).toEqual({});
    expect(parseAckForm('')).toEqual({});
    expect(parseAckForm(null)).toEqual({});
  });

  it('reads a base64-encoded body (API Gateway may pass form posts so)', () => {
    expect(parseAckForm(Buffer.from('by=Dr%20Okafor').toString('base64'), true)).toEqual({
      typedName: 'Dr Okafor',
    });
  });

  it('removes control and direction-override characters and caps at 80 characters', () => {
    expect(parseAckForm(`by=${encodeURIComponent('Dr\u202eRivera\r\nX')}`)).toEqual({
      typedName: 'Dr Rivera X',
    });
    expect(parseAckForm(`by=${'n'.repeat(200)}`).typedName).toHaveLength(80);
  });
});
