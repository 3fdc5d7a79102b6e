import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOutcomes } from '../../lambdas/alerts/lifecycle.js';
import {
  type RenderOptions,
  renderNotification,
  smsMaxLength,
  subjectMaxLength,
} from '../../lambdas/alerts/render.js';
import type { Alert, Notification, NotificationEvent } from '../../lambdas/domain/alerts.js';
import { ruleSetVersion } from '../../lambdas/rules/rule-set-version.js';
import { at, calciumEvidence, config, fire, patient } from './factories.js';

const name = { family: 'Testpatient', given: 'Alexa' };
const valueFinding = 'Calcium 7.2 mg/dL (< 7.5) at 2026-07-26T23:44:14.000Z.';

function openedAlert(overrides: Partial<Alert> = {}): Alert {
  const [change] = applyOutcomes({
    patient,
    activeAlerts: [],
    outcomes: [
      fire('CALCIUM_CRITICAL_LOW', {
        finding: valueFinding,
        evidence: [
          calciumEvidence('OBS#1', 7.2),
          { kind: 'medicationOrder', recordId: 'MED#1', summary: 'cinacalcet 90 mg daily (active)', at: 't' },
        ],
      }),
    ],
    now: at('2026-07-27T00:10:00.000Z'),
    config,
  }).changes;
  if (!change) throw new Error('nothing opened');
  return { ...change.alert, ...overrides };
}

function notification(event: NotificationEvent = 'opened', alert = openedAlert()): Notification {
  return { notificationId: `${alert.alertId}:${event}`, topic: 'pages', event, alert };
}

const minimal: RenderOptions = { pagePhi: 'minimal', patientName: name };

function everyText(rendered: ReturnType<typeof renderNotification>): string {
  return JSON.stringify(rendered);
}

describe('JSON body and attributes', () => {
  it('holds exactly the agreed fields', () => {
    const alert = openedAlert();
    const rendered = renderNotification(notification('opened', alert), minimal);
    const body = JSON.parse(rendered.message.default);

    expect(body).toEqual({
      alertId: alert.alertId,
      ruleId: 'CALCIUM_CRITICAL_LOW',
      severity: 'critical',
      event: 'opened',
      patient: { facility: 'NDC', mrn: 'TEST0042', location: 'HD^CHAIR07^^NDC' },
      finding: valueFinding,
      recommendation: alert.recommendation,
      evidence: alert.evidence,
      openedAt: '2026-07-27T00:10:00.000Z',
      ruleSetVersion: ruleSetVersion(config),
    });
    expect(rendered.attributes).toEqual({
      severity: 'critical',
      ruleId: 'CALCIUM_CRITICAL_LOW',
      facility: 'NDC',
      event: 'opened',
      ruleSetVersion: ruleSetVersion(config),
    });
    expect(rendered.message.email).toContain(`Rule set ${ruleSetVersion(config)}`);
  });

  it('leaves the rule-set version out of an alert stored before it was kept', () => {
    const { ruleSetVersion: _kept, ...before } = openedAlert();
    const rendered = renderNotification(notification('opened', before), minimal);
    expect(JSON.parse(rendered.message.default)).not.toHaveProperty('ruleSetVersion');
    expect(rendered.attributes).not.toHaveProperty('ruleSetVersion');
  });

  it('says location null when none was sent', () => {
    const alert = openedAlert({ patient: { facility: 'NDC', namespace: 'NDC', mrn: 'TEST0042' } });
    const rendered = renderNotification(notification('opened', alert), minimal);
    expect(JSON.parse(rendered.message.default).patient).toEqual({
      facility: 'NDC',
      mrn: 'TEST0042',
      location: null,
    });
    expect(rendered.message.sms).not.toContain(' loc ');
  });

  it('carries ackUrl only when given', () => {
    const without = JSON.parse(renderNotification(notification(), minimal).message.default);
    expect(without).not.toHaveProperty('ackUrl');

    const ackUrl = 'https://alerts.example.org/alerts/CALCIUM_CRITICAL_LOW-x/ack';
    const rendered = renderNotification(notification(), { ...minimal, ackUrl });
    expect(JSON.parse(rendered.message.default).ackUrl).toBe(ackUrl);
    expect(rendered.message.email).toContain(`Acknowledge: ${ackUrl}`);
  });

  it.each(['escalated', 'repeated', 'acknowledged'] as const)('%s: event in body and attributes', (event) => {
    const rendered = renderNotification(notification(event), minimal);
    expect(JSON.parse(rendered.message.default).event).toBe(event);
    expect(rendered.attributes.event).toBe(event);
    expect(
      rendered.message.sms.startsWith(`${event.toUpperCase()} CALCIUM_CRITICAL_LOW NDC MRN TEST0042`),
    ).toBe(true);
  });

  it('a resolved notice leads with why it resolved (the restart dose)', () => {
    const reason = 'calcium 8.1 mg/dL at 2026-07-28T10:00:00.000Z; restart cinacalcet at 60 mg daily';
    const alert = openedAlert({ state: 'resolved', resolution: reason });
    const rendered = renderNotification(notification('resolved', alert), minimal);
    expect(JSON.parse(rendered.message.default).finding).toBe(`Resolved: ${reason}`);
    expect(rendered.message.sms).toContain('restart cinacalcet at 60 mg');
    expect(rendered.message.email).toContain(`Finding: ${valueFinding}`);
    expect(rendered.message.email).toContain(`Resolved: ${reason}`);
  });

  it('a superseded notice names the rule that superseded it', () => {
    const alert = openedAlert({
      ruleId: 'CALCIUM_LOW',
      severity: 'urgent',
      state: 'superseded',
      resolution: `superseded by CALCIUM_CRITICAL_LOW: ${valueFinding}`,
    });
    const rendered = renderNotification(notification('superseded', alert), minimal);
    expect(JSON.parse(rendered.message.default).finding).toBe(
      `Superseded by CALCIUM_CRITICAL_LOW: ${valueFinding}`,
    );
    expect(rendered.attributes).toMatchObject({
      severity: 'urgent',
      event: 'superseded',
      ruleId: 'CALCIUM_LOW',
    });
  });

  it('closing notices without a recorded reason still say what happened', () => {
    expect(JSON.parse(renderNotification(notification('resolved'), minimal).message.default).finding).toBe(
      'Resolved: no reason recorded',
    );
    expect(JSON.parse(renderNotification(notification('superseded'), minimal).message.default).finding).toBe(
      'Superseded',
    );
  });
});

