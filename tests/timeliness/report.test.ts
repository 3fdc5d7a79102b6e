/**
 * The timeliness report against a scripted week with known times. Target 30
 * minutes from result to acknowledgement; the figures below are worked out by
 * hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { acknowledgeAlert, applyOutcomes } from '../../lambdas/alerts/lifecycle.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { Alert, Severity } from '../../lambdas/domain/alerts.js';
import { ruleSetVersion } from '../../lambdas/rules/rule-set-version.js';
import {
  TimelinessOptionsError,
  timelinessCsvHeader,
  timelinessReport,
} from '../../lambdas/timeliness/report.js';

const day = '2026-08-03';
const iso = (hhmm: string) => `${day}T${hhmm}:00.000Z`;

interface Script {
  id: string;
  result?: string;
  received?: string;
  opened: string;
  paged?: string;
  ack?: string;
  resolved?: string;
  severity?: Severity;
  version?: number;
}

function alertOf(script: Script): Alert {
  const state = script.resolved ? 'resolved' : script.ack ? 'acknowledged' : 'open';
  return {
    alertId: `CALCIUM_CRITICAL_LOW-${script.id.padStart(13, '0')}`,
    patient: { facility: 'NDC', namespace: 'NDC', mrn: `TEST00${script.id}`, location: 'HD^CHAIR07^^NDC' },
    ruleId: 'CALCIUM_CRITICAL_LOW',
    alertScope: '',
    severity: script.severity ?? 'critical',
    state,
    finding: 'Calcium 7.1 mg/dL (< 7.5).',
    recommendation: 'Withhold cinacalcet.',
    evidence: [],
    openedAt: iso(script.opened),
    lastNotifiedAt: iso(script.opened),
    repeatCount: 0,
    version: script.version ?? 3,
    ...(script.result ? { resultAt: iso(script.result) } : {}),
    ...(script.received ? { receivedAt: iso(script.received) } : {}),
    ...(script.paged ? { firstPagedAt: iso(script.paged) } : {}),
    ...(script.ack
      ? { acknowledgedAt: iso(script.ack), acknowledgedBy: 'Dr Rivera via on-call page link' }
      : {}),
    ...(script.resolved ? { resolvedAt: iso(script.resolved), resolution: 'calcium 8.2 mg/dL' } : {}),
  };
}

// result→page / page→ack / result→ack (minutes)
const scenario: Script[] = [
  { id: '1', result: '08:00', received: '08:04', opened: '08:05', paged: '08:06', ack: '08:16' }, //  6 / 10 / 16 met
  { id: '2', result: '09:00', opened: '09:02', paged: '09:03', ack: '09:43' }, //                       3 / 40 / 43 late
  { id: '3', result: '10:00', opened: '10:09', paged: '10:10', ack: '10:30' }, //                      10 / 20 / 30 met (boundary)
  { id: '4', result: '11:00', opened: '11:01', paged: '11:02', resolved: '12:00' }, //                  2 /  - /  - never acknowledged
  { id: '5', result: '12:00', opened: '12:19', paged: '12:20', ack: '12:21' }, //                      20 /  1 / 21 met
  { id: '6', result: '13:00', opened: '13:00', paged: '13:01' }, //                                     1 /  - /  - never acknowledged (open)
  { id: '7', result: '14:00', opened: '14:01', ack: '14:50' }, //                                       - /  - / 50 late (page time not recorded)
];
const noise: Script[] = [
  { id: '8', result: '08:00', opened: '08:01', paged: '08:02', ack: '09:30', severity: 'urgent' }, // not critical
  { id: '2', result: '09:00', opened: '09:02', version: 1 }, // an older read of alert 2
];
const outside: Alert[] = [
  { ...alertOf({ id: '9', opened: '00:00' }), openedAt: '2026-08-02T23:59:59.999Z' }, // before the period
  { ...alertOf({ id: '10', opened: '00:00' }), openedAt: '2026-08-10T00:00:00.000Z' }, // at `to`: excluded
];

const period = { from: new Date('2026-08-03T00:00:00.000Z'), to: new Date('2026-08-10T00:00:00.000Z') };
const report = timelinessReport([...scenario, ...noise].map(alertOf).concat(outside), {
  ...period,
  targetMinutes: 30,
});
const ref = (id: string, state: Alert['state']) => ({
  alertId: `CALCIUM_CRITICAL_LOW-${id.padStart(13, '0')}`,
  ruleId: 'CALCIUM_CRITICAL_LOW',
  facility: 'NDC',
  mrn: `TEST00${id}`,
  state,
});

describe('summary of the scripted week (target 30 minutes)', () => {
  it('counts the critical alerts opened in [from, to), each once', () => {
    expect(report.summary.count).toBe(7);
    expect(report.rows.map((row) => row.alert.mrn)).toEqual([
      'TEST001',
      'TEST002',
      'TEST003',
      'TEST004',
      'TEST005',
      'TEST006',
      'TEST007',
    ]);
  });

  it('result → page: sorted 1, 2, 3, 6, 10, 20 → median (3 + 6) / 2 = 4.5; p90 rank ⌈0.9 × 6⌉ = 6 → 20', () => {
    expect(report.summary.resultToPage).toEqual({ medianMinutes: 4.5, p90Minutes: 20 });
  });

  it('page → acknowledgement: sorted 1, 10, 20, 40 → median (10 + 20) / 2 = 15; p90 rank ⌈0.9 × 4⌉ = 4 → 40', () => {
    expect(report.summary.pageToAck).toEqual({ medianMinutes: 15, p90Minutes: 40 });
  });

  it('outside target: acknowledged more than 30 minutes after the result (43, 50); exactly 30 is within', () => {
    expect(report.summary.outsideTarget).toEqual([ref('2', 'acknowledged'), ref('7', 'acknowledged')]);
    expect(report.rows.find((row) => row.alert.mrn === 'TEST003')?.target).toBe('met');
  });

  it('never acknowledged: resolved without anyone acknowledging, and still open', () => {
    expect(report.summary.neverAcknowledged).toEqual([ref('4', 'resolved'), ref('6', 'open')]);
  });

  it('the same numbers with a 45-minute target move only alert 2 inside', () => {
    const relaxed = timelinessReport(scenario.map(alertOf), { ...period, targetMinutes: 45 });
    expect(relaxed.summary.outsideTarget.map((alert) => alert.mrn)).toEqual(['TEST007']);
  });
});

describe('CSV', () => {
  const lines = report.csv.split('\r\n');

  it('has the header and one line per alert, CRLF-terminated', () => {
    expect(lines[0]).toBe(timelinessCsvHeader.join(','));
    expect(lines[0]).toBe(
      'alertId,ruleId,facility,mrn,state,resultAt,receivedAt,openedAt,firstPagedAt,acknowledgedAt,resolvedAt,resultToPageMinutes,pageToAckMinutes,resultToAckMinutes,target,ruleSetVersion',
    );
    expect(lines).toHaveLength(1 + 7 + 1);
    expect(lines.at(-1)).toBe('');
  });

  it('writes ISO times and minutes, blanks where unknown', () => {
    expect(lines[1]).toBe(
      'CALCIUM_CRITICAL_LOW-0000000000001,CALCIUM_CRITICAL_LOW,NDC,TEST001,acknowledged,2026-08-03T08:00:00.000Z,2026-08-03T08:04:00.000Z,2026-08-03T08:05:00.000Z,2026-08-03T08:06:00.000Z,2026-08-03T08:16:00.000Z,,6,10,16,met,',
    );
    expect(lines[4]).toBe(
      'CALCIUM_CRITICAL_LOW-0000000000004,CALCIUM_CRITICAL_LOW,NDC,TEST004,resolved,2026-08-03T11:00:00.000Z,,2026-08-03T11:01:00.000Z,2026-08-03T11:02:00.000Z,,2026-08-03T12:00:00.000Z,2,,,not acknowledged,',
    );
    expect(lines[7]?.endsWith(',,,50,late,')).toBe(true);
  });

  it('carries ids only: no patient name, no acknowledging clinician', () => {
    expect(report.csv).not.toContain('Rivera');
    expect(JSON.stringify(report.summary)).not.toContain('Rivera');
  });

  it('quotes commas and quotes, and defuses text a spreadsheet would run as a formula', () => {
    const odd = {
      ...alertOf(scenario[0] as Script),
      patient: { facility: '=HYPERLINK("x")', namespace: 'N', mrn: 'A,B' },
    };
    const [, line] = timelinessReport([odd], { ...period, targetMinutes: 30 }).csv.split('\r\n');
    expect(line).toContain(`,"'=HYPERLINK(""x"")","A,B",`);
  });
});

describe('from the lifecycle to the report', () => {
  it('resultAt from the evidence, firstPagedAt from the sent mark of the page, acknowledgedAt from the acknowledgement', () => {
    const config = parseRulesConfig({ timeZone: 'America/Chicago' });
    const patient = { facility: 'NDC', namespace: 'NDC', mrn: 'TEST0042', location: 'HD^CHAIR07^^NDC' };
    const opened = applyOutcomes({
      patient,
      activeAlerts: [],
      outcomes: [
        {
          kind: 'fire',
          finding: {
            ruleId: 'CALCIUM_CRITICAL_LOW',
            severity: 'critical',
            alertScope: '',
            finding: 'Calcium 7.0 mg/dL (< 7.5).',
            recommendation: 'Withhold cinacalcet.',
            evidence: [
              {
                kind: 'observation',
                recordId: 'OBS#1',
                summary: 'calcium 7.0 mg/dL (F)',
                at: '2026-08-04T06:00:00.000Z',
                receivedAt: '2026-08-04T06:12:00.000Z',
              },
            ],
          },
        },
      ],
      now: new Date('2026-08-04T06:12:01.000Z'),
      config,
    }).changes[0]?.alert;
    if (!opened) throw new Error('nothing opened');
    // The store adds firstPagedAt from the opening page's sent mark when it lists alerts for a report.
    const paged = { ...opened, firstPagedAt: '2026-08-04T06:12:03.000Z' };
    const acked = acknowledgeAlert({
      alert: paged,
      by: 'dr.oncall',
      now: new Date('2026-08-04T06:28:03.000Z'),
    }).changes[0]?.alert;
    if (!acked) throw new Error('not acknowledged');

    const [row] = timelinessReport([acked], {
      ...period,
      targetMinutes: config.timelinessTargetMinutes,
    }).rows;
    expect(row).toMatchObject({
      resultAt: '2026-08-04T06:00:00.000Z',
      receivedAt: '2026-08-04T06:12:00.000Z',
      firstPagedAt: '2026-08-04T06:12:03.000Z',
      acknowledgedAt: '2026-08-04T06:28:03.000Z',
      resultToPageMinutes: 12.05,
      pageToAckMinutes: 16,
      target: 'met',
    });
    expect(row?.resultToAckMinutes).toBeCloseTo(28.05, 10);
  });

  it('shows the rule-set version that opened the alert, kept through the acknowledgement, in the rows and the CSV', () => {
    const config = parseRulesConfig({ timeZone: 'America/Chicago' });
    const opened = applyOutcomes({
      patient: { facility: 'NDC', namespace: 'NDC', mrn: 'TEST0043' },
      activeAlerts: [],
      outcomes: [
        {
          kind: 'fire',
          finding: {
            ruleId: 'CALCIUM_CRITICAL_LOW',
            severity: 'critical',
            alertScope: '',
            finding: 'Calcium 7.0 mg/dL (< 7.5).',
            recommendation: 'Withhold cinacalcet.',
            evidence: [
              { kind: 'observation', recordId: 'OBS#1', summary: 'calcium', at: '2026-08-04T06:00:00.000Z' },
            ],
          },
        },
      ],
      now: new Date('2026-08-04T06:12:01.000Z'),
      config,
    }).changes[0]?.alert;
    if (!opened) throw new Error('nothing opened');
    const acked = acknowledgeAlert({
      alert: opened,
      by: 'dr.oncall',
      now: new Date('2026-08-04T06:20:00.000Z'),
    }).changes[0]?.alert;
    if (!acked) throw new Error('not acknowledged');
    const version = ruleSetVersion(config);
    expect(version).toMatch(/^rules-[0-9a-f]{10}\+cfg-[0-9a-f]{12}$/);
    const result = timelinessReport([acked], { ...period, targetMinutes: 30 });
    expect(result.rows[0]?.ruleSetVersion).toBe(version);
    expect(result.csv.split('\r\n')[1]?.endsWith(`,met,${version}`)).toBe(true);
  });
});

describe('options', () => {
  it('refuses a reversed period and a non-positive target', () => {
    expect(() => timelinessReport([], { from: period.to, to: period.from, targetMinutes: 30 })).toThrow(
      TimelinessOptionsError,
    );
    expect(() => timelinessReport([], { ...period, targetMinutes: 0 })).toThrow(TimelinessOptionsError);
  });

  it('an empty period has no figures rather than zeros', () => {
    const empty = timelinessReport([], { ...period, targetMinutes: 30 });
    expect(empty.summary).toMatchObject({
      count: 0,
      resultToPage: { medianMinutes: null, p90Minutes: null },
      pageToAck: { medianMinutes: null, p90Minutes: null },
    });
    expect(empty.csv).toBe(`${timelinessCsvHeader.join(',')}\r\n`);
  });
});
