/**
 * Backtest bench (`npm run bench -- backtest [--patients N] [--days D]`): a unit's generated feed
 * written as a local copy of the archive, replayed by `npm run backtest` under the example
 * hospital's configuration on one core; messages/s over the whole run (reading, replay and every
 * sweep of the period) and the peak memory. The live pipeline's figures are `npm run bench -- load`.
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
    options: { patients: { type: 'string', default: '1000' }, days: { type: 'string', default: '365' } },
  });
  const patients = Number(values.patients);
  const days = Number(values.days);
  const anchorMs = Date.UTC(2025, 0, 1);
  const feed = generateFeed({ patients, days, anchorMs, seed: 7, tag: 'BENCH' });
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
    const code = await backtestCommand(
      ['--from', from, '--to', to, '--dir', folder, '--config', config, '--json'],
      { out: (line) => (json += line), err: (line) => console.error(line), env: {} },
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (code !== 0) throw new Error(`backtest exited ${code}`);
    const report = JSON.parse(json) as {
      messages: number;
      configs: { rules: Record<string, { opened: number; pages: number }> }[];
    };
    const opened = Object.values(report.configs[0]?.rules ?? {}).reduce(
      (sum, tally) => sum + tally.opened,
      0,
    );
    console.log(
      `backtest: ${Math.round(report.messages / seconds)} messages/s (${report.messages} messages, ${patients} patients, ` +
        `${days} days, ${opened} alerts opened, sweeps every 5 min; ${seconds.toFixed(1)} s on one core); ` +
        `peak memory ${Math.round(peakRss / 1_048_576)} MiB RSS`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
