/**
 * `npm run redrive [-- --dry-run]`: evaluate again the stream batches the
 * evaluate function gave up on. Each message of the on-failure queue says
 * where a batch was (shard, first and last sequence number); redrive reads
 * those records back from the table's stream, passes the ones the event
 * filter lets through to the same workflow the evaluate function runs, and
 * deletes the message only when every record in it was evaluated. Safe to
 * repeat: evaluation is idempotent (nothing pages twice).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import type { StreamImage } from '../../../lambdas/adapters/store.js';
import { rulesConfigFileVariable } from '../../../lambdas/config/rules-config-file.js';
import { evaluationTriggerFilterPattern } from '../../../lambdas/table/layout.js';
import { loadHospitalConfig, rulesConfigFor } from '../../../lib/config/hospital-config.js';
import { writeRulesConfigFile } from '../../../lib/config/rules-config-file.js';
import { compileFilter } from '../../local/stream-filter.js';
import { lambdaRecord } from '../../local/stream-records.js';
import { parseCommandLine } from '../args.js';
import { CliError } from '../errors.js';
import {
  batchInfoOf,
  type FailedBatchMessage,
  type FailedBatchQueue,
  failedBatchQueue,
  type StreamReader,
  streamReader,
} from '../failed-batches.js';
import type { CommandIo } from '../io.js';

export const redriveHelp = [
  'Usage: npm run redrive -- [--dry-run] [--queue-url URL] [--hospital ID]',
  '',
  'Evaluates again the stream batches the evaluate function gave up on (its on-failure queue, alarm',
  'FailedStreamRecords). For each queue message: reads the batch back from the table stream by',
  'sequence number, evaluates each triggering record through the same workflow as the evaluate',
  'function (idempotent: an alert already paged is not paged again), and deletes the message only',
  'when every record in it was evaluated. A batch no longer in the stream (kept 24 hours) is said',
  'so and left on the queue; see the README runbook for what to do then.',
  '',
  'Reads the queue and the stream and writes as the evaluate function does, with the AWS SDK:',
  'FAILED_STREAM_RECORDS_QUEUE_URL (or --queue-url), TABLE_NAME, PAGES_TOPIC_ARN, NOTICES_TOPIC_ARN,',
  'ESCALATIONS_TOPIC_ARN (and ESCALATION_TOPIC_ARNS for a longer chain), ACK_LINK_SECRET_ARN and',
  "ACK_LINK_BASE_URL as the function has them (the stack's outputs); region and credentials from the",
  'environment. For the local stack (`npm start`):',
  '  AWS_ENDPOINT_URL_SQS=http://127.0.0.1:4566 AWS_ENDPOINT_URL_SNS=http://127.0.0.1:4566 \\',
  '  AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 AWS_ENDPOINT_URL_DYNAMODB_STREAMS=http://127.0.0.1:8000 \\',
  '  AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local TABLE_NAME=calciphylaxis-alerting \\',
  '  FAILED_STREAM_RECORDS_QUEUE_URL=http://127.0.0.1:4566/000000000000/calciphylaxis-failed-stream-records \\',
  '  PAGES_TOPIC_ARN=... NOTICES_TOPIC_ARN=... ESCALATIONS_TOPIC_ARN=... npm run redrive -- --dry-run',
  '',
  '  --dry-run        list each failed batch and the records it holds; evaluate nothing, delete nothing',
  '  --queue-url URL  the on-failure queue (default FAILED_STREAM_RECORDS_QUEUE_URL)',
  '  --hospital ID    the rules of config/hospitals/ID.json (default example; RULES_CONFIG_FILE wins)',
  '  -h, --help       this text',
];

/** What one record's evaluation did (the evaluate workflow's summary, as far as redrive prints it). */
export interface RedriveEvaluation {
  trigger: string;
  published: number;
}

export interface RedriveSettings {
  queue?: FailedBatchQueue;
  stream?: StreamReader;
  /** Default: the evaluate workflow over the same ports as the evaluate function. */
  evaluate?: (record: DynamoDBRecord) => Promise<RedriveEvaluation | undefined>;
}

/** The evaluate function's workflow and ports, loaded once the rules file is known. */
async function evaluateFunctionWorkflow(
  hospitalId: string,
  env: CommandIo['env'],
): Promise<{ evaluate: NonNullable<RedriveSettings['evaluate']>; cleanUp(): void }> {
  let folder: string | undefined;
  if (env[rulesConfigFileVariable] === undefined) {
    folder = mkdtempSync(join(tmpdir(), 'calciphylaxis-redrive-rules-'));
    process.env[rulesConfigFileVariable] = writeRulesConfigFile(
      rulesConfigFor(loadHospitalConfig(hospitalId)),
      folder,
    );
  }
  const [{ evaluationPorts, workflowSettings }, { evaluateItem }, { triggeringItemFromImage }] =
    await Promise.all([
      import('../../../lambdas/handlers/ports.js'),
      import('../../../lambdas/workflows/evaluate.js'),
      import('../../../lambdas/adapters/store.js'),
    ]);
  const settings = workflowSettings();
  return {
    async evaluate(record) {
      // As the evaluate handler reads it: aws-lambda's image type is the stream image.
      const image = record.dynamodb?.NewImage as StreamImage | undefined;
      const item = image === undefined ? undefined : triggeringItemFromImage(image);
      if (item === undefined) return undefined;
      return evaluateItem(item, evaluationPorts, settings, () => new Date());
    },
    cleanUp: () => {
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    },
  };
}

