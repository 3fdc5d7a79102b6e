/**
 * Timeliness of critical-result communication: for every critical alert
 * opened in a period, when the result was observed, when its message
 * arrived, when the on-call was first paged, when someone acknowledged and
 * when it closed, measured against the hospital's target (Joint Commission
 * goal on timely reporting of critical results; CLSI GP47: within one hour;
 * many policies: 30 minutes).
 *
 * The target is met when the alert was acknowledged within `targetMinutes`
 * of the result (resultAt; for alerts stored before resultAt existed, of
 * openedAt): that is when a responsible clinician demonstrably had it.
 * Alerts never acknowledged are listed apart, whatever became of them.
 *
 * Ids only: alert id, rule, facility and MRN; never a name (neither the
 * patient's nor the acknowledging clinician's).
 */
import type { Alert, AlertState, RuleId } from '../domain/alerts.js';
import { type CsvCell, csvTable } from './csv.js';
import { type DurationSummary, summarize } from './statistics.js';

export interface TimelinessOptions {
  /** Alerts opened at or after this instant... */
  from: Date;
  /** ...and before this one. */
  to: Date;
  /** From result to acknowledgement (rules config `timelinessTargetMinutes`). */
  targetMinutes: number;
}

export interface AlertRef {
  alertId: string;
  ruleId: RuleId;
  facility: string;
  mrn: string;
  state: AlertState;
}

export type TargetOutcome = 'met' | 'late' | 'not acknowledged';

export interface TimelinessRow {
  alert: AlertRef;
  resultAt: string | null;
  receivedAt: string | null;
  openedAt: string;
  firstPagedAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  resultToPageMinutes: number | null;
  pageToAckMinutes: number | null;
  resultToAckMinutes: number | null;
  target: TargetOutcome;
  /** The rules code and configuration that last decided the alert (null: stored before it was kept). */
  ruleSetVersion: string | null;
}

export interface TimelinessSummary {
  /** Critical alerts opened in the period. */
  count: number;
  targetMinutes: number;
  /** Over alerts with both a result time and a first page. */
  resultToPage: DurationSummary;
  /** Over alerts with both a first page and an acknowledgement. */
  pageToAck: DurationSummary;
  /** Acknowledged, but later than the target after the result. */
  outsideTarget: AlertRef[];
  /** Never acknowledged (still open, or resolved/superseded without anyone acknowledging). */
  neverAcknowledged: AlertRef[];
}

export interface TimelinessReport {
  /** One line per alert, header first; ISO times, minutes to one decimal. */
  csv: string;
  rows: TimelinessRow[];
  summary: TimelinessSummary;
}

export class TimelinessOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimelinessOptionsError';
  }
}

export const timelinessCsvHeader = [
  'alertId',
  'ruleId',
  'facility',
  'mrn',
  'state',
  'resultAt',
  'receivedAt',
  'openedAt',
  'firstPagedAt',
  'acknowledgedAt',
  'resolvedAt',
  'resultToPageMinutes',
  'pageToAckMinutes',
  'resultToAckMinutes',
  'target',
  'ruleSetVersion',
] as const;

const minuteMs = 60_000;

export function timelinessReport(alerts: readonly Alert[], options: TimelinessOptions): TimelinessReport {
  const fromMs = options.from.getTime();
  const toMs = options.to.getTime();
  if (Number.isNaN(fromMs) || Number.isNaN(toMs) || fromMs > toMs) {
    throw new TimelinessOptionsError('the period needs valid times with from ≤ to');
  }
  if (!(options.targetMinutes > 0)) throw new TimelinessOptionsError('targetMinutes must be positive');

  const rows = latestVersions(alerts)
    .filter((alert) => alert.severity === 'critical')
    .filter((alert) => {
      const openedMs = Date.parse(alert.openedAt);
      return openedMs >= fromMs && openedMs < toMs;
    })
    .sort(
      (left, right) =>
        left.openedAt.localeCompare(right.openedAt) || left.alertId.localeCompare(right.alertId),
    )
    .map((alert) => rowOf(alert, options.targetMinutes));

  const present = (values: (number | null)[]) => values.filter((value): value is number => value !== null);
  const summary: TimelinessSummary = {
    count: rows.length,
    targetMinutes: options.targetMinutes,
    resultToPage: summarize(present(rows.map((row) => row.resultToPageMinutes))),
    pageToAck: summarize(present(rows.map((row) => row.pageToAckMinutes))),
    outsideTarget: rows.filter((row) => row.target === 'late').map((row) => row.alert),
    neverAcknowledged: rows.filter((row) => row.target === 'not acknowledged').map((row) => row.alert),
  };
  return { csv: csvTable(timelinessCsvHeader, rows.map(csvCells)), rows, summary };
}

/** The same alert read twice (a page of the open-alerts index, then the closed one): its newest version. */
function latestVersions(alerts: readonly Alert[]): Alert[] {
  const byId = new Map<string, Alert>();
  for (const alert of alerts) {
    const held = byId.get(alert.alertId);
    if (held === undefined || held.version < alert.version) byId.set(alert.alertId, alert);
  }
  return [...byId.values()];
}

function rowOf(alert: Alert, targetMinutes: number): TimelinessRow {
  const resultAt = isoOrNull(alert.resultAt);
  const firstPagedAt = isoOrNull(alert.firstPagedAt);
  const acknowledgedAt = isoOrNull(alert.acknowledgedAt);
  // Alerts opened before resultAt was recorded count from their opening.
  const clockStart = resultAt ?? isoOrNull(alert.openedAt);
  const resultToAck = minutesBetween(clockStart, acknowledgedAt);
  return {
    alert: {
      alertId: alert.alertId,
      ruleId: alert.ruleId,
      facility: alert.patient.facility,
      mrn: alert.patient.mrn,
      state: alert.state,
    },
    resultAt,
    receivedAt: isoOrNull(alert.receivedAt),
    openedAt: isoOrNull(alert.openedAt) ?? alert.openedAt,
    firstPagedAt,
    acknowledgedAt,
    resolvedAt: isoOrNull(alert.resolvedAt),
    resultToPageMinutes: minutesBetween(resultAt, firstPagedAt),
    pageToAckMinutes: minutesBetween(firstPagedAt, acknowledgedAt),
    resultToAckMinutes: resultToAck,
    target:
      acknowledgedAt === null || resultToAck === null
        ? 'not acknowledged'
        : resultToAck <= targetMinutes
          ? 'met'
          : 'late',
    ruleSetVersion: alert.ruleSetVersion ?? null,
  };
}

function csvCells(row: TimelinessRow): CsvCell[] {
  return [
    row.alert.alertId,
    row.alert.ruleId,
    row.alert.facility,
    row.alert.mrn,
    row.alert.state,
    row.resultAt,
    row.receivedAt,
    row.openedAt,
    row.firstPagedAt,
    row.acknowledgedAt,
    row.resolvedAt,
    oneDecimal(row.resultToPageMinutes),
    oneDecimal(row.pageToAckMinutes),
    oneDecimal(row.resultToAckMinutes),
    row.target,
    row.ruleSetVersion,
  ];
}

function isoOrNull(value: string | undefined): string | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Exact minutes from `start` to `end` (negative when the clocks disagree: kept, not hidden). */
function minutesBetween(start: string | null, end: string | null): number | null {
  if (start === null || end === null) return null;
  return (Date.parse(end) - Date.parse(start)) / minuteMs;
}

function oneDecimal(minutes: number | null): number | null {
  return minutes === null ? null : Math.round(minutes * 10) / 10;
}
