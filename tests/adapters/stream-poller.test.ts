/**
 * The local event source mapping against DynamoDB Local's real stream: the
 * evaluate handler must get exactly what Lambda would give it (INSERTs of
 * observations, medication orders, diagnoses and enrolments, in Lambda's
 * record shape) and the same partial-failure behaviour.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type RunningStreamPoller,
  type StreamDeliveryFailure,
  startStreamPoller,
} from '../../bin/local/stream-poller.js';
import {
  acceptMessage,
  applyAlertChanges,
  setCohortMembership,
  triggeringItemFromImage,
} from '../../lambdas/adapters/store.js';
import type { ClinicalRecord, PatientRef } from '../../lambdas/domain/records.js';
import { applyEnrolment } from '../../lambdas/patient/clinical-state.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { markNotificationSent } from '../support/sent-marks.js';
import { patientListedInCohort } from '../support/stored-patients.js';
import {
  calciphylaxisDiagnosis,
  calciumObservation,
  messageIdentity,
  openAlert,
  uniqueControlId,
  warfarinOrder,
} from '../support/synthetic-records.js';

const retryAttempts = 2;
/** Test-specific reactions by the observation's raw value; records of other tests' patients just succeed. */
const failItem = '13.0';
const throwBatch = '14.0';

let poller: RunningStreamPoller;
let streamArn: string;
const deliveries: { at: number; record: DynamoDBRecord }[] = [];
const failures: { at: number; failure: StreamDeliveryFailure }[] = [];

function rawValueOf(record: DynamoDBRecord): string | undefined {
  const stored = triggeringItemFromImage(record.dynamodb?.NewImage ?? {});
  return stored?.kind === 'record' && stored.stored.record.kind === 'observation'
    ? stored.stored.record.rawValue
    : undefined;
}

async function invoke(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const at = performance.now();
  for (const record of event.Records) deliveries.push({ at, record });
  if (event.Records.some((record) => rawValueOf(record) === throwBatch)) {
    throw new Error('handler crashed');
  }
  return {
    batchItemFailures: event.Records.filter((record) => rawValueOf(record) === failItem).map((record) => ({
      itemIdentifier: record.dynamodb?.SequenceNumber ?? '',
    })),
  };
}

function deliveredFor(patient: PatientRef): DynamoDBRecord[] {
  return deliveries
    .map((delivery) => delivery.record)
    .filter((record) => record.dynamodb?.Keys?.pk?.S === `PATIENT#${patient.namespace}#${patient.mrn}`);
}

/** Stores one message and returns the record ids (sort keys) of its records. */
async function storeMessage(patient: PatientRef, records: ClinicalRecord[]): Promise<string[]> {
  const controlId = uniqueControlId();
  const result = await acceptMessage({
    ...messageIdentity(),
    facility: 'DIALYSIS_EAST',
    controlId,
    receivedAt: new Date().toISOString(),
    archiveKey: 'raw/x.hl7',
    patient,
    records: records.map((record) => ({ ...record, source: { ...record.source, controlId } })),
  });
  return result.outcome === 'stored' ? result.storedRecords.map((stored) => stored.recordId) : [];
}

beforeAll(async () => {
  const services = await useLocalServices();
  streamArn = services.streamArn;
  poller = await startStreamPoller({
    tableName: process.env.TABLE_NAME ?? '',
    startingPosition: 'LATEST',
    batchSize: 10,
    pollIntervalMs: 10,
    retryAttempts,
    retryDelayMs: 20,
    invoke,
    onError: (failure) => {
      failures.push({ at: performance.now(), failure });
    },
  });
}, localServicesTimeoutMs);

afterAll(async () => {
  await poller?.stop();
});

