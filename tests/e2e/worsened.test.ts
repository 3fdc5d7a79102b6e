/**
 * Worse after acknowledgement on the local stack: CALCIUM_CRITICAL_LOW opens on calcium 7.2 mg/dL
 * and is acknowledged through the admin API; two days later the same patient's calcium is 6.1
 * (more than the 0.5 mg/dL margin lower), and a `worsened` page naming both values arrives on the
 * pages topic. A calcium of 6.0 afterwards is within the margin of 6.1 and pages nothing.
 */
import { describe, expect, it } from 'vitest';
import type { ReceivedNotification } from '../../bin/local/notification-monitor.js';
import { getAlert } from '../../lambdas/adapters/store.js';
import { localServicesTimeoutMs } from '../support/local-services.js';
import { calciphylaxisDiagnosis, calciumResult, newMrn, useHarness } from './harness.js';

const harness = useHarness();

const hoursAgo = (hours: number) => new Date(Math.floor((Date.now() - hours * 3_600_000) / 1000) * 1000);

const critical = (mrn: string, event: string) =>
  harness
    .notificationsFor(mrn)
    .filter((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW' && n.body.event === event);

async function seen(mrn: string, event: string, count = 1): Promise<ReceivedNotification[]> {
  await harness.waitFor(() => critical(mrn, event).length >= count);
  return critical(mrn, event);
}

describe('a critical that gets worse after it was acknowledged', () => {
  it(
    'CALCIUM_CRITICAL_LOW: 7.2 acknowledged, 6.1 two days later pages `worsened` on pages with both values',
    async () => {
      const mrn = newMrn();
      expect((await harness.post(calciphylaxisDiagnosis(mrn, undefined, hoursAgo(72)))).status).toBe(200);
      expect((await harness.post(calciumResult(mrn, '7.2', 'mg/dL', { at: hoursAgo(48) }))).status).toBe(200);
      const [opened] = await seen(mrn, 'opened');
      const alertId = String(opened?.body.alertId);

      const ack = await fetch(`${harness.stack.apiUrl}/alerts/${encodeURIComponent(alertId)}/ack`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ byName: 'Dr Synthetic Oncall' }),
      });
      expect(ack.status).toBe(200);
      await harness.waitFor(() => harness.notificationsFor(mrn).some((n) => n.body.event === 'acknowledged'));

      expect((await harness.post(calciumResult(mrn, '6.1', 'mg/dL', { at: hoursAgo(0) }))).status).toBe(200);
      const [worsened] = await seen(mrn, 'worsened');

      expect(worsened?.topic).toBe('calciphylaxis-pages');
      expect(worsened?.attributes.event).toBe('worsened');
      expect(worsened?.attributes.severity).toBe('critical');
      expect(worsened?.body.alertId).toBe(alertId);
      expect(String(worsened?.body.finding)).toMatch(/was 7\.2 mg\/dL at acknowledgement, now 6\.1 mg\/dL/);
      expect(worsened?.sms).toContain('7.2 mg/dL');
      expect(worsened?.sms).toContain('6.1 mg/dL');
      expect(worsened?.sms?.length).toBeLessThanOrEqual(160);

      // The alert stays acknowledged: its reference is now 6.1, and 6.0 is within the margin.
      expect((await harness.post(calciumResult(mrn, '6.0', 'mg/dL'))).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(critical(mrn, 'worsened')).toHaveLength(1);
      expect(await getAlert(alertId)).toMatchObject({
        state: 'acknowledged',
        worsening: { value: { value: 6.1, unit: 'mg/dL' }, setBy: 'worsened', pages: 1 },
      });
      expect(harness.failures).toEqual([]);
    },
    localServicesTimeoutMs,
  );
});
