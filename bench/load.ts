/**
 * `npm run bench -- load [options]`: an open-loop load generator against the
 * local stack. Messages are sent on schedule (message i at start + i/rate)
 * whatever the answers; each one's send time is kept, pages are read back
 * from an SQS queue subscribed to the topics and matched to their critical
 * result by MRN. The same run then measures the bare chain's ceiling on this
 * machine (DynamoDB Local put → stream → SNS → SQS, no product code), and both
 * report DynamoDB Local's CPU per message (or per put) beside this process's.
 *
 *   npm run bench -- load                         50 msg/s for 20 s on a fresh in-process stack
 *   npm run bench -- load --rate 100 --duration 60
 *   npm run bench -- load --burst                 200 critical results, 200 cohort patients, 20 in flight
 *   npm run bench -- load --url http://127.0.0.1:4080/hl7   against a running `npm start`
 *   npm run bench -- load --restart               also: restart the stack on its data, time the first new page
 *
 * Options: --rate, --duration (s), --critical, --resend, --adt (shares of the
 * mix; the rest are normal results), --burst-count, --in-flight, --drain (s
 * to wait for pages after the last post), --url, --aws-endpoint (with --url),
 * --no-ceiling, --full-jit (DynamoDB Local with the JVM's default JIT and
 * collector instead of the stack's fast start: `npm run bench -- jvm`), --seed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { type ReceivedNotification, startNotificationMonitor } from '../bin/local/notification-monitor.js';
import { localTopicNames } from '../bin/local/provision.js';
import { type LocalServices, startLocalServices } from '../bin/local/services.js';
import { type LocalStack, startLocalStack } from '../bin/local/stack.js';
import { measureChainCeiling } from './chain-ceiling.js';
import {
  calciumResult,
  cohortAdt,
  criticalCalcium,
  defaultShares,
  formatMs,
  hl7Time,
  type MixPlan,
  type PlannedMessage,
  planBurst,
  planMix,
  summarize,
} from './load-mix.js';
import { cpuBetween, cpuSnapshot, describeCpuPerUnit, dynamoDbLocalPid } from './process-cpu.js';

interface LoadOptions {
  rate: number;
  durationSeconds: number;
  shares: typeof defaultShares;
  burst: boolean;
  burstCount: number;
  inFlight: number;
  drainSeconds: number;
  url?: string;
  awsEndpoint: string;
  ceiling: boolean;
  restart: boolean;
  fullJit: boolean;
  seed: number;
}

function parseLoadOptions(argv: string[]): LoadOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '50' },
      duration: { type: 'string', default: '20' },
      critical: { type: 'string', default: String(defaultShares.critical) },
      resend: { type: 'string', default: String(defaultShares.resend) },
      adt: { type: 'string', default: String(defaultShares.cohortAdt) },
      burst: { type: 'boolean', default: false },
      'burst-count': { type: 'string', default: '200' },
      'in-flight': { type: 'string', default: '20' },
      drain: { type: 'string', default: '30' },
      url: { type: 'string' },
      'aws-endpoint': { type: 'string', default: 'http://127.0.0.1:4566' },
      'no-ceiling': { type: 'boolean', default: false },
      restart: { type: 'boolean', default: false },
      'full-jit': { type: 'boolean', default: false },
      seed: { type: 'string', default: '42' },
    },
  });
  const positive = (name: string, raw: string | undefined) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${name} must be a positive number, got "${raw}"`);
    return value;
  };
  const share = (name: string, raw: string | undefined) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > 1)
      throw new Error(`--${name} must be from 0 to 1, got "${raw}"`);
    return value;
  };
  const shares = {
    critical: share('critical', values.critical),
    resend: share('resend', values.resend),
    cohortAdt: share('adt', values.adt),
  };
  if (shares.critical + shares.resend + shares.cohortAdt > 1) {
    throw new Error('--critical, --resend and --adt add up to more than 1');
  }
  if (values.url !== undefined && values.restart) {
    throw new Error('--restart needs the in-process stack (leave out --url)');
  }
  return {
    rate: positive('rate', values.rate),
    durationSeconds: positive('duration', values.duration),
    shares,
    burst: values.burst,
    burstCount: Math.round(positive('burst-count', values['burst-count'])),
    inFlight: Math.round(positive('in-flight', values['in-flight'])),
    drainSeconds: positive('drain', values.drain),
    ...(values.url === undefined ? {} : { url: values.url }),
    awsEndpoint: values['aws-endpoint'],
    ceiling: !values['no-ceiling'],
    restart: values.restart,
    fullJit: values['full-jit'],
    seed: Math.round(Number(values.seed)),
  };
}

/** What is posted to and how pages are read back: an in-process stack, or a running one. */
interface Target {
  ingestUrl: string;
  awsEndpoint: string;
  topicArns: string[];
  /** In-process only: stop the stack (the services and their data stay) and start it again. */
  restartStack?: () => Promise<string>;
  /** In-process only: DynamoDB Local's process, whose CPU the run reports. */
  dynamoDbPid?: string;
  stop(): Promise<void>;
}

