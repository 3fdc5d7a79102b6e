/**
 * The AWS SDK clients, created once per cold start on first use. Everything
 * comes from the environment: region from AWS_REGION, credentials from the
 * standard chain, endpoints from the SDK's own AWS_ENDPOINT_URL_DYNAMODB /
 * _SNS / _S3 variables (that is how the local stack points them at the
 * emulators; the handlers never know).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Reused sockets: a TLS handshake per call would dominate a 10 ms DynamoDB request. */
function requestHandler() {
  return {
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 50 }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 50 }),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
  };
}

let documentClient: DynamoDBDocumentClient | undefined;
let snsClient: SNSClient | undefined;
let s3Client: S3Client | undefined;

export function dynamoDocumentClient(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({ requestHandler: requestHandler() }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function sns(): SNSClient {
  snsClient ??= new SNSClient({ requestHandler: requestHandler() });
  return snsClient;
}

export function s3(): S3Client {
  // Path-style only when an endpoint override is set: the local emulator has no bucket subdomains.
  const forcePathStyle =
    process.env.AWS_ENDPOINT_URL_S3 !== undefined || process.env.AWS_ENDPOINT_URL !== undefined;
  s3Client ??= new S3Client({ requestHandler: requestHandler(), forcePathStyle });
  return s3Client;
}

/** Reads a required variable once, failing with its name. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new MissingEnvironmentError(name);
  }
  return value;
}

export function positiveIntegerEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new MissingEnvironmentError(name, `must be a positive integer, got "${raw}"`);
  }
  return value;
}

export class MissingEnvironmentError extends Error {
  constructor(
    readonly variable: string,
    detail = 'is not set',
  ) {
    super(`Environment variable ${variable} ${detail}`);
    this.name = 'MissingEnvironmentError';
  }
}
