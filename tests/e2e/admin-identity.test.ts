/**
 * The admin API on the local stack: who acted is the caller's identity (the
 * local stand-in for API Gateway's IAM authorization), never a name in the
 * body; a name given is kept beside it. Removing a patient from the cohort
 * needs a reason, names the alerts it resolves, records them, and the
 * resolved page names the removal and its reason.
 */
import { describe, expect, it } from 'vitest';
import { localCaller } from '../../bin/local/stack.js';
import { newMrn, pagedCriticalAlertId, patientItems, useHarness } from './harness.js';

const harness = useHarness();

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${harness.stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const cohortPath = (mrn: string) => `/patients/E2E/${mrn}/cohort`;

const criticalAlertId = (mrn: string) => pagedCriticalAlertId(harness, mrn);

describe('who acknowledges: the caller identity, with the name beside it', () => {
  it('refuses a `by` in the body (400 naming it) and records the identity with byName', async () => {
    const mrn = newMrn();
    const alertId = await criticalAlertId(mrn);
    const ackPath = `/alerts/${encodeURIComponent(alertId)}/ack`;

    const impersonating = await post(ackPath, { by: 'Dr Someone Else' });
    expect(impersonating.status).toBe(400);
    expect(String(impersonating.body.issues)).toMatch(/^by: .*IAM identity.*byName/);

    const acknowledged = await post(ackPath, { byName: 'Dr Synthetic Oncall' });
    expect(acknowledged.status).toBe(200);
    const alert = acknowledged.body.alert as Record<string, unknown>;
    expect(alert.acknowledgedBy).toBe(localCaller.userArn);
    expect(alert.acknowledgedByName).toBe('Dr Synthetic Oncall');

    const audit = (await patientItems(mrn, 'EVENT#AUDIT#')).filter(
      (item) => item.alertId === alertId && item.to === 'acknowledged',
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ by: localCaller.userArn, byName: 'Dr Synthetic Oncall' });
  });

  it('records the identity alone when no name is given', async () => {
    const mrn = newMrn();
    const alertId = await criticalAlertId(mrn);
    const acknowledged = await post(`/alerts/${encodeURIComponent(alertId)}/ack`, {});
    expect(acknowledged.status).toBe(200);
    const alert = acknowledged.body.alert as Record<string, unknown>;
    expect(alert.acknowledgedBy).toBe(localCaller.userArn);
    expect(alert).not.toHaveProperty('acknowledgedByName');
  });
});

describe('cohort enrolment and removal', () => {
  it('enrols as the caller identity, the name beside it; a `by` in the body is refused', async () => {
    const mrn = newMrn();
    const refused = await post(cohortPath(mrn), { action: 'enrol', by: 'Dr Someone Else' });
    expect(refused.status).toBe(400);
    expect(String(refused.body.issues)).toMatch(/^by: /);

    const enrolled = await post(cohortPath(mrn), {
      action: 'enrol',
      byName: 'Dr Synthetic Admin',
      reason: 'biopsy-proven calciphylaxis',
    });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.enrolment).toMatchObject({
      action: 'enrol',
      by: localCaller.userArn,
      byName: 'Dr Synthetic Admin',
    });
    const [stored] = await patientItems(mrn, 'STATE#ENROL#');
    expect(JSON.parse(String(stored?.record))).toMatchObject({
      by: localCaller.userArn,
      byName: 'Dr Synthetic Admin',
    });
  });

  it('refuses a removal without a reason (400 naming reason) and changes nothing', async () => {
    const mrn = newMrn();
    const alertId = await criticalAlertId(mrn);
    const refused = await post(cohortPath(mrn), { action: 'remove', byName: 'Dr Synthetic Admin' });
    expect(refused.status).toBe(400);
    expect(String(refused.body.issues)).toMatch(/^reason: required/);
    const blank = await post(cohortPath(mrn), { action: 'remove', reason: '   ' });
    expect(blank.status).toBe(400);
    expect(String(blank.body.issues)).toMatch(/^reason: /);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      harness.notificationsFor(mrn).filter((n) => n.body.alertId === alertId && n.body.event === 'resolved'),
    ).toEqual([]);
  });

  it('names the alerts a removal resolves, records them, and the resolved page names the removal and why', async () => {
    const mrn = newMrn();
    const alertId = await criticalAlertId(mrn);
    const removed = await post(cohortPath(mrn), {
      action: 'remove',
      byName: 'Dr Synthetic Admin',
      reason: 'diagnosis revised after biopsy',
    });
    expect(removed.status).toBe(200);
    expect(removed.body.resolvesAlerts).toEqual([
      { alertId, ruleId: 'CALCIUM_CRITICAL_LOW', severity: 'critical', state: 'open' },
    ]);
    const removal = removed.body.enrolment as Record<string, unknown>;
    expect(removal).toMatchObject({ action: 'remove', by: localCaller.userArn });
    expect(removal.resolvesAlerts).toEqual(removed.body.resolvesAlerts);

    // The on-call hears of it on the page topic, with the reason first (an SMS is cut at 160).
    await harness.waitFor(() =>
      harness.notificationsFor(mrn).some((n) => n.body.alertId === alertId && n.body.event === 'resolved'),
    );
    const resolved = harness
      .notificationsFor(mrn)
      .find((n) => n.body.alertId === alertId && n.body.event === 'resolved');
    expect(resolved?.topic).toBe('calciphylaxis-pages');
    expect(String(resolved?.body.finding)).toMatch(
      /^Resolved: patient removed from the cohort \(diagnosis revised after biopsy\) by Dr Synthetic Admin/,
    );
    const audit = (await patientItems(mrn, 'EVENT#AUDIT#')).filter(
      (item) => item.alertId === alertId && item.to === 'resolved',
    );
    expect(String(audit[0]?.reason)).toContain('removed from the cohort (diagnosis revised after biopsy)');
  });

  it('a removal of a patient without alerts resolves nothing and says so', async () => {
    const mrn = newMrn();
    const removed = await post(cohortPath(mrn), { action: 'remove', reason: 'transferred out' });
    expect(removed.status).toBe(200);
    expect(removed.body.resolvesAlerts).toEqual([]);
  });
});
