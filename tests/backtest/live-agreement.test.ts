/**
 * The backtest and the live pipeline agree: a generated quarter of a 100-patient unit's feed is
 * posted to the real handlers on DynamoDB Local and the SNS/SQS/S3 emulator (tests/e2e/harness.ts),
 * with the sweep run at every minute the feed is being posted; `npm run backtest` then reads that
 * archive from S3 (the local stack's, as `npm run replay` does) and replays it under the same
 * configuration, sweeping every minute. Every notification the pipeline published about these
 * patients, and only those, must come out of the replay.
 *
 * The pipeline runs on the wall clock, so the test keeps the two clocks from telling apart:
 * - the feed's data times sit on a quarter-hour phase 7.5 minutes away from the minutes it is
 *   posted in, so no rule threshold (whole days or hours after a result, an order or cohort
 *   entry) falls between a message's arrival and its evaluation a moment later;
 * - each patient's next message waits until their previous one was evaluated (the stream's lag),
 *   as the replay evaluates each message before the next;
 * - the live sweep runs just after each whole minute, with nothing posted around it, where the
 *   replay sweeps at the whole minute;
 * - the table and the archive bucket are this test's own, so no other suite's sweep (run with a
 *   clock of its own) looks at these patients.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedMessage, generateFeed } from '../../bench/backtest-feed.js';
import { archivePrefixes, todayUtc } from '../../bin/cli/archive-days.js';
import { archiveMessages } from '../../bin/cli/archive-sources.js';
import { runTag } from '../../bin/cli/story.js';
import { localTopicNames, provisionLocalResources } from '../../bin/local/provision.js';
import { runBacktest } from '../../lambdas/backtest/backtest.js';
import { parseHospitalConfig, rulesConfigFor } from '../../lib/config/hospital-config.js';
import { type Harness, startHarness } from '../e2e/harness.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';

const minuteMs = 60_000;
const dayMs = 86_400_000;
/** How long the stream takes at most to hand a stored message to the evaluation and finish it. */
const evaluationLagMs = 1_500;

const table = 'calciphylaxis-backtest-agreement';
const bucket = 'calciphylaxis-backtest-agreement';
let harness: Harness;
let folder: string;

beforeAll(async () => {
  const services = await useLocalServices();
  const resources = await provisionLocalResources({
    tableName: table,
    bucket,
    topicNames: Object.values(localTopicNames),
    dynamoDbEndpoint: services.dynamoDbEndpoint,
    awsEndpoint: services.awsEndpoint,
  });
  harness = await startHarness({ environment: { TABLE_NAME: resources.tableName, ARCHIVE_BUCKET: bucket } });
  folder = await mkdtemp(join(tmpdir(), 'backtest-agreement-'));
}, localServicesTimeoutMs);

