/**
 * The pipeline on local services, through the same handler code that runs in
 * Lambda: an API Gateway stand-in for POST /hl7 and the admin routes, the
 * console at /console (no sign-in; labelled as the local stack), the
 * MLLP listener answering with the same ingest, the
 * table stream polled into the evaluate handler (the CDK event source's
 * filter, batch size and partial-failure handling), and the sweep on a timer.
 * The handlers learn where everything is from the environment only.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { buildConsole } from '../../console/build.js';
import { consoleSecurityHeaders } from '../../console/security-headers.js';
import { rulesConfigFileVariable } from '../../lambdas/config/rules-config-file.js';
import { loadHospitalConfig, rulesConfigFor } from '../../lib/config/hospital-config.js';
import { writeRulesConfigFile } from '../../lib/config/rules-config-file.js';
import { failedBatchQueue, type StreamFailureRecord } from '../cli/failed-batches.js';
import { startMllpListener } from '../mllp/listener.js';
import {
  type CallerIdentity,
  type ProxyHandler,
  route,
  type StaticSite,
  startApiServer,
} from './api-server.js';
import { fileCheckpoints } from './stream-checkpoints.js';
import { type StreamDeliveryFailure, startStreamPoller } from './stream-poller.js';

export interface LocalStackOptions {
  /** What startLocalServices() returned: endpoints, table, bucket, topic ARNs. */
  environment: Record<string, string>;
  /** Which `config/hospitals/<id>.json` supplies the rules settings (default `example`). */
  hospitalId?: string;
  /** Where that file is, when not in `config/hospitals/` (tests run a hospital of their own). */
  hospitalsDirectory?: string;
  /** Default INGEST_PORT, else 4080; 0 for a free port. */
  ingestPort?: number;
  /** The MLLP listener's port: default MLLP_PORT, else 2575; a free one when ingestPort is 0 (tests run several stacks). */
  mllpPort?: number;
  /** How often the sweep runs; 0 turns it off (tests run it by hand). Default 60 s. */
  sweepIntervalMs?: number;
  /** Where the stream poller starts on the shards open now (default TRIM_HORIZON: nothing is skipped). */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /**
   * A file where the stream poller keeps its position, so a restart on the same data resumes after
   * the last record it handled (none: start by `startingPosition`, as for data kept in memory).
   */
  checkpointFile?: string;
  /**
   * Records that still failed after the retries, after they were recorded on the on-failure queue
   * (FAILED_STREAM_RECORDS_QUEUE_URL in `environment`, as Lambda does: where the batch was, not its records).
   */
  onFailure?: (failure: StreamDeliveryFailure) => void;
  /** Sweep errors (the sweep throws when a patient failed). */
  onSweepError?: (error: unknown) => void;
}

export interface LocalStack {
  ingestUrl: string;
  apiUrl: string;
  /** The MLLP door: the same ingest, answered on the connection. */
  mllp: { host: string; port: number };
  /** Runs the sweep handler once now. */
  sweep(): Promise<unknown>;
  stop(): Promise<void>;
}

interface Handlers {
  ingest: ProxyHandler;
  admin: ProxyHandler;
  ackLink: ProxyHandler;
}

/**
 * Who the local admin routes say called: there is no IAM here, so every request is this operator
 * (in AWS, API Gateway puts the signed caller's ARN in requestContext.identity).
 */
export const localCaller: CallerIdentity = {
  userArn: 'arn:aws:iam::000000000000:user/local-operator',
  caller: 'AIDALOCALOPERATOR',
};

/** As the CDK event source: batch size and bounded retries (lib/constructs/evaluation.ts). */
export const streamBatchSize = 50;
export const streamRetryAttempts = 5;

/** Lambda's on-failure record for a stream batch: where it was, never its records. */
export function onFailureRecordOf(failure: StreamDeliveryFailure, at = new Date()): StreamFailureRecord {
  const sequenceNumbers = failure.records.map((record) => record.dynamodb?.SequenceNumber ?? '');
  const arrivals = failure.records.map((record) => record.dynamodb?.ApproximateCreationDateTime ?? 0);
  const arrival = (seconds: number | undefined) => new Date((seconds ?? 0) * 1000).toISOString();
  return {
    requestContext: {
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: failure.attempts,
      functionArn: 'arn:aws:lambda:local:000000000000:function:evaluate',
    },
    timestamp: at.toISOString(),
    version: '1.0',
    DDBStreamBatchInfo: {
      shardId: failure.shardId,
      startSequenceNumber: sequenceNumbers[0] ?? '',
      endSequenceNumber: sequenceNumbers.at(-1) ?? '',
      streamArn: failure.streamArn,
      batchSize: failure.records.length,
      approximateArrivalOfFirstRecord: arrival(arrivals[0]),
      approximateArrivalOfLastRecord: arrival(arrivals.at(-1)),
    },
  };
}

/** What the local console reads beside its page: the API on the same origin, nobody signs in. */
export const localConsoleConfig = {
  apiBaseUrl: '',
  auth: { kind: 'none', label: 'Local stack — no sign-in' },
} as const;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/**
 * The console at /console, built on its first request (a test run that never opens it does not
 * pay for the build) and kept in memory, with the deployed console's security headers.
 */
