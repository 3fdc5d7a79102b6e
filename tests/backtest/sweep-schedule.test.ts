/**
 * The backtest sweeps a cohort patient only where the sweep can find something new
 * (lambdas/backtest/sweep-schedule.ts); the live sweep looks at every cohort patient every time.
 * Replayed both ways, a feed must open, page and notify exactly the same.
 */
import { describe, expect, it } from 'vitest';
import { generateFeed } from '../../bench/backtest-feed.js';
import { runBacktest } from '../../lambdas/backtest/backtest.js';
import type { ArchivedMessage } from '../../lambdas/backtest/replay.js';
import { clockDurations } from '../../lambdas/backtest/sweep-schedule.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';

const dayMs = 86_400_000;
// Shorter intervals than the defaults, so every time-based rule comes due within the replay.
const rules = parseRulesConfig({
  timeZone: 'America/Chicago',
  thiosulfateNotStartedHours: 30,
  quarterlyLabsDays: 60, // the shortest allowed
});

async function replay(sweepEveryPatient: boolean, days: number) {
  const anchorMs = Date.UTC(2025, 4, 5, 7);
  const feed = generateFeed({ patients: 24, days, anchorMs, seed: 3, tag: 'SCH' });
  async function* archive(): AsyncGenerator<ArchivedMessage> {
    for (const [index, message] of feed.entries()) {
      // Receipt a varying few minutes after the data time, so instants fall between sweeps too.
      yield {
        key: `m${index}`,
        bytes: Buffer.from(message.body),
        receivedAtMs: message.atMs + (index % 7) * 60_000 + 1_234,
      };
    }
  }
  const notifications: string[] = [];
  const { report } = await runBacktest({
    period: { from: 'from', to: 'to' },
    startMs: anchorMs,
    // Some weeks past the last message: the overdue and review rules come due with no message to wake them.
    endMs: anchorMs + (days + 60) * dayMs,
    configs: [{ name: 'A', rules, sweepEveryMinutes: 15, maxMessageBytes: 4_194_304 }],
    store: { historyDays: 60, duplicateTtlDays: 30 },
    archive: archive(),
    sweepEveryPatient,
    onPublished: (_config, { topic, rendered }) => {
      const body = JSON.parse(rendered.message.default) as {
        alertId: string;
        event: string;
        openedAt: string;
      };
      notifications.push(`${topic} ${body.alertId} ${body.event} ${body.openedAt}`);
    },
  });
  return { report, notifications };
}

describe('the sweep schedule', () => {
  it('opens, pages and notifies exactly as sweeping every cohort patient at every sweep', async () => {
    const everyone = await replay(true, 50);
    const scheduled = await replay(false, 50);
    expect(everyone.notifications.length).toBeGreaterThan(100);
    // Time-based rules fired on sweeps, with no message to trigger them.
    expect(everyone.report.configs[0]!.rules.THIOSULFATE_NOT_STARTED.opened).toBeGreaterThan(0);
    expect(everyone.report.configs[0]!.rules.QUARTERLY_LABS_OVERDUE.opened).toBeGreaterThan(0);
    expect(everyone.report.configs[0]!.rules.CALCIUM_MONITORING_OVERDUE.opened).toBeGreaterThan(0);
    expect(scheduled.notifications).toEqual(everyone.notifications);
    expect(scheduled.report).toEqual(everyone.report);
  }, 180_000);

  it('knows every duration the configuration sets, by the unit its key names', () => {
    const durations = clockDurations(
      parseRulesConfig({
        timeZone: 'UTC',
        thiosulfateNotStartedHours: 30,
        escalationChain: [
          { name: 'nephrologist', afterMinutes: 15 },
          { name: 'head of unit', afterMinutes: 45 },
        ],
      }),
      60,
    );
    const hours = (n: number) => n * 3_600_000;
    for (const expected of [
      0,
      14 * dayMs,
      15 * 60_000,
      45 * 60_000,
      hours(30),
      hours(24),
      7 * dayMs,
      92 * dayMs,
      183 * dayMs,
      60 * dayMs,
    ]) {
      expect(durations).toContain(expected);
    }
  });
});
