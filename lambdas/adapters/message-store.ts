/**
 * Accepting one HL7 message's records: duplicate detection, the patient
 * profile and one item per record, written so that an `AA` is only ever sent
 * for a message that is completely stored.
 */
import { BatchWriteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ClinicalRecord, PatientRef, StoredRecord } from '../domain/records.js';
import type { ClinicalState } from '../patient/clinical-state.js';
import { dynamoDocumentClient } from './aws-clients.js';
import {
  clinicalStateBackoff,
  clinicalStatePut,
  lostClinicalStateRace,
  maxClinicalStateAttempts,
  readClinicalState,
  setCohortIndex,
  tooManyClinicalStateConflicts,
} from './clinical-state-store.js';
import { cancellationReasons, maxTransactionItems, storeSettings } from './store-context.js';
import { InvalidStoreRequestError, StoreUnavailableError, storeErrorFrom } from './store-errors.js';
import { type Item, patientKeyOf, recordItems } from './store-items.js';
import { messagePk, messageSk, patientPk, profileSk, ttlAttribute } from './table-layout.js';
import { UpdateBuilder } from './update-expression.js';

/** DynamoDB's limit on puts in one BatchWriteItem. */
const batchWriteLimit = 25;

export interface AcceptMessageInput {
  /** MSH-4 first component. */
  facility: string;
  /** MSH-10. */
  controlId: string;
  /** When the pipeline received the message (ISO UTC). */
  receivedAt: string;
  /** Where the raw bytes were archived (S3 key). */
  archiveKey: string;
  patient: PatientRef;
  records: readonly ClinicalRecord[];
  /**
   * Set when the records change the patient's durable clinical state (an order event, a cohort
   * diagnosis): the next state from the current one and the records as stored. Written in the same
   * transaction as the records; recomputed on a fresh read when another message changed it first.
   */
  updateClinicalState?: (current: ClinicalState, stored: readonly StoredRecord[]) => ClinicalState;
}

export type AcceptMessageResult =
  | { outcome: 'stored'; storedRecords: StoredRecord[] }
  | {
      outcome: 'duplicate';
      /** The first copy, when DynamoDB returned it. */
      original?: { receivedAt: string; archiveKey: string };
    };

function messageItem(input: AcceptMessageInput, recordCount: number, now: number): Item {
  const { duplicateTtlDays } = storeSettings();
  return {
    pk: messagePk(input.facility, input.controlId),
    sk: messageSk,
    itemType: 'message',
    receivedAt: input.receivedAt,
    archiveKey: input.archiveKey,
    patientPk: patientPk(input.patient),
    recordCount,
    [ttlAttribute]: Math.floor(now / 1000) + duplicateTtlDays * 86_400,
  };
}

/**
 * The profile (STATE#PROFILE) upsert: last message wins for facility, location and name; a
 * known sex is never overwritten by `unknown`; the cohort index follows the clinical state.
 */
function profileUpdate(input: AcceptMessageInput, cohort: ClinicalState['cohort'] | undefined) {
  const { patient } = input;
  const update = new UpdateBuilder()
    .set('itemType', 'patient')
    .set('namespace', patient.namespace)
    .set('mrn', patient.mrn)
    .set('facility', patient.facility)
    .set('updatedAt', input.receivedAt);
  if (patient.sex === 'unknown') update.setIfAbsent('sex', 'unknown');
  else update.set('sex', patient.sex);
  if (patient.location !== undefined && patient.location !== '') update.set('location', patient.location);
  if (patient.name !== undefined) update.set('name', JSON.stringify(patient.name));
  if (cohort !== undefined) setCohortIndex(update, patient, cohort);
  return {
    TableName: storeSettings().tableName,
    Key: { pk: patientPk(patient), sk: profileSk },
    ...update.build(),
  };
}

/** A duplicate-detection item still counts until it expires, even if DynamoDB's TTL has not removed it yet. */
const notAlreadyReceived = 'attribute_not_exists(pk) OR #expiresAt < :nowSeconds';

