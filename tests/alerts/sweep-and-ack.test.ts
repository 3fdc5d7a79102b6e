import { describe, expect, it } from 'vitest';
import { InvalidTimestampError, MissingAcknowledgerError } from '../../lambdas/alerts/errors.js';
import { acknowledgeAlert, applyOutcomes, sweepAlerts } from '../../lambdas/alerts/lifecycle.js';
import type { Alert, RuleId } from '../../lambdas/domain/alerts.js';
import { active, at, config, fire, minutesAfter, patient, persist } from './factories.js';

const t0 = at('2026-07-27T03:00:00.000Z');

function opened(ruleId: RuleId = 'CALCIUM_CRITICAL_LOW'): Alert {
  const [alert] = persist(
    [],
    applyOutcomes({ patient, activeAlerts: [], outcomes: [fire(ruleId)], now: t0, config }),
  );
  if (!alert) throw new Error('nothing opened');
  return alert;
}

function sweep(alerts: Alert[], now: Date, timing = config) {
  return sweepAlerts({ activeAlerts: alerts, now, config: timing });
}

/**
 * Runs the scheduled sweep every `everyMinutes` from t0 to `untilMinutes`,
 * persisting what it decides; `onTick` may act (e.g. acknowledge) in between.
 */
function runSchedule(
  alert: Alert,
  untilMinutes: number,
  everyMinutes = 5,
  onTick?: (minute: number, alerts: Alert[]) => Alert[],
) {
  let alerts = [alert];
  const sent: { minute: number; event: string; topic: string; notificationId: string }[] = [];
  for (let minute = everyMinutes; minute <= untilMinutes; minute += everyMinutes) {
    if (onTick) alerts = onTick(minute, alerts);
    const result = sweep(active(alerts), minutesAfter(t0, minute));
    for (const notification of result.notifications) {
      sent.push({
        minute,
        event: notification.event,
        topic: notification.topic,
        notificationId: notification.notificationId,
      });
    }
    alerts = persist(alerts, result);
  }
  return { sent, alerts };
}

describe('escalation of unacknowledged critical alerts (escalateAfterMinutes = 15)', () => {
  it('not at 14:59, at 15:00 exactly, to the escalation topic', () => {
    const alert = opened();
    expect(sweep([alert], minutesAfter(t0, 14, 59)).changes).toEqual([]);

    const now = minutesAfter(t0, 15);
    const result = sweep([alert], now);
    const escalated = { ...alert, escalatedAt: now.toISOString(), escalationLevel: 1, version: 2 };
    expect(result.changes).toEqual([{ kind: 'update', expectedVersion: 1, alert: escalated }]);
    expect(result.notifications).toEqual([
      {
        notificationId: `${alert.alertId}:escalated`,
        topic: 'escalations',
        event: 'escalated',
        alert: escalated,
        escalation: { level: 1, name: 'escalations' },
      },
    ]);
    expect(result.audit).toEqual([
      {
        alertId: alert.alertId,
        at: now.toISOString(),
        from: 'open',
        to: 'open',
        reason: 'escalated to level 1: escalations',
        by: 'system',
        ruleSetVersion: alert.ruleSetVersion,
      },
    ]);
  });

  it('only once', () => {
    const { sent } = runSchedule(opened(), 180);
    expect(sent.filter((notification) => notification.event === 'escalated')).toEqual([
      {
        minute: 15,
        event: 'escalated',
        topic: 'escalations',
        notificationId: `${opened().alertId}:escalated`,
      },
    ]);
  });

  it('follows the hospital setting', () => {
    const alert = opened();
    const timing = { ...config, escalateAfterMinutes: 5 };
    expect(sweep([alert], minutesAfter(t0, 4, 59), timing).notifications).toEqual([]);
    expect(sweep([alert], minutesAfter(t0, 5), timing).notifications.map((n) => n.event)).toEqual([
      'escalated',
    ]);
  });
});

