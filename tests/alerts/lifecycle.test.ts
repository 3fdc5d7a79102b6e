import { describe, expect, it } from 'vitest';
import { applyOutcomes, type LifecycleResult } from '../../lambdas/alerts/lifecycle.js';
import type { Alert, RuleId } from '../../lambdas/domain/alerts.js';
import { ruleSetVersion } from '../../lambdas/rules/rule-set-version.js';
import {
  active,
  at,
  calciumEvidence,
  config,
  fire,
  minutesAfter,
  orderEvidence,
  patient,
  persist,
  resolve,
} from './factories.js';

const t0 = at('2026-07-27T00:10:00.000Z');

/** Opens one alert for `ruleId` at t0 and returns it as stored. */
function opened(ruleId: RuleId, scope = ''): Alert {
  const result = applyOutcomes({
    patient,
    activeAlerts: [],
    outcomes: [fire(ruleId, { alertScope: scope })],
    now: t0,
    config,
  });
  const [alert] = persist([], result);
  if (!alert) throw new Error('nothing opened');
  return alert;
}

function run(activeAlerts: Alert[], outcomes: Parameters<typeof applyOutcomes>[0]['outcomes'], now = t0) {
  return applyOutcomes({ patient, activeAlerts, outcomes, now, config });
}

const nothing: LifecycleResult = { changes: [], notifications: [], audit: [] };

