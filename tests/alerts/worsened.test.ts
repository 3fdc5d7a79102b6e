/**
 * Worse after acknowledgement (clinical-rules.md, "Alert lifecycle"): a new result on an
 * acknowledged critical or urgent alert that is worse than the value at acknowledgement by the
 * rule's margin pages `worsened` once, on the alert's own topic, naming both values. Local
 * defaults: calcium 0.5 mg/dL lower (CALCIUM_CRITICAL_LOW, CALCIUM_LOW), PTH a further 20% higher
 * (PTH_SEVERE). The alert stays acknowledged (no escalation, no repeats).
 */
import { describe, expect, it } from 'vitest';
import { acknowledgeAlert, applyOutcomes, sweepAlerts } from '../../lambdas/alerts/lifecycle.js';
import { renderNotification } from '../../lambdas/alerts/render.js';
import { parseRulesConfig, type RulesConfig } from '../../lambdas/config/rules-config.js';
import type { Alert, Evidence, RuleId } from '../../lambdas/domain/alerts.js';
import { at, config, fire, minutesAfter, patient, persist } from './factories.js';

const t0 = at('2026-07-27T00:10:00.000Z');
const ackAt = minutesAfter(t0, 5);
const twoDaysLater = minutesAfter(t0, 2 * 24 * 60);

const units = { calcium: 'mg/dL', pth: 'pg/mL' } as const;

let sequence = 0;
function result(analyte: keyof typeof units, value: number, observedAt: Date = t0): Evidence {
  sequence += 1;
  const iso = observedAt.toISOString();
  return {
    kind: 'observation',
    recordId: `HIST#${iso}#OBS#NDC#C${sequence}#1`,
    summary: `${analyte} ${value} ${units[analyte]} (F) at ${iso}`,
    at: iso,
    value: { value, unit: units[analyte] },
  };
}

const analyteOf = (ruleId: RuleId) => (ruleId === 'PTH_SEVERE' ? 'pth' : 'calcium');

function fireWith(ruleId: RuleId, evidence: Evidence) {
  const label = analyteOf(ruleId) === 'pth' ? 'PTH' : 'Calcium';
  return fire(ruleId, {
    finding: `${label} ${evidence.value?.value} ${evidence.value?.unit} (final) at ${evidence.at}.`,
    evidence: [evidence],
  });
}

function run(
  alerts: Alert[],
  outcomes: Parameters<typeof applyOutcomes>[0]['outcomes'],
  now: Date,
  with_ = config,
) {
  return applyOutcomes({ patient, activeAlerts: alerts, outcomes, now, config: with_ });
}

/** Opened on `values` (in order) and acknowledged 5 minutes after t0, as stored. */
function acknowledged(ruleId: RuleId, ...values: number[]): Alert[] {
  let alerts: Alert[] = [];
  values.forEach((value, index) => {
    alerts = persist(
      alerts,
      run(alerts, [fireWith(ruleId, result(analyteOf(ruleId), value))], minutesAfter(t0, index)),
    );
  });
  const [alert] = alerts;
  if (alert === undefined) throw new Error('nothing opened');
  return persist(alerts, acknowledgeAlert({ alert, by: 'dr.oncall', now: ackAt }));
}

function newResult(alerts: Alert[], ruleId: RuleId, value: number, now = twoDaysLater, with_ = config) {
  return run(alerts, [fireWith(ruleId, result(analyteOf(ruleId), value, now))], now, with_);
}

describe('the value at acknowledgement', () => {
  it('is recorded on the alert when it is acknowledged: the worst value of its evidence (CALCIUM_CRITICAL_LOW)', () => {
    const [alert] = acknowledged('CALCIUM_CRITICAL_LOW', 7.2, 7.0, 7.4);
    expect(alert?.state).toBe('acknowledged');
    expect(alert?.worsening).toMatchObject({
      value: { value: 7.0, unit: 'mg/dL' },
      setBy: 'acknowledgement',
      pages: 0,
    });
  });

  it('for PTH_SEVERE is the highest PTH', () => {
    const [alert] = acknowledged('PTH_SEVERE', 600, 650);
    expect(alert?.worsening?.value).toEqual({ value: 650, unit: 'pg/mL' });
  });

  it('is not recorded for a rule without a value to compare (VKA_ACTIVE)', () => {
    const opened = persist([], run([], [fire('VKA_ACTIVE', { evidence: [] })], t0));
    const [alert] = opened;
    if (alert === undefined) throw new Error('nothing opened');
    const [acked] = persist(opened, acknowledgeAlert({ alert, by: 'dr.oncall', now: ackAt }));
    expect(acked?.worsening).toBeUndefined();
  });
});

