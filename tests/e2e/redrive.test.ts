/**
 * Recovering from the on-failure queue on the local stack: an evaluation
 * that keeps failing (this patient's history cannot be read: every Query for
 * it is refused, injected, as a throttled or broken table would) ends, after the retries,
 * as Lambda's on-failure record on the queue (where the batch was, not its
 * records); once the fault is fixed, `npm run redrive` reads the batch back
 * from the stream, evaluates it through the evaluate workflow, pages once and
 * deletes the message; a dry run and a second run change nothing, and a
 * batch the stream no longer holds is said so and kept.
 */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redriveCommand } from '../../bin/cli/commands/redrive.js';
import { batchInfoOf, failedBatchQueue } from '../../bin/cli/failed-batches.js';
import { dynamoDocumentClient } from '../../lambdas/adapters/aws-clients.js';
import { captureIo } from '../cli/support.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { calciphylaxisDiagnosis, calciumResult, type Harness, newMrn, startHarness } from './harness.js';

let harness: Harness;
let queueUrl: string;

beforeAll(async () => {
  await useLocalServices();
  // A queue of this file's own: other suites' failures are not ours to redrive.
  const sqs = new SQSClient({});
  const created = await sqs.send(
    new CreateQueueCommand({ QueueName: `redrive-${randomUUID().slice(0, 8)}` }),
  );
  sqs.destroy();
  queueUrl = created.QueueUrl ?? '';
  harness = await startHarness({ environment: { FAILED_STREAM_RECORDS_QUEUE_URL: queueUrl } });
}, localServicesTimeoutMs);

afterAll(async () => {
  await harness?.stop();
});

async function redrive(...args: string[]) {
  const io = captureIo({ ...process.env, FAILED_STREAM_RECORDS_QUEUE_URL: queueUrl });
  const code = await redriveCommand(args, io);
  return { code, out: io.stdout };
}

const openedPages = (mrn: string) =>
  harness
    .notificationsFor(mrn)
    .filter((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW' && n.body.event === 'opened');

describe('npm run redrive', () => {
  it('evaluates a batch the evaluate function gave up on once the fault is fixed, paging once', async () => {
    const mrn = newMrn();
    expect((await harness.post(calciphylaxisDiagnosis(mrn))).status).toBe(200);
    // Let the diagnosis be evaluated before the fault: the calcium is the record that fails.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // The fault: every read of this patient's partition fails. (A failed publish is not one: after
    // its attempts the page is parked and alarmed, and the stream record completes.)
    const client = dynamoDocumentClient();
    const send = client.send.bind(client);
    const fault = vi.spyOn(client, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof QueryCommand && JSON.stringify(command.input).includes(mrn)) {
        return Promise.reject(Object.assign(new Error('injected'), { name: 'InternalServerError' }));
      }
      return send(command as QueryCommand);
    }) as typeof client.send);
    try {
      expect((await harness.post(calciumResult(mrn, '7.1'))).status).toBe(200);
      await harness.waitFor(() => harness.failures.length > 0, 20_000);
    } finally {
      fault.mockRestore();
    }

    // On the queue: where the batch was, as Lambda records it, not the records.
    const queue = failedBatchQueue(queueUrl);
    const [message] = await queue.receiveAll();
    expect(message).toBeDefined();
    await queue.release(message!);
    const info = batchInfoOf(message!.body);
    const failure = harness.failures[0]!;
    expect(info).toMatchObject({
      shardId: failure.shardId,
      streamArn: failure.streamArn,
      startSequenceNumber: failure.records[0]?.dynamodb?.SequenceNumber,
      endSequenceNumber: failure.records.at(-1)?.dynamodb?.SequenceNumber,
      batchSize: failure.records.length,
    });
    expect(message!.body).not.toContain(mrn);

    const dry = await redrive('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out[0]).toBe('1 failed batch(es) on the queue (dry run)');
    expect(dry.out.join('\n')).toMatch(/stream record\(s\), [1-9]\d* to evaluate[\s\S]*would be evaluated/);

    const run = await redrive();
    expect(run.code).toBe(0);
    expect(run.out.join('\n')).toMatch(/evaluated \(records\): 1 notification\(s\) published/);
    expect(run.out).toContain('  all evaluated: deleted from the queue');
    expect(run.out.at(-1)).toBe('redrive: 1 batch(es) evaluated and deleted, 0 kept');
    await harness.waitFor(() => openedPages(mrn).length > 0);

    const again = await redrive();
    expect(again.out[0]).toBe('0 failed batch(es) on the queue');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(openedPages(mrn)).toHaveLength(1);
  }, 60_000);

  it('keeps a batch the stream no longer holds, saying so', async () => {
    const queue = failedBatchQueue(queueUrl);
    const streamArn = String(harness.failures[0]?.streamArn);
    await queue.send({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 6 },
      timestamp: new Date().toISOString(),
      version: '1.0',
      DDBStreamBatchInfo: {
        shardId: 'shardId-00000000000000000000-gone0000',
        startSequenceNumber: '100000000000000000001',
        endSequenceNumber: '100000000000000000001',
        streamArn,
        batchSize: 1,
      },
    });
    const run = await redrive();
    expect(run.code).toBe(1);
    expect(run.out.join('\n')).toMatch(/cannot be read back: no longer in the stream/);
    expect(run.out).toContain('  kept on the queue');
    const kept = await queue.receiveAll();
    expect(kept).toHaveLength(1);
    await queue.delete(kept[0]!);
  });
});
