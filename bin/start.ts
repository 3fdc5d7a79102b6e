/**
 * `npm start`: the whole pipeline on this machine. DynamoDB Local and the
 * SNS/SQS/S3 emulator, the table, topics and bucket, POST /hl7 and the admin
 * routes on 127.0.0.1:4080, HL7 over MLLP on 127.0.0.1:2575 (MLLP_PORT), the
 * stream driving evaluation, the sweep every minute, and one line per
 * notification as it is published. Ctrl-C stops everything it started.
 *
 *   npm start                      data kept in .local/dynamodb (the stream's position in
 *                                  .local/stream-checkpoints.json)
 *   npm start -- --in-memory       start clean, keep nothing
 *   npm start -- --hospital=<id>   rules settings from config/hospitals/<id>.json
 */
import { parseArgs } from 'node:util';
import { readableLocation } from '../lambdas/alerts/text.js';
import { type ReceivedNotification, startNotificationMonitor } from './local/notification-monitor.js';
import { startLocalServices } from './local/services.js';
import { startLocalStack } from './local/stack.js';

const { values } = parseArgs({
  options: {
    'in-memory': { type: 'boolean', default: false },
    hospital: { type: 'string', default: 'example' },
    'sweep-seconds': { type: 'string', default: '60' },
  },
});

function describe(notification: ReceivedNotification): string {
  const { body } = notification;
  const patient = (body.patient ?? {}) as { facility?: string; mrn?: string; location?: string | null };
  const location = readableLocation(patient.location ?? undefined, patient.facility);
  const where = [patient.facility, patient.mrn, location && `loc ${location}`].filter(Boolean).join(' ');
  const ackUrl = typeof body.ackUrl === 'string' ? `  ack: ${body.ackUrl}` : '';
  return (
    `${notification.receivedAt.toISOString()} [${notification.topic}] ${String(body.event)} ` +
    `${String(body.severity)} ${String(body.ruleId)} ${where}\n    ${String(body.finding)}  (alert ${String(body.alertId)})${ackUrl}`
  );
}

async function main(): Promise<void> {
  // Lambda runs Node.js 22; this machine's Node 20 is fine for local use, so the SDK need not say so.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.stdout.write('Starting DynamoDB Local and the SNS/SQS/S3 emulator...\n');
  const services = await startLocalServices({
    dynamoDb: values['in-memory'] ? { inMemory: true } : { inMemory: false, dataDir: '.local/dynamodb' },
  });
  const stack = await startLocalStack({
    environment: services.environment,
    hospitalId: values.hospital,
    sweepIntervalMs: Number(values['sweep-seconds']) * 1000,
    // With the data kept, evaluation resumes where it stopped instead of reading the whole stream again.
    ...(values['in-memory'] ? {} : { checkpointFile: '.local/stream-checkpoints.json' }),
    onFailure: (failure) =>
      process.stderr.write(
        `evaluation failed after retries (${failure.reason}): ${failure.records.length} record(s)\n`,
      ),
    onSweepError: (error) =>
      process.stderr.write(`sweep: ${error instanceof Error ? error.message : String(error)}\n`),
  });
  const monitor = await startNotificationMonitor({
    awsEndpoint: services.awsEndpoint,
    topicArns: Object.values(services.resources.topicArns),
    onNotification: (notification) => process.stdout.write(`${describe(notification)}\n`),
  });

  process.stdout.write(
    [
      '',
      'Calciphylaxis alerting is running locally.',
      `  HL7 ingest      POST ${stack.ingestUrl}`,
      `  HL7 over MLLP   ${stack.mllp.host}:${stack.mllp.port} (VT message FS CR, ACK on the same connection)`,
      `  admin API       GET ${stack.apiUrl}/alerts, POST ${stack.apiUrl}/alerts/{id}/ack,`,
      `                  POST ${stack.apiUrl}/patients/{facility}/{mrn}/cohort, GET ${stack.apiUrl}/reports/timeliness,`,
      `                  GET ${stack.apiUrl}/alerts/{id}, GET ${stack.apiUrl}/patients/{facility}/{mrn}/timeline, GET ${stack.apiUrl}/cohort`,
      `  console         ${stack.apiUrl}/console (local stack: no sign-in)`,
      `  ack links       ${stack.apiUrl}/a/{token} (open the link printed with a critical page)`,
      `  DynamoDB        ${services.dynamoDbEndpoint} (table ${services.environment.TABLE_NAME})`,
      `  SNS/SQS/S3      ${services.awsEndpoint}`,
      `  data            ${values['in-memory'] ? 'in memory' : '.local/dynamodb'}`,
      '',
      'Send the sample story from another terminal: npm run demo',
      'Notifications appear below as they are published. Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping...\n');
    await monitor.stop();
    await stack.stop();
    await services.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
