/**
 * The evaluate function's on-failure queue as `npm run redrive` reads it.
 * Lambda puts there, for a stream batch it gave up on, only where the batch
 * was (the invocation record's `DDBStreamBatchInfo`: stream ARN, shard,
 * first and last sequence number), never the records: they are read back
 * from the stream itself, which keeps them 24 hours. The local stack writes
 * the same record to its own queue (bin/local/stack.ts).
 */
import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamsRecord,
} from '@aws-sdk/client-dynamodb-streams';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

/** Where the failed batch was, as in Lambda's on-failure record for a DynamoDB stream. */
export interface StreamBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  streamArn: string;
  batchSize: number;
  approximateArrivalOfFirstRecord?: string;
  approximateArrivalOfLastRecord?: string;
}

/** Lambda's invocation record for a discarded stream batch (the fields redrive reads, and what it says). */
export interface StreamFailureRecord {
  requestContext: { condition: string; approximateInvokeCount: number; functionArn?: string };
  timestamp: string;
  version: '1.0';
  DDBStreamBatchInfo: StreamBatchInfo;
}

/** The batch info of a queue message; undefined when the body is not an on-failure record. */
export function batchInfoOf(body: string | undefined): StreamBatchInfo | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  const info = (parsed as { DDBStreamBatchInfo?: Partial<StreamBatchInfo> } | null)?.DDBStreamBatchInfo;
  const strings = [info?.shardId, info?.startSequenceNumber, info?.endSequenceNumber, info?.streamArn];
  if (info === undefined || !strings.every((value) => typeof value === 'string' && value !== '')) {
    return undefined;
  }
  return info as StreamBatchInfo;
}

/** A queue message as redrive handles it. */
export interface FailedBatchMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
}

export interface FailedBatchQueue {
  /** Every message now visible; each stays invisible to others until released or deleted. */
  receiveAll(): Promise<FailedBatchMessage[]>;
  delete(message: FailedBatchMessage): Promise<void>;
  /** Makes a message visible again at once (kept for later, or only looked at). */
  release(message: FailedBatchMessage): Promise<void>;
  send(record: StreamFailureRecord): Promise<void>;
}

/** Long enough to fetch and re-evaluate the batches received; a message not finished reappears after it. */
const visibilitySeconds = 300;

export function failedBatchQueue(
  queueUrl: string,
  // The endpoint, not the URL's host: the local emulator's URLs name a host that does not resolve.
  client = new SQSClient({ useQueueUrlAsEndpoint: false }),
): FailedBatchQueue {
  return {
    async receiveAll() {
      const messages: FailedBatchMessage[] = [];
      for (;;) {
        const { Messages = [] } = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: visibilitySeconds,
            WaitTimeSeconds: messages.length === 0 ? 1 : 0,
          }),
        );
        if (Messages.length === 0) return messages;
        for (const message of Messages) {
          messages.push({
            messageId: message.MessageId ?? '',
            receiptHandle: message.ReceiptHandle ?? '',
            body: message.Body ?? '',
          });
        }
      }
    },
    async delete(message) {
      await client.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.receiptHandle }),
      );
    },
    async release(message) {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.receiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    },
    async send(record) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(record) }));
    },
  };
}

/** What the stream still holds of a failed batch. */
export type BatchRecords = { found: true; records: StreamsRecord[] } | { found: false; why: string };

export interface StreamReader {
  recordsOf(batch: StreamBatchInfo): Promise<BatchRecords>;
}

const sequence = (value: string | undefined) => BigInt(value ?? '0');
/** Empty reads of an open shard in a row before the batch's end counts as not there. */
const maxEmptyReads = 5;

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : '';
}

/**
 * The batch's records, from its first sequence number (GetShardIterator
 * AT_SEQUENCE_NUMBER) to its last, every record in between (the on-failure
 * record does not say which the event filter let through; the caller filters).
 * A record past the stream's 24-hour retention, or a shard no longer there, is
 * reported as gone, never guessed at.
 */
export function streamReader(client = new DynamoDBStreamsClient({})): StreamReader {
  return {
    async recordsOf(batch) {
      let iterator: string | undefined;
      try {
        ({ ShardIterator: iterator } = await client.send(
          new GetShardIteratorCommand({
            StreamArn: batch.streamArn,
            ShardId: batch.shardId,
            ShardIteratorType: 'AT_SEQUENCE_NUMBER',
            SequenceNumber: batch.startSequenceNumber,
          }),
        ));
      } catch (error: unknown) {
        const name = errorName(error);
        if (name === 'TrimmedDataAccessException' || name === 'ResourceNotFoundException') {
          return {
            found: false,
            why: `no longer in the stream (${name}; the stream keeps records 24 hours)`,
          };
        }
        throw error;
      }
      const end = sequence(batch.endSequenceNumber);
      const records: StreamsRecord[] = [];
      let emptyReads = 0;
      while (iterator !== undefined) {
        const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const got = page.Records ?? [];
        emptyReads = got.length === 0 ? emptyReads + 1 : 0;
        for (const record of got) {
          if (sequence(record.dynamodb?.SequenceNumber) > end) return complete(batch, records);
          records.push(record);
        }
        if (records.length > 0 && sequence(records.at(-1)?.dynamodb?.SequenceNumber) === end) break;
        if (emptyReads >= maxEmptyReads) break;
        iterator = page.NextShardIterator;
      }
      return complete(batch, records);
    },
  };
}

function complete(batch: StreamBatchInfo, records: StreamsRecord[]): BatchRecords {
  const first = records[0]?.dynamodb?.SequenceNumber;
  const last = records.at(-1)?.dynamodb?.SequenceNumber;
  if (first === undefined || sequence(first) !== sequence(batch.startSequenceNumber)) {
    return { found: false, why: 'its first record is no longer in the stream' };
  }
  if (sequence(last) < sequence(batch.endSequenceNumber)) {
    return { found: false, why: `the stream ends at ${last} before its last record` };
  }
  return { found: true, records };
}
