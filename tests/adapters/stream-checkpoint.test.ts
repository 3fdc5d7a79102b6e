/**
 * The local stream poller keeps its position like Lambda's event source
 * mapping: restarted on the same stream with the same checkpoint file, it
 * delivers what arrived while it was stopped and nothing it already handled.
 * Against DynamoDB Local's real stream.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fileCheckpoints } from '../../bin/local/stream-checkpoints.js';
import { type RunningStreamPoller, startStreamPoller } from '../../bin/local/stream-poller.js';
import { acceptMessage } from '../../lambdas/adapters/store.js';
import type { PatientRef } from '../../lambdas/domain/records.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { patientListedInCohort } from '../support/stored-patients.js';
import { calciumObservation, messageIdentity, uniqueControlId } from '../support/synthetic-records.js';

let folder: string;

beforeAll(async () => {
  await useLocalServices();
  folder = await mkdtemp(join(tmpdir(), 'stream-checkpoint-'));
}, localServicesTimeoutMs);

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function storeCalcium(patient: PatientRef, calciumMgDl: number): Promise<void> {
  const controlId = uniqueControlId();
  await acceptMessage({
    ...messageIdentity(),
    facility: 'DIALYSIS_EAST',
    controlId,
    receivedAt: new Date().toISOString(),
    archiveKey: 'raw/x.hl7',
    patient,
    records: [calciumObservation({ calciumMgDl, controlId })],
  });
}

/** A poller on the test table recording the raw values it delivers for `patient`. */
async function poller(
  patient: PatientRef,
  checkpointFile: string,
  startingPosition: 'LATEST' | 'TRIM_HORIZON',
): Promise<{ running: RunningStreamPoller; delivered: string[] }> {
  const delivered: string[] = [];
  const pk = `PATIENT#${patient.namespace}#${patient.mrn}`;
  const running = await startStreamPoller({
    tableName: process.env.TABLE_NAME ?? '',
    startingPosition,
    pollIntervalMs: 10,
    checkpoints: fileCheckpoints(checkpointFile),
    async invoke(event: DynamoDBStreamEvent) {
      for (const record of event.Records) {
        if (record.dynamodb?.Keys?.pk?.S !== pk) continue;
        const stored = JSON.parse(record.dynamodb.NewImage?.record?.S ?? '{}') as { rawValue?: string };
        delivered.push(String(stored.rawValue));
      }
      return { batchItemFailures: [] };
    },
    onError: () => undefined,
  });
  return { running, delivered };
}

describe('the local stream poller across a restart', () => {
  it('resumes after the last handled record: what was handled is not delivered again, what came meanwhile is', async () => {
    const patient = await patientListedInCohort();
    const checkpointFile = join(folder, 'checkpoints.json');

    const first = await poller(patient, checkpointFile, 'LATEST');
    await storeCalcium(patient, 7.1);
    await vi.waitFor(() => expect(first.delivered).toEqual(['7.1']), { timeout: 5_000 });
    await first.running.stop();
    expect(JSON.parse(await readFile(checkpointFile, 'utf8'))).toMatchObject({
      streamArn: first.running.streamArn,
    });

    await storeCalcium(patient, 9.2);
    // From the beginning of the stream but for the checkpoint: without it, 7.1 would come again.
    const second = await poller(patient, checkpointFile, 'TRIM_HORIZON');
    try {
      await storeCalcium(patient, 8.8);
      await vi.waitFor(() => expect(second.delivered).toEqual(['9.2', '8.8']), { timeout: 5_000 });
    } finally {
      await second.running.stop();
    }
  });

  it('starts by its starting position when the file was written for another stream', async () => {
    const patient = await patientListedInCohort();
    const checkpointFile = join(folder, 'other-stream.json');
    const other = fileCheckpoints(checkpointFile);
    await other.save('arn:aws:dynamodb:us-east-1:000000000000:table/gone/stream/x', 'shardId-1', {
      done: true,
    });

    const started = await poller(patient, checkpointFile, 'LATEST');
    try {
      await storeCalcium(patient, 7.3);
      await vi.waitFor(() => expect(started.delivered).toEqual(['7.3']), { timeout: 5_000 });
    } finally {
      await started.running.stop();
    }
  });
});
