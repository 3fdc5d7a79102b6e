/**
 * `npm run backtest -- --from DAY --to DAY --config A.json [--config B.json]`: what the rules would
 * have opened and paged over archived days, under one hospital configuration or two side by side,
 * and where two differ. Replays the raw archive through the pipeline's own workflows on a simulated
 * clock, in memory: reads the archive, writes nothing to AWS.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { runBacktest } from '../../../lambdas/backtest/backtest.js';
import type { BacktestConfig } from '../../../lambdas/backtest/replay.js';
import { type BacktestReport, differencesCsv } from '../../../lambdas/backtest/report.js';
import { ConfigError } from '../../../lambdas/config/rules-config.js';
import { rules } from '../../../lambdas/rules/registry.js';
import { parseHospitalConfig, rulesConfigFor } from '../../../lib/config/hospital-config.js';
import { archivePrefixes, parseDay } from '../archive-days.js';
import {
  type ArchiveLocation,
  archiveMessages,
  checkArchiveFolder,
  parseS3Location,
  type S3Archive,
} from '../archive-sources.js';
import { parseCommandLine, requiredOption } from '../args.js';
import { CliError, UsageError } from '../errors.js';
import type { CommandIo } from '../io.js';
import { formatTable } from '../table.js';

export const backtestHelp = [
  'Usage: npm run backtest -- --from YYYY-MM-DD --to YYYY-MM-DD --config A.json [--config B.json]',
  '                           [--archive s3://BUCKET[/PREFIX] | --dir FOLDER] [--csv FILE] [--json]',
  '',
  'Replays the raw messages archived on those days (UTC), in the order they arrived, through the',
  "pipeline's own ingest, evaluation, rules and alert lifecycle, in memory, on a simulated clock that",
  "runs the sweep at the hospital's interval (sweepEveryMinutes). Reads the archive; writes nothing.",
  'Prints, per rule and severity, the alerts opened and the pages sent under each configuration and,',
  'with two, the alerts opened under one only (patient, rule, time). The same input gives the same',
  'output. Nobody acknowledges in a replay: critical alerts repeat and escalate until they resolve.',
  'The replay starts empty at --from: cohort membership and orders from earlier days count only if',
  'those days are replayed too.',
  '',
  '  --from DAY       first day (required)',
  '  --to DAY         last day, included (required); the clock stops at its end, or now if earlier',
  '  --config FILE    a hospital configuration file like config/hospitals/example.json (A);',
  '                   give it twice to compare (B)',
  '  --archive s3://BUCKET[/PREFIX]',
  "                   the archive's raw/YYYY/MM/DD/ keys in that bucket, under PREFIX",
  '                   (default: the bucket ARCHIVE_BUCKET names, as `npm run replay`)',
  '  --dir FOLDER     a local copy of the archive bucket (FOLDER/raw/YYYY/MM/DD/*.hl7)',
  '  --csv FILE       also write the differences as CSV to FILE (replaced if it exists)',
  '  --json           print one JSON object instead: from, to, messages, configs, differences',
  '  -h, --help       this text',
  '',
  'The S3 archive is read with the AWS SDK (region and credentials from the environment). For the',
  'local stack (`npm start`):',
  '  AWS_ENDPOINT_URL_S3=http://127.0.0.1:4566 ARCHIVE_BUCKET=calciphylaxis-raw-messages \\',
  '  AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \\',
  '  npm run backtest -- --from 2026-07-26 --to 2026-07-26 --config config/hospitals/example.json',
  'HISTORY_DAYS (400) and DUPLICATE_TTL_DAYS (30) apply as in the functions.',
];

const dayMs = 86_400_000;

export interface BacktestSettings {
  /** The S3 archive adapter (loaded only when the archive is in S3). */
  s3Archive?: () => Promise<S3Archive>;
  clock?: () => Date;
}

async function defaultS3Archive() {
  // Loaded only for an S3 archive: --dir and --help need no SDK.
  return import('../../../lambdas/adapters/archive.js');
}

