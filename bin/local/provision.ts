/**
 * Creates what the pipeline expects on the local services, when missing: the
 * table (three sparse GSIs, a NEW_AND_OLD_IMAGES stream, TTL on `expiresAt`), the
 * three SNS topics and the archive bucket. Safe to run again: a table kept
 * from an older version gets the indexes it lacks (UpdateTable).
 *
 * Create the table once per DynamoDB Local process: every put on a stream
 * table pays for the stream records of tables created (and deleted) before it,
 * so a table per test slows puts from thousands to about a hundred per second.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  cohortIndex,
  cohortViewIndex,
  criticalAlertsIndex,
  keyAttributes,
  openAlertsIndex,
  ttlAttribute,
} from '../../lambdas/table/layout.js';

export const localTopicNames = {
  pages: 'calciphylaxis-pages',
  notices: 'calciphylaxis-notices',
  escalations: 'calciphylaxis-escalations',
} as const;

/** The evaluate function's on-failure queue (in AWS: `<prefix>-failed-stream-records`). */
export const localFailedRecordsQueueName = 'calciphylaxis-failed-stream-records';

export interface ProvisionOptions {
  tableName: string;
  bucket: string;
  topicNames: readonly string[];
  /** Default: AWS_ENDPOINT_URL_DYNAMODB. */
  dynamoDbEndpoint?: string;
  /** SNS and S3 endpoint; default: AWS_ENDPOINT_URL_SNS / AWS_ENDPOINT_URL_S3. */
  awsEndpoint?: string;
  region?: string;
}

export interface ProvisionedResources {
  tableName: string;
  streamArn: string;
  bucket: string;
  /** Topic name -> ARN. */
  topicArns: Record<string, string>;
  /** Where stream batches that still fail after the retries are recorded (as Lambda's on-failure destination). */
  failedRecordsQueueUrl: string;
}

export class ProvisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProvisionError';
  }
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function clientConfig(endpoint: string | undefined, region: string) {
  return endpoint === undefined ? { region } : { region, endpoint, credentials: localCredentials };
}

export async function provisionLocalResources(options: ProvisionOptions): Promise<ProvisionedResources> {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const dynamo = new DynamoDBClient(
    clientConfig(options.dynamoDbEndpoint ?? process.env.AWS_ENDPOINT_URL_DYNAMODB, region),
  );
  const snsClient = new SNSClient(
    clientConfig(options.awsEndpoint ?? process.env.AWS_ENDPOINT_URL_SNS, region),
  );
  const s3Client = new S3Client({
    ...clientConfig(options.awsEndpoint ?? process.env.AWS_ENDPOINT_URL_S3, region),
    forcePathStyle: true,
  });
  const sqsClient = new SQSClient(
    clientConfig(options.awsEndpoint ?? process.env.AWS_ENDPOINT_URL_SQS, region),
  );
  try {
    const [streamArn, topicArns, , failedRecords] = await Promise.all([
      ensureTable(dynamo, options.tableName),
      ensureTopics(snsClient, options.topicNames),
      ensureBucket(s3Client, options.bucket),
      sqsClient.send(new CreateQueueCommand({ QueueName: localFailedRecordsQueueName })),
    ]);
    return {
      tableName: options.tableName,
      streamArn,
      bucket: options.bucket,
      topicArns,
      failedRecordsQueueUrl: failedRecords.QueueUrl ?? '',
    };
  } finally {
    dynamo.destroy();
    snsClient.destroy();
    s3Client.destroy();
    sqsClient.destroy();
  }
}

