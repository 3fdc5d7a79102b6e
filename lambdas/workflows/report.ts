/**
 * The reports over the store: the timeliness report (every critical alert
 * opened in the period, open or closed, measured against the hospital's
 * target) and the shadow report (what rules in shadow mode would have raised).
 * The period is checked here, so every caller refuses the same periods.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { Alert, AlertState, RuleId, Severity } from '../domain/alerts.js';
import { csvTable } from '../timeliness/csv.js';
import { type TimelinessReport, timelinessReport } from '../timeliness/report.js';

export interface ReportPorts {
  /** Critical alerts opened at or after `from` and before `to`, whatever their state now. */
  listCriticalAlerts(period: { from: Date; to: Date }): Promise<Alert[]>;
}

/** The report period: alerts opened at or after `from` and before `to`. */
export interface ReportPeriod {
  from: Date;
  to: Date;
}

/**
 * A calendar year fits, leap or not; a longer period is several reports (one
 * answer must stay within what an API response can carry).
 */
export const maxReportDays = 366;

const dayMs = 86_400_000;

/** The period cannot be reported on; `parameter` names the one to change (`from` or `to`). */
export class ReportPeriodError extends Error {
  constructor(
    readonly parameter: 'from' | 'to',
    message: string,
  ) {
    super(message);
    this.name = 'ReportPeriodError';
  }
}

export function checkReportPeriod({ from, to }: ReportPeriod): void {
  if (Number.isNaN(from.getTime())) throw new ReportPeriodError('from', 'not a readable time');
  if (Number.isNaN(to.getTime())) throw new ReportPeriodError('to', 'not a readable time');
  if (to.getTime() <= from.getTime()) throw new ReportPeriodError('to', 'must be after from');
  if (to.getTime() - from.getTime() > maxReportDays * dayMs) {
    throw new ReportPeriodError('to', `the period may span at most ${maxReportDays} days`);
  }
}

export async function criticalResultTimeliness(
  period: ReportPeriod,
  ports: ReportPorts,
  config: Pick<RulesConfig, 'timelinessTargetMinutes'>,
): Promise<TimelinessReport> {
  checkReportPeriod(period);
  const alerts = await ports.listCriticalAlerts(period);
  return timelinessReport(alerts, { ...period, targetMinutes: config.timelinessTargetMinutes });
}

export interface ShadowReportPorts {
  /** Would-be alerts of shadow rules opened at or after `from` and before `to`, whatever their state now. */
  listShadowAlerts(period: { from: Date; to: Date }): Promise<Alert[]>;
}

/** One would-be alert: what a shadow rule would have raised, for whom and when (ids only, never a name). */
export interface ShadowRow {
  alertId: string;
  ruleId: RuleId;
  severity: Severity;
  facility: string;
  mrn: string;
  /** `open` while it would still stand; `resolved` or `superseded` once it would have closed. */
  state: AlertState;
  openedAt: string;
  resolvedAt: string | null;
  finding: string;
  resolution: string | null;
  ruleSetVersion: string | null;
}

export interface ShadowReport {
  summary: {
    /** Would-be alerts opened in the period. */
    count: number;
    /** Per rule: its severity and how many it would have opened. */
    byRule: Partial<Record<RuleId, { severity: Severity; opened: number }>>;
  };
  rows: ShadowRow[];
  /** One line per would-be alert, header first (RFC 4180). */
  csv: string;
}

export const shadowCsvHeader = [
  'alertId',
  'ruleId',
  'severity',
  'facility',
  'mrn',
  'state',
  'openedAt',
  'resolvedAt',
  'finding',
  'resolution',
  'ruleSetVersion',
] as const;

/** What the rules in shadow mode would have raised in the period: nothing here was paged. */
export async function shadowAlertsReport(
  period: ReportPeriod,
  ports: ShadowReportPorts,
): Promise<ShadowReport> {
  checkReportPeriod(period);
  const rows = (await ports.listShadowAlerts(period))
    .filter((alert) => alert.shadow === true)
    .sort(
      (left, right) =>
        left.openedAt.localeCompare(right.openedAt) || left.alertId.localeCompare(right.alertId),
    )
    .map(
      (alert): ShadowRow => ({
        alertId: alert.alertId,
        ruleId: alert.ruleId,
        severity: alert.severity,
        facility: alert.patient.facility,
        mrn: alert.patient.mrn,
        state: alert.state,
        openedAt: alert.openedAt,
        resolvedAt: alert.resolvedAt ?? null,
        finding: alert.finding,
        resolution: alert.resolution ?? null,
        ruleSetVersion: alert.ruleSetVersion ?? null,
      }),
    );
  const byRule: ShadowReport['summary']['byRule'] = {};
  for (const row of rows) {
    const counted = byRule[row.ruleId] ?? { severity: row.severity, opened: 0 };
    counted.opened += 1;
    byRule[row.ruleId] = counted;
  }
  const csv = csvTable(
    shadowCsvHeader,
    rows.map((row) => shadowCsvHeader.map((column) => row[column])),
  );
  return { summary: { count: rows.length, byRule }, rows, csv };
}
