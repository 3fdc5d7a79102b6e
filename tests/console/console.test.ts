/**
 * The console in a real browser (Debian's Chromium through playwright-core)
 * against the local stack (real handlers, DynamoDB Local, the SNS/SQS
 * emulator), fed by the sample story and a generated year of history: the
 * alert list puts open criticals first; acknowledging from the console
 * records the name and sends the `acknowledged` notice once; the timeline
 * draws calcium and PTH with their threshold lines and the medication bars
 * (read from the charts' data and the DOM); every view at phone and desktop
 * size is screenshotted and has no serious or critical axe finding, and no
 * Content-Security-Policy violation.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  rewriteControlIds,
  runTag,
  shiftTimestamps,
  shiftToNow,
  taggedControlId,
} from '../../bin/cli/story.js';
import type { Alert } from '../../lambdas/domain/alerts.js';
import type { AlertDetail, CohortRow } from '../../lambdas/workflows/console-views.js';
import { type Harness, newMrn, startHarness } from '../e2e/harness.js';
import { localServicesTimeoutMs } from '../support/local-services.js';
import { yearOfHistory } from '../support/year-of-history.js';

/** Debian's package; `.ci/run` installs it when missing. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshots = 'test-results/console';
const viewports = [
  { width: 390, height: 844 },
  { width: 1440, height: 900 },
] as const;

let harness: Harness;
let browser: Browser;
const yearMrn = newMrn();
const storyMrn = newMrn();
let consoleUrl: string;
const cspViolations: string[] = [];

async function api<T>(path: string): Promise<T> {
  return (await (await fetch(`${harness.stack.apiUrl}${path}`)).json()) as T;
}

/** The sample story, moved to now, its MSH-10s made unique and its patient a fresh MRN. */
function sampleStory(): string[] {
  const folder = new URL('../../samples/story/', import.meta.url).pathname;
  const texts = readdirSync(folder)
    .filter((name) => name.endsWith('.hl7'))
    .sort()
    .map((name) => readFileSync(join(folder, name), 'utf8').replaceAll('900001^^^NDC', `${storyMrn}^^^NDC`));
  const now = new Date();
  const shift = shiftToNow(texts, now);
  const tag = runTag(now);
  return texts.map((text) =>
    rewriteControlIds(shiftTimestamps(text, shift), (id) => taggedControlId(id, tag)),
  );
}

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  mkdirSync(screenshots, { recursive: true });
  const launching = chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-sync',
    ],
  });
  harness = await startHarness();
  consoleUrl = `${harness.stack.apiUrl}/console/`;
  for (const message of sampleStory()) expect((await harness.post(message)).status).toBe(200);
  const year = yearOfHistory({ mrn: yearMrn, namespace: 'NDC', facility: 'NORTHSIDE DIALYSIS' });
  for (const message of year.messages) expect((await harness.post(message)).status).toBe(200);
  browser = await launching;
  // The year's patient entered the cohort last: once its evaluation wrote the latest calcium, it is done.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const row = (await api<{ patients: CohortRow[] }>('/cohort')).patients.find(
      (candidate) => candidate.patient.mrn === yearMrn,
    );
    if (row?.latest.calcium?.at === year.lastCalciumAt && row.alerts.critical >= 2) break;
    if (Date.now() > deadline) throw new Error('the year of history was not evaluated within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, localServicesTimeoutMs + 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

async function open(hash: string, viewport: { width: number; height: number } = viewports[1]): Promise<Page> {
  // A context per page: the accessibility check opens pages of its own in it.
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(`${consoleUrl}${hash}`);
  return page;
}

const yearAlert = async (ruleId: string): Promise<Alert> => {
  const { alerts } = await api<{ alerts: Alert[] }>('/alerts?limit=1000');
  const alert = alerts.find((candidate) => candidate.patient.mrn === yearMrn && candidate.ruleId === ruleId);
  if (alert === undefined) throw new Error(`no ${ruleId} for the year's patient`);
  return alert;
};

describe('the console on the local stack', () => {
  it('is served with the strict security headers and says it is the local stack', async () => {
    const response = await fetch(consoleUrl);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>/);
    expect(await (await fetch(`${consoleUrl}console-config.json`)).json()).toEqual({
      apiBaseUrl: '',
      auth: { kind: 'none', label: 'Local stack — no sign-in' },
    });
    const redirect = await fetch(`${harness.stack.apiUrl}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);

    const page = await open('#/alerts');
    await expect.poll(() => page.locator('.environment').textContent()).toBe('Local stack — no sign-in');
    await page.context().close();
  });

  it('lists open unacknowledged criticals first, then by severity', async () => {
    const page = await open('#/alerts');
    await page.locator('tr[data-alert-id]').first().waitFor();
    const rows = await page
      .locator('tr[data-alert-id]')
      .evaluateAll((elements) => elements.map((element) => element.className));
    const rank = (className: string) =>
      className.includes('row-critical') && className.includes('row-open')
        ? 0
        : className.includes('row-critical')
          ? 1
          : className.includes('row-urgent')
            ? 2
            : 3;
    const ranks = rows.map(rank);
    expect(ranks[0]).toBe(0);
    // Unacknowledged criticals before everything; then severity (an acknowledged critical before urgent).
    expect(ranks.slice(0, ranks.lastIndexOf(0) + 1).every((value) => value === 0)).toBe(true);
    expect([...ranks.slice(ranks.lastIndexOf(0) + 1)].every((value) => value >= 1)).toBe(true);
    const calcium = await yearAlert('CALCIUM_CRITICAL_LOW');
    expect(
      rank((await page.locator(`tr[data-alert-id="${calcium.alertId}"]`).getAttribute('class')) ?? ''),
    ).toBe(0);
    await page.context().close();
  });

  it('acknowledges from the list with the name given, and the acknowledged notice goes out once', async () => {
    const alert = await yearAlert('CALCIUM_CRITICAL_LOW');
    const page = await open('#/alerts');
    await page.getByLabel('Acknowledge as (your name)').fill('Dr Synthetic Console');
    await page.getByRole('button', { name: `Acknowledge CALCIUM_CRITICAL_LOW for MRN ${yearMrn}` }).click();
    await expect
      .poll(() => page.locator('.notice').textContent())
      .toContain('acknowledged by Dr Synthetic Console');

    const detail = await api<AlertDetail>(`/alerts/${encodeURIComponent(alert.alertId)}`);
    expect(detail.alert).toMatchObject({ state: 'acknowledged', acknowledgedByName: 'Dr Synthetic Console' });
    expect(detail.trail).toContainEqual(
      expect.objectContaining({ kind: 'transition', to: 'acknowledged', byName: 'Dr Synthetic Console' }),
    );
    const acknowledged = () =>
      harness
        .notificationsFor(yearMrn)
        .filter((notice) => notice.body.alertId === alert.alertId && notice.body.event === 'acknowledged');
    await harness.waitFor(() => acknowledged().length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(acknowledged()).toHaveLength(1);
    expect(acknowledged()[0]?.topic).toBe('calciphylaxis-notices');
    await page.context().close();
  });

  it('draws calcium and PTH with their threshold lines, the medication bars and the alert markers', async () => {
    const page = await open(`#/patients/NDC/${yearMrn}`);
    await page.locator('[data-chart="medications"] canvas').waitFor();
    const charts = await page.evaluate(() => {
      const registry = (
        globalThis as unknown as {
          consoleCharts: Record<string, { data: unknown[][]; series: { label?: string }[] }>;
        }
      ).consoleCharts;
      const summary = (name: string) => {
        const chart = registry[`timeline:${name}`];
        if (chart === undefined) return undefined;
        return {
          points: (chart.data[1] ?? []).filter((value) => value !== null).length,
          lines: chart.data.slice(2).map((values) => [...new Set(values)]),
          labels: chart.series.map((series) => series.label ?? ''),
        };
      };
      return {
        calcium: summary('calcium'),
        pth: summary('pth'),
        medications: registry['timeline:medications'] !== undefined,
      };
    });
    expect(charts.calcium?.points).toBeGreaterThanOrEqual(100);
    expect(charts.calcium?.lines).toEqual([[7.5], [8], [8.4]]);
    expect(charts.calcium?.labels[1]).toBe('Calcium (mg/dL)');
    expect(charts.pth?.points).toBe(13);
    expect(charts.pth?.lines).toEqual([[100], [150], [300], [500]]);
    expect(charts.medications).toBe(true);

    // The medication bars, as their text alternative lists them: cinacalcet 30 → 60 → 90 → 60 mg.
    for (const summary of ['Medications: as a table', 'Calcium: values as a table', 'Alert events']) {
      await page.locator('summary', { hasText: summary }).click();
    }
    const steps = await page.locator('table[data-values="medications"] tbody tr').evaluateAll((rows) =>
      rows.map((row) => ({
        medicationClass: row.getAttribute('data-class'),
        dose: row.querySelector('td:last-child')?.textContent,
      })),
    );
    expect(steps.filter((step) => step.medicationClass === 'calcimimetic').map((step) => step.dose)).toEqual([
      '30 mg',
      '60 mg',
      '90 mg',
      '60 mg',
    ]);
    const classes = new Set(steps.map((step) => step.medicationClass));
    expect([...classes].sort()).toEqual([
      'activeVitaminD',
      'calcimimetic',
      'calciumBinder',
      'sodiumThiosulfate',
      'vitaminKAntagonist',
    ]);
    expect(
      steps.filter((step) => step.medicationClass === 'activeVitaminD').map((step) => step.dose),
    ).toContain('held');
    expect(await page.locator('[data-chart="medications"]').getAttribute('data-bars')).toBe('7');

    // A value sent in mmol/L is shown in mg/dL with the value as sent beside it.
    const sentInMmol = page.locator('table[data-values="calcium"] tbody tr', { hasText: 'mmol/L' }).first();
    expect(await sentInMmol.locator('td').nth(2).textContent()).toMatch(/^\d\.\d\d mmol\/L$/);
    const markers = await page
      .locator('ul.markers li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-event')));
    expect(markers).toContain('opened');
    expect(markers).toContain('acknowledged');
    await page.context().close();
  });

  it('shows every view at phone and desktop size without a serious or critical accessibility finding', async () => {
    const calcium = await yearAlert('CALCIUM_CRITICAL_LOW');
    const views = [
      { name: 'alerts', hash: '#/alerts', ready: 'tr[data-alert-id]' },
      { name: 'alert-detail', hash: `#/alerts/${encodeURIComponent(calcium.alertId)}`, ready: 'ol.trail li' },
      { name: 'timeline', hash: `#/patients/NDC/${yearMrn}`, ready: '[data-chart="medications"] canvas' },
      { name: 'cohort', hash: '#/cohort', ready: `tr[data-mrn="${yearMrn}"]` },
      { name: 'timeliness', hash: '#/timeliness', ready: '[data-chart="pageToAck"] canvas' },
    ];
    const findings: string[] = [];
    for (const viewport of viewports) {
      for (const view of views) {
        const page = await open(view.hash, viewport);
        await page.locator(view.ready).first().waitFor();
        await page.screenshot({
          path: `${screenshots}/${view.name}-${viewport.width}x${viewport.height}.png`,
          fullPage: true,
        });
        const { violations } = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21aa'])
          .analyze();
        for (const violation of violations) {
          if (violation.impact === 'serious' || violation.impact === 'critical') {
            findings.push(`${view.name} ${viewport.width}: ${violation.id} (${violation.nodes.length})`);
          }
        }
        await page.context().close();
      }
    }
    expect(findings).toEqual([]);
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('downloads the timeliness CSV the report gives', async () => {
    const page = await open('#/timeliness');
    await page.locator('[data-chart="pageToAck"] canvas').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^timeliness-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    await page.context().close();
  });
});
