/**
 * Most of a dialysis unit's feed is about patients outside the calciphylaxis
 * cohort, whose records can raise no alert. The ingest transaction learns, in
 * the same atomic write, whether the patient was outside the cohort (a
 * condition on the profile's cohort index, or the clinical state it writes)
 * and marks such records, so the evaluation filter drops them: they cost no
 * evaluation at all (in AWS, no invocation). A patient who enters the cohort
 * later is evaluated whole on entry, so nothing marked is ever missed.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileFilter } from '../../bin/local/stream-filter.js';
import { acceptMessage } from '../../lambdas/adapters/store.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { ClinicalRecord, PatientRef, StoredRecord } from '../../lambdas/domain/records.js';
import { applyRecords, type ClinicalState } from '../../lambdas/patient/clinical-state.js';
import { evaluationTriggerFilterPattern, patientPk } from '../../lambdas/table/layout.js';
import type { AcceptMessageInput } from '../../lambdas/workflows/ports.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import {
  calciphylaxisDiagnosis,
  calciumObservation,
  storableMessage,
  syntheticPatient,
  warfarinOrder,
} from '../support/synthetic-records.js';

const config = parseRulesConfig({ timeZone: 'America/Chicago' });
const evaluationFilter = compileFilter(evaluationTriggerFilterPattern);

beforeAll(async () => {
  await useLocalServices();
}, localServicesTimeoutMs);

/** As ingest sends a message whose records change the clinical state (orders, diagnoses). */
function stateChangingMessage(patient: PatientRef, records: ClinicalRecord[]): AcceptMessageInput {
  return {
    ...storableMessage(patient, records),
    updateClinicalState: (current: ClinicalState, stored: readonly StoredRecord[]) =>
      applyRecords(current, stored, config),
  };
}

/** Stores the message and tells, for each of its records, whether its stream record would start an evaluation. */
async function evaluatedRecords(message: AcceptMessageInput): Promise<boolean[]> {
  const result = await acceptMessage(message);
  if (result.outcome !== 'stored') throw new Error(`not stored: ${result.outcome}`);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const passes: boolean[] = [];
  for (const { recordId } of result.storedRecords) {
    const { Item } = await client.send(
      new GetCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: patientPk(message.patient), sk: recordId },
      }),
    );
    const record = {
      eventName: 'INSERT',
      dynamodb: { NewImage: marshall(Item ?? {}, { removeUndefinedValues: true }) },
    } as DynamoDBRecord;
    passes.push(evaluationFilter(record));
  }
  return passes;
}

describe('records of patients outside the cohort start no evaluation', () => {
  it('a result of a patient never in the cohort is dropped by the evaluation filter', async () => {
    const patient = syntheticPatient();
    expect(
      await evaluatedRecords(storableMessage(patient, [calciumObservation({ calciumMgDl: 7.1 })])),
    ).toEqual([false]);
  });

  it('an order of a patient outside the cohort is dropped; the order still changes the clinical state', async () => {
    const patient = syntheticPatient();
    expect(await evaluatedRecords(stateChangingMessage(patient, [warfarinOrder()]))).toEqual([false]);
  });

  it('the diagnosis that brings a patient into the cohort is evaluated, and so is every record after it', async () => {
    const patient = syntheticPatient();
    expect(await evaluatedRecords(stateChangingMessage(patient, [calciphylaxisDiagnosis()]))).toEqual([true]);
    expect(
      await evaluatedRecords(storableMessage(patient, [calciumObservation({ calciumMgDl: 7.1 })])),
    ).toEqual([true]);
    expect(await evaluatedRecords(stateChangingMessage(patient, [warfarinOrder()]))).toEqual([true]);
  });
});
