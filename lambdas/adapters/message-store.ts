/**
 * Accepting one HL7 message's records: duplicate detection, the patient
 * profile and one item per record, written so that an `AA` is only ever sent
 * for a message that is completely stored.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ClinicalState } from '../patient/clinical-state.js';
import { type Item, patientKeyOf, recordItems, type VersionedClinicalState } from '../table/items.js';
import {
  cohortIndex,
  controlIdReusedAuditSk,
  insideCohortAttribute,
  messagePk,
  messageSk,
  outsideCohortAttribute,
  outsideCohortItemTypes,
  patientPk,
  profileSk,
  reusedControlIdSuffix,
  reusedMessageSk,
  ttlAttribute,
} from '../table/layout.js';
import type { AcceptMessageInput, AcceptMessageResult, OriginalMessage } from '../workflows/ports.js';
import { dynamoDocumentClient } from './aws-clients.js';
import {
  clinicalStatePut,
  lostClinicalStateRace,
  lostRace,
  setCohortIndex,
  withClinicalState,
} from './clinical-state-store.js';
import { cancellationReasons, maxTransactionItems, putInBatches, storeSettings } from './store-context.js';
import { InvalidStoreRequestError, storeErrorFrom } from './store-errors.js';
import { UpdateBuilder } from './update-expression.js';

export type { AcceptMessageInput, AcceptMessageResult, OriginalMessage } from '../workflows/ports.js';

/** What a duplicate-detection item in the way says about the message that holds it. */
interface HeldBy {
  original?: OriginalMessage;
  contentHash?: string;
}

/** Where this message's duplicate-detection item goes: the control id's first slot, or a reuse slot. */
interface MessageSlot {
  sk: string;
  /** Set for a message that reuses the control id: the first message holding it. */
  reusing?: HeldBy;
}

function messageItem(input: AcceptMessageInput, slot: MessageSlot, recordCount: number, now: number): Item {
  const { duplicateTtlDays } = storeSettings();
  return {
    pk: messagePk(input.sendingApplication, input.facility, input.controlId),
    sk: slot.sk,
    itemType: 'message',
    receivedAt: input.receivedAt,
    archiveKey: input.archiveKey,
    contentHash: input.contentHash,
    patientPk: patientPk(input.patient),
    recordCount,
    [ttlAttribute]: Math.floor(now / 1000) + duplicateTtlDays * 86_400,
  };
}

/** The audit event of a reused control id: kept (no TTL) next to the control id's items. */
function controlIdReusedItem(input: AcceptMessageInput, first: HeldBy): Item {
  const item: Item = {
    pk: messagePk(input.sendingApplication, input.facility, input.controlId),
    sk: controlIdReusedAuditSk(input.receivedAt, input.contentHash),
    itemType: 'messageAudit',
    event: 'controlIdReused',
    receivedAt: input.receivedAt,
    archiveKey: input.archiveKey,
    contentHash: input.contentHash,
    patientPk: patientPk(input.patient),
  };
  if (first.original !== undefined) {
    item.firstReceivedAt = first.original.receivedAt;
    item.firstArchiveKey = first.original.archiveKey;
  }
  if (first.contentHash !== undefined) item.firstContentHash = first.contentHash;
  return item;
}

/**
 * The profile (STATE#PROFILE) upsert: last message wins for facility, location and name; a
 * known sex is never overwritten by `unknown`; the cohort index follows the clinical state.
 */
function profileUpdate(
  input: AcceptMessageInput,
  cohort: ClinicalState['cohort'] | undefined,
  onlyOutsideCohort: boolean,
) {
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
  const expression = update.build();
  return {
    TableName: storeSettings().tableName,
    Key: { pk: patientPk(patient), sk: profileSk },
    ...expression,
    ...(onlyOutsideCohort
      ? {
          ConditionExpression: 'attribute_not_exists(#cohortMember)',
          ExpressionAttributeNames: {
            ...expression.ExpressionAttributeNames,
            '#cohortMember': cohortIndex.partitionKey,
          },
        }
      : {}),
  };
}

