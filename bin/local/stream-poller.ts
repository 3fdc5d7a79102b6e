/**
 * The local stand-in for Lambda's DynamoDB event source mapping: reads every
 * shard of the table's stream with the Streams API, filters records like the
 * mapping's FilterCriteria (filtered-out records are skipped, the iterator
 * still advances), invokes the handler with real DynamoDBStreamEvent batches,
 * and honours ReportBatchItemFailures: on a failure it re-delivers from the
 * first failed sequence number, a bounded number of times, then hands the
 * record to `onError` (the local on-failure destination) and moves on.
 * Shards are read in lineage order: a child only after its parent is done.
 * With a checkpoint store it keeps its position as the mapping does: each
 * shard resumes after the last record it handled (or skipped), and a shard
 * read to its end is not read again, so a restart delivers only new records.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { evaluationTriggerFilterPattern } from '../../lambdas/table/layout.js';
import type { StreamCheckpoints } from './stream-checkpoints.js';
import { compileFilter, type StreamRecordFilter } from './stream-filter.js';
import { lambdaRecord } from './stream-records.js';

export interface StreamPollerOptions {
  tableName: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: the return type of aws-lambda's DynamoDBStreamHandler.
  invoke: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined | void>;
  /** Records that still failed after the retries (the on-failure destination). */
  onError: (failure: StreamDeliveryFailure) => void | Promise<void>;
  /** Default: the evaluate function's filter (INSERT of the four triggering item types). */
  filter?: StreamRecordFilter;
  /** Most records per invocation (Lambda's default for DynamoDB: 100). */
  batchSize?: number;
  /** Pause after an empty read of a shard. */
  pollIntervalMs?: number;
  /** Where to start on the shards open now; shards found later always start at their beginning. */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Re-deliveries of a failing record before it goes to onError (Lambda's MaximumRetryAttempts). */
  retryAttempts?: number;
  retryDelayMs?: number;
  /** How often the stream is described to find new shards. */
  shardRefreshMs?: number;
  /** Default: AWS_ENDPOINT_URL_DYNAMODB_STREAMS, else AWS_ENDPOINT_URL_DYNAMODB (DynamoDB Local serves both). */
  endpoint?: string;
  region?: string;
  /** Errors reading the stream (the poller keeps trying); default: written to stderr. */
  onPollError?: (error: unknown) => void;
  /** Where each shard's position is kept across restarts; none: start by `startingPosition` each time. */
  checkpoints?: StreamCheckpoints;
}

export interface StreamDeliveryFailure {
  /** `batchItemFailure`: the handler reported this record; `invokeError`: the handler threw for the batch. */
  reason: 'batchItemFailure' | 'invokeError';
  records: DynamoDBRecord[];
  /** Invocations that included the first of these records. */
  attempts: number;
  error?: unknown;
  streamArn: string;
  shardId: string;
}

export interface RunningStreamPoller {
  streamArn: string;
  /** Stops reading; resolves after the batch in flight (if any) has been handled. */
  stop(): Promise<void>;
}

interface ShardState {
  shard: Shard;
  started: boolean;
  done: boolean;
}