async function startTarget(options: LoadOptions): Promise<Target> {
  if (options.url !== undefined) {
    const sns = new SNSClient({
      endpoint: options.awsEndpoint,
      region: process.env.AWS_REGION ?? 'us-east-1',
    });
    const { Topics = [] } = await sns.send(new ListTopicsCommand({}));
    sns.destroy();
    const names = new Set<string>(Object.values(localTopicNames));
    const topicArns = Topics.map((topic) => topic.TopicArn ?? '').filter((arn) =>
      names.has(arn.split(':').pop() ?? ''),
    );
    if (topicArns.length === 0) throw new Error(`no calciphylaxis topics at ${options.awsEndpoint}`);
    return {
      ingestUrl: options.url,
      awsEndpoint: options.awsEndpoint,
      topicArns,
      stop: async () => undefined,
    };
  }
  const services: LocalServices = await startLocalServices({
    dynamoDbPort: 0,
    awsEmulatorPort: 0,
    dynamoDb: options.fullJit ? { javaOptions: [] } : {},
  });
  // As `npm start` does on kept data: the stream position survives a restart.
  const checkpointFile = join(mkdtempSync(join(tmpdir(), 'load-bench-')), 'stream-checkpoints.json');
  const startStack = () =>
    startLocalStack({ environment: services.environment, ingestPort: 0, sweepIntervalMs: 0, checkpointFile });
  let stack: LocalStack = await startStack();
  return {
    get ingestUrl() {
      return stack.ingestUrl;
    },
    awsEndpoint: services.awsEndpoint,
    topicArns: Object.values(services.resources.topicArns),
    dynamoDbPid: dynamoDbLocalPid(Number(new URL(services.dynamoDbEndpoint).port)),
    async restartStack() {
      await stack.stop();
      stack = await startStack();
      return stack.ingestUrl;
    },
    async stop() {
      await stack.stop();
      await services.stop();
    },
  };
}

interface PostResult {
  status: number;
  /** MSA-1, or `none` when the answer had no MSA segment (a transport error says `error`). */
  ack: string;
  sentAt: number;
  answeredAt: number;
}

const agent = new Agent({ keepAlive: true });

/** One POST; never rejects (a transport error is a result too). */
function post(url: string, body: string): Promise<PostResult> {
  const sentAt = performance.now();
  return new Promise((resolve) => {
    const done = (status: number, ack: string) =>
      resolve({ status, ack, sentAt, answeredAt: performance.now() });
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          done(response.statusCode ?? 0, /(?:^|\r|\n)MSA\|([A-Z]{2})/.exec(text)?.[1] ?? 'none');
        });
        response.on('error', () => done(response.statusCode ?? 0, 'error'));
      },
    );
    req.on('error', () => done(0, 'error'));
    req.end(body);
  });
}

/** Pages seen, per critical MRN, and every notification's identity (to find repeats). */
class PageLog {
  readonly firstPageAt = new Map<string, number>();
  readonly pagesPerMrn = new Map<string, number>();
  /** notificationId (or what makes a page itself) → the SNS message ids it arrived under. */
  private readonly publishes = new Map<string, Set<string>>();
  /** The same notification received again: published again, or one publish delivered again. */
  duplicates = 0;
  /** Of those: the same notification in another SNS publish (we sent it twice). */
  publishedTwice = 0;

