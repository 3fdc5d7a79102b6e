/**
 * End to end on the local stack: HL7 over HTTP in, SNS notifications out,
 * through the same handlers, adapters and stream wiring as in AWS.
 */
import { describe, expect, it } from 'vitest';
import { getRawMessage, listRawMessages } from '../../lambdas/adapters/archive.js';
import { ruleSetVersion } from '../../lambdas/rules/rule-set-version.js';
import { loadHospitalConfig, rulesConfigFor } from '../../lib/config/hospital-config.js';
import {
  calciphylaxisDiagnosis,
  calciumResult,
  newControlId,
  newMrn,
  useHarness,
  warfarinOrder,
} from './harness.js';

const harness = useHarness();

/** Long enough for a record to pass the stream, evaluation and SNS → SQS several times over. */
const quietPeriodMs = 1500;
const settle = () => new Promise((resolve) => setTimeout(resolve, quietPeriodMs));

async function enterCohort(mrn: string): Promise<void> {
  const { status } = await harness.post(calciphylaxisDiagnosis(mrn));
  expect(status).toBe(200);
}

describe('a critical calcium for a cohort patient (CALCIUM_CRITICAL_LOW, < 7.5 mg/dL)', () => {
  it('pages once on the pages topic with the agreed body and attributes, and no name', async () => {
    const mrn = newMrn();
    await enterCohort(mrn);
    const { status, ack } = await harness.post(calciumResult(mrn, '7.2'));
    expect(status).toBe(200);
    expect(ack).toMatch(/\rMSA\|AA\|/);

    await harness.waitFor(() =>
      harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
    );
    await settle();
    const pages = harness.notificationsFor(mrn).filter((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW');
    expect(pages).toHaveLength(1);
    const [page] = pages;
    expect(page?.topic).toBe('calciphylaxis-pages');
    expect(page?.attributes).toEqual({
      severity: 'critical',
      ruleId: 'CALCIUM_CRITICAL_LOW',
      facility: 'E2E DIALYSIS',
      event: 'opened',
      // Which rules code and hospital configuration sent it (the local stack runs the example hospital).
      ruleSetVersion: ruleSetVersion(rulesConfigFor(loadHospitalConfig('example'))),
      // Stable: a re-publish of this page carries the same id, so a subscriber can drop it.
      notificationId: `${String(page?.body.alertId)}:opened`,
    });
    expect(page?.body.ruleSetVersion).toBe(page?.attributes.ruleSetVersion);
    expect(page?.body).toMatchObject({
      ruleId: 'CALCIUM_CRITICAL_LOW',
      severity: 'critical',
      event: 'opened',
      patient: { facility: 'E2E DIALYSIS', mrn, location: 'HD^CHAIR03^^E2E' },
    });
    expect(Object.keys(page?.body ?? {}).sort()).toEqual(
      [
        'ackUrl',
        'alertId',
        'event',
        'evidence',
        'finding',
        'openedAt',
        'patient',
        'recommendation',
        'ruleId',
        'ruleSetVersion',
        'severity',
      ].sort(),
    );
    expect(String(page?.body.finding)).toContain('7.2 mg/dL');
    expect(String(page?.body.ackUrl)).toMatch(new RegExp(`^${harness.stack.apiUrl}/a/[A-Za-z0-9_-]+$`));
    expect(JSON.stringify(page?.body)).not.toContain('TESTPATIENT');
    expect((page?.sms ?? '').length).toBeLessThanOrEqual(160);
  });

  it('reads a value in mmol/L: 1.80 mmol/L is 7.21 mg/dL and pages it as 7.2 mg/dL', async () => {
    const mrn = newMrn();
    await enterCohort(mrn);
    await harness.post(calciumResult(mrn, '1.80', 'mmol/L'));
    await harness.waitFor(() =>
      harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
    );
    const page = harness.notificationsFor(mrn).find((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW');
    expect(String(page?.body.finding)).toMatch(/^Calcium 7\.2 mg\/dL \(1\.80 mmol\/L as sent, final\) at /);
    expect(page?.sms).toContain(`MRN ${mrn}: Calcium 7.2 mg/dL (1.80 mmol`);
    expect((page?.sms ?? '').length).toBeLessThanOrEqual(160);
  });

  it('pages nothing more for a duplicate message (same MSH-4 and MSH-10), which is still acknowledged AA', async () => {
    const mrn = newMrn();
    await enterCohort(mrn);
    const message = calciumResult(mrn, '7.1', 'mg/dL', { controlId: newControlId() });
    expect((await harness.post(message)).status).toBe(200);
    await harness.waitFor(() =>
      harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
    );
    const before = harness.notificationsFor(mrn).length;

    const again = await harness.post(message);
    expect(again.status).toBe(200);
    expect(again.ack).toMatch(/\rMSA\|AA\|/);
    await settle();
    expect(harness.notificationsFor(mrn)).toHaveLength(before);
  });

  it('pages nothing for a patient outside the cohort', async () => {
    const mrn = newMrn();
    expect((await harness.post(calciumResult(mrn, '6.9'))).status).toBe(200);
    await settle();
    await settle();
    expect(harness.notificationsFor(mrn)).toEqual([]);
  });
});

describe('warfarin for a cohort patient (VKA_ACTIVE)', () => {
  it('pages when the order arrives (NW) and sends a resolved notice when it is discontinued (DC)', async () => {
    const mrn = newMrn();
    await enterCohort(mrn);
    expect((await harness.post(warfarinOrder(mrn, 'NW', `W${mrn}`))).status).toBe(200);
    await harness.waitFor(() =>
      harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'VKA_ACTIVE' && n.body.event === 'opened'),
    );
    const opened = harness.notificationsFor(mrn).find((n) => n.body.ruleId === 'VKA_ACTIVE');
    expect(opened?.topic).toBe('calciphylaxis-pages');
    expect(opened?.attributes.severity).toBe('critical');

    expect((await harness.post(warfarinOrder(mrn, 'DC', `W${mrn}`))).status).toBe(200);
    await harness.waitFor(() =>
      harness
        .notificationsFor(mrn)
        .some((n) => n.body.ruleId === 'VKA_ACTIVE' && n.body.event === 'resolved'),
    );
    const resolved = harness.notificationsFor(mrn).find((n) => n.body.event === 'resolved');
    expect(resolved?.topic).toBe('calciphylaxis-pages');
    expect(resolved?.attributes).toMatchObject({
      event: 'resolved',
      severity: 'critical',
      ruleId: 'VKA_ACTIVE',
    });
    expect(resolved?.body.alertId).toBe(opened?.body.alertId);
  });

  it('pages for warfarin ordered before the patient entered the cohort, when the diagnosis arrives', async () => {
    const mrn = newMrn();
    await harness.post(warfarinOrder(mrn, 'NW', `W${mrn}`));
    await settle();
    expect(harness.notificationsFor(mrn)).toEqual([]);
    await enterCohort(mrn);
    await harness.waitFor(() => harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'VKA_ACTIVE'));
  });
});

describe('bad input', () => {
  it('answers AR with an ERR naming the field, keeps the raw bytes, and keeps working', async () => {
    const controlId = newControlId();
    // MSH-9 (message type) is missing.
    const bad = `MSH|^~\\&|LAB|E2E DIALYSIS|CALCIPHYLAXIS_ALERTING|E2E DIALYSIS|20261125120000+0000|||${controlId}|P|2.5.1\rPID|1||X1^^^E2E^MR`;
    const { status, ack } = await harness.post(bad);
    expect(status).toBe(400);
    expect(ack).toMatch(new RegExp(`\\rMSA\\|AR\\|${controlId}`));
    expect(ack).toMatch(/\rERR\|[^\r]*MSH\^1\^9/);

    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    const archived: string[] = [];
    for await (const summary of listRawMessages(`raw/${today}/`)) {
      const raw = await getRawMessage(summary.key);
      archived.push(new TextDecoder().decode(raw.bytes));
    }
    expect(archived).toContain(bad);

    const garbage = await harness.post('this is not HL7 at all');
    expect(garbage.status).toBe(400);
    expect(garbage.ack).toMatch(/MSA\|AR/);

    const mrn = newMrn();
    await enterCohort(mrn);
    expect((await harness.post(calciumResult(mrn, '7.0'))).status).toBe(200);
    await harness.waitFor(() =>
      harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
    );
  });

  it('answers a batch with a batch of ACKs in order, its HTTP status that of the worst ACK', async () => {
    const mrn = newMrn();
    const good = calciumResult(mrn, '9.1');
    const bad = `MSH|^~\\&|LAB|E2E DIALYSIS|X|Y|20261125120000+0000||ORU^R01|${newControlId()}|P|9.9`;
    const batch = [
      'FHS|^~\\&|LAB|E2E DIALYSIS',
      'BHS|^~\\&|LAB|E2E DIALYSIS',
      good,
      bad,
      'BTS|2',
      'FTS|1',
    ].join('\r');
    const { status, ack } = await harness.post(batch);
    expect(status).toBe(400);
    const codes = [...ack.matchAll(/\rMSA\|(A[AER])\|/g)].map((match) => match[1]);
    expect(codes).toEqual(['AA', 'AR']);
  });
});

describe('publish failures (SNS down for a while)', () => {
  it('retries the record and the page arrives exactly once after SNS recovers', async () => {
    const mrn = newMrn();
    await enterCohort(mrn);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Pages go to a topic that does not exist until we restore it: every publish fails.
    const pagesTopicArn = process.env.PAGES_TOPIC_ARN ?? '';
    process.env.PAGES_TOPIC_ARN = `${pagesTopicArn}-unavailable`;
    try {
      expect((await harness.post(calciumResult(mrn, '7.3'))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(harness.notificationsFor(mrn).filter((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW')).toEqual(
        [],
      );
    } finally {
      process.env.PAGES_TOPIC_ARN = pagesTopicArn;
    }
    await harness.waitFor(() =>
      harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
    );
    await settle();
    expect(
      harness.notificationsFor(mrn).filter((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
    ).toHaveLength(1);
    expect(harness.failures).toEqual([]);
  });
});
