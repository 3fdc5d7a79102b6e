/**
 * Backtest bench (`npm run bench -- backtest [--patients N] [--days D] [--cohort-every K]`): a
 * generated feed (by default four months of a lab feed for 5,000 patients, one in 1,000 in the
 * cohort) written as a local copy of the archive and replayed by `npm run backtest` under the
 * example hospital's configuration on one core: messages/s over the whole run (reading, replay
 * and every sweep of the period), by CPU and wall time, and the peak memory. A larger cohort costs
 * sweeps: nobody acknowledges in a replay, so each open critical alert repeats every 30 minutes.
 * The live pipeline's figures are `npm run bench -- load`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { backtestCommand } from '../bin/cli/commands/backtest.js';
import { rawMessageKey } from '../lambdas/adapters/archive.js';
import { type FeedMessage, generateFeed } from './backtest-feed.js';

const dayMs = 86_400_000;

/** Messages reach the archive this long after their data time (the lab's turnaround). */
export const archiveDelayMs = 20 * 60_000;

/** Writes each message as the ingest function archives it: FOLDER/raw/YYYY/MM/DD/<receivedAt>-<hash>.hl7. */
export function writeArchiveFolder(
  folder: string,
  messages: readonly FeedMessage[],
  receivedAtOf: (message: FeedMessage) => number = (message) => message.atMs + archiveDelayMs,
): void {
  for (const message of messages) {
    const bytes = Buffer.from(message.body, 'utf8');
    const key = rawMessageKey(bytes, new Date(receivedAtOf(message)).toISOString());
    mkdirSync(dirname(join(folder, key)), { recursive: true });
    writeFileSync(join(folder, key), bytes);
  }
}

export async function run(options: string[]): Promise<void> {
  const { values } = parseArgs({
    args: options,
    options: {
      patients: { type: 'string', default: '5000' },
      days: { type: 'string', default: '120' },
      // A hospital's lab feed: results for thousands of patients, a handful of them in the cohort.
      'cohort-every': { type: 'string', default: '1000' },
    },
  });
  const patients = Number(values.patients);
  const days = Number(values.days);
  const anchorMs = Date.UTC(2025, 0, 1);
  const cohortEvery = Number(values['cohort-every']);
  const feed = generateFeed({ patients, days, anchorMs, seed: 7, tag: 'BENCH', cohortEvery });
  const folder = mkdtempSync(join(tmpdir(), 'calciphylaxis-backtest-bench-'));
  try {
    writeArchiveFolder(folder, feed);
    const from = new Date(anchorMs).toISOString().slice(0, 10);
    const to = new Date(anchorMs + (days + 1) * dayMs).toISOString().slice(0, 10);
    const config = new URL('../config/hospitals/example.json', import.meta.url).pathname;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    let json = '';
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const code = await backtestCommand(
      ['--from', from, '--to', to, '--dir', folder, '--config', config, '--json'],
      { out: (line) => (json += line), err: (line) => console.error(line), env: {} },
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    // CPU time: on a shared machine the wall clock counts other people's work too.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (code !== 0) throw new Error(`backtest exited ${code}`);
    const report = JSON.parse(json) as {
      messages: number;
      configs: { rules: Record<string, { opened: number; pages: number }> }[];
    };
    const tallies = Object.values(report.configs[0]?.rules ?? {});
    const opened = tallies.reduce((sum, tally) => sum + tally.opened, 0);
    const pages = tallies.reduce((sum, tally) => sum + tally.pages, 0);
    console.log(
      `backtest: ${Math.round(report.messages / cpuSeconds)} messages/s of CPU time, ${Math.round(report.messages / seconds)} of wall time ` +
        `(${report.messages} messages, ${patients} patients, ` +
        `${days} days, ${Math.ceil(patients / cohortEvery)} in the cohort, ${opened} alerts opened, ${pages} pages (nobody acknowledges), sweeps every 5 min; ` +
        `${cpuSeconds.toFixed(1)} s CPU, ${seconds.toFixed(1)} s wall, one core); ` +
        `peak memory ${Math.round(peakRss / 1_048_576)} MiB RSS`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
