/** Starting DynamoDB Local: a clear message when Java is missing, and provisioning that is safe to repeat. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { checkJava, javaMajorVersion, startDynamoDbLocal } from '../../bin/local/dynamodb-local.js';
import { provisionLocalResources } from '../../bin/local/provision.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';

describe('Java for DynamoDB Local', () => {
  it.each([
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['java version "1.8.0_292"', 8],
    ['no version here', undefined],
  ])('reads %j as Java %s', (output, major) => {
    expect(javaMajorVersion(output)).toBe(major);
  });

  it('names Java 17 and how to install it when java is not found', () => {
    expect(() => checkJava('/nonexistent/bin/java')).toThrow(
      /not found.*Java 17 or newer.*openjdk-17-jre-headless/s,
    );
  });
});

describe('provisionLocalResources', () => {
  it(
    'is safe to run again on provisioned services (same stream, topics and bucket)',
    async () => {
      const services = await useLocalServices();

      const again = await provisionLocalResources({
        tableName: services.environment.TABLE_NAME ?? '',
        bucket: services.environment.ARCHIVE_BUCKET ?? '',
        topicNames: Object.keys(services.topicArns),
      });

      expect(again.streamArn).toBe(services.streamArn);
      expect(again.topicArns).toEqual(services.topicArns);
    },
    localServicesTimeoutMs,
  );
});

describe('DynamoDB Local with data kept on disk (npm start without --in-memory)', () => {
  it(
    'keeps its data in a folder given relative to the working directory, across a restart',
    async () => {
      const folder = relative(process.cwd(), mkdtempSync(join(tmpdir(), 'dynamodb-data-')));
      try {
        const first = await startDynamoDbLocal({ inMemory: false, dataDir: folder });
        const client = new DynamoDBClient({
          endpoint: first.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        });
        await client.send(
          new CreateTableCommand({
            TableName: 'kept',
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          }),
        );
        await first.stop();
        expect(readdirSync(folder).some((file) => file.endsWith('.db'))).toBe(true);

        const second = await startDynamoDbLocal({ inMemory: false, dataDir: folder });
        const tables = await new DynamoDBClient({
          endpoint: second.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }).send(new ListTablesCommand({}));
        await second.stop();
        expect(tables.TableNames).toContain('kept');
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
    localServicesTimeoutMs,
  );
});