  record(notification: ReceivedNotification, receivedAt: number): void {
    const { body, attributes, topic } = notification;
    // A stable notificationId attribute when the publisher sends one; else what makes a page itself.
    const identity =
      attributes.notificationId ?? [topic, body.alertId, body.event, body.finding].map(String).join('|');
    const snsMessageIds = this.publishes.get(identity) ?? new Set<string>();
    const repeat = this.publishes.has(identity);
    if (repeat) {
      this.duplicates += 1;
      const snsMessageId = notification.snsMessageId ?? `unknown-${this.duplicates}`;
      if (!snsMessageIds.has(snsMessageId)) this.publishedTwice += 1;
    }
    snsMessageIds.add(notification.snsMessageId ?? `unknown-${this.duplicates}`);
    this.publishes.set(identity, snsMessageIds);
    const mrn = (body.patient as { mrn?: string } | undefined)?.mrn;
    if (repeat || body.ruleId !== 'CALCIUM_CRITICAL_LOW' || body.event !== 'opened' || mrn === undefined)
      return;
    this.pagesPerMrn.set(mrn, (this.pagesPerMrn.get(mrn) ?? 0) + 1);
    if (!this.firstPageAt.has(mrn)) this.firstPageAt.set(mrn, receivedAt);
  }

  /** Critical MRNs paged more than once by distinct notifications (another alert episode). */
  patientsPagedTwice(): number {
    return [...this.pagesPerMrn.values()].filter((count) => count > 1).length;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Closed loop with `inFlight` requests at a time (set-up and the burst). */
async function postAll(url: () => string, messages: readonly PlannedMessage[], inFlight: number) {
  const results: PostResult[] = new Array(messages.length);
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const index = next++;
      results[index] = await post(url(), messages[index]?.body ?? '');
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, messages.length) }, worker));
  return results;
}

/** Open loop: message i is sent at start + i/rate, without waiting for earlier answers. */
async function postOnSchedule(url: string, messages: readonly PlannedMessage[], rate: number) {
  const pending: Promise<PostResult>[] = [];
  const lags: number[] = [];
  const startedAt = performance.now();
  for (let index = 0; index < messages.length; index += 1) {
    const due = startedAt + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    lags.push(performance.now() - due);
    pending.push(post(url, messages[index]?.body ?? ''));
  }
  const lastSentAt = performance.now();
  return { results: await Promise.all(pending), startedAt, lastSentAt, lags };
}