/** A clinical record marked with the patient's membership when the transaction wrote it. */
function markedCohort(item: Item, inside: boolean): Item {
  if (!outsideCohortItemTypes.has(item.itemType)) return item;
  return { ...item, [inside ? insideCohortAttribute : outsideCohortAttribute]: true };
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
 * Stores a message's records once per (MSH-3, MSH-4, MSH-10) and content.
 * The first message with a control id takes the `MSG` slot. A resend with the
 * same content hash (MSH-7 may differ) is a duplicate. Another message with
 * the same ids but other content (two applications sharing a facility name,
 * an engine restarting its counter) is stored as a message of its own: its
 * slot is `MSG#<contentHash>`, its record keys end in `#R<contentHash16>`, and
 * an audit item records the reuse in the same transaction.
 */
export async function acceptMessage(input: AcceptMessageInput): Promise<AcceptMessageResult> {
  if (Number.isNaN(Date.parse(input.receivedAt))) {
    throw new InvalidStoreRequestError(`receivedAt is not a timestamp: ${input.receivedAt}`);
  }
  const now = Date.now();
  const first = await storeInSlot(input, { sk: messageSk }, now);
  if (first.outcome === 'stored') return first;
  if (first.heldBy.contentHash === undefined || first.heldBy.contentHash === input.contentHash) {
    return duplicateOf(first.heldBy);
  }
  const later = await storeInSlot(
    input,
    { sk: reusedMessageSk(input.contentHash), reusing: first.heldBy },
    now,
  );
  return later.outcome === 'stored' ? later : duplicateOf(later.heldBy);
}

function duplicateOf(heldBy: HeldBy): AcceptMessageResult {
  return heldBy.original === undefined
    ? { outcome: 'duplicate' }
    : { outcome: 'duplicate', original: heldBy.original };
}

type SlotResult = Extract<AcceptMessageResult, { outcome: 'stored' }> | { outcome: 'taken'; heldBy: HeldBy };

/**
 * Writes the message into one duplicate-detection slot, or finds it taken.
 *
 * Up to what one transaction holds: the slot's item (on condition it is free),
 * the profile upsert, the clinical state (on condition of the version read,
 * when the records change it), the audit item of a reuse and every record, so
 * the message is stored entirely or not at all.
 *
 * More records than that: the records are written first, in batches, as
 * idempotent puts with deterministic keys, and the slot's item goes LAST with
 * the profile. A crash in between leaves the slot free, so the sender's retry
 * writes the same keys again and completes; only then is the message
 * accepted. (Two such large messages with one control id and different
 * content arriving at the same moment could overwrite each other's records:
 * a race this path accepts for its rarity.)
 */
async function storeInSlot(input: AcceptMessageInput, slot: MessageSlot, now: number): Promise<SlotResult> {
  const keySuffix = slot.reusing === undefined ? '' : reusedControlIdSuffix(input.contentHash);
  const patient = patientKeyOf(input.patient);
  const { items, stored } = recordItems(patient, input.records, {
    receivedAt: input.receivedAt,
    archiveKey: input.archiveKey,
    keySuffix,
  });
  const message = messageItem(input, slot, items.length, now);
  const audit = slot.reusing === undefined ? [] : [controlIdReusedItem(input, slot.reusing)];
  const tableName = storeSettings().tableName;

  // The records plus the slot's item, the profile, the clinical state and the audit of a reuse.
  const fitsOneTransaction = items.length + 3 + audit.length <= maxTransactionItems;
  if (!fitsOneTransaction) {
    const heldBy = await findLiveMessage(message, now);
    if (heldBy !== undefined) return { outcome: 'taken', heldBy };
    await putInBatches('acceptMessage', items);
  }
  const recordPuts = fitsOneTransaction ? items : [];

  // Records that change no clinical state (results) are first written on the condition that the
  // patient is outside the cohort, and marked so; if the patient is in it, at once again, marked
  // inside. With the clinical state, membership is known from the state written (on condition of
  // its version). A message too large for one transaction is left unmarked: its evaluation decides.
  const write = async (
    current: VersionedClinicalState | undefined,
    membership: 'guessOutside' | 'inside' | 'unknown',
  ): Promise<HeldBy | undefined | typeof lostRace> => {
    const next = current === undefined ? undefined : input.updateClinicalState?.(current.state, stored);
    const cohort = next === undefined ? membership : next.cohort.inCohort ? 'inside' : 'outside';
    const marked =
      cohort === 'unknown' ? recordPuts : recordPuts.map((item) => markedCohort(item, cohort === 'inside'));
    try {
      await dynamoDocumentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: guardedMessagePut(message, now) },
            // Position 1: the outside-cohort condition's reason is there.
            { Update: profileUpdate(input, next?.cohort, cohort === 'guessOutside') },
            // Position 2: lostClinicalStateRace reads its reason there.
            ...(current === undefined || next === undefined
              ? []
              : [{ Put: clinicalStatePut(patient, next, current.version, input.receivedAt) }]),
            ...[...audit, ...marked].map((item) => ({ Put: { TableName: tableName, Item: item } })),
          ],
        }),
      );
      return undefined;
    } catch (error: unknown) {
      const reasons = cancellationReasons(error);
      const messageReason = reasons?.[0];
      if (messageReason?.code === 'ConditionalCheckFailed') return heldByItem(messageReason.item);
      if (cohort === 'guessOutside' && reasons?.[1]?.code === 'ConditionalCheckFailed') {
        return write(current, 'inside');
      }
      if (current !== undefined && lostClinicalStateRace(reasons, 2)) return lostRace;
      throw storeErrorFrom('acceptMessage', error);
    }
  };
  const markable = fitsOneTransaction && recordPuts.some((item) => outsideCohortItemTypes.has(item.itemType));
  const taken = await withClinicalState(
    'acceptMessage',
    input.updateClinicalState === undefined ? undefined : patient,
    (current) => write(current, markable ? 'guessOutside' : 'unknown'),
  );
  if (taken !== undefined) return { outcome: 'taken', heldBy: taken };
  if (slot.reusing === undefined) return { outcome: 'stored', storedRecords: stored };
  const { original } = slot.reusing;
  return {
    outcome: 'stored',
    storedRecords: stored,
    reusedControlId: original === undefined ? {} : { first: original },
  };
}

