/**
 * No patient identifier in any log line. The local stack runs the same
 * handlers as Lambda, in this process, with Powertools logging everything
 * (DEBUG); every line written to stdout or stderr, or through the console,
 * while representative scenarios run is collected: a cohort enrolment, a
 * critical calcium page acknowledged by its link, a warfarin page
 * acknowledged through the admin API, a sweep that escalates, a rejected
 * message, a merge, and a removal from the cohort. No line may hold a
 * synthetic patient's MRN, name or birth date.
 */
import { vi } from 'vitest';

// Before any handler loads: the logger reads its level once.
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localServicesTimeoutMs } from '../support/local-services.js';
import {
  calciphylaxisDiagnosis,
  calciumResult,
  type Harness,
  hl7Time,
  newControlId,
  newMrn,
  startHarness,
  warfarinOrder,
} from './harness.js';

const lines: string[] = [];
const restore: (() => void)[] = [];

function capture(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream);
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  restore.push(() => {
    stream.write = write;
  });
}

let harness: Harness;

beforeAll(async () => {
  capture(process.stdout);
  capture(process.stderr);
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    });
    restore.push(() => spy.mockRestore());
  }
  harness = await startHarness();
}, localServicesTimeoutMs);

afterAll(async () => {
  await harness?.stop();
  for (const undo of restore) undo();
});

/** The synthetic patient the harness writes into PID: name, birth date (PID-7) and sex. */
const family = 'TESTPATIENT';
const given = 'E2E';
const birthDate = '19600101';

async function postAdmin(path: string, body: unknown): Promise<Response> {
  return fetch(`${harness.stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function merge(survivor: string, prior: string): string {
  const at = hl7Time(new Date());
  return [
    `MSH|^~\\&|ADT|E2E DIALYSIS|CALCIPHYLAXIS_ALERTING|E2E DIALYSIS|${at}||ADT^A40^ADT_A39|${newControlId()}|P|2.5.1|||AL|NE`,
    `EVN|A40|${at}`,
    `PID|1||${survivor}^^^E2E^MR||${family}^${given}||${birthDate}|F`,
    `MRG|${prior}^^^E2E^MR`,
    'PV1|1|O|HD^CHAIR03^^E2E',
  ].join('\r');
}

describe('log lines', () => {
  it('carry no MRN, name or birth date of the patients in the scenarios', async () => {
    const paged = newMrn();
    const escalated = newMrn();
    const rejected = newMrn();
    const prior = newMrn();
    const mrns = [paged, escalated, rejected, prior];

    // Enrolment through the admin API, then a critical calcium page acknowledged by its link.
    expect(
      (await postAdmin(`/patients/E2E/${paged}/cohort`, { action: 'enrol', reason: 'biopsy' })).status,
    ).toBe(200);
    expect((await harness.post(calciumResult(paged, '7.1'))).status).toBe(200);
    await harness.waitFor(() => harness.notificationsFor(paged).some((n) => n.body.ackUrl !== undefined));
    const page = harness.notificationsFor(paged).find((n) => n.body.ackUrl !== undefined);
    await fetch(String(page?.body.ackUrl));
    const byLink = await fetch(String(page?.body.ackUrl), {
      method: 'POST',
      body: 'by=Dr+Synthetic+Tester',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(byLink.status).toBe(200);

    // Warfarin for a cohort patient, acknowledged through the admin API.
    expect((await harness.post(calciphylaxisDiagnosis(escalated))).status).toBe(200);
    expect((await harness.post(warfarinOrder(escalated, 'NW', `W${escalated.slice(-6)}`))).status).toBe(200);
    expect((await harness.post(calciumResult(escalated, '7.0'))).status).toBe(200);
    await harness.waitFor(
      () => harness.notificationsFor(escalated).filter((n) => n.body.event === 'opened').length >= 2,
    );
    const vka = harness.notificationsFor(escalated).find((n) => n.body.ruleId === 'VKA_ACTIVE');
    expect(
      (
        await postAdmin(`/alerts/${encodeURIComponent(String(vka?.body.alertId))}/ack`, {
          byName: 'Dr Admin',
        })
      ).status,
    ).toBe(200);

    // The sweep, 16 minutes on: the unacknowledged calcium page escalates.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    try {
      await harness.stack.sweep().catch(() => undefined);
    } finally {
      vi.useRealTimers();
    }
    await harness.waitFor(() =>
      harness.notificationsFor(escalated).some((n) => n.body.event === 'escalated'),
    );

    // A message the pipeline cannot accept (an ORM), and a merge.
    const orm = calciumResult(rejected, '7.2').replace('ORU^R01^ORU_R01', 'ORM^O01^ORM_O01');
    expect((await harness.post(orm)).status).toBe(400);
    expect((await harness.post(calciphylaxisDiagnosis(prior))).status).toBe(200);
    expect((await harness.post(merge(paged, prior))).status).toBe(200);

    // Removal from the cohort resolves what is open.
    expect(
      (await postAdmin(`/patients/E2E/${escalated}/cohort`, { action: 'remove', reason: 'transferred' }))
        .status,
    ).toBe(200);
    await harness.waitFor(() => harness.notificationsFor(escalated).some((n) => n.body.event === 'resolved'));
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const logged = lines.join('').split('\n');
    // The logger was on: the scenarios were logged, at every level.
    expect(logged.some((line) => line.includes('"message":"hl7 message"'))).toBe(true);
    expect(logged.some((line) => line.includes('"message":"evaluated"'))).toBe(true);
    expect(logged.some((line) => line.includes('"message":"sweep"'))).toBe(true);
    expect(logged.some((line) => line.includes('"message":"cohort"'))).toBe(true);
    const identifiers = [...mrns, family, birthDate, '1960-01-01', `${family}^${given}`];
    const leaks = logged.filter((line) => identifiers.some((identifier) => line.includes(identifier)));
    expect(leaks).toEqual([]);
  }, 90_000);
});
