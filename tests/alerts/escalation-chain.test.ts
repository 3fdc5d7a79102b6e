/**
 * The escalation chain: an unacknowledged critical alert climbs level by
 * level, each level once, at its delay after the alert opened; an
 * acknowledgement stops the climb; it never goes beyond the last level.
 */
import { describe, expect, it } from 'vitest';
import {
  EscalationTopicError,
  escalationChainOf,
  escalationTopicArn,
  escalationTopicName,
  parseEscalationTopicArns,
} from '../../lambdas/alerts/escalation.js';
import { acknowledgeAlert, applyOutcomes, sweepAlerts } from '../../lambdas/alerts/lifecycle.js';
import { renderNotification } from '../../lambdas/alerts/render.js';
import { parseRulesConfig, type RulesConfig } from '../../lambdas/config/rules-config.js';
import type { Alert } from '../../lambdas/domain/alerts.js';
import { active, at, fire, minutesAfter, patient, persist } from './factories.js';

const t0 = at('2026-07-27T03:00:00.000Z');

const chained: RulesConfig = parseRulesConfig({
  timeZone: 'America/Chicago',
  escalationChain: [
    { name: 'backup nephrologist', afterMinutes: 15 },
    { name: 'unit charge nurse', afterMinutes: 30 },
  ],
});

function opened(config: RulesConfig = chained): Alert {
  const [alert] = persist(
    [],
    applyOutcomes({ patient, activeAlerts: [], outcomes: [fire('CALCIUM_CRITICAL_LOW')], now: t0, config }),
  );
  if (!alert) throw new Error('nothing opened');
  return alert;
}

function sweep(alerts: Alert[], now: Date, config: RulesConfig = chained) {
  return sweepAlerts({ activeAlerts: alerts, now, config });
}

interface Sent {
  minute: number;
  event: string;
  level: number | undefined;
  notificationId: string;
}

/** The sweep every `everyMinutes` from t0 to `untilMinutes`; `onTick` may act (acknowledge) before each run. */
function runSchedule(
  untilMinutes: number,
  options: {
    everyMinutes?: number;
    config?: RulesConfig;
    onTick?: (minute: number, alerts: Alert[]) => Alert[];
  } = {},
) {
  const { everyMinutes = 5, config = chained, onTick } = options;
  let alerts = [opened(config)];
  const sent: Sent[] = [];
  for (let minute = everyMinutes; minute <= untilMinutes; minute += everyMinutes) {
    if (onTick) alerts = onTick(minute, alerts);
    const result = sweep(active(alerts), minutesAfter(t0, minute), config);
    for (const notification of result.notifications) {
      sent.push({
        minute,
        event: notification.event,
        level: notification.escalation?.level,
        notificationId: notification.notificationId,
      });
    }
    alerts = persist(alerts, result);
  }
  return { sent, alerts };
}

const escalations = (sent: Sent[]) => sent.filter((notification) => notification.event === 'escalated');

