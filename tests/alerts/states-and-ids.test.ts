import { describe, expect, it } from 'vitest';
import { Changeset } from '../../lambdas/alerts/changeset.js';
import { IllegalTransitionError } from '../../lambdas/alerts/errors.js';
import { alertIdFor, fnv1a64, notificationIdFor } from '../../lambdas/alerts/ids.js';
import { applyOutcomes } from '../../lambdas/alerts/lifecycle.js';
import { canTransition, topicFor } from '../../lambdas/alerts/states.js';
import type { Alert, AlertState } from '../../lambdas/domain/alerts.js';
import { at, config, fire, patient } from './factories.js';

describe('state machine', () => {
  it.each<[AlertState | 'none', AlertState, boolean]>([
    ['none', 'open', true],
    ['none', 'acknowledged', false],
    ['open', 'acknowledged', true],
    ['open', 'resolved', true],
    ['open', 'superseded', true],
    ['acknowledged', 'resolved', true],
    ['acknowledged', 'superseded', true],
    ['acknowledged', 'open', false],
    ['resolved', 'open', false],
    ['resolved', 'resolved', false],
    ['superseded', 'open', false],
  ])('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('refuses an illegal change instead of writing it', () => {
    const [change] = applyOutcomes({
      patient,
      activeAlerts: [],
      outcomes: [fire('VKA_ACTIVE')],
      now: at('2026-07-27T00:00:00.000Z'),
      config,
    }).changes;
    const resolved = { ...(change?.alert as Alert), state: 'resolved' as const };
    const changeset = new Changeset('2026-07-27T01:00:00.000Z');
    expect(() => changeset.update(resolved, { state: 'open' }, 'reopen', 'system')).toThrow(
      IllegalTransitionError,
    );
    expect(() => changeset.create({ ...resolved }, 'create closed', 'system')).toThrow(/none → resolved/);
  });

  it.each([
    ['opened', 'critical', 'pages'],
    ['repeated', 'critical', 'pages'],
    ['escalated', 'critical', 'escalations'],
    ['acknowledged', 'critical', 'notices'],
    ['resolved', 'critical', 'pages'],
    ['resolved', 'urgent', 'notices'],
    ['superseded', 'urgent', 'notices'],
    ['opened', 'advisory', 'notices'],
  ] as const)('%s of a %s alert goes to %s', (event, severity, topic) => {
    expect(topicFor(event, severity)).toBe(topic);
  });
});

describe('ids', () => {
  it('fnv1a64 matches the published FNV-1a 64 test vectors', () => {
    const base36 = (hex: string) => BigInt(`0x${hex}`).toString(36).padStart(13, '0');
    expect(fnv1a64('')).toBe(base36('cbf29ce484222325'));
    expect(fnv1a64('a')).toBe(base36('af63dc4c8601ec8c'));
    expect(fnv1a64('foobar')).toBe(base36('85944171f73967e8'));
  });

  it('alert ids differ in every part that makes an opening', () => {
    const parts = {
      namespace: 'NDC',
      mrn: 'TEST0042',
      ruleId: 'RESULT_UNREADABLE',
      alertScope: 'a',
      openedAt: '2026-07-27T00:00:00.000Z',
    } as const;
    const variants = [
      parts,
      { ...parts, namespace: 'NDC2' },
      { ...parts, mrn: 'TEST0043' },
      { ...parts, ruleId: 'PTH_LOW' as const },
      { ...parts, alertScope: 'b' },
      { ...parts, openedAt: '2026-07-27T00:00:00.001Z' },
      // Separators cannot be shifted between parts.
      { ...parts, namespace: 'NDCT', mrn: 'EST0042' },
    ];
    const ids = variants.map(alertIdFor);
    expect(new Set(ids).size).toBe(variants.length);
    for (const id of ids) expect(encodeURIComponent(id)).toBe(id);
  });

  it('notification ids name the alert, the event and the repeat number', () => {
    expect(notificationIdFor({ alertId: 'A-1', repeatCount: 0 }, 'opened')).toBe('A-1:opened');
    expect(notificationIdFor({ alertId: 'A-1', repeatCount: 3 }, 'repeated')).toBe('A-1:repeated:3');
    expect(notificationIdFor({ alertId: 'A-1', repeatCount: 3 }, 'escalated')).toBe('A-1:escalated');
  });
});