describe('patient name (pagePhi)', () => {
  it('appears nowhere with minimal, even when the caller passes it', () => {
    const rendered = renderNotification(notification(), minimal);
    expect(everyText(rendered)).not.toContain('Testpatient');
    expect(everyText(rendered)).not.toContain('Alexa');
  });

  it('appears in body, SMS and email with full, never in the subject', () => {
    const rendered = renderNotification(notification(), { pagePhi: 'full', patientName: name });
    expect(JSON.parse(rendered.message.default).patient).toEqual({
      facility: 'NDC',
      mrn: 'TEST0042',
      location: 'HD^CHAIR07^^NDC',
      name,
    });
    expect(rendered.message.sms).toContain('Testpatient, Alexa');
    expect(rendered.message.email).toContain('Name: Testpatient, Alexa');
    expect(rendered.subject).not.toContain('Testpatient');
  });

  it('full without a name passed renders no name key', () => {
    const body = JSON.parse(renderNotification(notification(), { pagePhi: 'full' }).message.default);
    expect(Object.keys(body.patient)).toEqual(['facility', 'mrn', 'location']);
  });
});

describe('SMS', () => {
  it('names facility, MRN, location, rule id, event and the value', () => {
    const { sms } = renderNotification(notification(), minimal).message;
    expect(sms).toBe(
      'OPENED CALCIUM_CRITICAL_LOW NDC MRN TEST0042 loc HD, CHAIR07: Calcium 7.2 mg/dL (< 7.5) at 2026-07-26T23:44:14.000Z.',
    );
    expect(sms.length).toBeLessThanOrEqual(smsMaxLength);
  });

  it('shows the location readably, not as PV1-3 components, naming a facility other than the sender', () => {
    const alert = openedAlert({
      patient: { ...openedAlert().patient, facility: 'NORTHSIDE DIALYSIS', location: 'HD^CHAIR07^^NDC' },
    });
    const rendered = renderNotification(notification('opened', alert), minimal);
    expect(rendered.message.sms).toContain(' loc HD, CHAIR07, NDC: Calcium 7.2 mg/dL');
    expect(rendered.message.sms).not.toContain('^');
    expect(rendered.message.sms.length).toBeLessThanOrEqual(smsMaxLength);
    expect(rendered.message.email).toContain(
      'Patient: MRN TEST0042 at NORTHSIDE DIALYSIS, location HD, CHAIR07, NDC',
    );
    // Machine subscribers get PV1-3 as sent.
    expect(JSON.parse(rendered.message.default).patient.location).toBe('HD^CHAIR07^^NDC');
  });

  it('cuts a long finding with an ellipsis but keeps MRN and rule id', () => {
    const alert = openedAlert({ finding: `${valueFinding} ${'Very long context. '.repeat(20)}` });
    const { sms } = renderNotification(notification('opened', alert), minimal).message;
    expect(sms).toHaveLength(smsMaxLength);
    expect(sms.endsWith('...')).toBe(true);
    expect(sms).toContain('MRN TEST0042');
    expect(sms).toContain('CALCIUM_CRITICAL_LOW');
    expect(sms).toContain('Calcium 7.2 mg/dL');
  });

  it('writes clinical symbols in the GSM alphabet (one symbol would make the SMS UCS-2)', () => {
    const alert = openedAlert({ finding: 'Calcium 7.2 mg/dL ≤ 7.5 — withhold cinacalcet (180→120 mg).' });
    const { sms } = renderNotification(notification('opened', alert), minimal).message;
    expect(sms).toContain('Calcium 7.2 mg/dL <= 7.5 - withhold cinacalcet (180->120 mg).');
    expect(sms).not.toMatch(/[^\x20-\x7e]/);
  });

  it('stays within 160 UTF-16 code units for any finding, location, facility, MRN and name', () => {
    const text = (maxLength: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength });
    fc.assert(
      fc.property(
        fc.record({
          finding: text(600),
          location: fc.option(text(200), { nil: undefined }),
          facility: text(40),
          mrn: fc.stringMatching(/^[A-Z0-9]{1,20}$/),
          family: text(60),
          given: text(60),
          pagePhi: fc.constantFrom('minimal' as const, 'full' as const),
          event: fc.constantFrom<NotificationEvent>(
            'opened',
            'escalated',
            'repeated',
            'acknowledged',
            'resolved',
            'superseded',
          ),
        }),
        (input) => {
          const alert = openedAlert({
            finding: input.finding,
            resolution: input.finding,
            patient: { facility: input.facility, namespace: 'NDC', mrn: input.mrn, location: input.location },
          });
          const rendered = renderNotification(notification(input.event, alert), {
            pagePhi: input.pagePhi,
            patientName: { family: input.family, given: input.given },
          });
          const { sms } = rendered.message;
          expect(sms.length).toBeLessThanOrEqual(smsMaxLength);
          expect(sms).toContain(`MRN ${input.mrn}`);
          expect(sms).toContain('CALCIUM_CRITICAL_LOW');
          expect(sms).toContain(input.event.toUpperCase());
          // No lone surrogate from a cut: SNS rejects invalid UTF-8.
          expect(sms).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
          expect(rendered.subject.length).toBeLessThanOrEqual(subjectMaxLength);
          expect(rendered.subject).toMatch(/^[\x20-\x7e]*$/);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('email', () => {
  it('subject: severity, event, rule id, facility and MRN; hospital name when it fits', () => {
    const rendered = renderNotification(notification(), {
      ...minimal,
      hospitalName: 'Northside Dialysis Centre',
    });
    expect(rendered.subject).toBe(
      '[Northside Dialysis Centre] CRITICAL opened: CALCIUM_CRITICAL_LOW - NDC MRN TEST0042',
    );
    const long = renderNotification(notification(), { ...minimal, hospitalName: 'N'.repeat(200) });
    expect(long.subject.length).toBeLessThanOrEqual(subjectMaxLength);
    expect(long.subject.endsWith('CRITICAL opened: CALCIUM_CRITICAL_LOW - NDC MRN TEST0042')).toBe(true);
  });

  it('body: readable lines with finding, recommendation and each evidence line', () => {
    const alert = openedAlert();
    const { email } = renderNotification(notification('opened', alert), {
      ...minimal,
      hospitalName: 'Northside',
    }).message;
    expect(email.split('\n')).toEqual(
      expect.arrayContaining([
        'CRITICAL alert CALCIUM_CRITICAL_LOW: opened',
        'Hospital: Northside',
        'Patient: MRN TEST0042 at NDC, location HD, CHAIR07',
        `Finding: ${valueFinding}`,
        `Recommendation: ${alert.recommendation}`,
        'Evidence:',
        '- calcium 7.2 mg/dL (F) at 2026-07-26T23:44:14.000Z',
        '- cinacalcet 90 mg daily (active)',
        `Alert ${alert.alertId}, opened 2026-07-27T00:10:00.000Z`,
      ]),
    );
  });

  it('says who acknowledged, which repeat, and that it escalated', () => {
    const acknowledged = openedAlert({
      acknowledgedBy: 'dr.oncall',
      acknowledgedAt: '2026-07-27T00:20:00.000Z',
    });
    expect(renderNotification(notification('acknowledged', acknowledged), minimal).message.email).toContain(
      'Acknowledged by dr.oncall at 2026-07-27T00:20:00.000Z',
    );
    expect(
      renderNotification(notification('repeated', openedAlert({ repeatCount: 2 })), minimal).message.email,
    ).toContain('Repeat 2: not yet acknowledged.');
    expect(renderNotification(notification('escalated'), minimal).message.email).toContain(
      'Escalated: not acknowledged in time.',
    );
    expect(
      renderNotification(notification('opened', openedAlert({ evidence: [] })), minimal).message.email,
    ).toContain('Evidence:\n- (none)');
  });
});