describe('repeats of unacknowledged critical alerts (repeatMinutes = 30)', () => {
  it('not at 29:59, at 30:00 to pages, counting up', () => {
    const alert = { ...opened(), escalatedAt: minutesAfter(t0, 15).toISOString(), version: 2 };
    expect(sweep([alert], minutesAfter(t0, 29, 59)).changes).toEqual([]);

    const now = minutesAfter(t0, 30);
    const result = sweep([alert], now);
    const repeated = { ...alert, lastNotifiedAt: now.toISOString(), repeatCount: 1, version: 3 };
    expect(result.changes).toEqual([{ kind: 'update', expectedVersion: 2, alert: repeated }]);
    expect(result.notifications).toEqual([
      { notificationId: `${alert.alertId}:repeated:1`, topic: 'pages', event: 'repeated', alert: repeated },
    ]);
    expect(result.audit).toEqual([
      {
        alertId: alert.alertId,
        at: now.toISOString(),
        from: 'open',
        to: 'open',
        reason: 'repeated',
        by: 'system',
        ruleSetVersion: alert.ruleSetVersion,
      },
    ]);
  });

  it('every 30 minutes on a 5-minute schedule until acknowledged or resolved', () => {
    const alert = opened();
    const { sent, alerts } = runSchedule(alert, 125);
    expect(
      sent.filter((n) => n.event === 'repeated').map((n) => [n.minute, n.topic, n.notificationId]),
    ).toEqual([
      [30, 'pages', `${alert.alertId}:repeated:1`],
      [60, 'pages', `${alert.alertId}:repeated:2`],
      [90, 'pages', `${alert.alertId}:repeated:3`],
      [120, 'pages', `${alert.alertId}:repeated:4`],
    ]);
    expect(alerts[0]).toMatchObject({ repeatCount: 4, lastNotifiedAt: minutesAfter(t0, 120).toISOString() });
  });

  it('a sweep that runs late sends one repeat, and the next counts from it', () => {
    const alert = opened();
    const late = sweep([{ ...alert, escalatedAt: t0.toISOString() }], minutesAfter(t0, 95));
    expect(late.notifications.map((n) => n.notificationId)).toEqual([`${alert.alertId}:repeated:1`]);
    const [afterLate] = persist([{ ...alert, escalatedAt: t0.toISOString() }], late);
    if (!afterLate) throw new Error('lost');
    expect(sweep([afterLate], minutesAfter(t0, 124, 59)).notifications).toEqual([]);
    expect(sweep([afterLate], minutesAfter(t0, 125)).notifications.map((n) => n.event)).toEqual(['repeated']);
  });

  it('escalation and a repeat due together make one write with both notifications', () => {
    const alert = opened();
    const timing = { ...config, escalateAfterMinutes: 30, repeatMinutes: 30 };
    const result = sweep([alert], minutesAfter(t0, 30), timing);
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({ expectedVersion: 1, alert: { version: 2, repeatCount: 1 } });
    expect(result.notifications.map((n) => [n.event, n.topic])).toEqual([
      ['escalated', 'escalations'],
      ['repeated', 'pages'],
    ]);
    expect(result.audit.map((event) => event.reason)).toEqual([
      'escalated to level 1: escalations',
      'repeated',
    ]);
  });

  it.each(['CALCIUM_LOW', 'CRP_RISING', 'PTH_LOW', 'BICARBONATE_LOW'] as const)(
    'none for %s (urgent/advisory), however long it stays open',
    (ruleId) => {
      const { sent } = runSchedule(opened(ruleId), 3 * 24 * 60, 60);
      expect(sent).toEqual([]);
    },
  );

  it('none after acknowledgement', () => {
    const alert = opened();
    const { sent } = runSchedule(alert, 240, 5, (minute, alerts) =>
      minute === 40
        ? persist(
            alerts,
            acknowledgeAlert({ alert: alerts[0] as Alert, by: 'dr.oncall', now: minutesAfter(t0, 40) }),
          )
        : alerts,
    );
    expect(sent.map((n) => [n.minute, n.event])).toEqual([
      [15, 'escalated'],
      [30, 'repeated'],
    ]);
  });

  it('an acknowledged alert is neither escalated nor repeated', () => {
    const alert: Alert = { ...opened(), state: 'acknowledged', acknowledgedBy: 'dr.oncall', version: 2 };
    expect(sweep([alert], minutesAfter(t0, 600)).changes).toEqual([]);
  });

  it('handles an alert listed twice once', () => {
    const alert = opened();
    const result = sweep([alert, alert], minutesAfter(t0, 15));
    expect(result.changes).toHaveLength(1);
    expect(result.notifications).toHaveLength(1);
  });

  it('fails loudly on a corrupt stored time or clock instead of never paging', () => {
    const alert = opened();
    expect(() => sweep([{ ...alert, openedAt: 'yesterday' }], minutesAfter(t0, 15))).toThrow(
      InvalidTimestampError,
    );
    expect(() => sweep([{ ...alert, lastNotifiedAt: '' }], minutesAfter(t0, 15))).toThrow(/lastNotifiedAt/);
    expect(() => sweep([alert], new Date('not a date'))).toThrow(InvalidTimestampError);
  });
});

describe('acknowledgement', () => {
  it('open → acknowledged, with a notice to the care team and an audit event naming who', () => {
    const alert = opened();
    const now = minutesAfter(t0, 7);
    const result = acknowledgeAlert({ alert, by: ' dr.oncall ', now });
    const acknowledged = {
      ...alert,
      state: 'acknowledged',
      acknowledgedAt: now.toISOString(),
      acknowledgedBy: 'dr.oncall',
      version: 2,
    };
    expect(result.changes).toEqual([{ kind: 'update', expectedVersion: 1, alert: acknowledged }]);
    expect(result.notifications).toEqual([
      {
        notificationId: `${alert.alertId}:acknowledged`,
        topic: 'notices',
        event: 'acknowledged',
        alert: acknowledged,
      },
    ]);
    expect(result.audit).toEqual([
      {
        alertId: alert.alertId,
        at: now.toISOString(),
        from: 'open',
        to: 'acknowledged',
        reason: 'acknowledged by dr.oncall',
        by: 'dr.oncall',
        ruleSetVersion: alert.ruleSetVersion,
      },
    ]);
  });

  it('acknowledging twice is harmless: no change, no notification', () => {
    const alert = opened();
    const [first] = persist([alert], acknowledgeAlert({ alert, by: 'dr.oncall', now: minutesAfter(t0, 7) }));
    if (!first) throw new Error('lost');
    expect(acknowledgeAlert({ alert: first, by: 'dr.backup', now: minutesAfter(t0, 9) })).toEqual({
      changes: [],
      notifications: [],
      audit: [],
    });
  });

  it.each(['resolved', 'superseded'] as const)('acknowledging a %s alert changes nothing', (state) => {
    const alert = { ...opened(), state };
    expect(acknowledgeAlert({ alert, by: 'dr.oncall', now: t0 }).changes).toEqual([]);
  });

  it('requires who acknowledged', () => {
    expect(() => acknowledgeAlert({ alert: opened(), by: '  ', now: t0 })).toThrow(MissingAcknowledgerError);
  });
});
