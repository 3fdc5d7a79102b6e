/**
 * Closed-loop paging on the local stack: a critical page's ack link opened in
 * headless Chromium shows the alert without the patient's name, the button
 * acknowledges it, and repeats and escalation stop; an unacknowledged alert
 * climbs (escalated at 15 min, repeated at 30 min) on a controllable clock;
 * reused, altered and expired links change nothing and say why.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedNotification } from '../../bin/local/notification-monitor.js';
import { ackKeyFromSecret, mintAckToken } from '../../lambdas/ack-links/token.js';
import { localServicesTimeoutMs } from '../support/local-services.js';
import { calciphylaxisDiagnosis, calciumResult, type Harness, newMrn, startHarness } from './harness.js';

/** Debian's package; `.ci/run` installs it when missing. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let harness: Harness;
let browser: Browser;
let sweepAt: (now: Date) => Promise<unknown>;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  harness = await startHarness();
  // The sweep with an injected clock, over the same store and topics as the running stack.
  const [{ runSweep }, runtime] = await Promise.all([
    import('../../lambdas/workflows/sweep.js'),
    import('../../lambdas/handlers/ports.js'),
  ]);
  const ports = {
    ...runtime.patientPorts,
    ...runtime.notificationPorts,
    listCohortPatients: (await import('../../lambdas/adapters/store.js')).listCohortPatients,
    listActiveAlerts: runtime.adminPorts.listActiveAlerts,
  };
  sweepAt = (now) => runSweep(ports, runtime.workflowSettings(), () => now);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, localServicesTimeoutMs);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

const minutes = (count: number) => count * 60_000;

async function criticalPage(mrn: string): Promise<ReceivedNotification> {
  expect((await harness.post(calciphylaxisDiagnosis(mrn))).status).toBe(200);
  expect((await harness.post(calciumResult(mrn, '7.1'))).status).toBe(200);
  await harness.waitFor(() =>
    harness
      .notificationsFor(mrn)
      .some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW' && n.body.event === 'opened'),
  );
  const page = harness
    .notificationsFor(mrn)
    .find((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW' && n.body.event === 'opened');
  if (page === undefined) throw new Error('no page');
  return page;
}

const eventsOf = (mrn: string, alertId: unknown) =>
  harness
    .notificationsFor(mrn)
    .filter((n) => n.body.alertId === alertId)
    .map((n) => `${n.topic}:${String(n.body.event)}`);

describe('tap-to-acknowledge', () => {
  it('shows the alert without the name, acknowledges on the button, and stops repeats and escalation', async () => {
    const mrn = newMrn();
    const page = await criticalPage(mrn);
    const ackUrl = String(page.body.ackUrl);
    expect(ackUrl.length).toBeLessThan(100);
    expect(page.sms).toContain(ackUrl);

    const tab = await browser.newPage();
    const opened = await tab.goto(ackUrl);
    expect(opened?.status()).toBe(200);
    const text = await tab.locator('body').textContent();
    expect(text).toContain(mrn);
    expect(text).toContain('CALCIUM_CRITICAL_LOW');
    expect(text).not.toContain('TESTPATIENT');
    // Opening the link changed nothing: a prefetching SMS app must not acknowledge.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(eventsOf(mrn, page.body.alertId)).toEqual(['calciphylaxis-pages:opened']);

    await tab.getByLabel(/name/i).fill('Dr Synthetic Tester');
    await tab.getByRole('button', { name: /acknowledge/i }).click();
    await tab.waitForLoadState();
    expect(await tab.locator('body').textContent()).toMatch(/Acknowledged by Dr Synthetic Tester/);

    await harness.waitFor(() =>
      eventsOf(mrn, page.body.alertId).includes('calciphylaxis-notices:acknowledged'),
    );
    const openedAt = Date.parse(String(page.body.openedAt));
    await sweepAt(new Date(openedAt + minutes(16)));
    await sweepAt(new Date(openedAt + minutes(31)));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(eventsOf(mrn, page.body.alertId)).toEqual([
      'calciphylaxis-pages:opened',
      'calciphylaxis-notices:acknowledged',
    ]);

    // The same link again: harmless, and it says who was first.
    const reused = await fetch(ackUrl, {
      method: 'POST',
      body: 'by=Someone+Else',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(reused.status).toBe(200);
    expect(await reused.text()).toMatch(/already acknowledged[\s\S]*Dr Synthetic Tester/i);
    await tab.close();
  });

  it('escalates an unacknowledged page at 15 minutes and repeats it at 30, each once', async () => {
    const mrn = newMrn();
    const page = await criticalPage(mrn);
    const openedAt = Date.parse(String(page.body.openedAt));

    await sweepAt(new Date(openedAt + minutes(14)));
    await sweepAt(new Date(openedAt + minutes(15)));
    await sweepAt(new Date(openedAt + minutes(16)));
    await sweepAt(new Date(openedAt + minutes(30)));
    await harness.waitFor(() => eventsOf(mrn, page.body.alertId).length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(eventsOf(mrn, page.body.alertId)).toEqual([
      'calciphylaxis-pages:opened',
      'calciphylaxis-escalations:escalated',
      'calciphylaxis-pages:repeated',
    ]);
    const escalated = harness.notificationsFor(mrn).find((n) => n.body.event === 'escalated');
    expect(escalated?.attributes).toMatchObject({
      event: 'escalated',
      severity: 'critical',
      escalationLevel: '1',
    });
    expect(String(escalated?.body.ackUrl)).toMatch(/\/a\//);
  });

  it('answers altered, expired and garbage links with a page that says why, changing nothing', async () => {
    const mrn = newMrn();
    const page = await criticalPage(mrn);
    const ackUrl = String(page.body.ackUrl);
    const token = ackUrl.slice(ackUrl.lastIndexOf('/') + 1);
    const base = ackUrl.slice(0, ackUrl.lastIndexOf('/') + 1);
    const flipped = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    const expired = mintAckToken(
      { alertId: String(page.body.alertId), recipient: 0, expiresAt: new Date(Date.now() - 1000) },
      ackKeyFromSecret(process.env.ACK_LINK_KEY),
    );
    const form = {
      method: 'POST',
      body: 'by=Intruder',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };

    const altered = await fetch(`${base}${flipped}`, form);
    expect(altered.status).toBe(404);
    expect(await altered.text()).toContain('This link is not valid');
    const old = await fetch(`${base}${expired}`, form);
    expect(old.status).toBe(410);
    expect(await old.text()).toContain('expired');
    const garbage = await fetch(`${base}not-a-token`, form);
    expect(garbage.status).toBe(400);

    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(eventsOf(mrn, page.body.alertId)).toEqual(['calciphylaxis-pages:opened']);
    const list = (await (await fetch(`${harness.stack.apiUrl}/alerts?limit=1000`)).json()) as {
      alerts: { alertId: string; state: string }[];
    };
    expect(list.alerts.find((alert) => alert.alertId === page.body.alertId)?.state).toBe('open');
  });
});
