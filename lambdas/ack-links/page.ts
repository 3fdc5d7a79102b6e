/**
 * The page behind a tap-to-acknowledge link: small, accessible, mobile-first
 * HTML with inline CSS (allowed by a CSP hash), no script and no external
 * asset. GET only shows; only the form's POST acknowledges, because SMS apps
 * and mail scanners fetch links to preview them.
 *
 * PHI: the page shows what the page showed (facility, MRN, location) and the
 * name only when the hospital set `pagePhi: full`. Nothing about the alert is
 * shown for an expired, invalid or unknown link. The title carries no PHI
 * (it lands in browser history).
 */
import { createHash } from 'node:crypto';
import type { PatientName } from '../alerts/render.js';
import { readableLocation } from '../alerts/text.js';
import type { Alert } from '../domain/alerts.js';
import { maxTypedNameLength, typedNameField } from './form.js';
import { escapeHtml } from './html.js';

export interface AckAlertContext {
  alert: Alert;
  pagePhi: 'minimal' | 'full';
  /** Shown only when `pagePhi` is `full`. */
  patientName?: PatientName;
  /** The hospital's zone, for times people read. */
  timeZone: string;
  /** Who the link was sent to (links.ts `recipientLabel`), shown small at the bottom. */
  recipientLabel?: string;
}

export type AckPageView =
  /** GET on a valid link of an open alert: details and the Acknowledge button. */
  | ({ kind: 'confirm' } & AckAlertContext)
  /** The POST that acknowledged it. */
  | ({ kind: 'acknowledged' } & AckAlertContext)
  /** Someone acknowledged it before (a used link, or a colleague was quicker). */
  | ({ kind: 'alreadyAcknowledged' } & AckAlertContext)
  /** Resolved or superseded: nothing left to acknowledge. */
  | ({ kind: 'resolved' } & AckAlertContext)
  | { kind: 'expired' }
  | { kind: 'invalid'; reason: 'malformed' | 'tampered' }
  /** A genuine link whose alert is no longer on record (replaced by a newer alert of the same rule). */
  | { kind: 'notFound' };

export type AckPageKind = AckPageView['kind'];

/**
 * 200 where the link worked (whatever the alert's state), 410 for an expired
 * link (it will never work again), 400 for a link that is not a token at all,
 * 404 for a forged or altered one and for an alert no longer on record.
 */
export function ackPageStatus(view: AckPageView): number {
  switch (view.kind) {
    case 'confirm':
    case 'acknowledged':
    case 'alreadyAcknowledged':
    case 'resolved':
      return 200;
    case 'expired':
      return 410;
    case 'invalid':
      return view.reason === 'malformed' ? 400 : 404;
    case 'notFound':
      return 404;
  }
}

const css = [
  ':root{color-scheme:light dark;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.45}',
  'body{margin:0;padding:1rem;font-size:1.05rem}',
  'main{max-width:36rem;margin:0 auto}',
  'h1{font-size:1.4rem;margin:.25rem 0 .75rem}',
  '.badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;font-weight:700;background:#b00020;color:#fff}',
  '.status{padding:.75rem;border:2px solid currentColor;border-radius:.4rem;margin:0 0 1rem}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem .8rem;margin:0 0 1rem}',
  'dt{font-weight:600}',
  'dd{margin:0;overflow-wrap:anywhere}',
  'label{display:block;margin:1rem 0 .3rem;font-weight:600}',
  'input{box-sizing:border-box;width:100%;font-size:1rem;padding:.6rem;border:1px solid;border-radius:.3rem}',
  'button{margin-top:1rem;width:100%;min-height:3rem;font-size:1.15rem;font-weight:700;border:0;border-radius:.4rem;background:#0b57d0;color:#fff;cursor:pointer}',
  'button:focus-visible,input:focus-visible{outline:3px solid #f9ab00;outline-offset:2px}',
  '.small{font-size:.85rem;opacity:.85}',
].join('');

/**
 * The response headers every ack page needs: no caching anywhere (the page
 * holds PHI and a capability URL), no referrer (the URL is the capability),
 * no framing, and a CSP that allows exactly this page's inline style and a
 * form posting back to itself.
 */
export const ackPageHeaders: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(css).digest('base64')}'`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'X-Robots-Tag': 'noindex, nofollow',
  'Strict-Transport-Security': 'max-age=31536000',
};

/** What an API Gateway proxy integration returns. */
export interface AckPageResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function ackPageResponse(view: AckPageView): AckPageResponse {
  return { statusCode: ackPageStatus(view), headers: { ...ackPageHeaders }, body: renderAckPage(view) };
}