afterAll(async () => {
  await harness?.stop();
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Each patient's messages in order, posted a round at a time (every patient's next message). */
function inRounds(feed: readonly FeedMessage[]): FeedMessage[] {
  const byPatient = new Map<string, FeedMessage[]>();
  for (const message of feed) byPatient.set(message.mrn, [...(byPatient.get(message.mrn) ?? []), message]);
  const rounds: FeedMessage[] = [];
  for (let round = 0; rounds.length < feed.length; round++) {
    for (const messages of byPatient.values()) {
      const message = messages[round];
      if (message !== undefined) rounds.push(message);
    }
  }
  return rounds;
}

describe('backtest and live pipeline', () => {
  it(
    'a quarter of 100 patients: the replay publishes exactly what the pipeline published',
    async () => {
      const started = Date.now();
      const tag = runTag(new Date(started), Math.random).slice(-6);
      const feed = generateFeed({
        patients: 100,
        days: 92,
        // Ending ten days ago, so the last sweep finds calcium monitoring overdue for every cohort
        // patient with a low calcium in the feed's last 18 days (weekly monitoring); whole
        // quarter-hours before the posting time, plus 7.5 minutes (see above).
        anchorMs: started - 102 * dayMs - 60 * minuteMs + 7.5 * minuteMs,
        seed: 19,
        tag,
      });
      const example = 'config/hospitals/example.json';
      const hospital = JSON.parse(readFileSync(example, 'utf8')) as Record<string, unknown>;
      // The example hospital swept every minute, as the test sweeps the live stack.
      const everyMinute = join(folder, 'example-every-minute.json');
      writeFileSync(everyMinute, JSON.stringify({ ...hospital, sweepEveryMinutes: 1 }));

      const lastPost = new Map<string, number>();
      let liveSweeps = 0;
      const sweepAfter = async (minute: number) => {
        await sleep(minute + 1_000 - Date.now());
        await sleep(evaluationLagMs);
        await harness.stack.sweep().catch(() => undefined);
        liveSweeps += 1;
      };
      for (const message of inRounds(feed)) {
        // Nothing is posted in the seconds around a whole minute: the sweep runs there.
        const nextMinute = Math.ceil(Date.now() / minuteMs) * minuteMs;
        if (nextMinute - Date.now() < 2_500) await sweepAfter(nextMinute);
        await sleep((lastPost.get(message.mrn) ?? 0) + evaluationLagMs - Date.now());
        const { status } = await harness.post(message.body);
        expect(status).toBe(200);
        lastPost.set(message.mrn, Date.now());
      }
      // Everything evaluated; then always a last sweep over the whole feed. Without it, a posting
      // that began just before a whole minute was swept only once, with each patient's first
      // messages alone (before most entered the cohort), and no overdue monitoring opened at all.
      await sleep(evaluationLagMs);
      await sweepAfter(Math.ceil(Date.now() / minuteMs) * minuteMs);
      // The replay's clock stops here, before the next sweep the live stack did not run.
      const endMs = Date.now();
      expect(Date.now() - started).toBeLessThan(7 * minuteMs); // the phase margin above
      const ours = (mrn: string | undefined) => mrn?.startsWith(tag) === true;
      const describeLive = () =>
        harness.notifications
          .filter((notification) => ours((notification.body.patient as { mrn?: string } | undefined)?.mrn))
          .map(
            (notification) =>
              `${(notification.body.patient as { mrn: string }).mrn} ${String(notification.body.ruleId)} ${String(notification.body.event)}`,
          );

      // The replay: the stack's archive of today, as `npm run backtest` reads it.
      const config = parseHospitalConfig(JSON.parse(readFileSync(everyMinute, 'utf8')), everyMinute);
      const today = todayUtc(new Date());
      const replayed: string[] = [];
      const { report } = await runBacktest({
        period: { from: 'today', to: 'today' },
        startMs: today,
        endMs,
        configs: [
          {
            name: everyMinute,
            rules: rulesConfigFor(config),
            sweepEveryMinutes: config.sweepEveryMinutes,
            maxMessageBytes: config.maxMessageBytes,
          },
        ],
        store: { historyDays: 400, duplicateTtlDays: 30 },
        archive: await archiveMessages(
          { kind: 's3', prefix: '' },
          archivePrefixes(today, today),
          () => import('../../lambdas/adapters/archive.js'),
        ),
        onPublished: (_config, { rendered }) => {
          const body = JSON.parse(rendered.message.default) as {
            patient: { mrn: string };
            ruleId: string;
            event: string;
          };
          if (ours(body.patient.mrn)) replayed.push(`${body.patient.mrn} ${body.ruleId} ${body.event}`);
        },
      });
      expect(report.messages).toBeGreaterThanOrEqual(feed.length);

      // Notifications reach the test's queue a moment after they are published.
      await harness.waitFor(() => describeLive().length >= replayed.length, 20_000).catch(() => undefined);
      await sleep(1_000);
      const live = describeLive().sort();
      expect(liveSweeps).toBeGreaterThan(0);
      expect(harness.failures).toEqual([]);
      expect(replayed.length).toBeGreaterThan(100);
      // The sweeps were compared too: this rule opens only on a sweep.
      expect(
        replayed.filter((line) => line.endsWith('CALCIUM_MONITORING_OVERDUE opened')).length,
      ).toBeGreaterThan(0);
      expect(new Set(replayed.map((line) => line.split(' ')[2]))).toEqual(
        new Set(['opened', 'resolved', 'superseded']),
      );
      expect([...replayed].sort()).toEqual(live);
    },
    10 * minuteMs,
  );
});
