/**
 * moveAlertsOnMerge: a merge never loses an open critical and never pages; an acknowledged alert
 * stays acknowledged (by whom, when); the survivor's own alert for the same finding stands.
 */
import { describe, expect, it } from 'vitest';
import { moveAlertsOnMerge } from '../../lambdas/alerts/merge.js';
import type { Alert } from '../../lambdas/domain/alerts.js';

const now = new Date('2026-11-02T10:00:00.000Z');
const prior = { facility: 'NORTHSIDE DIALYSIS', namespace: 'NDC', mrn: 'TEST-OLD' };
const survivor = {
  facility: 'NORTHSIDE DIALYSIS',
  namespace: 'NDC',
  mrn: 'TEST-NEW',
  location: 'HD^CHAIR04',
};

function alert(overrides: Partial<Alert>): Alert {
  return {
    alertId: 'VKA_ACTIVE-old',
    patient: prior,
    ruleId: 'VKA_ACTIVE',
    alertScope: '',
    severity: 'critical',
    state: 'open',
    finding: 'warfarin active',
    recommendation: 'stop warfarin',
    evidence: [
      {
        kind: 'medicationOrder',
        recordId: 'HIST#a#MED#x#1',
        summary: 'warfarin',
        at: '2026-11-01T00:00:00.000Z',
      },
    ],
    openedAt: '2026-11-01T00:00:00.000Z',
    lastNotifiedAt: '2026-11-01T00:00:00.000Z',
    firstPagedAt: '2026-11-01T00:00:05.000Z',
    repeatCount: 0,
    version: 3,
    ...overrides,
  };
}

describe('moveAlertsOnMerge', () => {
  it('moves an open critical to the survivor, still open, and supersedes the retired one; pages nothing', () => {
    const result = moveAlertsOnMerge({ priorAlerts: [alert({})], survivorAlerts: [], survivor, now });
    expect(result.notifications).toEqual([]);
    const created = result.changes.find((change) => change.kind === 'create')?.alert;
    expect(created).toMatchObject({
      state: 'open',
      patient: survivor,
      ruleId: 'VKA_ACTIVE',
      openedAt: '2026-11-01T00:00:00.000Z',
      firstPagedAt: '2026-11-01T00:00:05.000Z',
      evidence: alert({}).evidence,
      version: 1,
    });
    expect(created?.alertId).not.toBe('VKA_ACTIVE-old');
    const closed = result.changes.find((change) => change.kind === 'update');
    expect(closed).toMatchObject({
      expectedVersion: 3,
      alert: { alertId: 'VKA_ACTIVE-old', state: 'superseded' },
    });
    expect(result.audit.map((event) => `${event.from}->${event.to}: ${event.reason}`)).toEqual([
      'none->open: moved from merged alert VKA_ACTIVE-old',
      `open->superseded: merged into ${created?.alertId}`,
    ]);
  });

  it('keeps an acknowledged alert acknowledged, by whom and when', () => {
    const acknowledged = alert({
      state: 'acknowledged',
      acknowledgedAt: '2026-11-01T01:00:00.000Z',
      acknowledgedBy: 'Dr A',
    });
    const result = moveAlertsOnMerge({ priorAlerts: [acknowledged], survivorAlerts: [], survivor, now });
    expect(result.changes.find((change) => change.kind === 'create')?.alert).toMatchObject({
      state: 'acknowledged',
      acknowledgedAt: '2026-11-01T01:00:00.000Z',
      acknowledgedBy: 'Dr A',
    });
    expect(result.audit.map((event) => `${event.from}->${event.to}`)).toEqual([
      'none->open',
      'open->acknowledged',
      'acknowledged->superseded',
    ]);
  });

  it('adds the retired alert’s evidence to the survivor’s alert for the same finding', () => {
    const own = alert({
      alertId: 'VKA_ACTIVE-new',
      patient: survivor,
      version: 2,
      evidence: [
        {
          kind: 'medicationOrder',
          recordId: 'HIST#b#MED#y#1',
          summary: 'warfarin',
          at: '2026-11-01T02:00:00.000Z',
        },
      ],
    });
    const result = moveAlertsOnMerge({ priorAlerts: [alert({})], survivorAlerts: [own], survivor, now });
    const kept = result.changes.find((change) => change.alert.alertId === 'VKA_ACTIVE-new');
    expect(kept).toMatchObject({ kind: 'update', expectedVersion: 2, alert: { state: 'open' } });
    expect(kept?.alert.evidence.map((evidence) => evidence.recordId)).toEqual([
      'HIST#b#MED#y#1',
      'HIST#a#MED#x#1',
    ]);
    expect(result.changes.some((change) => change.kind === 'create')).toBe(false);
  });

  it('leaves closed alerts of the retired record alone', () => {
    const resolved = alert({ state: 'resolved' });
    expect(moveAlertsOnMerge({ priorAlerts: [resolved], survivorAlerts: [], survivor, now }).changes).toEqual(
      [],
    );
  });
});