function localCredentials(endpoint: string | undefined) {
  return endpoint === undefined
    ? {}
    : { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : undefined;
}

/** Index of the first record the response reports as failed; 0 when the response is malformed (whole batch). */
export function firstFailedIndex(
  batch: readonly DynamoDBRecord[],
  // biome-ignore lint/suspicious/noConfusingVoidType: what a DynamoDBStreamHandler may resolve to.
  response: DynamoDBBatchResponse | undefined | void,
): number | undefined {
  const failures = response?.batchItemFailures;
  if (failures === undefined || failures === null || failures.length === 0) return undefined;
  let first = batch.length;
  for (const failure of failures) {
    const index = batch.findIndex((record) => record.dynamodb?.SequenceNumber === failure?.itemIdentifier);
    if (typeof failure?.itemIdentifier !== 'string' || failure.itemIdentifier === '' || index < 0) return 0;
    first = Math.min(first, index);
  }
  return first;
}

export async function startStreamPoller(options: StreamPollerOptions): Promise<RunningStreamPoller> {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const endpoint =
    options.endpoint ??
    process.env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS ??
    process.env.AWS_ENDPOINT_URL_DYNAMODB;
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 25;
  const retryAttempts = options.retryAttempts ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const shardRefreshMs = options.shardRefreshMs ?? 1_000;
  const accepts = compileFilter(options.filter ?? evaluationTriggerFilterPattern);
  const onPollError =
    options.onPollError ?? ((error: unknown) => console.error(`stream poller: ${errorName(error) ?? error}`));

  const dynamo = new DynamoDBClient({ region, ...localCredentials(endpoint) });
  const streams = new DynamoDBStreamsClient({ region, ...localCredentials(endpoint) });
  const table = await dynamo.send(new DescribeTableCommand({ TableName: options.tableName }));
  dynamo.destroy();
  const latestStreamArn = table.Table?.LatestStreamArn;
  if (latestStreamArn === undefined) {
    streams.destroy();
    throw new Error(`Table ${options.tableName} has no stream`);
  }
  const streamArn: string = latestStreamArn;
  const saved = (await options.checkpoints?.load(streamArn)) ?? {};
  const checkpoint = (shardId: string, position: { after: string } | { done: true }) => {
    options.checkpoints?.save(streamArn, shardId, position).catch(onPollError);
  };

  let stopped = false;
  const wakers = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });

  const shards = new Map<string, ShardState>();
  const workers: Promise<void>[] = [];

  async function describeShards(): Promise<Shard[]> {
    const found: Shard[] = [];
    let startShardId: string | undefined;
    do {
      const page = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: startShardId }),
      );
      found.push(...(page.StreamDescription?.Shards ?? []));
      startShardId = page.StreamDescription?.LastEvaluatedShardId;
    } while (startShardId !== undefined);
    return found;
  }

  async function shardIterator(shardId: string, type: ShardIteratorType, sequenceNumber?: string) {
    const result = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        SequenceNumber: sequenceNumber,
      }),
    );
    return result.ShardIterator;
  }

  /** Invokes with the head of the buffer; returns after the buffer has advanced or a retry is due. */
  function createDelivery(shardId: string) {
    let retry = { sequenceNumber: undefined as string | undefined, attempts: 0 };
    return async function deliverHead(buffer: DynamoDBRecord[]): Promise<void> {
      const batch = buffer.slice(0, batchSize);
      let failedAt: number | undefined;
      let invokeError: unknown;
      let threw = false;
      try {
        failedAt = firstFailedIndex(batch, await options.invoke({ Records: batch }));
      } catch (error: unknown) {
        threw = true;
        invokeError = error;
        failedAt = 0;
      }
      if (failedAt === undefined) {
        handled(buffer.splice(0, batch.length));
        retry = { sequenceNumber: undefined, attempts: 0 };
        return;
      }
      // Records before the first failure are done (the checkpoint moves past them).
      handled(buffer.splice(0, failedAt));
      const head = buffer[0]?.dynamodb?.SequenceNumber;
      if (retry.sequenceNumber !== head) retry = { sequenceNumber: head, attempts: 0 };
      retry.attempts += 1;
      if (retry.attempts <= retryAttempts) {
        await sleep(retryDelayMs * retry.attempts);
        return;
      }
      const handedOver = threw ? batch.slice(failedAt) : buffer.slice(0, 1);
      const failure: StreamDeliveryFailure = {
        reason: threw ? 'invokeError' : 'batchItemFailure',
        records: handedOver,
        attempts: retry.attempts,
        streamArn,
        shardId,
      };
      if (threw) failure.error = invokeError;
      try {
        await options.onError(failure);
      } catch (error: unknown) {
        onPollError(error);
      }
      handled(buffer.splice(0, handedOver.length));
      retry = { sequenceNumber: undefined, attempts: 0 };
    };

    function handled(records: readonly DynamoDBRecord[]): void {
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last !== undefined) checkpoint(shardId, { after: last });
    }
  }

  async function readShard(state: ShardState, firstIterator: string | undefined): Promise<void> {
    const shardId = state.shard.ShardId ?? '';
    const deliverHead = createDelivery(shardId);
    const buffer: DynamoDBRecord[] = [];
    let iterator = firstIterator;
    let lastSequenceNumber: string | undefined;
    let closed = iterator === undefined;
    while (!stopped) {
      if (!closed && buffer.length < batchSize) {
        try {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          const records = page.Records ?? [];
          for (const record of records) {
            lastSequenceNumber = record.dynamodb?.SequenceNumber ?? lastSequenceNumber;
            const converted = lambdaRecord(record, streamArn, region);
            if (accepts(converted)) buffer.push(converted);
          }
          iterator = page.NextShardIterator;
          closed = iterator === undefined;
          // Records the filter dropped are handled too: once nothing waits, the position moves past them.
          if (buffer.length === 0 && records.length > 0 && lastSequenceNumber !== undefined) {
            checkpoint(shardId, { after: lastSequenceNumber });
          }
          if (records.length === 0 && buffer.length === 0 && !closed) await sleep(pollIntervalMs);
        } catch (error: unknown) {
          if (errorName(error) === 'ExpiredIteratorException') {
            iterator = await shardIterator(
              shardId,
              lastSequenceNumber === undefined ? 'TRIM_HORIZON' : 'AFTER_SEQUENCE_NUMBER',
              lastSequenceNumber,
            ).catch(() => iterator);
          } else {
            onPollError(error);
            await sleep(Math.max(pollIntervalMs, 500));
          }
          continue;
        }
      }
      if (buffer.length > 0) {
        await deliverHead(buffer);
      } else if (closed) {
        break;
      }
    }
    state.done = !stopped;
    if (state.done) {
      checkpoint(shardId, { done: true });
      startReadyShards();
    }
  }

  function startShard(state: ShardState, iterator: string | undefined) {
    state.started = true;
    workers.push(readShard(state, iterator));
  }

  /** Starts shards whose parent is finished or no longer in the stream (trimmed). */
  function startReadyShards() {
    if (stopped) return;
    for (const state of shards.values()) {
      if (state.started) continue;
      const parent =
        state.shard.ParentShardId === undefined ? undefined : shards.get(state.shard.ParentShardId);
      if (parent !== undefined && !parent.done) continue;
      state.started = true;
      workers.push(
        resumeIterator(state.shard.ShardId ?? '', 'TRIM_HORIZON')
          .then((iterator) => readShard(state, iterator))
          .catch((error: unknown) => {
            state.started = false;
            onPollError(error);
          }),
      );
    }
  }

  /** After the shard's checkpoint when there is one (TRIM_HORIZON if that record was trimmed since), else `otherwise`. */
  async function resumeIterator(shardId: string, otherwise: ShardIteratorType) {
    const position = saved[shardId];
    if (position === undefined || !('after' in position)) return shardIterator(shardId, otherwise);
    try {
      return await shardIterator(shardId, 'AFTER_SEQUENCE_NUMBER', position.after);
    } catch (error: unknown) {
      if (errorName(error) !== 'TrimmedDataAccessException') throw error;
      return shardIterator(shardId, 'TRIM_HORIZON');
    }
  }

  // First look: LATEST pins the open shards now, so everything written after start() resolves is seen.
  // A shard with a checkpoint resumes after it; one read to its end before is not read again.
  for (const shard of await describeShards()) {
    const shardId = shard.ShardId ?? '';
    const state: ShardState = { shard, started: false, done: false };
    shards.set(shardId, state);
    const position = saved[shardId];
    if (position !== undefined && 'done' in position) {
      state.done = true;
      state.started = true;
    } else if (position !== undefined) {
      const parent = shard.ParentShardId === undefined ? undefined : saved[shard.ParentShardId];
      // Its parent was finished before (it has a position of its own): resume now.
      if (parent === undefined || 'done' in parent)
        startShard(state, await resumeIterator(shardId, 'TRIM_HORIZON'));
    } else if (options.startingPosition === 'LATEST') {
      if (shard.SequenceNumberRange?.EndingSequenceNumber !== undefined) {
        state.done = true;
        state.started = true;
        checkpoint(shardId, { done: true });
      } else {
        startShard(state, await shardIterator(shardId, 'LATEST'));
      }
    }
  }
  startReadyShards();

  const discovery = (async () => {
    while (!stopped) {
      await sleep(shardRefreshMs);
      if (stopped) break;
      try {
        for (const shard of await describeShards()) {
          if (!shards.has(shard.ShardId ?? ''))
            shards.set(shard.ShardId ?? '', { shard, started: false, done: false });
        }
        startReadyShards();
      } catch (error: unknown) {
        onPollError(error);
      }
    }
  })();

  return {
    streamArn,
    async stop() {
      stopped = true;
      for (const wake of [...wakers]) wake();
      await discovery;
      // Workers started while stopping are awaited too.
      for (let index = 0; index < workers.length; index += 1) await workers[index];
      await options.checkpoints?.flush();
      streams.destroy();
    },
  };
}