describe('opening an alert', () => {
  it.each([
    ['CALCIUM_CRITICAL_LOW', 'critical', 'pages'],
    ['VKA_ACTIVE', 'critical', 'pages'],
    ['CALCIUM_LOW', 'urgent', 'notices'],
    ['CRP_RISING', 'urgent', 'notices'],
    ['PTH_LOW', 'advisory', 'notices'],
    ['RESULT_UNREADABLE', 'advisory', 'notices'],
  ] as const)('%s (%s) opens and sends `opened` to %s', (ruleId, severity, topic) => {
    const result = run([], [fire(ruleId)]);

    expect(result.changes).toHaveLength(1);
    const change = result.changes[0];
    expect(change?.kind).toBe('create');
    const alert = change?.alert;
    expect(alert).toMatchObject({
      ruleId,
      severity,
      state: 'open',
      openedAt: t0.toISOString(),
      lastNotifiedAt: t0.toISOString(),
      repeatCount: 0,
      version: 1,
    });
    expect(result.notifications).toEqual([
      { notificationId: `${alert?.alertId}:opened`, topic, event: 'opened', alert },
    ]);
    expect(result.audit).toEqual([
      {
        alertId: alert?.alertId,
        at: t0.toISOString(),
        from: 'none',
        to: 'open',
        reason: 'first notification',
        by: 'system',
        ruleSetVersion: ruleSetVersion(config),
      },
    ]);
  });

  it('keeps facility, namespace, MRN and location of the patient, never the name', () => {
    const [change] = run([], [fire('VKA_ACTIVE')]).changes;
    expect(change?.alert.patient).toEqual({
      facility: 'NDC',
      namespace: 'NDC',
      mrn: 'TEST0042',
      location: 'HD^CHAIR07^^NDC',
    });
    expect(JSON.stringify(change)).not.toContain('Testpatient');
  });

  it('gives a deterministic, URL-safe alert id per opening that does not show the MRN', () => {
    const first = run([], [fire('CALCIUM_CRITICAL_LOW')]).changes[0]?.alert.alertId;
    const again = run([], [fire('CALCIUM_CRITICAL_LOW')]).changes[0]?.alert.alertId;
    const later = run([], [fire('CALCIUM_CRITICAL_LOW')], minutesAfter(t0, 0, 1)).changes[0]?.alert.alertId;

    expect(first).toBe(again);
    expect(later).not.toBe(first);
    expect(first).toMatch(/^CALCIUM_CRITICAL_LOW-[0-9a-z]{13}$/);
    expect(first).not.toContain(patient.mrn);
  });

  it('opens one alert per scope where the rule allows several (RESULT_UNREADABLE)', () => {
    const result = run(
      [],
      [
        fire('RESULT_UNREADABLE', { alertScope: 'LAB1#1' }),
        fire('RESULT_UNREADABLE', { alertScope: 'LAB1#2' }),
      ],
    );
    const ids = result.changes.map((change) => change.alert.alertId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(result.notifications.map((notification) => notification.event)).toEqual(['opened', 'opened']);
  });

  it('does not match an active alert of another patient', () => {
    const other = { ...opened('VKA_ACTIVE'), patient: { ...patient, mrn: 'TEST0099' } };
    const result = run([other], [fire('VKA_ACTIVE')]);
    expect(result.changes.map((change) => change.kind)).toEqual(['create']);
  });

  it('noChange outcomes change nothing', () => {
    expect(run([], [{ kind: 'noChange', ruleId: 'CALCIUM_CRITICAL_LOW' }])).toEqual(nothing);
  });
});

describe('dedup while an alert is open or acknowledged', () => {
  it('a fire with only known evidence changes nothing: a duplicate never re-pages', () => {
    const alert = opened('CALCIUM_CRITICAL_LOW');
    expect(run([alert], [fire('CALCIUM_CRITICAL_LOW')], minutesAfter(t0, 3))).toEqual(nothing);
  });

  it('new evidence is added once, with the newest wording, as an update without notification', () => {
    const alert = opened('CALCIUM_CRITICAL_LOW');
    const newer = calciumEvidence(
      'OBS#2026-07-27T06:00:00.000Z#FIL2#17861-6#1',
      6.9,
      '2026-07-27T06:00:00.000Z',
    );
    const now = minutesAfter(t0, 20);
    const result = run(
      [alert],
      [
        fire('CALCIUM_CRITICAL_LOW', {
          finding: 'Calcium 6.9 mg/dL at 2026-07-27T06:00:00.000Z.',
          evidence: [...alert.evidence, newer, newer],
        }),
      ],
      now,
    );

    expect(result.notifications).toEqual([]);
    expect(result.changes).toHaveLength(1);
    const change = result.changes[0];
    expect(change).toMatchObject({ kind: 'update', expectedVersion: 1 });
    expect(change?.alert).toMatchObject({
      alertId: alert.alertId,
      state: 'open',
      version: 2,
      finding: 'Calcium 6.9 mg/dL at 2026-07-27T06:00:00.000Z.',
      openedAt: alert.openedAt,
      lastNotifiedAt: alert.lastNotifiedAt,
    });
    expect(change?.alert.evidence.map((evidence) => evidence.recordId)).toEqual([
      alert.evidence[0]?.recordId,
      newer.recordId,
    ]);
    expect(result.audit).toEqual([
      {
        alertId: alert.alertId,
        at: now.toISOString(),
        from: 'open',
        to: 'open',
        reason: 'new evidence',
        by: 'system',
        ruleSetVersion: ruleSetVersion(config),
      },
    ]);
  });

  it('adds evidence to an acknowledged alert without re-opening it', () => {
    const alert: Alert = {
      ...opened('VKA_ACTIVE'),
      state: 'acknowledged',
      acknowledgedBy: 'dr.test',
      version: 2,
    };
    const result = run([alert], [fire('VKA_ACTIVE', { evidence: [orderEvidence('MED#2')] })]);
    expect(result.notifications).toEqual([]);
    expect(result.changes[0]).toMatchObject({
      kind: 'update',
      expectedVersion: 2,
      alert: { state: 'acknowledged' },
    });
  });

  it('refreshes the location when the patient moved, keeps it when none is sent', () => {
    const alert = opened('VKA_ACTIVE');
    const moved = applyOutcomes({
      patient: { ...patient, location: 'HD^CHAIR09^^NDC' },
      activeAlerts: [alert],
      outcomes: [fire('VKA_ACTIVE', { evidence: [orderEvidence('MED#3')] })],
      now: t0,
      config,
    });
    expect(moved.changes[0]?.alert.patient.location).toBe('HD^CHAIR09^^NDC');

    const unknown = applyOutcomes({
      patient: { facility: 'NDC', namespace: 'NDC', mrn: 'TEST0042' },
      activeAlerts: [alert],
      outcomes: [fire('VKA_ACTIVE', { evidence: [orderEvidence('MED#3')] })],
      now: t0,
      config,
    });
    expect(unknown.changes[0]?.alert.patient.location).toBe('HD^CHAIR07^^NDC');
  });

  it('uses the newest alert if the store ever holds two for one slot', () => {
    const older = opened('VKA_ACTIVE');
    const newer = { ...older, alertId: 'VKA_ACTIVE-newer', openedAt: minutesAfter(t0, 5).toISOString() };
    const result = run([newer, older], [resolve('VKA_ACTIVE', 'order ended')]);
    expect(result.changes.map((change) => change.alert.alertId)).toEqual(['VKA_ACTIVE-newer']);
  });
});

describe('resolution', () => {
  it.each([
    ['CALCIUM_CRITICAL_LOW', 'critical', 'pages'],
    ['CALCIUM_LOW', 'urgent', 'notices'],
    ['BICARBONATE_LOW', 'advisory', 'notices'],
  ] as const)('%s resolves with a notice on %s with the same severity', (ruleId, severity, topic) => {
    const alert = opened(ruleId);
    const reason = 'calcium 8.1 mg/dL at 2026-07-28T10:00:00.000Z: restart cinacalcet at 60 mg daily';
    const closing = calciumEvidence('OBS#2026-07-28T10:00:00.000Z#FIL3#17861-6#1', 8.1);
    const now = minutesAfter(t0, 600);
    const result = run([alert], [resolve(ruleId, reason, [closing])], now);

    expect(result.changes).toEqual([
      {
        kind: 'update',
        expectedVersion: 1,
        alert: {
          ...alert,
          state: 'resolved',
          resolvedAt: now.toISOString(),
          resolution: reason,
          evidence: [...alert.evidence, closing],
          version: 2,
        },
      },
    ]);
    expect(result.notifications).toHaveLength(1);
    expect(result.notifications[0]).toMatchObject({
      notificationId: `${alert.alertId}:resolved`,
      topic,
      event: 'resolved',
      alert: { severity, state: 'resolved' },
    });
    expect(result.audit).toEqual([
      {
        alertId: alert.alertId,
        at: now.toISOString(),
        from: 'open',
        to: 'resolved',
        reason: `resolved: ${reason}`,
        by: 'system',
        ruleSetVersion: ruleSetVersion(config),
      },
    ]);
  });

  it('resolves an acknowledged alert (acknowledged → resolved)', () => {
    const alert: Alert = { ...opened('VKA_ACTIVE'), state: 'acknowledged', version: 2 };
    const result = run([alert], [resolve('VKA_ACTIVE', 'warfarin order discontinued (DC)')]);
    expect(result.audit[0]).toMatchObject({ from: 'acknowledged', to: 'resolved' });
    expect(result.changes[0]).toMatchObject({ expectedVersion: 2, alert: { version: 3 } });
  });

  it('a resolve with no active alert does nothing', () => {
    expect(run([], [resolve('CALCIUM_CRITICAL_LOW', 'calcium 8.2 mg/dL')])).toEqual(nothing);
    const otherScope = opened('RESULT_UNREADABLE', 'LAB1#1');
    expect(run([otherScope], [resolve('RESULT_UNREADABLE', 'x', [], 'LAB1#2')])).toEqual(nothing);
  });

  it('a finding after resolution opens a new alert with its own id', () => {
    const first = opened('CALCIUM_CRITICAL_LOW');
    const resolved = persist([first], run([first], [resolve('CALCIUM_CRITICAL_LOW', 'calcium 8.1 mg/dL')]));
    const reopened = run(active(resolved), [fire('CALCIUM_CRITICAL_LOW')], minutesAfter(t0, 60));
    expect(reopened.changes[0]?.kind).toBe('create');
    expect(reopened.changes[0]?.alert.alertId).not.toBe(first.alertId);
    expect(reopened.notifications.map((notification) => notification.event)).toEqual(['opened']);
  });

  it('open, resolve and open again in one call gives two ids and two writes', () => {
    const result = run(
      [],
      [
        fire('CALCIUM_LOW'),
        resolve('CALCIUM_LOW', 'calcium 8.5 mg/dL'),
        fire('CALCIUM_LOW', { evidence: [calciumEvidence('OBS#b', 8.0)] }),
      ],
    );
    expect(result.changes.map((change) => [change.kind, change.alert.state])).toEqual([
      ['create', 'resolved'],
      ['create', 'open'],
    ]);
    const [firstId, secondId] = result.changes.map((change) => change.alert.alertId);
    expect(secondId).toBe(`${firstId}-2`);
    expect(result.audit.map((event) => `${event.from}→${event.to}`)).toEqual([
      'none→open',
      'open→resolved',
      'none→open',
    ]);
  });
});

describe('supersession: CALCIUM_CRITICAL_LOW supersedes CALCIUM_LOW', () => {
  const critical = { finding: 'Calcium 7.2 mg/dL (< 7.5) at 2026-07-26T23:44:14.000Z.' };

  it('opening CALCIUM_CRITICAL_LOW closes an active CALCIUM_LOW as superseded, with its notice', () => {
    const low = opened('CALCIUM_LOW');
    const now = minutesAfter(t0, 120);
    const result = run([low], [fire('CALCIUM_CRITICAL_LOW', critical)], now);

    const [createCritical, supersedeLow] = result.changes;
    expect(createCritical).toMatchObject({
      kind: 'create',
      alert: { ruleId: 'CALCIUM_CRITICAL_LOW', state: 'open' },
    });
    expect(supersedeLow).toEqual({
      kind: 'update',
      expectedVersion: 1,
      alert: {
        ...low,
        state: 'superseded',
        resolvedAt: now.toISOString(),
        resolution: `superseded by CALCIUM_CRITICAL_LOW: ${critical.finding}`,
        version: 2,
      },
    });
    expect(result.notifications.map((n) => [n.event, n.topic, n.alert.ruleId, n.alert.severity])).toEqual([
      ['opened', 'pages', 'CALCIUM_CRITICAL_LOW', 'critical'],
      ['superseded', 'notices', 'CALCIUM_LOW', 'urgent'],
    ]);
    expect(result.notifications[1]?.notificationId).toBe(`${low.alertId}:superseded`);
    expect(result.audit[1]).toEqual({
      alertId: low.alertId,
      at: now.toISOString(),
      from: 'open',
      to: 'superseded',
      reason: 'superseded by CALCIUM_CRITICAL_LOW',
      by: 'system',
      ruleSetVersion: ruleSetVersion(config),
    });
  });

  it('supersedes an acknowledged CALCIUM_LOW too', () => {
    const low: Alert = { ...opened('CALCIUM_LOW'), state: 'acknowledged', version: 2 };
    const result = run([low], [fire('CALCIUM_CRITICAL_LOW', critical)]);
    expect(result.audit.map((event) => `${event.from}→${event.to}`)).toEqual([
      'none→open',
      'acknowledged→superseded',
    ]);
  });

  it('wins over a resolve of CALCIUM_LOW listed before it in the same evaluation', () => {
    const low = opened('CALCIUM_LOW');
    const result = run(
      [low],
      [resolve('CALCIUM_LOW', 'calcium below 7.5'), fire('CALCIUM_CRITICAL_LOW', critical)],
    );
    expect(result.changes.map((change) => change.alert.state)).toEqual(['open', 'superseded']);
    expect(result.notifications.map((notification) => notification.event)).toEqual(['opened', 'superseded']);
  });

  it('new evidence on an already open CALCIUM_CRITICAL_LOW supersedes nothing (only an opening does)', () => {
    const crit = opened('CALCIUM_CRITICAL_LOW');
    const low = { ...opened('CALCIUM_LOW'), alertId: 'CALCIUM_LOW-later' };
    const result = run(
      [crit, low],
      [fire('CALCIUM_CRITICAL_LOW', { evidence: [calciumEvidence('OBS#c', 7.0)] })],
    );
    expect(result.changes.map((change) => change.alert.ruleId)).toEqual(['CALCIUM_CRITICAL_LOW']);
  });

  it('does not touch CALCIUM_LOW when a different critical rule opens', () => {
    const low = opened('CALCIUM_LOW');
    const result = run([low], [fire('VKA_ACTIVE')]);
    expect(result.changes.map((change) => change.alert.ruleId)).toEqual(['VKA_ACTIVE']);
  });
});

describe('what the store receives', () => {
  /** DynamoDB marshalling rejects `undefined` attribute values unless told to drop them. */
  function undefinedPaths(value: unknown, path = '$'): string[] {
    if (value === undefined) return [path];
    if (value === null || typeof value !== 'object') return [];
    return Object.entries(value).flatMap(([key, inner]) => undefinedPaths(inner, `${path}.${key}`));
  }

  it('changes, notifications and audit carry no undefined values', () => {
    const noLocation = { facility: 'NDC', namespace: 'NDC', mrn: 'TEST0042' };
    const step = (alerts: Alert[], outcomes: Parameters<typeof run>[1], minutes: number) =>
      applyOutcomes({
        patient: noLocation,
        activeAlerts: active(alerts),
        outcomes,
        now: minutesAfter(t0, minutes),
        config,
      });

    const opening = step([], [fire('CALCIUM_LOW')], 0);
    let alerts = persist([], opening);
    const evidenceAndOpening = step(
      alerts,
      [fire('CALCIUM_LOW', { evidence: [calciumEvidence('OBS#n', 8.0)] }), fire('VKA_ACTIVE')],
      30,
    );
    alerts = persist(alerts, evidenceAndOpening);
    const supersedeAndResolve = step(
      alerts,
      [fire('CALCIUM_CRITICAL_LOW'), resolve('VKA_ACTIVE', 'order ended')],
      60,
    );

    expect(evidenceAndOpening.changes.map((change) => change.kind)).toEqual(['update', 'create']);
    expect(supersedeAndResolve.changes.map((change) => change.alert.state)).toEqual([
      'open',
      'superseded',
      'resolved',
    ]);
    expect(
      [opening, evidenceAndOpening, supersedeAndResolve].flatMap((result) => undefinedPaths(result)),
    ).toEqual([]);
  });
});

describe('version bumps', () => {
  it('one write per alert per call, at stored version + 1, whatever the number of transitions', () => {
    const alert = { ...opened('CALCIUM_LOW'), version: 7 };
    const result = run(
      [alert],
      [
        fire('CALCIUM_LOW', { evidence: [calciumEvidence('OBS#x', 8.0)] }),
        resolve('CALCIUM_LOW', 'calcium 8.6 mg/dL'),
      ],
    );
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({ kind: 'update', expectedVersion: 7, alert: { version: 8 } });
    expect(result.audit.map((event) => event.reason)).toEqual([
      'new evidence',
      'resolved: calcium 8.6 mg/dL',
    ]);
  });
});