export function renderAckPage(view: AckPageView): string {
  switch (view.kind) {
    case 'confirm':
      return page('Acknowledge critical alert', [
        status('Not yet acknowledged. Acknowledging stops the repeats and the escalation.'),
        details(view),
        form(),
        footer(view),
      ]);
    case 'acknowledged':
      return page('Acknowledged', [
        status(
          `Thank you. Acknowledged by ${who(view.alert)} at ${time(view.alert.acknowledgedAt, view.timeZone)}. Repeats and escalation have stopped.`,
        ),
        details(view),
        footer(view),
      ]);
    case 'alreadyAcknowledged':
      return page('Already acknowledged', [
        status(
          `Already acknowledged by ${who(view.alert)} at ${time(view.alert.acknowledgedAt, view.timeZone)}. Nothing more to do here.`,
        ),
        details(view),
        footer(view),
      ]);
    case 'resolved':
      return page(view.alert.state === 'superseded' ? 'Alert superseded' : 'Alert resolved', [
        status(
          `${view.alert.state === 'superseded' ? 'Closed' : 'Resolved'} at ${time(view.alert.resolvedAt, view.timeZone)}${
            view.alert.resolution === undefined ? '' : `: ${escapeHtml(view.alert.resolution)}`
          }. Nothing left to acknowledge.`,
        ),
        details(view),
        footer(view),
      ]);
    case 'expired':
      return page('Link expired', [
        status(
          'This acknowledgement link has expired. Use the link in a newer page, or acknowledge through the alerting administration.',
        ),
      ]);
    case 'invalid':
      return page('Link not valid', [
        status('This link is not valid. Check that it was opened in full, or use the link in a newer page.'),
      ]);
    case 'notFound':
      return page('Alert not found', [
        status(
          'This alert is no longer on record; a newer alert may have replaced it. Use the link in the newest page.',
        ),
      ]);
  }
}

function page(title: string, parts: string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)} - calciphylaxis alerting</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...parts,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** `role="status"` so a screen reader announces the outcome first. */
function status(html: string): string {
  return `<p class="status" role="status">${html}</p>`;
}

function details({ alert, pagePhi, patientName, timeZone }: AckAlertContext): string {
  const location = readableLocation(alert.patient.location);
  const rows: [string, string][] = [
    ['Finding', escapeHtml(alert.finding)],
    ['Recommendation', escapeHtml(alert.recommendation)],
    ['Rule', `<code>${escapeHtml(alert.ruleId)}</code>`],
    ['Severity', `<span class="badge">${escapeHtml(alert.severity.toUpperCase())}</span>`],
    ['Facility', escapeHtml(alert.patient.facility)],
    ['MRN', escapeHtml(alert.patient.mrn)],
    ...(location === undefined ? [] : [['Location', escapeHtml(location)] as [string, string]]),
    ...(pagePhi === 'full' && patientName !== undefined
      ? [['Patient', escapeHtml(`${patientName.family}, ${patientName.given}`)] as [string, string]]
      : []),
    ['Opened', time(alert.openedAt, timeZone)],
  ];
  return ['<dl>', ...rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`), '</dl>'].join('\n');
}

/** Posts back to this URL (no action attribute); the name is optional. */
function form(): string {
  return [
    '<form method="post">',
    `<label for="${typedNameField}">Your name (optional)</label>`,
    `<input id="${typedNameField}" name="${typedNameField}" type="text" maxlength="${maxTypedNameLength}" autocomplete="name">`,
    '<button type="submit">Acknowledge</button>',
    '</form>',
  ].join('\n');
}

function footer({ alert, recipientLabel }: AckAlertContext): string {
  const sentTo = recipientLabel === undefined ? '' : ` Link sent to: ${escapeHtml(recipientLabel)}.`;
  return `<p class="small">Alert ${escapeHtml(alert.alertId)}.${sentTo}</p>`;
}

function who(alert: Alert): string {
  return escapeHtml(alert.acknowledgedBy ?? 'unknown');
}

/** `<time datetime="ISO">Jul 26, 2026, 19:10 CDT</time>` in the hospital's zone; the raw text when unreadable. */
function time(iso: string | undefined, timeZone: string): string {
  if (iso === undefined) return 'an unrecorded time';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeHtml(iso);
  const local = new Intl.DateTimeFormat('en-US', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(ms);
  return `<time datetime="${escapeHtml(new Date(ms).toISOString())}">${escapeHtml(local)}</time>`;
}
