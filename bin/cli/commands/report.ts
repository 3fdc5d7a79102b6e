/**
 * `npm run report -- --from 2026-11-01 --to 2026-11-30 [--csv out.csv]`: how
 * quickly each critical result reached a responsible clinician, from the
 * admin API's timeliness report; with `--shadow`, what the rules in shadow
 * mode would have raised (report-shadow.ts). Patients by MRN only, never by name.
 */
import { writeFile } from 'node:fs/promises';
import { adminApi, type ReportPeriod, type TimelinessAlert, type TimelinessReply } from '../admin-api.js';
import { connectionHelp, connectionOptions, parseCommandLine, requiredOption } from '../args.js';
import { httpClientFor } from '../connection.js';
import { adminApiBase } from '../endpoints.js';
import { CliError, UsageError } from '../errors.js';
import type { CommandIo } from '../io.js';
import { formatTable } from '../table.js';
import { defaultShadowDays, shadowHelp, shadowReport } from './report-shadow.js';

export const reportHelp = [
  'Usage: npm run report -- --from DAY --to DAY [--csv FILE] [--url URL] [--sigv4] [--region R]',
  '       npm run report -- --shadow [--from DAY] [--to DAY] [--csv FILE] [--url URL] ...',
  '',
  'The critical-result timeliness report: every critical alert opened in the period, open or',
  'closed, with when the result was observed, first paged and acknowledged, against the',
  "hospital's target (result to acknowledgement). Prints the summary and the alerts that were",
  'acknowledged late or never; --csv writes one line per alert for a spreadsheet.',
  '',
  '  --from DAY       first day, from 00:00 UTC (2026-11-01), or a date-time with Z or an offset',
  '  --to DAY         last day, up to the end of it in UTC (2026-11-30 includes all of that day),',
  '                   or a date-time with Z or an offset, itself excluded',
  '  --csv FILE       also write the report as CSV to FILE (replaced if it exists)',
  ...shadowHelp,
  '  --url URL        the admin API (default http://127.0.0.1:$INGEST_PORT, port 4080;',
  '                   deployed: https://<api-id>.execute-api.<region>.amazonaws.com/v1)',
  ...connectionHelp,
];

const dayMs = 86_400_000;
const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A day as UTC midnight, checked (2026-02-30 is refused, not moved to March). */
function utcDay(text: string): Date | undefined {
  const match = dayPattern.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? date
    : undefined;
}

/** `--from`/`--to`: a day (its start; for `to`, the end of it) or an unambiguous date-time. */
function instantOption(name: 'from' | 'to', raw: string): Date {
  const day = utcDay(raw);
  if (day !== undefined) return name === 'to' ? new Date(day.getTime() + dayMs) : day;
  const ms = dateTimePattern.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `--${name} must be a day (2026-11-01) or a date-time with Z or an offset (2026-11-01T08:00:00Z), got "${raw}"`,
    );
  }
  return new Date(ms);
}

const oneDecimal = (minutes: number | null) => (minutes === null ? '-' : `${minutes.toFixed(1)} min`);

function summaryLines(report: TimelinessReply): string[] {
  const { summary, rows } = report;
  const met = rows.filter((row) => row.target === 'met').length;
  const duration = (what: string, figures: TimelinessReply['summary']['resultToPage'], count: number) =>
    `${what}: median ${oneDecimal(figures.medianMinutes)}, 90th percentile ${oneDecimal(figures.p90Minutes)} (${count} alert(s))`;
  return [
    `Critical-result timeliness, alerts opened ${report.from} to ${report.to} (end excluded)`,
    `Critical alerts: ${summary.count}; target: acknowledged within ${summary.targetMinutes} min of the result`,
    duration(
      'Result to first page',
      summary.resultToPage,
      rows.filter((r) => r.resultToPageMinutes !== null).length,
    ),
    duration(
      'First page to acknowledgement',
      summary.pageToAck,
      rows.filter((r) => r.pageToAckMinutes !== null).length,
    ),
    `Within target: ${met}; late: ${summary.outsideTarget.length}; never acknowledged: ${summary.neverAcknowledged.length}`,
  ];
}

function exceptionTable(title: string, alerts: TimelinessAlert[], report: TimelinessReply): string[] {
  if (alerts.length === 0) return [];
  const rowOf = (alert: TimelinessAlert): string[] => {
    const row = report.rows.find((candidate) => candidate.alert.alertId === alert.alertId);
    return [
      alert.alertId,
      alert.ruleId,
      alert.facility,
      alert.mrn,
      alert.state,
      row?.resultAt ?? '-',
      oneDecimal(row?.resultToAckMinutes ?? null),
    ];
  };
  return [
    '',
    title,
    ...formatTable(
      ['ALERT ID', 'RULE', 'FACILITY', 'MRN', 'STATE', 'RESULT AT', 'RESULT TO ACK'],
      alerts.map(rowOf),
    ),
  ];
}

export async function reportCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: {
      ...connectionOptions,
      from: { type: 'string' },
      to: { type: 'string' },
      csv: { type: 'string' },
      shadow: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    for (const line of reportHelp) io.out(line);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`report takes no arguments, got "${positionals.join(' ')}"`);
  const period = periodOf(values);
  if (period.to.getTime() <= period.from.getTime()) throw new UsageError('--to must be after --from');
  const csvPath = values.csv === undefined ? undefined : requiredOption('csv', values.csv);

  const base = adminApiBase(values.url, io.env);
  const api = adminApi(base, await httpClientFor(base, values, io.env));
  if (values.shadow) {
    const csv = await shadowReport(api, period, io, csvPath !== undefined);
    if (csvPath !== undefined && csv !== undefined) await writeCsv(csvPath, csv, io, 'would-be alert(s)');
    return 0;
  }
  const report = await api.timeliness(period);
  for (const line of summaryLines(report)) io.out(line);
  for (const line of exceptionTable(
    'Acknowledged later than the target:',
    report.summary.outsideTarget,
    report,
  ))
    io.out(line);
  for (const line of exceptionTable('Never acknowledged:', report.summary.neverAcknowledged, report))
    io.out(line);

  if (csvPath !== undefined) await writeCsv(csvPath, await api.timelinessCsv(period), io, 'alert(s)');
  return 0;
}

/** The period asked for; the shadow report may leave either end out (the last 30 days up to now). */
function periodOf(values: {
  from?: string | undefined;
  to?: string | undefined;
  shadow?: boolean;
}): ReportPeriod {
  if (!values.shadow) {
    return {
      from: instantOption('from', requiredOption('from', values.from)),
      to: instantOption('to', requiredOption('to', values.to)),
    };
  }
  const to = values.to === undefined ? new Date() : instantOption('to', values.to);
  const from =
    values.from === undefined
      ? new Date(to.getTime() - defaultShadowDays * dayMs)
      : instantOption('from', values.from);
  return { from, to };
}

async function writeCsv(path: string, csv: string, io: CommandIo, what: string): Promise<void> {
  try {
    await writeFile(path, csv, 'utf8');
  } catch (error: unknown) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new CliError(`could not write ${path} (${reason})`);
  }
  io.out('');
  // Counted in the file written: a second request may see an alert opened since the first.
  const lines = csv.split('\r\n').filter((line) => line !== '').length - 1;
  io.out(`CSV written to ${path} (${lines} ${what})`);
}