/** The slot's item as a cancelled transaction returns it (DynamoDB JSON). */
function heldByItem(item: Record<string, { S?: string }> | undefined): HeldBy {
  const receivedAt = item?.receivedAt?.S;
  const archiveKey = item?.archiveKey?.S;
  const contentHash = item?.contentHash?.S;
  const heldBy: HeldBy = {};
  if (receivedAt !== undefined && archiveKey !== undefined) heldBy.original = { receivedAt, archiveKey };
  if (contentHash !== undefined) heldBy.contentHash = contentHash;
  return heldBy;
}

async function findLiveMessage(message: Item, now: number): Promise<HeldBy | undefined> {
  try {
    const { Item: existing } = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: storeSettings().tableName,
        Key: { pk: message.pk, sk: message.sk },
        ConsistentRead: true,
      }),
    );
    if (existing === undefined || Number(existing[ttlAttribute]) < Math.floor(now / 1000)) {
      return undefined;
    }
    const heldBy: HeldBy = {
      original: { receivedAt: String(existing.receivedAt), archiveKey: String(existing.archiveKey) },
    };
    if (typeof existing.contentHash === 'string') heldBy.contentHash = existing.contentHash;
    return heldBy;
  } catch (error: unknown) {
    throw storeErrorFrom('acceptMessage', error);
  }
}