describe('CALCIUM_CRITICAL_LOW (critical): calcium 0.5 mg/dL lower than at acknowledgement pages `worsened`', () => {
  it('7.2 acknowledged, 6.7 (exactly 0.5 lower) pages once on pages, naming both values; the alert stays acknowledged', () => {
    const alerts = acknowledged('CALCIUM_CRITICAL_LOW', 7.2);
    const outcome = newResult(alerts, 'CALCIUM_CRITICAL_LOW', 6.7);

    expect(outcome.notifications).toHaveLength(1);
    const [page] = outcome.notifications;
    expect(page).toMatchObject({ event: 'worsened', topic: 'pages' });
    expect(page?.alert.state).toBe('acknowledged');
    expect(page?.worsened?.was.value).toEqual({ value: 7.2, unit: 'mg/dL' });
    expect(page?.worsened?.now.value).toEqual({ value: 6.7, unit: 'mg/dL' });
    expect(page?.notificationId).toBe(`${page?.alert.alertId}:worsened:1`);
    expect(outcome.changes).toHaveLength(1);
    expect(outcome.changes[0]?.alert).toMatchObject({
      state: 'acknowledged',
      worsening: { value: { value: 6.7, unit: 'mg/dL' }, setBy: 'worsened', pages: 1 },
    });
    expect(outcome.audit).toEqual([
      expect.objectContaining({
        from: 'acknowledged',
        to: 'acknowledged',
        reason: 'worsened: calcium 6.7 mg/dL, 7.2 mg/dL at acknowledgement (margin 0.5 mg/dL lower)',
        by: 'system',
      }),
    ]);

    const rendered = renderNotification(page ?? fail(), { pagePhi: 'minimal' });
    expect(rendered.attributes.event).toBe('worsened');
    expect(rendered.message.sms).toMatch(/^WORSENED CALCIUM_CRITICAL_LOW /);
    expect(rendered.message.sms).toContain('7.2 mg/dL');
    expect(rendered.message.sms).toContain('6.7 mg/dL');
    expect(rendered.message.sms.length).toBeLessThanOrEqual(160);
    const body = JSON.parse(rendered.message.default) as { finding: string; event: string };
    expect(body.event).toBe('worsened');
    expect(body.finding).toMatch(/was 7\.2 mg\/dL at acknowledgement, now 6\.7 mg\/dL/);
  });

  it('6.71 (0.49 lower) does not page: the result is added to the evidence, as before', () => {
    const alerts = acknowledged('CALCIUM_CRITICAL_LOW', 7.2);
    const outcome = newResult(alerts, 'CALCIUM_CRITICAL_LOW', 6.71);
    expect(outcome.notifications).toEqual([]);
    expect(outcome.changes).toHaveLength(1);
    expect(outcome.changes[0]?.alert.evidence).toHaveLength(2);
    expect(outcome.changes[0]?.alert.worsening?.value.value).toBe(7.2);
    expect(outcome.audit.map((event) => event.reason)).toEqual(['new evidence']);
  });

  it('measures from the worst value at acknowledgement, not the first (7.2 and 7.0: 6.6 quiet, 6.5 pages)', () => {
    const alerts = acknowledged('CALCIUM_CRITICAL_LOW', 7.2, 7.0);
    expect(newResult(alerts, 'CALCIUM_CRITICAL_LOW', 6.6).notifications).toEqual([]);
    expect(newResult(alerts, 'CALCIUM_CRITICAL_LOW', 6.5).notifications.map((n) => n.event)).toEqual([
      'worsened',
    ]);
  });

  it('after a worsened page the new value is the reference: 7.2 -> 6.1 pages, 6.0 does not, 5.6 (0.5 below 6.1) does', () => {
    let alerts = acknowledged('CALCIUM_CRITICAL_LOW', 7.2);
    const first = newResult(alerts, 'CALCIUM_CRITICAL_LOW', 6.1);
    expect(first.notifications.map((n) => n.event)).toEqual(['worsened']);
    alerts = persist(alerts, first);

    const quiet = newResult(alerts, 'CALCIUM_CRITICAL_LOW', 6.0, minutesAfter(twoDaysLater, 60));
    expect(quiet.notifications).toEqual([]);
    alerts = persist(alerts, quiet);

    const second = newResult(alerts, 'CALCIUM_CRITICAL_LOW', 5.6, minutesAfter(twoDaysLater, 120));
    expect(second.notifications).toHaveLength(1);
    const [page] = second.notifications;
    expect(page?.notificationId).toBe(`${page?.alert.alertId}:worsened:2`);
    expect(page?.worsened?.was).toMatchObject({ value: { value: 6.1 }, setBy: 'worsened' });
    const rendered = renderNotification(page ?? fail(), { pagePhi: 'minimal' });
    expect(JSON.parse(rendered.message.default).finding).toMatch(
      /was 6\.1 mg\/dL at the last worsened page, now 5\.6 mg\/dL/,
    );
  });

  it('an unacknowledged alert does not page `worsened` (its repeats carry the newest value)', () => {
    const opened = persist([], run([], [fireWith('CALCIUM_CRITICAL_LOW', result('calcium', 7.2))], t0));
    const outcome = newResult(opened, 'CALCIUM_CRITICAL_LOW', 6.0);
    expect(outcome.notifications).toEqual([]);
    expect(outcome.changes[0]?.alert.worsening).toBeUndefined();
  });

  it('a worsened critical stays acknowledged: the sweep neither escalates nor repeats it', () => {
    let alerts = acknowledged('CALCIUM_CRITICAL_LOW', 7.2);
    alerts = persist(alerts, newResult(alerts, 'CALCIUM_CRITICAL_LOW', 6.1));
    const sweep = sweepAlerts({ activeAlerts: alerts, now: minutesAfter(twoDaysLater, 45), config });
    expect(sweep).toEqual({ changes: [], notifications: [], audit: [] });
  });

  it('follows the hospital margin (worsenedMargins.calciumDropMgDl = 1.0: 6.7 quiet, 6.2 pages)', () => {
    const wider: RulesConfig = parseRulesConfig({
      timeZone: 'America/Chicago',
      worsenedMargins: { calciumDropMgDl: 1.0 },
    });
    const alerts = acknowledged('CALCIUM_CRITICAL_LOW', 7.2);
    expect(newResult(alerts, 'CALCIUM_CRITICAL_LOW', 6.7, twoDaysLater, wider).notifications).toEqual([]);
    expect(
      newResult(alerts, 'CALCIUM_CRITICAL_LOW', 6.2, twoDaysLater, wider).notifications.map((n) => n.event),
    ).toEqual(['worsened']);
  });

  it('a repeat of a known result changes nothing (no second worsened page on a retried evaluation)', () => {
    let alerts = acknowledged('CALCIUM_CRITICAL_LOW', 7.2);
    const worse = result('calcium', 6.1, twoDaysLater);
    const outcome = run(alerts, [fireWith('CALCIUM_CRITICAL_LOW', worse)], twoDaysLater);
    alerts = persist(alerts, outcome);
    expect(run(alerts, [fireWith('CALCIUM_CRITICAL_LOW', worse)], twoDaysLater)).toEqual({
      changes: [],
      notifications: [],
      audit: [],
    });
  });
});