/** A hospital file, validated as synth validates it; the rules as the functions get them. */
async function loadConfig(path: string): Promise<BacktestConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new UsageError(`--config ${path}: cannot be read (${code})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error: unknown) {
    throw new UsageError(
      `--config ${path}: not valid JSON (${error instanceof Error ? error.message : error})`,
    );
  }
  try {
    const hospital = parseHospitalConfig(raw, path);
    return {
      name: path,
      rules: rulesConfigFor(hospital),
      sweepEveryMinutes: hospital.sweepEveryMinutes,
      maxMessageBytes: hospital.maxMessageBytes,
    };
  } catch (error: unknown) {
    if (error instanceof ConfigError) throw new UsageError(`--config ${error.message}`);
    throw error;
  }
}

function positiveEnv(io: CommandIo, name: string, fallback: number): number {
  const raw = io.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new CliError(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

function archiveLocation(values: { archive?: string; dir?: string }): ArchiveLocation {
  if (values.archive !== undefined && values.dir !== undefined) {
    throw new UsageError('--archive and --dir are two places to read the archive from: give one');
  }
  if (values.dir !== undefined) return { kind: 'dir', folder: requiredOption('dir', values.dir) };
  if (values.archive !== undefined) return parseS3Location(values.archive);
  return { kind: 's3', prefix: '' };
}

const labels = ['A', 'B'] as const;
const severityOrder = ['critical', 'urgent', 'advisory'];

/** The terminal view: the configurations, a table per rule and severity, then the differences. */
function reportLines(report: BacktestReport): string[] {
  const lines = [
    `Backtest ${report.from} to ${report.to} (UTC): ${report.messages} archived message(s) replayed`,
    ...report.configs.map(
      (config, index) => `  ${labels[index]}: ${config.name} (rule set ${config.ruleSetVersion})`,
    ),
    '',
  ];
  const columns = (what: string) => report.configs.map((_, index) => `${what} ${labels[index]}`);
  const ordered = [...rules].sort(
    (left, right) => severityOrder.indexOf(left.severity) - severityOrder.indexOf(right.severity),
  );
  const rows = ordered.map((rule) => [
    rule.severity,
    rule.id,
    ...report.configs.map((config) => String(config.rules[rule.id].opened)),
    ...report.configs.map((config) => String(config.rules[rule.id].pages)),
  ]);
  lines.push(...formatTable(['SEVERITY', 'RULE', ...columns('OPENED'), ...columns('PAGES')], rows));
  if (report.configs.length < 2) return lines;
  lines.push('');
  if (report.differences.length === 0) {
    lines.push('No differences: A and B open the same alerts for the same patients at the same times.');
    return lines;
  }
  lines.push(`Differences: ${report.differences.length} alert(s) opened under one configuration only`);
  const rowsOf = report.differences.map((d) => [d.at, d.facility, d.mrn, d.ruleId, d.only]);
  lines.push(...formatTable(['AT', 'FACILITY', 'MRN', 'RULE', 'ONLY'], rowsOf));
  return lines;
}

export async function backtestCommand(
  args: string[],
  io: CommandIo,
  settings: BacktestSettings = {},
): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      config: { type: 'string', multiple: true },
      archive: { type: 'string' },
      dir: { type: 'string' },
      csv: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    for (const line of backtestHelp) io.out(line);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`backtest takes no arguments, got "${positionals.join(' ')}"`);
  const fromText = requiredOption('from', values.from);
  const toText = requiredOption('to', values.to);
  const from = parseDay('from', fromText);
  const to = parseDay('to', toText);
  const dayPrefixes = archivePrefixes(from, to);
  const configPaths = values.config ?? [];
  if (configPaths.length === 0)
    throw new UsageError('--config is required: the hospital configuration to replay under');
  if (configPaths.length > 2) {
    throw new UsageError(
      `--config is given ${configPaths.length} times; give one configuration, or two to compare`,
    );
  }
  const csvPath = values.csv === undefined ? undefined : requiredOption('csv', values.csv);
  const location = archiveLocation(values);
  if (location.kind === 'dir') await checkArchiveFolder(location.folder);
  const configs = [];
  for (const path of configPaths) configs.push(await loadConfig(requiredOption('config', path)));
  const store = {
    historyDays: positiveEnv(io, 'HISTORY_DAYS', 400),
    duplicateTtlDays: positiveEnv(io, 'DUPLICATE_TTL_DAYS', 30),
  };

  const now = (settings.clock ?? (() => new Date()))().getTime();
  const archive = await archiveMessages(location, dayPrefixes, settings.s3Archive ?? defaultS3Archive);
  const { report, replays } = await runBacktest({
    period: { from: fromText, to: toText },
    startMs: from,
    // Sweeps that have not happened yet are not replayed.
    endMs: Math.min(to + dayMs, now),
    configs,
    store,
    archive,
  });
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of reportLines(report)) io.out(line);
  for (const replay of replays) {
    if (replay.failures > 0) {
      io.err(`${replay.config.name}: ${replay.failures} evaluation(s) or sweep(s) failed and were skipped`);
    }
  }
  if (csvPath !== undefined) {
    try {
      await writeFile(csvPath, differencesCsv(report), 'utf8');
    } catch (error: unknown) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
      throw new CliError(`could not write ${csvPath} (${reason})`);
    }
    if (!values.json) io.out(`CSV written to ${csvPath} (${report.differences.length} difference(s))`);
  }
  return replays.some((replay) => replay.failures > 0) ? 1 : 0;
}
