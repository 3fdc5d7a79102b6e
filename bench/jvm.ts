/**
 * `npm run bench -- jvm [--seconds N] [--rounds N]`: the trade-off of DynamoDB
 * Local's JVM options. The local stack starts it with C1 only and the serial
 * collector (fast start); the full JIT (C2, and the default G1 collector)
 * should pay off in a long steady state. Each variant is started fresh (time
 * to the first answer), warmed up, then driven by 8 concurrent writers with
 * the pipeline's request shapes (a 3-item conditional transaction and a
 * partition Query); the figure that matters on a shared 2-core machine is the
 * JVM's CPU time per request (from /proc), which other load barely changes.
 * Variants alternate for `--rounds` rounds, so a burst of load elsewhere does
 * not favour one.
 */
import { parseArgs } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { fastStartJavaOptions, startDynamoDbLocal } from '../bin/local/dynamodb-local.js';
import { cpuSnapshot, dynamoDbLocalPid } from './process-cpu.js';

const variants: { name: string; javaOptions: readonly string[] }[] = [
  { name: 'fast start: C1 only, serial GC (the stack’s)', javaOptions: fastStartJavaOptions },
  { name: 'full JIT, serial GC', javaOptions: ['-XX:+UseSerialGC'] },
  { name: 'full JIT, default GC (G1)', javaOptions: [] },
];

const tableName = 'bench-jvm';

/** User plus system CPU seconds of the DynamoDB Local JVM listening on `port`. */
const jvmCpuSeconds = (port: number): number => cpuSnapshot(dynamoDbLocalPid(port)).totalSeconds;

interface Figures {
  startMs: number;
  requestsPerSecond: number;
  cpuMsPerRequest: number;
}

async function measure(javaOptions: readonly string[], seconds: number): Promise<Figures> {
  const started = performance.now();
  const dynamoDb = await startDynamoDbLocal({ port: 0, javaOptions });
  const startMs = performance.now() - started;
  try {
    const client = new DynamoDBClient({
      endpoint: dynamoDb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const documents = DynamoDBDocumentClient.from(client);
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    let requests = 0;
    let sequence = 0;
    // As ingest stores a result (message slot, profile, record) and evaluation reads the patient.
    const storeAndRead = async (index: number) => {
      const pk = `PATIENT#${index % 5000}`;
      await documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { pk: `MSG#${index}`, sk: 'MSG', padding: 'm'.repeat(200) },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: tableName,
                Key: { pk, sk: 'STATE#PROFILE' },
                UpdateExpression: 'SET updatedAt = :at',
                ExpressionAttributeValues: { ':at': index },
              },
            },
            { Put: { TableName: tableName, Item: { pk, sk: `OBS#${index}`, padding: 'o'.repeat(400) } } },
          ],
        }),
      );
      await documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': 'OBS#' },
          Limit: 50,
        }),
      );
      requests += 2;
    };
    const drive = async (ms: number) => {
      const until = performance.now() + ms;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (performance.now() < until) await storeAndRead(sequence++);
        }),
      );
    };
    await drive(seconds * 500); // warm-up: half the measured time
    const cpuBefore = jvmCpuSeconds(dynamoDb.port);
    const requestsBefore = requests;
    const measuredFrom = performance.now();
    await drive(seconds * 1000);
    const elapsedSeconds = (performance.now() - measuredFrom) / 1000;
    const measured = requests - requestsBefore;
    const cpuSeconds = jvmCpuSeconds(dynamoDb.port) - cpuBefore;
    client.destroy();
    return {
      startMs,
      requestsPerSecond: measured / elapsedSeconds,
      cpuMsPerRequest: (cpuSeconds * 1000) / measured,
    };
  } finally {
    await dynamoDb.stop();
  }
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { seconds: { type: 'string', default: '20' }, rounds: { type: 'string', default: '2' } },
    strict: false,
  });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  const results = new Map<string, Figures[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      results.get(variant.name)?.push(await measure(variant.javaOptions, seconds));
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  console.log(
    `\nDynamoDB Local JVM options (${rounds} rounds, ${seconds} s measured after ${seconds / 2} s warm-up, 8 writers)`,
  );
  console.table(
    variants.map((variant) => {
      const figures = results.get(variant.name) ?? [];
      return {
        'JVM options': variant.name,
        'start (ms)': median(figures.map((f) => f.startMs)).toFixed(0),
        'requests/s': median(figures.map((f) => f.requestsPerSecond)).toFixed(0),
        'JVM CPU per request (ms)': median(figures.map((f) => f.cpuMsPerRequest)).toFixed(2),
      };
    }),
  );
}