describe('CALCIUM_LOW (urgent): calcium 0.5 mg/dL lower than at acknowledgement', () => {
  it('8.3 acknowledged: 7.81 (0.49 lower) quiet, 7.8 (exactly 0.5 lower) pages `worsened` on notices', () => {
    const alerts = acknowledged('CALCIUM_LOW', 8.3);
    expect(newResult(alerts, 'CALCIUM_LOW', 7.81).notifications).toEqual([]);
    const outcome = newResult(alerts, 'CALCIUM_LOW', 7.8);
    expect(outcome.notifications.map((n) => [n.event, n.topic])).toEqual([['worsened', 'notices']]);
  });
});

describe('PTH_SEVERE (urgent): PTH a further 20% above the value at acknowledgement', () => {
  it('600 acknowledged: 719.9 quiet, 720 (exactly 20% higher) pages `worsened` on notices naming both values', () => {
    const alerts = acknowledged('PTH_SEVERE', 600);
    expect(newResult(alerts, 'PTH_SEVERE', 719.9).notifications).toEqual([]);
    const outcome = newResult(alerts, 'PTH_SEVERE', 720);
    expect(outcome.notifications.map((n) => [n.event, n.topic])).toEqual([['worsened', 'notices']]);
    const [page] = outcome.notifications;
    const sms = renderNotification(page ?? fail(), { pagePhi: 'minimal' }).message.sms;
    expect(sms).toContain('600 pg/mL');
    expect(sms).toContain('720 pg/mL');
    expect(outcome.audit[0]?.reason).toBe(
      'worsened: PTH 720 pg/mL, 600 pg/mL at acknowledgement (margin 20% higher)',
    );
  });

  it('follows worsenedMargins.pthRisePercent (50: 899 quiet, 900 pages)', () => {
    const wider = parseRulesConfig({ timeZone: 'UTC', worsenedMargins: { pthRisePercent: 50 } });
    const alerts = acknowledged('PTH_SEVERE', 600);
    expect(newResult(alerts, 'PTH_SEVERE', 899, twoDaysLater, wider).notifications).toEqual([]);
    expect(newResult(alerts, 'PTH_SEVERE', 900, twoDaysLater, wider).notifications).toHaveLength(1);
  });
});

function fail(): never {
  throw new Error('missing');
}
