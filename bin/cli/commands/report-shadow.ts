/**
 * `npm run report -- --shadow [--from DAY] [--to DAY] [--csv FILE]`: what the rules in shadow mode
 * would have raised (GET /reports/shadow). Nothing listed here was paged. Patients by MRN only.
 */
import type { AdminApi, ReportPeriod, ShadowReply } from '../admin-api.js';
import type { CommandIo } from '../io.js';
import { formatTable } from '../table.js';

/** Without --from: the 30 days up to --to (or now), the window an admin reviews before going live. */
export const defaultShadowDays = 30;

export const shadowHelp = [
  '  --shadow         instead: what the rules in shadow mode would have raised (nothing was paged),',
  `                   per rule and one line per would-be alert; --from defaults to ${defaultShadowDays} days`,
  '                   before --to, --to to now',
];

function summaryLines(report: ShadowReply): string[] {
  const perRule = Object.entries(report.summary.byRule).sort(([left], [right]) => left.localeCompare(right));
  return [
    `Shadow rules: would-be alerts opened ${report.from} to ${report.to} (end excluded); none was paged`,
    `Would-be alerts: ${report.summary.count}`,
    ...(perRule.length === 0
      ? []
      : [
          '',
          ...formatTable(
            ['RULE', 'SEVERITY', 'WOULD HAVE OPENED'],
            perRule.map(([ruleId, counted]) => [ruleId, counted.severity, String(counted.opened)]),
          ),
        ]),
  ];
}

function rowLines(report: ShadowReply): string[] {
  if (report.rows.length === 0) return [];
  return [
    '',
    ...formatTable(
      ['ALERT ID', 'RULE', 'SEVERITY', 'FACILITY', 'MRN', 'WOULD HAVE OPENED', 'STATE', 'CLOSED AT'],
      report.rows.map((row) => [
        row.alertId,
        row.ruleId,
        row.severity,
        row.facility,
        row.mrn,
        row.openedAt,
        row.state,
        row.resolvedAt ?? '-',
      ]),
    ),
  ];
}

/** Prints the shadow report; returns the CSV when asked for, for the caller to write. */
export async function shadowReport(
  api: AdminApi,
  period: ReportPeriod,
  io: CommandIo,
  csv: boolean,
): Promise<string | undefined> {
  const report = await api.shadow(period);
  for (const line of [...summaryLines(report), ...rowLines(report)]) io.out(line);
  return csv ? api.shadowCsv(period) : undefined;
}
