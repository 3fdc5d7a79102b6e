/**
 * The local AWS side of the stack in one call: DynamoDB Local and the
 * SNS/SQS/S3 emulator started side by side, then the table, topics and bucket
 * provisioned. Used by `npm start` and by the test suite's global setup.
 */

import { defaultTableName } from '../../lambdas/table/layout.js';
import { type RunningAwsEmulator, startAwsEmulator } from './aws-emulator.js';
import {
  type DynamoDbLocalOptions,
  type RunningDynamoDbLocal,
  startDynamoDbLocal,
} from './dynamodb-local.js';
import { localTopicNames, type ProvisionedResources, provisionLocalResources } from './provision.js';

export interface LocalServicesOptions {
  /** Default 8000 (DYNAMODB_PORT); 0 for a free port. */
  dynamoDbPort?: number;
  /** Default 4566 (AWS_EMULATOR_PORT); 0 for a free port. */
  awsEmulatorPort?: number;
  dynamoDb?: Omit<DynamoDbLocalOptions, 'port'>;
  tableName?: string;
  bucket?: string;
  region?: string;
}

export interface LocalServices {
  dynamoDbEndpoint: string;
  awsEndpoint: string;
  region: string;
  resources: ProvisionedResources;
  /** The environment the handlers and tools need to reach these services. */
  environment: Record<string, string>;
  stop(): Promise<void>;
}

export const defaultArchiveBucket = 'calciphylaxis-raw-messages';

function portFromEnvironment(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${name} must be a port number, got "${raw}"`);
  }
  return port;
}

export async function startLocalServices(options: LocalServicesOptions = {}): Promise<LocalServices> {
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const tableName = options.tableName ?? defaultTableName;
  const bucket = options.bucket ?? defaultArchiveBucket;
  const [dynamoResult, emulatorResult] = await Promise.allSettled([
    startDynamoDbLocal({
      ...options.dynamoDb,
      port: options.dynamoDbPort ?? portFromEnvironment('DYNAMODB_PORT', 8000),
    }),
    startAwsEmulator({ port: options.awsEmulatorPort ?? portFromEnvironment('AWS_EMULATOR_PORT', 4566) }),
  ]);
  const started: (RunningDynamoDbLocal | RunningAwsEmulator)[] = [];
  if (dynamoResult.status === 'fulfilled') started.push(dynamoResult.value);
  if (emulatorResult.status === 'fulfilled') started.push(emulatorResult.value);
  const stopAll = async () => {
    await Promise.allSettled(started.map((service) => service.stop()));
  };
  if (dynamoResult.status === 'rejected' || emulatorResult.status === 'rejected') {
    await stopAll();
    throw dynamoResult.status === 'rejected'
      ? dynamoResult.reason
      : (emulatorResult as PromiseRejectedResult).reason;
  }
  const dynamoDbEndpoint = dynamoResult.value.endpoint;
  const awsEndpoint = emulatorResult.value.endpoint;
  let resources: ProvisionedResources;
  try {
    resources = await provisionLocalResources({
      tableName,
      bucket,
      topicNames: Object.values(localTopicNames),
      dynamoDbEndpoint,
      awsEndpoint,
      region,
    });
  } catch (error: unknown) {
    await stopAll();
    throw error;
  }
  const environment: Record<string, string> = {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamoDbEndpoint,
    AWS_ENDPOINT_URL_SNS: awsEndpoint,
    AWS_ENDPOINT_URL_SQS: awsEndpoint,
    AWS_ENDPOINT_URL_S3: awsEndpoint,
    TABLE_NAME: tableName,
    ARCHIVE_BUCKET: bucket,
    PAGES_TOPIC_ARN: resources.topicArns[localTopicNames.pages] ?? '',
    NOTICES_TOPIC_ARN: resources.topicArns[localTopicNames.notices] ?? '',
    ESCALATIONS_TOPIC_ARN: resources.topicArns[localTopicNames.escalations] ?? '',
    FAILED_STREAM_RECORDS_QUEUE_URL: resources.failedRecordsQueueUrl,
  };
  return { dynamoDbEndpoint, awsEndpoint, region, resources, environment, stop: stopAll };
}