/** Posts a sentinel critical result for a fresh cohort patient and waits for its page: the stream has caught up. */
async function timeOnePage(target: Target, pages: PageLog, label: string, timeoutMs: number) {
  const mrn = `S${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const at = hl7Time(new Date());
  const enrol = await post(target.ingestUrl, cohortAdt(mrn, `${mrn}E`, at));
  if (enrol.ack !== 'AA') throw new Error(`${label}: enrolment answered ${enrol.ack}`);
  const critical = await post(target.ingestUrl, calciumResult(mrn, `${mrn}R`, at, criticalCalcium));
  if (critical.ack !== 'AA') throw new Error(`${label}: critical result answered ${critical.ack}`);
  const deadline = performance.now() + timeoutMs;
  while (!pages.firstPageAt.has(mrn)) {
    if (performance.now() > deadline) return Number.NaN;
    await sleep(5);
  }
  return (pages.firstPageAt.get(mrn) ?? Number.NaN) - critical.sentAt;
}

function report(
  plan: MixPlan,
  results: PostResult[],
  pages: PageLog,
  elapsed: { startedAt: number; lastSentAt: number },
) {
  const firstSend = new Map<string, PostResult>();
  const accepted = new Set<string>();
  plan.messages.forEach((message, index) => {
    const result = results[index];
    if (
      message.kind !== 'critical' &&
      !(message.kind === 'resend' && plan.messages[message.resendOf ?? -1]?.kind === 'critical')
    )
      return;
    if (result === undefined) return;
    if (message.kind === 'critical') firstSend.set(message.mrn, result);
    if (result.ack === 'AA') accepted.add(message.mrn);
  });
  const lastAnswer = Math.max(...results.map((result) => result.answeredAt));
  const ackTimes = summarize(results.map((result) => result.answeredAt - result.sentAt));
  const notAa = new Map<string, number>();
  for (const result of results) {
    if (result.ack !== 'AA') notAa.set(result.ack, (notAa.get(result.ack) ?? 0) + 1);
  }
  const pageTimes: number[] = [];
  let lost = 0;
  let lastPageAt = 0;
  for (const mrn of accepted) {
    const pagedAt = pages.firstPageAt.get(mrn);
    const sent = firstSend.get(mrn);
    if (pagedAt === undefined || sent === undefined) {
      lost += 1;
      continue;
    }
    pageTimes.push(pagedAt - sent.sentAt);
    lastPageAt = Math.max(lastPageAt, pagedAt);
  }
  const pageSummary = summarize(pageTimes);
  const sentSeconds = (elapsed.lastSentAt - elapsed.startedAt) / 1000;
  const answeredSeconds = (lastAnswer - elapsed.startedAt) / 1000;
  const achieved = results.length / answeredSeconds;
  console.log(
    `  messages        ${results.length} (${plan.messages.filter((m) => m.kind === 'critical').length} critical, ${plan.messages.filter((m) => m.kind === 'resend').length} resends, ${plan.messages.filter((m) => m.kind === 'cohortAdt').length} cohort ADTs)`,
  );
  console.log(
    `  sent            ${(results.length / Math.max(sentSeconds, 1e-3)).toFixed(1)} msg/s over ${sentSeconds.toFixed(1)} s`,
  );
  console.log(
    `  achieved        ${achieved.toFixed(1)} msg/s (answers per second, first send to last answer)`,
  );
  console.log(
    `  ACK             p50 ${formatMs(ackTimes.p50)}   p99 ${formatMs(ackTimes.p99)}   max ${formatMs(ackTimes.max)}`,
  );
  console.log(
    `  not AA          ${notAa.size === 0 ? 'none' : [...notAa].map(([ack, count]) => `${count} ${ack}`).join(', ')}`,
  );
  console.log(
    `  post → page     p50 ${formatMs(pageSummary.p50)}   p99 ${formatMs(pageSummary.p99)}   max ${formatMs(pageSummary.max)}`,
  );
  console.log(
    `  pages           ${pageTimes.length}/${accepted.size} arrived, ${lost} lost, ${pages.patientsPagedTwice()} patient(s) paged twice, ${pages.duplicates} notification(s) received twice (${pages.publishedTwice} published twice, ${pages.duplicates - pages.publishedTwice} one publish delivered twice)`,
  );
  if (lastPageAt > 0)
    console.log(`  last page       ${formatMs(lastPageAt - lastAnswer)} after the last ACK`);
  return achieved;
}

export async function run(argv: string[] = []): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const options = parseLoadOptions(argv);
  const runId = randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase();
  const plan = options.burst
    ? planBurst({ count: options.burstCount, runId, at: new Date() })
    : planMix({
        count: Math.round(options.rate * options.durationSeconds),
        shares: options.shares,
        seed: options.seed,
        runId,
        at: new Date(),
      });

  const target = await startTarget(options);
  const pages = new PageLog();
  const monitor = await startNotificationMonitor({
    awsEndpoint: target.awsEndpoint,
    topicArns: target.topicArns,
    onNotification: (notification) => pages.record(notification, performance.now()),
  });
  let achieved = Number.NaN;
  try {
    console.log(
      `\nLoad on the local stack (${options.url ?? 'in-process, fresh services'}${options.fullJit ? ', DynamoDB Local full JIT' : ''})`,
    );
    const enrolled = await postAll(() => target.ingestUrl, plan.enrolments, 10);
    const refused = enrolled.filter((result) => result.ack !== 'AA').length;
    if (refused > 0) throw new Error(`${refused} cohort enrolment(s) not accepted`);
    const freshPage = await timeOnePage(target, pages, 'warm-up', 60_000);
    console.log(
      `  set-up          ${plan.enrolments.length} cohort patients enrolled; one page on the idle stack: ${formatMs(freshPage)}`,
    );

    const cpuBefore = target.dynamoDbPid === undefined ? undefined : cpuSnapshot(target.dynamoDbPid);
    const nodeCpuBefore = process.cpuUsage();
    let results: PostResult[];
    let elapsed: { startedAt: number; lastSentAt: number };
    if (options.burst) {
      console.log(
        `  burst           ${plan.messages.length} critical results, ${options.inFlight} in flight`,
      );
      const startedAt = performance.now();
      results = await postAll(() => target.ingestUrl, plan.messages, options.inFlight);
      elapsed = { startedAt, lastSentAt: Math.max(...results.map((result) => result.sentAt)) };
    } else {
      console.log(`  offered         ${options.rate} msg/s for ${options.durationSeconds} s`);
      const open = await postOnSchedule(target.ingestUrl, plan.messages, options.rate);
      results = open.results;
      elapsed = open;
      const lag = summarize(open.lags);
      console.log(
        `  schedule lag    p99 ${formatMs(lag.p99)}   max ${formatMs(lag.max)} (generator behind its own schedule)`,
      );
    }
    const expected = new Set(
      plan.messages
        .filter((message, index) => message.kind === 'critical' && results[index]?.ack === 'AA')
        .map((m) => m.mrn),
    );
    const drainUntil = performance.now() + options.drainSeconds * 1000;
    while ([...expected].some((mrn) => !pages.firstPageAt.has(mrn)) && performance.now() < drainUntil) {
      await sleep(50);
    }
    const nodeCpu = process.cpuUsage(nodeCpuBefore);
    const dynamoDbCpu =
      cpuBefore === undefined || target.dynamoDbPid === undefined
        ? undefined
        : cpuBetween(cpuBefore, cpuSnapshot(target.dynamoDbPid));
    await sleep(1000); // late repeats count as duplicates
    achieved = report(plan, results, pages, elapsed);
    if (dynamoDbCpu !== undefined) {
      // From the first post to the last page: the whole work of the run's messages.
      const nodeMs = (nodeCpu.user + nodeCpu.system) / 1000 / plan.messages.length;
      console.log(
        `  CPU / message   ${describeCpuPerUnit(dynamoDbCpu, plan.messages.length, 'msg')}; this Node process ${nodeMs.toFixed(2)} ms`,
      );
    }

    if (options.restart && target.restartStack !== undefined) {
      await target.restartStack();
      const afterRestart = await timeOnePage(target, pages, 'restart', 120_000);
      console.log(
        `  restart         first new page after restarting on this data: ${formatMs(afterRestart)} (idle fresh stack: ${formatMs(freshPage)}); ${pages.duplicates} notification(s) received twice so far`,
      );
    }
  } finally {
    await monitor.stop();
    await target.stop();
    agent.destroy();
  }

  if (options.ceiling) {
    const ceiling = await measureChainCeiling({
      durationSeconds: Math.min(options.durationSeconds, 20),
      inFlight: 20,
      itemBytes: 500,
      ...(options.fullJit ? { javaOptions: [] } : {}),
      drainSeconds: 30,
    });
    console.log('\nBare chain on this machine (DynamoDB Local put → stream → SNS → SQS, no product code)');
    console.log(
      `  put             ${ceiling.putPerSecond.toFixed(0)} items/s (20 writers, as fast as they go)`,
    );
    console.log(`  CPU / item      ${describeCpuPerUnit(ceiling.dynamoDbCpu, ceiling.put, 'items')}`);
    console.log(
      `  delivered       ${ceiling.deliveredPerSecond.toFixed(0)} msg/s (${ceiling.delivered}/${ceiling.put}); put → SQS p50 ${formatMs(ceiling.latency.p50)}   p99 ${formatMs(ceiling.latency.p99)}`,
    );
    const ceilingRate = Math.min(ceiling.putPerSecond, ceiling.deliveredPerSecond);
    console.log(
      `  our rate        ${achieved.toFixed(1)} msg/s = ${((100 * achieved) / ceilingRate).toFixed(0)}% of the chain's ${ceilingRate.toFixed(0)} msg/s`,
    );
  }
}
