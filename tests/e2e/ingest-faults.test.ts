/**
 * DynamoDB unreachable while a message arrives: the ingest handler answers
 * AE (HTTP 500: the sender retries), the raw bytes are archived all the same,
 * and nothing of the message is half-written. A real fault, not a mock: the
 * handler's DynamoDB endpoint is a port nobody listens on, while the archive
 * and the checks below use the run's real DynamoDB Local and S3 emulator.
 * DynamoDB refusing the request itself (a permanent error, injected: no real
 * table refuses on demand) is answered AR, the answer that ends a retry loop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/local/free-port.js';
import { getRawMessage, listRawMessages } from '../../lambdas/adapters/archive.js';
import { rulesConfigFileVariable } from '../../lambdas/config/rules-config-file.js';
import { messagePk, messageSk, patientPk } from '../../lambdas/table/layout.js';
import { loadHospitalConfig, rulesConfigFor } from '../../lib/config/hospital-config.js';
import { writeRulesConfigFile } from '../../lib/config/rules-config-file.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { calciumResult, newControlId, newMrn } from './harness.js';

let realDynamoDb: DynamoDBDocumentClient;
let tableName: string;
let rulesFolder: string;
let ingest: (event: APIGatewayProxyEvent) => Promise<{ statusCode: number; body: string }>;

beforeAll(async () => {
  const services = await useLocalServices();
  tableName = services.environment.TABLE_NAME ?? '';
  realDynamoDb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: services.dynamoDbEndpoint }));
  rulesFolder = mkdtempSync(join(tmpdir(), 'ingest-faults-rules-'));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${await freePort()}`,
    [rulesConfigFileVariable]: writeRulesConfigFile(
      rulesConfigFor(loadHospitalConfig('example')),
      rulesFolder,
    ),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  });
  ({ handler: ingest } = await import('../../lambdas/handlers/ingest.js'));
}, localServicesTimeoutMs);

afterAll(() => rmSync(rulesFolder, { recursive: true, force: true }));

function post(body: string): APIGatewayProxyEvent {
  return {
    resource: '/hl7',
    path: '/hl7',
    httpMethod: 'POST',
    headers: { 'content-type': 'x-application/hl7-v2+er7' },
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEvent; // only the fields the handler reads
}

describe('ingest while DynamoDB is unreachable', () => {
  it('answers AE with HTTP 500, archives the raw bytes and writes nothing of the message', async () => {
    const mrn = newMrn();
    const controlId = newControlId();
    const message = calciumResult(mrn, '7.2', 'mg/dL', { controlId });

    const response = await ingest(post(message));

    expect(response.statusCode).toBe(500);
    expect(response.body).toMatch(new RegExp(`\\rMSA\\|AE\\|${controlId}`));
    expect(response.body).toMatch(/\rERR\|[^\r]*\|207\^Application internal error\^HL70357/);

    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    const archived: string[] = [];
    for await (const summary of listRawMessages(`raw/${today}/`)) {
      archived.push(new TextDecoder().decode((await getRawMessage(summary.key)).bytes));
    }
    expect(archived).toContain(message);

    const patientItems = await realDynamoDb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': patientPk({ namespace: 'E2E', mrn }) },
      }),
    );
    expect(patientItems.Items ?? []).toEqual([]);
    const duplicateMarker = await realDynamoDb.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: messagePk('LAB', 'E2E DIALYSIS', controlId), sk: messageSk },
      }),
    );
    expect(duplicateMarker.Item).toBeUndefined();
  });
});

describe('ingest when DynamoDB refuses the message itself', () => {
  it('answers AR with HTTP 400 and the reason once, not AE on every retry; the raw bytes are archived', async () => {
    const controlId = newControlId();
    const message = calciumResult(newMrn(), '7.2', 'mg/dL', { controlId });
    const dynamo = mockClient(DynamoDBDocumentClient);
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: [{ Code: 'None' }, { Code: 'ValidationError' }, { Code: 'None' }],
      }),
    );
    try {
      const first = await ingest(post(message));
      const retry = await ingest(post(message));

      for (const response of [first, retry]) {
        expect(response.statusCode).toBe(400);
        expect(response.body).toMatch(new RegExp(`\\rMSA\\|AR\\|${controlId}`));
        expect(response.body).toMatch(
          /\rERR\|[^\r]*\|207\^Application internal error\^HL70357\|E\|\|\|\|The message cannot be stored \(StoreRequestRejectedError: TransactionCanceledException\) and resending it will not change that/,
        );
      }
    } finally {
      dynamo.restore();
    }
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
    const archived: string[] = [];
    for await (const summary of listRawMessages(`raw/${today}/`)) {
      archived.push(new TextDecoder().decode((await getRawMessage(summary.key)).bytes));
    }
    expect(archived).toContain(message);
  });
});
