/**
 * The durable clinical state item (STATE#CLINICAL): read before a change, and written in the same
 * transaction as the records or enrolment that change it, on condition that nobody wrote it since
 * the read (a version check). The caller computes the next state with the pure core; on a conflict
 * it reads again and recomputes, so two messages about one patient arriving together both count.
 */
import { GetCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CohortEnrolment, StoredRecord } from '../domain/records.js';
import { type ClinicalState, emptyClinicalState } from '../patient/clinical-state.js';
import type { CohortMembership } from '../patient/patient-state.js';
import {
  clinicalStateFromItem,
  clinicalStateItem,
  type Item,
  storedEnrolmentFromItem,
  storedRecordFromItem,
  type VersionedClinicalState,
} from '../table/items.js';
import {
  clinicalStateSk,
  cohortIndex,
  cohortViewIndex,
  type PatientKey,
  patientPk,
  profileSk,
  sortKeyPrefix,
} from '../table/layout.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { type CancellationReason, cancellationReasons, queryAll, storeSettings } from './store-context.js';
import { StoreUnavailableError, storeErrorFrom } from './store-errors.js';
import { UpdateBuilder } from './update-expression.js';

/** Conflicting writers retried before the call fails as unavailable (AE: the sender retries later). */
const maxClinicalStateAttempts = 10;

/** A short random pause before recomputing, so writers that collided do not collide again in step. */
function clinicalStateBackoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 10 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a write returns when another writer of the patient's state came first. */
export const lostRace: unique symbol = Symbol('lost the clinical state race');

/**
 * Runs a write that carries the patient's next clinical state, given the state as read (undefined
 * when `patient` is: the write does not change it), again on a fresh read while it loses the race.
 */
export async function withClinicalState<T>(
  operation: string,
  patient: PatientKey | undefined,
  write: (current: VersionedClinicalState | undefined) => Promise<T | typeof lostRace>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const current = patient === undefined ? undefined : await readClinicalState(operation, patient);
    const result = await write(current);
    if (result !== lostRace) return result;
    if (attempt >= maxClinicalStateAttempts) {
      throw new StoreUnavailableError(operation, 'clinical state changed concurrently on every attempt');
    }
    await clinicalStateBackoff(attempt);
  }
}

export async function readClinicalState(
  operation: string,
  patient: PatientKey,
): Promise<VersionedClinicalState> {
  try {
    const { Item: item } = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: storeSettings().tableName,
        Key: { pk: patientPk(patient), sk: clinicalStateSk },
        ConsistentRead: true,
      }),
    );
    return item === undefined ? { state: emptyClinicalState, version: 0 } : clinicalStateFromItem(item);
  } catch (error: unknown) {
    throw storeErrorFrom(operation, error);
  }
}

/** The transaction's Put of the next state, on condition the stored version is still the one read. */
export function clinicalStatePut(
  patient: PatientKey,
  next: VersionedClinicalState['state'],
  readVersion: number,
  at: string,
) {
  return {
    TableName: storeSettings().tableName,
    Item: clinicalStateItem(patient, { state: next, version: readVersion + 1 }, at),
    ...(readVersion === 0
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : {
          ConditionExpression: '#version = :readVersion',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':readVersion': readVersion },
        }),
  };
}

/** Whether a cancelled transaction failed on the state item's version (another writer came first). */
export function lostClinicalStateRace(
  reasons: readonly CancellationReason[] | undefined,
  position: number,
): boolean {
  return reasons?.[position]?.code === 'ConditionalCheckFailed';
}

/** The profile's cohort-index attributes follow membership: the sweep lists members through them. */
export function setCohortIndex(update: UpdateBuilder, patient: PatientKey, cohort: CohortMembership): void {
  if (cohort.inCohort) {
    update
      .set(cohortIndex.partitionKey, cohortIndex.memberValue)
      .set(cohortIndex.sortKey, patientPk(patient))
      .set(cohortViewIndex.partitionKey, cohortViewIndex.memberValue)
      .set(cohortViewIndex.sortKey, patientPk(patient))
      .set('cohortSince', cohort.enteredAt ?? '')
      .set('cohortVia', cohort.via === 'admin' ? 'enrolment' : 'diagnosis');
    if (cohort.enteredBy === undefined) update.remove('cohortBy');
    else update.set('cohortBy', cohort.enteredBy);
  } else {
    update
      .remove(cohortIndex.partitionKey)
      .remove(cohortIndex.sortKey)
      .remove(cohortViewIndex.partitionKey)
      .remove(cohortViewIndex.sortKey)
      .remove('cohortSince')
      .remove('cohortVia')
      .remove('cohortBy');
  }
}

/** Every patient the table knows (their profile items): a full Scan, for migrations only. */
export async function listAllPatients(): Promise<PatientKey[]> {
  const patients: PatientKey[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    try {
      const page = await dynamoDocumentClient().send(
        new ScanCommand({
          TableName: storeSettings().tableName,
          FilterExpression: 'sk = :profile',
          ExpressionAttributeValues: { ':profile': profileSk },
          ProjectionExpression: 'namespace, mrn',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? [])
        patients.push({ namespace: String(item.namespace), mrn: String(item.mrn) });
      startKey = page.LastEvaluatedKey;
    } catch (error: unknown) {
      throw storeErrorFrom('listAllPatients', error);
    }
  } while (startKey !== undefined);
  return patients;
}

/** A patient's whole record, however old (every stored record and enrolment): for migrations only. */
export async function readWholeRecord(
  patient: PatientKey,
): Promise<{ records: StoredRecord[]; enrolments: CohortEnrolment[] }> {
  const { records, enrolments } = await wholeRecordItems('readWholeRecord', patient);
  return {
    records: records.map(storedRecordFromItem),
    enrolments: enrolments.map((item) => storedEnrolmentFromItem(item).enrolment),
  };
}

/** The items of a patient's every record and enrolment, however old (migrations and merges only). */
export async function wholeRecordItems(
  operation: string,
  patient: PatientKey,
): Promise<{ records: Item[]; enrolments: Item[] }> {
  const band = (prefix: string) =>
    queryAll(operation, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :band)',
      ExpressionAttributeValues: { ':pk': patientPk(patient), ':band': prefix },
      ConsistentRead: true,
    });
  const [records, enrolments] = await Promise.all([
    band(sortKeyPrefix.history),
    band(sortKeyPrefix.cohortEnrolment),
  ]);
  return { records, enrolments };
}

/**
 * Replaces the clinical state (and the profile's cohort index with it) on condition nobody wrote it
 * since `readVersion` was read. False when somebody did: read again and recompute.
 */
export async function replaceClinicalState(
  patient: PatientKey,
  next: ClinicalState,
  readVersion: number,
  at: string,
): Promise<boolean> {
  const update = new UpdateBuilder();
  setCohortIndex(update, patient, next.cohort);
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: clinicalStatePut(patient, next, readVersion, at) },
          {
            Update: {
              TableName: storeSettings().tableName,
              Key: { pk: patientPk(patient), sk: profileSk },
              ...update.build(),
            },
          },
        ],
      }),
    );
    return true;
  } catch (error: unknown) {
    if (lostClinicalStateRace(cancellationReasons(error), 0)) return false;
    throw storeErrorFrom('replaceClinicalState', error);
  }
}