function localConsole(): StaticSite {
  let files: Map<string, { body: Buffer; contentType: string }> | undefined;
  return {
    prefix: '/console',
    headers: consoleSecurityHeaders(),
    files() {
      if (files === undefined) {
        const folder = mkdtempSync(join(tmpdir(), 'calciphylaxis-console-'));
        try {
          buildConsole(folder);
          const built = new Map<string, { body: Buffer; contentType: string }>();
          for (const name of readdirSync(folder)) {
            built.set(name, {
              body: readFileSync(join(folder, name)),
              contentType: contentTypes[extname(name)] ?? 'application/octet-stream',
            });
          }
          built.set('console-config.json', {
            body: Buffer.from(JSON.stringify(localConsoleConfig)),
            contentType: contentTypes['.json'] ?? 'application/json',
          });
          files = built;
        } finally {
          rmSync(folder, { recursive: true, force: true });
        }
      }
      return files;
    },
  };
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const hospital = loadHospitalConfig(options.hospitalId ?? 'example', options.hospitalsDirectory);
  // The same file the functions carry in their bundle, read the same way; only its folder differs.
  const rulesFolder = mkdtempSync(join(tmpdir(), 'calciphylaxis-local-rules-'));
  const rulesFile = writeRulesConfigFile(rulesConfigFor(hospital), rulesFolder);
  Object.assign(process.env, options.environment, {
    [rulesConfigFileVariable]: rulesFile,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_SERVICE_NAME: 'calciphylaxis-local',
    // The ack links' HMAC key (in AWS: a Secrets Manager secret). A new one per start unless given.
    ACK_LINK_KEY: process.env.ACK_LINK_KEY ?? randomBytes(32).toString('base64url'),
  });
  // Routes bind late: the handlers read the environment once, at load, and the
  // ack links' base URL is known only once the server listens.
  let handlers: Handlers | undefined;
  const late =
    (pick: (loaded: Handlers) => ProxyHandler): ProxyHandler =>
    (event) => {
      if (handlers === undefined) throw new Error('handlers not loaded yet');
      return pick(handlers)(event);
    };
  const api = await startApiServer({
    port: options.ingestPort ?? Number(process.env.INGEST_PORT ?? 4080),
    identity: localCaller,
    staticSite: localConsole(),
    routes: [
      route(
        'POST',
        '/hl7',
        late((loaded) => loaded.ingest),
      ),
      route(
        'GET',
        '/alerts',
        late((loaded) => loaded.admin),
      ),
      route(
        'POST',
        '/alerts/{id}/ack',
        late((loaded) => loaded.admin),
      ),
      route(
        'POST',
        '/patients/{facility}/{mrn}/cohort',
        late((loaded) => loaded.admin),
      ),
      route(
        'GET',
        '/reports/timeliness',
        late((loaded) => loaded.admin),
      ),
      route(
        'GET',
        '/alerts/{id}',
        late((loaded) => loaded.admin),
      ),
      route(
        'GET',
        '/patients/{facility}/{mrn}/timeline',
        late((loaded) => loaded.admin),
      ),
      route(
        'GET',
        '/cohort',
        late((loaded) => loaded.admin),
      ),
      route(
        'GET',
        '/reports/shadow',
        late((loaded) => loaded.admin),
      ),
      route(
        'GET',
        '/a/{token}',
        late((loaded) => loaded.ackLink),
      ),
      route(
        'POST',
        '/a/{token}',
        late((loaded) => loaded.ackLink),
      ),
    ],
  });
  process.env.ACK_LINK_BASE_URL = api.url;
  const [ingest, evaluate, sweep, admin, ackLink] = await Promise.all([
    import('../../lambdas/handlers/ingest.js'),
    import('../../lambdas/handlers/evaluate.js'),
    import('../../lambdas/handlers/sweep.js'),
    import('../../lambdas/handlers/admin.js'),
    import('../../lambdas/handlers/ack-link.js'),
  ]);
  handlers = { ingest: ingest.handler, admin: admin.handler, ackLink: ackLink.handler };
  const mllp = await startMllpListener({
    port: options.mllpPort ?? (options.ingestPort === 0 ? 0 : Number(process.env.MLLP_PORT ?? 2575)),
    maxMessageBytes: ingest.maxMessageBytes,
    answer: async (content) => (await ingest.ingestBody(content)).ack,
  });

  const queueUrl = options.environment.FAILED_STREAM_RECORDS_QUEUE_URL;
  const failedBatches = queueUrl === undefined || queueUrl === '' ? undefined : failedBatchQueue(queueUrl);
  const poller = await startStreamPoller({
    tableName: options.environment.TABLE_NAME ?? '',
    invoke: evaluate.handler,
    onError: async (failure) => {
      await failedBatches?.send(onFailureRecordOf(failure));
      options.onFailure?.(failure);
    },
    batchSize: streamBatchSize,
    retryAttempts: streamRetryAttempts,
    retryDelayMs: 200,
    pollIntervalMs: 25,
    startingPosition: options.startingPosition ?? 'TRIM_HORIZON',
    ...(options.checkpointFile === undefined ? {} : { checkpoints: fileCheckpoints(options.checkpointFile) }),
  });
  const runSweep = () => sweep.handler();
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const timer =
    sweepIntervalMs > 0
      ? setInterval(() => {
          runSweep().catch((error: unknown) => options.onSweepError?.(error));
        }, sweepIntervalMs)
      : undefined;

  return {
    ingestUrl: `${api.url}/hl7`,
    apiUrl: api.url,
    mllp: { host: mllp.host, port: mllp.port },
    sweep: runSweep,
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      await Promise.allSettled([api.stop(), mllp.stop(), poller.stop()]);
      rmSync(rulesFolder, { recursive: true, force: true });
    },
  };
}
