/** Starting DynamoDB Local: a clear message when Java is missing, and provisioning that is safe to repeat. */
import { describe, expect, it } from 'vitest';
import { checkJava, javaMajorVersion } from '../../bin/local/dynamodb-local.js';
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
