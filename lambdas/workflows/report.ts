/**
 * The timeliness report over the store: every critical alert opened in the
 * period (open or closed), measured against the hospital's target. The
 * period is checked here, so every caller refuses the same periods.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { Alert } from '../domain/alerts.js';
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