async function describeTable(
  dynamo: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    return (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error: unknown) {
    if ((error as { name?: unknown }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

interface SparseIndex {
  name: string;
  partitionKey: string;
  sortKey: string;
}

/** The table's secondary indexes, as in the CDK stack. */
const sparseIndexes: readonly SparseIndex[] = [
  openAlertsIndex,
  cohortIndex,
  criticalAlertsIndex,
  cohortViewIndex,
];

const stringAttributes = (names: string[]) =>
  names.map((name) => ({ AttributeName: name, AttributeType: 'S' as const }));

/** How long a new index of a kept table may take to become ACTIVE (instant on DynamoDB Local). */
const indexActiveTimeoutMs = 30_000;

function sparseIndex(index: SparseIndex) {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  };
}

/** Creates the table if missing and returns its stream ARN; refuses a table of another shape. */
async function ensureTable(dynamo: DynamoDBClient, tableName: string): Promise<string> {
  let table = await describeTable(dynamo, tableName);
  if (table === undefined) {
    try {
      await dynamo.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: stringAttributes([
            keyAttributes.partition,
            keyAttributes.sort,
            ...sparseIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
          ]),
          KeySchema: [
            { AttributeName: keyAttributes.partition, KeyType: 'HASH' },
            { AttributeName: keyAttributes.sort, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: sparseIndexes.map(sparseIndex),
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        }),
      );
    } catch (error: unknown) {
      // Two provisioners racing: the other one created it.
      if ((error as { name?: unknown }).name !== 'ResourceInUseException') throw error;
    }
    table = await describeTable(dynamo, tableName);
  } else {
    table = await addMissingIndexes(dynamo, tableName, table);
  }
  const indexNames = new Set((table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const streamArn = table?.LatestStreamArn;
  if (
    sparseIndexes.some((index) => !indexNames.has(index.name)) ||
    table?.StreamSpecification?.StreamViewType !== 'NEW_AND_OLD_IMAGES' ||
    streamArn === undefined
  ) {
    throw new ProvisionError(
      `Table ${tableName} exists without the indexes ${sparseIndexes.map((index) => index.name).join('/')} ` +
        'or a NEW_AND_OLD_IMAGES stream: delete it (or the local data folder) and start again',
    );
  }
  const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const ttlStatus = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (ttlStatus !== 'ENABLED' && ttlStatus !== 'ENABLING') {
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { Enabled: true, AttributeName: ttlAttribute },
      }),
    );
  }
  return streamArn;
}

/**
 * A table kept from an older version (a persisted local data folder) lacks
 * the indexes added since: create each (one per UpdateTable, as DynamoDB
 * requires) and wait until it is ACTIVE. Its existing items are indexed too.
 */
async function addMissingIndexes(
  dynamo: DynamoDBClient,
  tableName: string,
  table: TableDescription,
): Promise<TableDescription | undefined> {
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = sparseIndexes.filter((index) => !present.has(index.name));
  if (missing.length === 0) return table;
  for (const index of missing) {
    try {
      await dynamo.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: stringAttributes([index.partitionKey, index.sortKey]),
          GlobalSecondaryIndexUpdates: [{ Create: sparseIndex(index) }],
        }),
      );
    } catch (error: unknown) {
      // Two provisioners racing: the other one is adding it.
      if ((error as { name?: unknown }).name !== 'ResourceInUseException') throw error;
    }
  }
  const deadline = Date.now() + indexActiveTimeoutMs;
  for (;;) {
    const current = await describeTable(dynamo, tableName);
    const added = (current?.GlobalSecondaryIndexes ?? []).filter((index) =>
      missing.some((wanted) => wanted.name === index.IndexName),
    );
    if (added.length === missing.length && added.every((index) => index.IndexStatus === 'ACTIVE')) {
      return current;
    }
    if (Date.now() > deadline) {
      throw new ProvisionError(
        `Table ${tableName}: the index ${missing.map((index) => index.name).join('/')} did not become ` +
          `ACTIVE within ${indexActiveTimeoutMs / 1000} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function ensureTopics(snsClient: SNSClient, names: readonly string[]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    names.map(async (name) => {
      // CreateTopic is idempotent: it returns the existing topic's ARN.
      const { TopicArn } = await snsClient.send(new CreateTopicCommand({ Name: name }));
      if (TopicArn === undefined) throw new ProvisionError(`CreateTopic ${name} returned no ARN`);
      return [name, TopicArn] as const;
    }),
  );
  return Object.fromEntries(entries);
}

async function ensureBucket(s3Client: S3Client, bucket: string): Promise<void> {
  try {
    await s3Client.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch {
    // Missing (or not visible): create it below.
  }
  try {
    await s3Client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error: unknown) {
    const name = (error as { name?: unknown }).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
}