describe('startStreamPoller', () => {
  it('delivers INSERTs of observations, medication orders, diagnoses and enrolments only, in Lambda’s shape', async () => {
    const patient = await patientListedInCohort();
    const before = Math.floor(Date.now() / 1000);
    const [observationSk] = await storeMessage(patient, [
      calciumObservation(),
      warfarinOrder(),
      calciphylaxisDiagnosis(),
    ]);
    await setCohortMembership(
      patient.namespace,
      patient.mrn,
      {
        action: 'enrol',
        by: 'admin-7',
        at: new Date().toISOString(),
      },
      applyEnrolment,
    );
    const alert = openAlert(patient);
    await applyAlertChanges({
      changes: [{ kind: 'create', alert }],
      audit: [
        {
          alertId: alert.alertId,
          at: alert.openedAt,
          from: 'none',
          to: 'open',
          reason: 'first notification',
          by: 'rules',
        },
      ],
    });
    await markNotificationSent(`${alert.alertId}#opened`, patient);
    // A MODIFY and a REMOVE of a triggering item must not start an evaluation.
    const raw = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const pk = `PATIENT#${patient.namespace}#${patient.mrn}`;
    const sk = observationSk;
    await raw.send(
      new UpdateCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk, sk },
        UpdateExpression: 'SET receivedAt = :now',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
    await raw.send(new DeleteCommand({ TableName: process.env.TABLE_NAME, Key: { pk, sk } }));
    // Written last: once it arrives, everything written before it has been read (one ordered shard).
    const sentinel = await patientListedInCohort();
    await storeMessage(sentinel, [calciumObservation()]);
    await vi.waitFor(() => expect(deliveredFor(sentinel)).toHaveLength(1), { timeout: 5_000 });

    const delivered = deliveredFor(patient);
    expect(
      delivered.map((record) => `${record.eventName} ${record.dynamodb?.NewImage?.itemType?.S}`),
    ).toEqual(['INSERT observation', 'INSERT medicationOrder', 'INSERT diagnosis', 'INSERT cohortEnrolment']);
    const [first] = delivered;
    expect(first).toMatchObject({
      eventSource: 'aws:dynamodb',
      eventVersion: '1.1',
      awsRegion: 'us-east-1',
      eventSourceARN: streamArn,
      dynamodb: { StreamViewType: 'NEW_AND_OLD_IMAGES', Keys: { pk: { S: pk } } },
    });
    expect(first?.eventID).toEqual(expect.any(String));
    expect(first?.dynamodb?.SequenceNumber).toEqual(expect.any(String));
    // Epoch seconds, as Lambda sends them; DynamoDB rounds them down to the minute.
    expect(first?.dynamodb?.ApproximateCreationDateTime).toBeGreaterThanOrEqual(before - 60);
    expect(first?.dynamodb?.ApproximateCreationDateTime).toBeLessThan(before + 60);
    expect(triggeringItemFromImage(first?.dynamodb?.NewImage ?? {})).toMatchObject({
      kind: 'record',
      patient: { namespace: patient.namespace, mrn: patient.mrn },
      stored: { recordId: first?.dynamodb?.Keys?.sk?.S, record: { kind: 'observation', rawValue: '7.2' } },
    });
  });

  it('re-delivers from the failed record, then hands it to onError after the retries and goes on', async () => {
    const patient = await patientListedInCohort();
    await storeMessage(patient, [
      calciumObservation({ calciumMgDl: 8.9, setId: '1' }),
      calciumObservation({ rawValue: failItem, setId: '2' }),
      calciumObservation({ calciumMgDl: 9.4, setId: '3' }),
    ]);

    const failure = await vi.waitFor(
      () => {
        const found = failures.find((entry) =>
          entry.failure.records.some((record) => rawValueOf(record) === failItem),
        );
        expect(found).toBeDefined();
        return found;
      },
      { timeout: 5_000 },
    );
    await vi.waitFor(() =>
      expect(deliveries.some((d) => rawValueOf(d.record) === '9.4' && d.at > (failure?.at ?? Infinity))).toBe(
        true,
      ),
    );

    const timesDelivered = (rawValue: string) =>
      deliveredFor(patient).filter((record) => rawValueOf(record) === rawValue).length;
    expect(failure?.failure).toMatchObject({
      reason: 'batchItemFailure',
      attempts: retryAttempts + 1,
      streamArn,
    });
    expect(failure?.failure.records).toHaveLength(1);
    expect(timesDelivered(failItem)).toBe(retryAttempts + 1);
    // Before the failure: checkpointed, never re-delivered.
    expect(timesDelivered('8.9')).toBe(1);
  });

  it('retries a batch whose invocation throws, then hands the batch to onError', async () => {
    const patient = await patientListedInCohort();
    await storeMessage(patient, [calciumObservation({ rawValue: throwBatch })]);

    const failure = await vi.waitFor(
      () => {
        const found = failures.find((entry) =>
          entry.failure.records.some((record) => rawValueOf(record) === throwBatch),
        );
        expect(found).toBeDefined();
        return found?.failure;
      },
      { timeout: 5_000 },
    );

    expect(failure).toMatchObject({ reason: 'invokeError', attempts: retryAttempts + 1 });
    expect(failure?.error).toEqual(new Error('handler crashed'));
    expect(deliveredFor(patient)).toHaveLength(retryAttempts + 1);
  });
});

describe('startStreamPoller without a table', () => {
  it('refuses to start on a table that does not exist', async () => {
    await expect(
      startStreamPoller({
        tableName: `missing-${randomUUID()}`,
        invoke: async () => undefined,
        onError: () => {},
      }),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});