function guardedMessagePut(item: Item, now: number) {
  return {
    TableName: storeSettings().tableName,
    Item: item,
    ConditionExpression: notAlreadyReceived,
    ExpressionAttributeNames: { '#expiresAt': ttlAttribute },
    ExpressionAttributeValues: { ':nowSeconds': Math.floor(now / 1000) },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/**
 * Stores a message's records exactly once per (facility, control id).
 *
 * Up to 98 records: one transaction holds the duplicate-detection item (on
 * condition it does not exist), the profile upsert and every record, so the
 * message is stored entirely or not at all.
 *
 * More records than a transaction can hold: the records are written first, in
 * batches, as idempotent puts with deterministic keys, and the
 * duplicate-detection item goes LAST with the profile. A crash in between
 * leaves no duplicate-detection item, so the sender's retry writes the same
 * keys again and completes; only then is the message accepted.
 */
export async function acceptMessage(input: AcceptMessageInput): Promise<AcceptMessageResult> {
  if (Number.isNaN(Date.parse(input.receivedAt))) {
    throw new InvalidStoreRequestError(`receivedAt is not a timestamp: ${input.receivedAt}`);
  }
  const now = Date.now();
  const patient = patientKeyOf(input.patient);
  const { items, stored } = recordItems(patient, input.records, input.receivedAt);
  const message = messageItem(input, items.length, now);
  const tableName = storeSettings().tableName;
  const updatesState = input.updateClinicalState !== undefined;

  // The records plus the duplicate-detection item, the profile and the clinical state.
  const fitsOneTransaction = items.length + 3 <= maxTransactionItems;
  if (!fitsOneTransaction) {
    const earlier = await findLiveMessage(message, now);
    if (earlier !== undefined) {
      return { outcome: 'duplicate', original: earlier };
    }
    await putInBatches(items);
  }
  const recordPuts = fitsOneTransaction ? items : [];

  for (let attempt = 1; ; attempt++) {
    const current = updatesState ? await readClinicalState('acceptMessage', patient) : undefined;
    const next = current === undefined ? undefined : input.updateClinicalState?.(current.state, stored);
    try {
      await dynamoDocumentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: guardedMessagePut(message, now) },
            { Update: profileUpdate(input, next?.cohort) },
            ...(current === undefined || next === undefined
              ? []
              : [{ Put: clinicalStatePut(patient, next, current.version, input.receivedAt) }]),
            ...recordPuts.map((item) => ({ Put: { TableName: tableName, Item: item } })),
          ],
        }),
      );
      return { outcome: 'stored', storedRecords: stored };
    } catch (error: unknown) {
      const reasons = cancellationReasons(error);
      const messageReason = reasons?.[0];
      if (messageReason?.code === 'ConditionalCheckFailed') {
        const original = originalFrom(messageReason.item);
        return original === undefined ? { outcome: 'duplicate' } : { outcome: 'duplicate', original };
      }
      if (!(updatesState && lostClinicalStateRace(reasons, 2))) throw storeErrorFrom('acceptMessage', error);
      if (attempt >= maxClinicalStateAttempts) throw tooManyClinicalStateConflicts('acceptMessage');
      await clinicalStateBackoff(attempt);
    }
  }
}

function originalFrom(item: Record<string, { S?: string }> | undefined) {
  const receivedAt = item?.receivedAt?.S;
  const archiveKey = item?.archiveKey?.S;
  return receivedAt !== undefined && archiveKey !== undefined ? { receivedAt, archiveKey } : undefined;
}

async function findLiveMessage(message: Item, now: number) {
  try {
    const { Item: existing } = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: storeSettings().tableName,
        Key: { pk: message.pk, sk: messageSk },
        ConsistentRead: true,
      }),
    );
    if (existing === undefined || Number(existing[ttlAttribute]) < Math.floor(now / 1000)) {
      return undefined;
    }
    return { receivedAt: String(existing.receivedAt), archiveKey: String(existing.archiveKey) };
  } catch (error: unknown) {
    throw storeErrorFrom('acceptMessage', error);
  }
}

/** BatchWriteItem in chunks of 25, retrying what DynamoDB leaves unprocessed (throttling) with backoff. */
async function putInBatches(items: readonly Item[]): Promise<void> {
  const tableName = storeSettings().tableName;
  for (let start = 0; start < items.length; start += batchWriteLimit) {
    let pending = items.slice(start, start + batchWriteLimit).map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) {
        if (attempt > 6) throw new StoreUnavailableError('acceptMessage', 'UnprocessedItems');
        await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      }
      try {
        const result = await dynamoDocumentClient().send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
        );
        pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      } catch (error: unknown) {
        throw storeErrorFrom('acceptMessage', error);
      }
    }
  }
}
