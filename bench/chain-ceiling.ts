/**
 * The bare chain's ceiling on this machine, without product code: DynamoDB
 * Local put → table stream → SNS publish → SQS receive, on fresh local
 * services started like the stack's. Items are put as fast as `inFlight`
 * concurrent writers allow; one reader per shard publishes each record
 * (a batch's records concurrently); receivers long-poll the queue. The
 * delivered rate is what the pipeline could reach at best here.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startAwsEmulator } from '../bin/local/aws-emulator.js';
import { startDynamoDbLocal } from '../bin/local/dynamodb-local.js';
import { type Summary, summarize } from './load-mix.js';
import { type CpuSpent, cpuBetween, cpuSnapshot, dynamoDbLocalPid } from './process-cpu.js';

export interface ChainCeilingOptions {
  durationSeconds: number;
  /** Concurrent writers. */
  inFlight: number;
  /** Padding per item, about the size of a stored observation. */
  itemBytes: number;
  /** DynamoDB Local JVM options (undefined: the stack's fast-start default). */
  javaOptions?: readonly string[];
  /** How long to wait for the last deliveries after the writers stop. */
  drainSeconds: number;
}

export interface ChainCeiling {
  put: number;
  delivered: number;
  putPerSecond: number;
  /** Deliveries per second from the first put to the last delivery. */
  deliveredPerSecond: number;
  latency: Summary;
  /** DynamoDB Local's CPU from the first put to the last delivery. */
  dynamoDbCpu: CpuSpent;
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureChainCeiling(options: ChainCeilingOptions): Promise<ChainCeiling> {
  const [dynamoLocal, emulator] = await Promise.all([
    startDynamoDbLocal({ port: 0, ...(options.javaOptions ? { javaOptions: options.javaOptions } : {}) }),
    startAwsEmulator({ port: 0 }),
  ]);
  const dynamo = new DynamoDBClient({ endpoint: dynamoLocal.endpoint, region, credentials });
  const streams = new DynamoDBStreamsClient({ endpoint: dynamoLocal.endpoint, region, credentials });
  const sns = new SNSClient({ endpoint: emulator.endpoint, region, credentials });
  const sqs = new SQSClient({
    endpoint: emulator.endpoint,
    region,
    credentials,
    useQueueUrlAsEndpoint: false,
  });
  let running = true;
  try {
    const tableName = 'chain-ceiling';
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const streamArn = (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table
      ?.LatestStreamArn;
    const { TopicArn: topicArn } = await sns.send(new CreateTopicCommand({ Name: 'chain-ceiling' }));
    const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'chain-ceiling' }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }),
    );
    if (streamArn === undefined || topicArn === undefined || queueUrl === undefined) {
      throw new Error('chain ceiling: could not create the table stream, topic or queue');
    }

    // Readers: one per shard, found by describing the stream every half second.
    const readers = new Map<string, Promise<void>>();
    const readShard = async (shardId: string) => {
      let iterator = (
        await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        )
      ).ShardIterator;
      while (running && iterator !== undefined) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const records = page.Records ?? [];
        await Promise.all(
          records.map((record) =>
            sns.send(
              new PublishCommand({
                TopicArn: topicArn,
                Message: JSON.stringify({ sentAt: Number(record.dynamodb?.NewImage?.sentAt?.N) }),
              }),
            ),
          ),
        );
        iterator = page.NextShardIterator;
        if (records.length === 0) await sleep(25);
      }
    };
    const discovery = (async () => {
      while (running) {
        const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
        for (const shard of description.StreamDescription?.Shards ?? []) {
          const shardId = shard.ShardId ?? '';
          if (!readers.has(shardId)) readers.set(shardId, readShard(shardId));
        }
        await sleep(500);
      }
    })();

    // Receivers.
    const latencies: number[] = [];
    let lastDeliveryAt = 0;
    const receive = async () => {
      while (running) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        const now = performance.now();
        for (const message of Messages) {
          const envelope = JSON.parse(message.Body ?? '{}') as { Message?: string };
          const { sentAt } = JSON.parse(envelope.Message ?? '{}') as { sentAt?: number };
          if (typeof sentAt === 'number') latencies.push(now - sentAt);
          lastDeliveryAt = now;
        }
        if (Messages.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: Messages.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle,
              })),
            }),
          );
        }
      }
    };
    const receivers = Array.from({ length: 4 }, receive);

    // Writers: as fast as they can for the duration.
    const padding = 'x'.repeat(options.itemBytes);
    const dynamoDbPid = dynamoDbLocalPid(dynamoLocal.port);
    const cpuBefore = cpuSnapshot(dynamoDbPid);
    const startedAt = performance.now();
    const endAt = startedAt + options.durationSeconds * 1000;
    let put = 0;
    const write = async (writer: number) => {
      for (let n = 0; performance.now() < endAt; n += 1) {
        await dynamo.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              pk: { S: `ITEM#${writer}#${n}` },
              sk: { S: 'X' },
              sentAt: { N: String(performance.now()) },
              padding: { S: padding },
            },
          }),
        );
        put += 1;
      }
    };
    await Promise.all(Array.from({ length: options.inFlight }, (_, writer) => write(writer)));
    const writersDoneAt = performance.now();
    const drainUntil = writersDoneAt + options.drainSeconds * 1000;
    while (latencies.length < put && performance.now() < drainUntil) await sleep(100);
    const dynamoDbCpu = cpuBetween(cpuBefore, cpuSnapshot(dynamoDbPid));
    running = false;
    await Promise.allSettled([discovery, ...readers.values(), ...receivers]);
    const delivered = latencies.length;
    return {
      put,
      delivered,
      putPerSecond: put / ((writersDoneAt - startedAt) / 1000),
      deliveredPerSecond: delivered / ((Math.max(lastDeliveryAt, writersDoneAt) - startedAt) / 1000),
      latency: summarize(latencies),
      dynamoDbCpu,
    };
  } finally {
    running = false;
    for (const client of [dynamo, streams, sns, sqs]) client.destroy();
    await Promise.allSettled([dynamoLocal.stop(), emulator.stop()]);
  }
}
