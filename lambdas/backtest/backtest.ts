/**
 * The backtest: the archive's raw messages of a period, read once in the order they arrived, each
 * replayed under every configuration (A, and B when given) side by side, then the sweeps due up to
 * the end of the period. Streams: only the message being replayed and each configuration's
 * per-patient state are held. Pure: the archive comes in as an async iterable.
 */
import { ruleSetVersion } from '../rules/rule-set-version.js';
import {
  type ArchivedMessage,
  type BacktestConfig,
  type BacktestStoreSettings,
  ConfigReplay,
  type ReplayedNotification,
} from './replay.js';
import { type BacktestReport, buildReport } from './report.js';

/** `raw/2026/07/26/2026-07-26T23:44:14.000Z-<16 hex>.hl7` (adapters/archive.ts), under any prefix. */
const archiveKeyPattern =
  /(?:^|\/)raw\/\d{4}\/\d{2}\/\d{2}\/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-[0-9a-f]{16}\.hl7$/;

/** When the archived message was received, read from its key; undefined for a key of another shape. */
export function receivedAtOfArchiveKey(key: string): number | undefined {
  const match = archiveKeyPattern.exec(key);
  if (match === null) return undefined;
  const ms = Date.parse(match[1]!);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface BacktestInput {
  /** The period as given (UTC days), for the report. */
  period: { from: string; to: string };
  /** The simulated clock starts here and stops here (end excluded): the sweeps run in between. */
  startMs: number;
  endMs: number;
  configs: readonly BacktestConfig[];
  store: BacktestStoreSettings;
  /** The archived messages of the period, in key (arrival) order. */
  archive: AsyncIterable<ArchivedMessage>;
  /** Sweep every cohort patient at every run, as live, rather than by the schedule (tests). */
  sweepEveryPatient?: boolean;
  /** Every notification a configuration published, by its index in `configs` (tests). */
  onPublished?: (configIndex: number, notification: ReplayedNotification) => void;
}

export interface BacktestResult {
  report: BacktestReport;
  replays: ConfigReplay[];
}

export async function runBacktest(input: BacktestInput): Promise<BacktestResult> {
  const replays = input.configs.map(
    (config, index) =>
      new ConfigReplay(config, input.store, input.startMs, {
        ...(input.onPublished === undefined
          ? {}
          : {
              onPublished: (notification: ReplayedNotification) => input.onPublished?.(index, notification),
            }),
        ...(input.sweepEveryPatient === true ? { sweepEveryPatient: true } : {}),
      }),
  );
  let messages = 0;
  for await (const message of input.archive) {
    if (message.receivedAtMs < input.startMs || message.receivedAtMs >= input.endMs) continue;
    messages += 1;
    for (const replay of replays) await replay.receive(message);
  }
  for (const replay of replays) await replay.sweepBefore(input.endMs);
  const report = buildReport(
    input.period,
    messages,
    replays.map((replay) => ({
      name: replay.config.name,
      ruleSetVersion: ruleSetVersion(replay.config.rules),
      tallies: replay.tallies,
      opened: replay.opened,
    })),
  );
  return { report, replays };
}
