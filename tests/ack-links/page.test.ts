/**
 * The page behind an ack link: one per case, with its HTTP status; escaped;
 * the patient's name only with pagePhi full; nothing about the alert when the
 * link is expired, invalid or unknown; no script, no outside asset.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AckAlertContext,
  type AckPageView,
  ackPageHeaders,
  ackPageResponse,
  ackPageStatus,
  renderAckPage,
} from '../../lambdas/ack-links/page.js';
import { viewAfterAcknowledge, viewForTokenFailure, viewOnOpen } from '../../lambdas/ack-links/views.js';
import type { Alert } from '../../lambdas/domain/alerts.js';

const alert: Alert = {
  alertId: 'CALCIUM_CRITICAL_LOW-0abc123def456',
  patient: { facility: 'NDC', namespace: 'NDC', mrn: 'TEST0042', location: 'HD^CHAIR07^^NDC' },
  ruleId: 'CALCIUM_CRITICAL_LOW',
  alertScope: '',
  severity: 'critical',
  state: 'open',
  finding: 'Calcium 7.2 mg/dL (< 7.5) at 2026-07-26T23:44:14.000Z.',
  recommendation: 'Withhold cinacalcet until calcium ≥ 8.0 mg/dL, then restart at 60 mg daily.',
  evidence: [],
  openedAt: '2026-07-27T00:10:00.000Z',
  lastNotifiedAt: '2026-07-27T00:10:00.000Z',
  repeatCount: 0,
  version: 1,
};

const context: Omit<AckAlertContext, 'alert'> = {
  pagePhi: 'minimal',
  patientName: { family: 'Testpatient', given: 'Alexa' },
  timeZone: 'America/Chicago',
  recipientLabel: 'on-call page',
};

const acknowledged: Alert = {
  ...alert,
  state: 'acknowledged',
  acknowledgedAt: '2026-07-27T00:21:00.000Z',
  acknowledgedBy: 'Dr Rivera via on-call page link',
};
const resolved: Alert = {
  ...alert,
  state: 'resolved',
  resolvedAt: '2026-07-28T10:05:00.000Z',
  resolution: 'Calcium 8.1 mg/dL is at least 8.0 mg/dL: restart cinacalcet at 60 mg daily.',
};

const cases: [string, AckPageView, number, string[]][] = [
  [
    'confirm',
    { kind: 'confirm', alert, ...context },
    200,
    ['Acknowledge critical alert', 'Not yet acknowledged', '<form method="post">', '>Acknowledge</button>'],
  ],
  [
    'acknowledged now',
    { kind: 'acknowledged', alert: acknowledged, ...context },
    200,
    ['Thank you. Acknowledged by Dr Rivera via on-call page link at', 'Repeats and escalation have stopped'],
  ],
  [
    'already acknowledged',
    { kind: 'alreadyAcknowledged', alert: acknowledged, ...context },
    200,
    [
      'Already acknowledged by Dr Rivera via on-call page link at',
      '<time datetime="2026-07-27T00:21:00.000Z">',
    ],
  ],
  [
    'resolved',
    { kind: 'resolved', alert: resolved, ...context },
    200,
    [
      'Alert resolved',
      'Resolved at <time datetime="2026-07-28T10:05:00.000Z">',
      'restart cinacalcet at 60 mg daily',
    ],
  ],
  [
    'superseded',
    {
      kind: 'resolved',
      alert: { ...resolved, state: 'superseded', resolution: 'superseded by X' },
      ...context,
    },
    200,
    ['Alert superseded', 'Closed at', 'superseded by X'],
  ],
  ['expired', { kind: 'expired' }, 410, ['Link expired', 'has expired']],
  ['malformed', { kind: 'invalid', reason: 'malformed' }, 400, ['This link is not valid']],
  ['tampered', { kind: 'invalid', reason: 'tampered' }, 404, ['This link is not valid']],
  ['not found', { kind: 'notFound' }, 404, ['Alert not found', 'no longer on record']],
];

describe.each(cases)('page: %s', (_, view, status, texts) => {
  const html = renderAckPage(view);

  it(`answers ${status} with its message`, () => {
    expect(ackPageStatus(view)).toBe(status);
    for (const text of texts) expect(html).toContain(text);
  });

  it('is a complete, self-contained document: no script, no outside asset, no name in the title', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('role="status"');
    expect(html).not.toMatch(/<script|src=|href=|https?:\/\/|@import|url\(/i);
    expect(html.match(/<title>([^<]*)<\/title>/)?.[1]).not.toMatch(/TEST0042|Testpatient|NDC/);
  });

  it('has an inline style the CSP allows by hash, and nothing else', () => {
    const style = html.match(/<style>([^<]*)<\/style>/)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(ackPageHeaders['Content-Security-Policy']).toContain(`style-src 'sha256-${hash}'`);
    expect(ackPageHeaders['Content-Security-Policy']).toContain("default-src 'none'");
    expect(ackPageHeaders['Content-Security-Policy']).toContain("form-action 'self'");
  });
});

describe('what each page shows about the alert', () => {
  it('open, acknowledged and closed pages show finding, rule, severity, facility, MRN, location and opening time', () => {
    for (const view of cases.slice(0, 5).map(([, v]) => v)) {
      const html = renderAckPage(view);
      for (const text of [
        'Calcium 7.2 mg/dL (&lt; 7.5)',
        '<code>CALCIUM_CRITICAL_LOW</code>',
        'CRITICAL',
        '<dt>Facility</dt><dd>NDC</dd>',
        '<dt>MRN</dt><dd>TEST0042</dd>',
        '<dt>Location</dt><dd>HD, CHAIR07, NDC</dd>',
        '<time datetime="2026-07-27T00:10:00.000Z">',
      ]) {
        expect(html).toContain(text);
      }
    }
  });

  it('only the open alert has the Acknowledge form, posting back to the same URL with an optional name', () => {
    const forms = cases.map(([name, view]) => [name, renderAckPage(view).includes('<form')]);
    expect(forms.filter(([, hasForm]) => hasForm).map(([name]) => name)).toEqual(['confirm']);
    const html = renderAckPage({ kind: 'confirm', alert, ...context });
    expect(html).not.toContain('action=');
    expect(html).toContain('<label for="by">Your name (optional)</label>');
    expect(html).toContain('<input id="by" name="by" type="text" maxlength="80" autocomplete="name">');
  });

  it('expired, invalid and unknown links tell nothing about any alert', () => {
    for (const view of cases.slice(5).map(([, v]) => v)) {
      const html = renderAckPage(view);
      for (const secret of ['TEST0042', 'NDC', 'Calcium', 'CALCIUM_CRITICAL_LOW', 'Testpatient', '<dl>']) {
        expect(html).not.toContain(secret);
      }
    }
  });

  it('shows times in the hospital zone', () => {
    // 00:10 UTC on 27 July is 19:10 on 26 July in Chicago (CDT).
    expect(renderAckPage({ kind: 'confirm', alert, ...context })).toMatch(
      /<time datetime="2026-07-27T00:10:00.000Z">Jul 26, 2026, 19:10 CDT<\/time>/,
    );
  });
});

describe('pagePhi', () => {
  it('minimal: no name anywhere, even when the caller passes it', () => {
    const html = renderAckPage({ kind: 'confirm', alert, ...context, pagePhi: 'minimal' });
    expect(html).not.toContain('Testpatient');
    expect(html).not.toContain('Alexa');
  });

  it('full: the name in the details', () => {
    const html = renderAckPage({ kind: 'confirm', alert, ...context, pagePhi: 'full' });
    expect(html).toContain('<dt>Patient</dt><dd>Testpatient, Alexa</dd>');
  });
});

describe('escaping', () => {
  const hostile = '<script>alert("x")</script>';

  it('escapes finding, recommendation, location, resolution, acknowledger, name and ids', () => {
    const nasty: Alert = {
      ...alert,
      alertId: `A${hostile}`,
      finding: `Calcium ${hostile}`,
      recommendation: `Do ${hostile}`,
      patient: { facility: `F${hostile}`, namespace: 'N', mrn: `M"'&${hostile}`, location: `L${hostile}` },
      state: 'resolved',
      resolvedAt: alert.openedAt,
      resolution: `R${hostile}`,
      acknowledgedBy: `Dr ${hostile}`,
      acknowledgedAt: alert.openedAt,
    };
    const views: AckPageView[] = [
      {
        kind: 'confirm',
        alert: nasty,
        ...context,
        pagePhi: 'full',
        patientName: { family: hostile, given: hostile },
      },
      { kind: 'alreadyAcknowledged', alert: nasty, ...context, recipientLabel: hostile },
      { kind: 'resolved', alert: nasty, ...context },
    ];
    for (const view of views) {
      const html = renderAckPage(view);
      expect(html).not.toContain('<script');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    }
    expect(renderAckPage(views[0] as AckPageView)).toContain('M&quot;&#39;&amp;&lt;script&gt;');
  });
});

describe('response', () => {
  it('carries the status, the security headers and the page', () => {
    const view: AckPageView = { kind: 'expired' };
    const response = ackPageResponse(view);
    expect(response.statusCode).toBe(410);
    expect(response.body).toBe(renderAckPage(view));
    expect(response.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
    });
    expect(response.headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
  });
});

describe('choosing the page', () => {
  it('GET shows the alert as it stands', () => {
    expect(viewOnOpen(alert, context).kind).toBe('confirm');
    expect(viewOnOpen(acknowledged, context).kind).toBe('alreadyAcknowledged');
    expect(viewOnOpen(resolved, context).kind).toBe('resolved');
    expect(viewOnOpen({ ...resolved, state: 'superseded' }, context).kind).toBe('resolved');
    expect(viewOnOpen(undefined, context)).toEqual({ kind: 'notFound' });
  });

  it('POST shows what the acknowledgement did; a second tap shows who was first', () => {
    expect(viewAfterAcknowledge({ outcome: 'acknowledged', alert: acknowledged }, context)).toMatchObject({
      kind: 'acknowledged',
      alert: acknowledged,
    });
    expect(viewAfterAcknowledge({ outcome: 'alreadyAcknowledged', alert: acknowledged }, context).kind).toBe(
      'alreadyAcknowledged',
    );
    expect(viewAfterAcknowledge({ outcome: 'closed', alert: resolved }, context).kind).toBe('resolved');
    expect(viewAfterAcknowledge({ outcome: 'notFound' }, context)).toEqual({ kind: 'notFound' });
  });

  it('a failed token check picks expired or invalid', () => {
    expect(viewForTokenFailure({ ok: false, reason: 'expired' })).toEqual({ kind: 'expired' });
    expect(viewForTokenFailure({ ok: false, reason: 'tampered' })).toEqual({
      kind: 'invalid',
      reason: 'tampered',
    });
    expect(viewForTokenFailure({ ok: false, reason: 'malformed' })).toEqual({
      kind: 'invalid',
      reason: 'malformed',
    });
  });
});
