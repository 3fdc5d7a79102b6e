/**
 * What the lifecycle records for the timeliness report: the result time and
 * arrival of the record the alert opened on (when the first page went out is
 * read from its sent mark by the store).
 */
import { describe, expect, it } from 'vitest';
import { applyOutcomes } from '../../lambdas/alerts/lifecycle.js';
import type { Evidence } from '../../lambdas/domain/alerts.js';
import { at, calciumEvidence, config, fire, orderEvidence, patient, persist } from './factories.js';

const t0 = at('2026-07-27T00:10:00.000Z');

function openWith(
  evidence: Evidence[],
  ruleId: 'CALCIUM_CRITICAL_LOW' | 'VKA_ACTIVE' = 'CALCIUM_CRITICAL_LOW',
) {
  const [alert] = persist(
    [],
    applyOutcomes({ patient, activeAlerts: [], outcomes: [fire(ruleId, { evidence })], now: t0, config }),
  );
  if (!alert) throw new Error('nothing opened');
  return alert;
}

describe('resultAt and receivedAt on opening', () => {
  it('come from the record the rule fired on (listed first), normalised to ISO UTC', () => {
    const calcium: Evidence = {
      ...calciumEvidence('OBS#1', 7.2, '2026-07-26T18:44:14-05:00'),
      receivedAt: '2026-07-27T00:02:00.000Z',
    };
    const order = orderEvidence('MED#1', 'cinacalcet 90 mg daily');
    const alert = openWith([calcium, order]);
    expect(alert.resultAt).toBe('2026-07-26T23:44:14.000Z');
    expect(alert.receivedAt).toBe('2026-07-27T00:02:00.000Z');
    expect(alert.openedAt).toBe(t0.toISOString());
  });

  it('an order rule counts from the order event (VKA_ACTIVE)', () => {
    const alert = openWith([orderEvidence('MED#7')], 'VKA_ACTIVE');
    expect(alert.resultAt).toBe('2026-07-26T08:00:00.000Z');
    expect(alert).not.toHaveProperty('receivedAt');
  });

  it('skips evidence whose time cannot be read, and records nothing rather than a guess', () => {
    const unreadable = { ...calciumEvidence('OBS#x', 7.0), at: 'unknown' };
    expect(openWith([unreadable, calciumEvidence('OBS#y', 7.1, '2026-07-26T22:00:00.000Z')]).resultAt).toBe(
      '2026-07-26T22:00:00.000Z',
    );
    const none = openWith([unreadable]);
    expect(none).not.toHaveProperty('resultAt');
    expect(none).not.toHaveProperty('receivedAt');
  });
});
