/**
 * Faults the ingest and notify paths must turn into "retry later" (HL7 AE,
 * a retried page) rather than a rejection: nothing listening on the service
 * endpoints, and a transaction DynamoDB cancels for a concurrent write.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bin/local/free-port.js';
import { ArchiveError, archiveRawMessage } from '../../lambdas/adapters/archive.js';
import { PublishError, publishNotification } from '../../lambdas/adapters/publisher.js';
import {
  acceptMessage,
  StoreRequestRejectedError,
  StoreUnavailableError,
} from '../../lambdas/adapters/store.js';
import { calciumObservation, messageIdentity, syntheticPatient } from '../support/synthetic-records.js';

beforeAll(async () => {
  // A port nobody listens on: connection refused, as when DynamoDB or SNS is unreachable.
  const closed = `http://127.0.0.1:${await freePort()}`;
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: closed,
    AWS_ENDPOINT_URL_SNS: closed,
    AWS_ENDPOINT_URL_S3: closed,
    TABLE_NAME: 'calciphylaxis-alerting',
    ARCHIVE_BUCKET: 'calciphylaxis-raw-messages',
  });
});

const input = () => ({
  ...messageIdentity(),
  facility: 'DIALYSIS_EAST',
  controlId: 'CTL-FAULT-1',
  receivedAt: '2026-07-27T00:00:05.000Z',
  archiveKey: 'raw/2026/07/27/x.hl7',
  patient: syntheticPatient(),
  records: [calciumObservation({ controlId: 'CTL-FAULT-1' })],
});

describe('DynamoDB unreachable', () => {
  it('fails acceptMessage with a retryable StoreUnavailableError naming the cause', async () => {
    const failure = acceptMessage(input());

    await expect(failure).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(failure).rejects.toMatchObject({
      retryable: true,
      operation: 'acceptMessage',
      awsError: 'ECONNREFUSED',
    });
  });
});

describe('DynamoDB cancels the transaction', () => {
  // A cancellation reason a real single writer cannot provoke on demand: mocked.
  let mocked: { restore(): void } | undefined;
  afterEach(() => mocked?.restore());

  function cancelTransactionsWith(codes: string[]) {
    const dynamo = mockClient(DynamoDBDocumentClient);
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: codes.map((Code) => ({ Code })),
      }),
    );
    mocked = dynamo;
  }

  it('treats a conflict with a concurrent write of the same items as retryable', async () => {
    cancelTransactionsWith(['None', 'TransactionConflict', 'None']);

    await expect(acceptMessage(input())).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('treats a validation failure as a rejection that retrying cannot fix', async () => {
    cancelTransactionsWith(['None', 'ValidationError', 'None']);

    const failure = acceptMessage(input());

    await expect(failure).rejects.toBeInstanceOf(StoreRequestRejectedError);
    await expect(failure).rejects.toMatchObject({ retryable: false });
  });
});

describe('SNS and S3 unreachable', () => {
  it('fails a publish with a retryable PublishError', async () => {
    const failure = publishNotification({
      topicArn: 'arn:aws:sns:us-east-1:000000000000:calciphylaxis-pages',
      rendered: {
        subject: 's',
        message: { default: 'd', sms: 's', email: 'e' },
        attributes: { severity: 'critical', ruleId: 'CALCIUM_CRITICAL_LOW', facility: 'F', event: 'opened' },
      },
    });

    await expect(failure).rejects.toBeInstanceOf(PublishError);
    await expect(failure).rejects.toMatchObject({ retryable: true });
  });

  it('fails an archive write with a retryable ArchiveError', async () => {
    const failure = archiveRawMessage({
      bytes: new TextEncoder().encode('MSH|^~\\&|LAB'),
      receivedAt: '2026-07-27T00:00:05.000Z',
      outcome: 'received',
    });

    await expect(failure).rejects.toBeInstanceOf(ArchiveError);
    await expect(failure).rejects.toMatchObject({ retryable: true });
  });
});
