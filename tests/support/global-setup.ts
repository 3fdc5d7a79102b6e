/**
 * Vitest global setup: one DynamoDB Local and one SNS/SQS/S3 emulator per
 * test run, started only if a test file asks for them (so a run of pure unit
 * tests costs nothing), provisioned once, stopped after the run.
 *
 * Test files run in worker processes; they ask this process through a small
 * HTTP endpoint on 127.0.0.1 (see local-services.ts), which starts the
 * services on first request and answers every later one with the same
 * endpoints. One table for the whole run: tests isolate themselves by key
 * (a fresh patient per test), never by table.
 */
import { createServer, type Server } from 'node:http';
import type { TestProject } from 'vitest/node';
import type { LocalServices } from '../../bin/local/services.js';

export interface LocalServicesDescription {
  environment: Record<string, string>;
  streamArn: string;
  topicArns: Record<string, string>;
  awsEndpoint: string;
  dynamoDbEndpoint: string;
}

function describe(services: LocalServices): LocalServicesDescription {
  return {
    environment: services.environment,
    streamArn: services.resources.streamArn,
    topicArns: services.resources.topicArns,
    awsEndpoint: services.awsEndpoint,
    dynamoDbEndpoint: services.dynamoDbEndpoint,
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Lambda runs Node.js 22; the SDK's notice about this machine's Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let starting: Promise<LocalServices> | undefined;
  const server: Server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/services') {
      response.writeHead(404).end();
      return;
    }
    // Imported on first use: a run of unit tests does not even load the emulators.
    starting ??= import('../../bin/local/services.js').then(({ startLocalServices }) =>
      startLocalServices({ dynamoDbPort: 0, awsEmulatorPort: 0 }),
    );
    starting.then(
      (services) => {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(describe(services)));
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: message }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  project.provide('localServicesUrl', `http://127.0.0.1:${port}/services`);

  return async () => {
    server.close();
    if (starting !== undefined) {
      const services = await starting.catch(() => undefined);
      await services?.stop();
    }
  };
}
