/**
 * Patients set up in the store as the pipeline would leave them, for workflow tests on the run's
 * DynamoDB Local.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { acceptMessage, setCohortMembership, type TriggeringItem } from '../../lambdas/adapters/store.js';
import type { PatientRef } from '../../lambdas/domain/records.js';
import { applyEnrolment } from '../../lambdas/patient/clinical-state.js';
import { cohortIndex, patientPk, profileSk } from '../../lambdas/table/layout.js';
import { calciumObservation, storableMessage, syntheticPatient } from './synthetic-records.js';

/**
 * A new patient of `namespace`, enrolled an hour before `at`, whose calcium result of
 * `calciumMgDl` was stored at `at` and not yet evaluated: the stream's items for it.
 */
export async function enrolledPatientWithCalcium(
  namespace: string,
  calciumMgDl: number,
  at: Date,
): Promise<{ patient: PatientRef; items: Extract<TriggeringItem, { kind: 'record' }>[] }> {
  const patient = syntheticPatient({ namespace });
  await setCohortMembership(
    patient.namespace,
    patient.mrn,
    { action: 'enrol', by: 'admin-7', at: new Date(at.getTime() - 3_600_000).toISOString() },
    applyEnrolment,
  );
  const accepted = await acceptMessage(
    storableMessage(
      patient,
      [calciumObservation({ calciumMgDl, observedAt: at.toISOString() })],
      at.toISOString(),
    ),
  );
  if (accepted.outcome !== 'stored') throw new Error('calcium not stored');
  const key = { namespace: patient.namespace, mrn: patient.mrn };
  return {
    patient,
    items: accepted.storedRecords.map((stored) => ({ kind: 'record', patient: key, stored })),
  };
}

/**
 * A new patient whose profile already lists them in the cohort (as the cohort index holds it), with
 * no enrolment record: their records start evaluations, and no enrolment item joins the stream.
 */
export async function patientListedInCohort(): Promise<PatientRef> {
  const patient = syntheticPatient();
  await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: patientPk(patient), sk: profileSk },
      UpdateExpression: 'SET itemType = :patient, #member = :member, #memberSort = :pk',
      ExpressionAttributeNames: { '#member': cohortIndex.partitionKey, '#memberSort': cohortIndex.sortKey },
      ExpressionAttributeValues: {
        ':patient': 'patient',
        ':member': cohortIndex.memberValue,
        ':pk': patientPk(patient),
      },
    }),
  );
  return patient;
}