describe('escalation chain: backup nephrologist at 15 min, unit charge nurse at 30 min', () => {
  it('level 1 not at 14:59, at 15:00 exactly, naming the level in the notification and the audit trail', () => {
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
        escalation: { level: 1, name: 'backup nephrologist' },
      },
    ]);
    expect(result.audit).toEqual([
      {
        alertId: alert.alertId,
        at: now.toISOString(),
        from: 'open',
        to: 'open',
        reason: 'escalated to level 1: backup nephrologist',
        by: 'system',
        // Escalation is not a rules decision: the audit names the rule set that opened the alert.
        ruleSetVersion: alert.ruleSetVersion,
      },
    ]);
  });

  it('level 2 not at 29:59, at 30:00, with its own notification id; escalatedAt stays the first escalation', () => {
    const [afterLevel1] = persist([opened()], sweep([opened()], minutesAfter(t0, 15)));
    if (!afterLevel1) throw new Error('lost');
    // The repeat is due at 30:00 too; only the escalation is looked at here.
    expect(
      sweep([afterLevel1], minutesAfter(t0, 29, 59)).notifications.filter((n) => n.event === 'escalated'),
    ).toEqual([]);

    const result = sweep([afterLevel1], minutesAfter(t0, 30));
    const escalation = result.notifications.find((notification) => notification.event === 'escalated');
    expect(escalation).toMatchObject({
      notificationId: `${afterLevel1.alertId}:escalated:2`,
      topic: 'escalations',
      escalation: { level: 2, name: 'unit charge nurse' },
      alert: { escalationLevel: 2, escalatedAt: minutesAfter(t0, 15).toISOString() },
    });
    expect(result.audit.map((event) => event.reason)).toContain('escalated to level 2: unit charge nurse');
  });

  it('climbs each level once on a 5-minute schedule and never beyond the last level', () => {
    const { sent, alerts } = runSchedule(240);
    expect(escalations(sent).map((n) => [n.minute, n.level])).toEqual([
      [15, 1],
      [30, 2],
    ]);
    expect(alerts[0]).toMatchObject({ escalationLevel: 2, state: 'open' });
    // The on-call's repeats go on regardless of the chain.
    expect(sent.filter((n) => n.event === 'repeated').map((n) => n.minute)).toEqual([
      30, 60, 90, 120, 150, 180, 210, 240,
    ]);
  });

  it('stops at acknowledgement: acknowledged at 20 min, level 2 is never called', () => {
    const { sent } = runSchedule(240, {
      onTick: (minute, alerts) =>
        minute === 20
          ? persist(
              alerts,
              acknowledgeAlert({ alert: alerts[0] as Alert, by: 'dr.backup', now: minutesAfter(t0, 20) }),
            )
          : alerts,
    });
    expect(sent.map((n) => [n.minute, n.event, n.level])).toEqual([[15, 'escalated', 1]]);
  });

  it('a sweep that runs late calls every level that fell due, in order, in one write with one repeat', () => {
    const alert = opened();
    const result = sweep([alert], minutesAfter(t0, 47));
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({
      expectedVersion: 1,
      alert: { version: 2, escalationLevel: 2, repeatCount: 1 },
    });
    expect(result.notifications.map((n) => [n.event, n.escalation?.level])).toEqual([
      ['escalated', 1],
      ['escalated', 2],
      ['repeated', undefined],
    ]);
  });

  it('an alert escalated before the chain existed (escalatedAt, no level) goes on at level 2', () => {
    const legacy: Alert = { ...opened(), escalatedAt: minutesAfter(t0, 15).toISOString(), version: 2 };
    const result = sweep([legacy], minutesAfter(t0, 31));
    expect(
      result.notifications.filter((n) => n.event === 'escalated').map((n) => n.escalation?.level),
    ).toEqual([2]);
  });

  it('three levels: the third at its own delay', () => {
    const three = parseRulesConfig({
      timeZone: 'UTC',
      escalationChain: [
        { name: 'backup nephrologist', afterMinutes: 10 },
        { name: 'unit charge nurse', afterMinutes: 20 },
        { name: 'medical director', afterMinutes: 45 },
      ],
    });
    const { sent } = runSchedule(300, { config: three });
    expect(
      escalations(sent).map((n) => [n.minute, n.level, n.notificationId.split(':').slice(1).join(':')]),
    ).toEqual([
      [10, 1, 'escalated'],
      [20, 2, 'escalated:2'],
      [45, 3, 'escalated:3'],
    ]);
  });

  it('without a chain: one level, "escalations", after escalateAfterMinutes', () => {
    const plain = parseRulesConfig({ timeZone: 'UTC', escalateAfterMinutes: 10 });
    expect(escalationChainOf(plain)).toEqual([{ level: 1, name: 'escalations', afterMinutes: 10 }]);
    const { sent } = runSchedule(240, { config: plain });
    expect(escalations(sent).map((n) => [n.minute, n.level])).toEqual([[10, 1]]);
  });

  it('escalates only critical, open alerts', () => {
    const urgent = persist(
      [],
      applyOutcomes({ patient, activeAlerts: [], outcomes: [fire('CALCIUM_LOW')], now: t0, config: chained }),
    );
    expect(sweep(urgent, minutesAfter(t0, 600)).notifications).toEqual([]);
  });
});

describe('rendering an escalation', () => {
  it('tells the publisher the level (escalationLevel attribute) and the reader who was called', () => {
    const result = sweep([opened()], minutesAfter(t0, 47));
    const [level1, level2] = result.notifications;
    if (!level1 || !level2) throw new Error('expected two escalations');
    const rendered = renderNotification(level2, { pagePhi: 'minimal' });
    expect(rendered.attributes).toEqual({
      severity: 'critical',
      ruleId: 'CALCIUM_CRITICAL_LOW',
      facility: 'NDC',
      event: 'escalated',
      escalationLevel: '2',
      ruleSetVersion: level2.alert.ruleSetVersion,
    });
    expect(rendered.message.email).toContain(
      'Escalated to level 2 (unit charge nurse): not acknowledged in time.',
    );
    expect(renderNotification(level1, { pagePhi: 'minimal' }).attributes.escalationLevel).toBe('1');
  });
});

describe('escalation topics', () => {
  it('level 1 keeps calciphylaxis-escalations; level n is calciphylaxis-escalation-<n>', () => {
    expect([1, 2, 3].map((level) => escalationTopicName('calciphylaxis', level))).toEqual([
      'calciphylaxis-escalations',
      'calciphylaxis-escalation-2',
      'calciphylaxis-escalation-3',
    ]);
  });

  it('maps levels to ARNs from ESCALATION_TOPIC_ARNS, falling back to ESCALATIONS_TOPIC_ARN for level 1', () => {
    const arns = parseEscalationTopicArns(
      JSON.stringify({
        '1': 'arn:aws:sns:us-east-1:111111111111:calciphylaxis-escalations',
        '2': 'arn:level2',
      }),
      'arn:ignored-when-json-names-level-1',
    );
    expect(escalationTopicArn(arns, 2)).toBe('arn:level2');
    expect(escalationTopicArn(arns, 1)).toBe('arn:aws:sns:us-east-1:111111111111:calciphylaxis-escalations');
    expect(escalationTopicArn(parseEscalationTopicArns(undefined, 'arn:level1'), 1)).toBe('arn:level1');
    expect(() => escalationTopicArn(arns, 3)).toThrow(/escalation level 3.*levels 1, 2/);
  });

  it.each(['not json', '[]', '{"0": "arn"}', '{"two": "arn"}', '{"2": ""}'])('rejects %s', (json) => {
    expect(() => parseEscalationTopicArns(json, 'arn:level1')).toThrow(EscalationTopicError);
  });
});
