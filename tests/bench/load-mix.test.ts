/**
 * The load benchmark's pure parts: its figures are only as good as the mix it
 * draws (every critical result pages exactly once, resends are the same bytes)
 * and the percentile it reports.
 */
import { describe, expect, it } from 'vitest';
import { percentile, planBurst, planMix, summarize } from '../../bench/load-mix.js';
import { readHl7 } from '../../lambdas/hl7/index.js';

const shares = { critical: 0.2, resend: 0.1, cohortAdt: 0.1 };
const plan = planMix({ count: 5000, shares, seed: 7, runId: 'T1', at: new Date('2026-11-02T08:00:00Z') });

describe('load mix', () => {
  it('draws each kind near its share', () => {
    const share = (kind: string) => plan.messages.filter((message) => message.kind === kind).length / 5000;
    expect(share('critical')).toBeCloseTo(0.2, 1);
    expect(share('resend')).toBeCloseTo(0.1, 1);
    expect(share('cohortAdt')).toBeCloseTo(0.1, 1);
    expect(share('normal')).toBeCloseTo(0.6, 1);
  });

  it('sends every critical result to its own patient, enrolled in the cohort beforehand', () => {
    const critical = plan.messages
      .filter((message) => message.kind === 'critical')
      .map((message) => message.mrn);
    expect(new Set(critical).size).toBe(critical.length);
    expect(plan.enrolments.map((enrolment) => enrolment.mrn).sort()).toEqual([...critical].sort());
    for (const enrolment of plan.enrolments) expect(enrolment.body).toContain('237900002^Calciphylaxis^SCT');
  });

  it('resends an earlier first copy byte for byte (same MSH-10)', () => {
    plan.messages.forEach((message, index) => {
      if (message.kind !== 'resend') return;
      const original = plan.messages[message.resendOf ?? -1];
      expect(message.resendOf).toBeLessThan(index);
      expect(original?.kind).not.toBe('resend');
      expect(message.body).toBe(original?.body);
    });
  });

  it('uses a control id only once apart from resends, and writes readable HL7', () => {
    const firsts = plan.messages.filter((message) => message.kind !== 'resend');
    const ids = [...firsts, ...plan.enrolments].map((message) => message.controlId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const message of [...firsts.slice(0, 50), ...plan.enrolments.slice(0, 10)]) {
      const read = readHl7(new TextEncoder().encode(message.body), { maxBytes: 65_536 });
      expect(read.messages[0]?.ok).toBe(true);
    }
  });

  it('is the same mix for the same seed, and a burst is critical results only', () => {
    const again = planMix({
      count: 5000,
      shares,
      seed: 7,
      runId: 'T1',
      at: new Date('2026-11-02T08:00:00Z'),
    });
    expect(again.messages.map((message) => message.kind)).toEqual(
      plan.messages.map((message) => message.kind),
    );
    const burst = planBurst({ count: 200, runId: 'B1', at: new Date() });
    expect(burst.messages.every((message) => message.kind === 'critical')).toBe(true);
    expect(burst.enrolments).toHaveLength(200);
  });
});

describe('percentile', () => {
  it('is the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([5], 99)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
    expect(summarize([3, 1, 2])).toEqual({ count: 3, p50: 2, p99: 3, max: 3 });
  });
});