const acceptsTrigger = compileFilter(evaluationTriggerFilterPattern);

export async function redriveCommand(
  args: string[],
  io: CommandIo,
  settings: RedriveSettings = {},
): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      'dry-run': { type: 'boolean', default: false },
      'queue-url': { type: 'string' },
      hospital: { type: 'string', default: 'example' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    for (const line of redriveHelp) io.out(line);
    return 0;
  }
  const dryRun = values['dry-run'];
  const queueUrl = values['queue-url'] ?? io.env.FAILED_STREAM_RECORDS_QUEUE_URL;
  if (settings.queue === undefined && (queueUrl === undefined || queueUrl === '')) {
    throw new CliError('FAILED_STREAM_RECORDS_QUEUE_URL is not set: name the on-failure queue (see --help)');
  }
  const queue = settings.queue ?? failedBatchQueue(String(queueUrl));
  const stream = settings.stream ?? streamReader();
  const region = io.env.AWS_REGION ?? 'us-east-1';

  let workflow: Awaited<ReturnType<typeof evaluateFunctionWorkflow>> | undefined;
  const evaluate = async (record: DynamoDBRecord) => {
    if (settings.evaluate !== undefined) return settings.evaluate(record);
    workflow ??= await evaluateFunctionWorkflow(values.hospital, io.env);
    return workflow.evaluate(record);
  };

  const messages = await queue.receiveAll();
  io.out(`${messages.length} failed batch(es) on the queue${dryRun ? ' (dry run)' : ''}`);
  const counts = { handled: 0, kept: 0 };
  try {
    for (const message of messages) {
      const handled = await redriveOne(message, { io, stream, evaluate, region, dryRun });
      if (handled && !dryRun) {
        await queue.delete(message);
        counts.handled++;
        io.out('  all evaluated: deleted from the queue');
      } else {
        // Visible again now: for the next run, or for whoever looks at the queue.
        await queue.release(message);
        if (!handled) {
          counts.kept++;
          io.out('  kept on the queue');
        }
      }
    }
  } finally {
    workflow?.cleanUp();
  }
  if (!dryRun) io.out(`redrive: ${counts.handled} batch(es) evaluated and deleted, ${counts.kept} kept`);
  else io.out(`dry run: ${counts.kept} batch(es) could not be read back; nothing evaluated or deleted`);
  return counts.kept > 0 ? 1 : 0;
}

interface RedriveContext {
  io: CommandIo;
  stream: StreamReader;
  evaluate: (record: DynamoDBRecord) => Promise<RedriveEvaluation | undefined>;
  region: string;
  dryRun: boolean;
}

/** True when every triggering record of the batch was evaluated (or, dry, could be read back). */
async function redriveOne(message: FailedBatchMessage, context: RedriveContext): Promise<boolean> {
  const { io } = context;
  const batch = batchInfoOf(message.body);
  if (batch === undefined) {
    io.out(`message ${message.messageId}: not a stream on-failure record`);
    return false;
  }
  io.out(
    `message ${message.messageId}: shard ${batch.shardId}, sequence ${batch.startSequenceNumber}..${batch.endSequenceNumber}`,
  );
  const read = await context.stream.recordsOf(batch);
  if (!read.found) {
    io.out(`  the batch cannot be read back: ${read.why}`);
    return false;
  }
  const triggers = read.records
    .map((record) => lambdaRecord(record, batch.streamArn, context.region))
    .filter((record) => acceptsTrigger(record));
  io.out(`  ${read.records.length} stream record(s), ${triggers.length} to evaluate`);
  let allEvaluated = true;
  for (const record of triggers) {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '?';
    if (context.dryRun) {
      io.out(`  ${sequenceNumber} ${record.eventName ?? ''} would be evaluated`);
      continue;
    }
    try {
      const summary = await context.evaluate(record);
      io.out(
        summary === undefined
          ? `  ${sequenceNumber} not a triggering item: nothing to do`
          : `  ${sequenceNumber} evaluated (${summary.trigger}): ${summary.published} notification(s) published`,
      );
    } catch (error: unknown) {
      allEvaluated = false;
      io.out(`  ${sequenceNumber} failed again: ${error instanceof Error ? error.name : 'unknown error'}`);
    }
  }
  return allEvaluated;
}
