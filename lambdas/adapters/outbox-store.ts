/**
 * Publishing the outbox: claim an entry with a lease before publishing it,
 * give the claim back (or park the entry) when the publish fails, and mark it
 * sent (with a sent mark the timeliness report reads) once SNS took it.
 */
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sentMarkItem } from '../table/items.js';
import { outboxSk, patientPk, ttlAttribute } from '../table/layout.js';
import type { OutboxClaim, PendingNotification } from '../workflows/ports.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { cancellationReasons, storeSettings } from './store-context.js';
import { storeErrorFrom } from './store-errors.js';

const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';

/** How long a sent outbox entry stays before DynamoDB's TTL removes it. */
const sentOutboxTtlSeconds = 86_400;

/**
 * Takes an outbox entry before publishing it: a conditional write that
 * succeeds only while the entry is unsent, not parked, and not leased to
 * another claimant (or that lease has lapsed). Two publishers (an evaluation
 * and the sweep) can then never both publish it, except after a publisher
 * died between publish and completion and its lease lapsed. Returns the
 * attempt this is (1 for the first), or undefined when the entry is not
 * this claimant's to publish.
 */
export async function claimNotification(
  notification: PendingNotification,
  { claimant, now, leaseMs }: OutboxClaim,
): Promise<number | undefined> {
  try {
    const { Attributes: attributes } = await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: storeSettings().tableName,
        Key: { pk: patientPk(notification.patient), sk: outboxSk(notification.notificationId) },
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(#sentAt) AND attribute_not_exists(#parkedAt) AND ' +
          '(attribute_not_exists(#claimedUntil) OR #claimedUntil < :now OR #claimedBy = :claimant)',
        UpdateExpression:
          'SET #claimedUntil = :until, #claimedBy = :claimant, #attempts = if_not_exists(#attempts, :zero) + :one',
        ExpressionAttributeNames: {
          '#sentAt': 'sentAt',
          '#parkedAt': 'parkedAt',
          '#claimedUntil': 'claimedUntil',
          '#claimedBy': 'claimedBy',
          '#attempts': 'attempts',
        },
        ExpressionAttributeValues: {
          ':now': now.getTime(),
          ':until': now.getTime() + leaseMs,
          ':claimant': claimant,
          ':zero': 0,
          ':one': 1,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(attributes?.attempts ?? 1);
  } catch (error: unknown) {
    if (isConditionFailure(error)) return undefined;
    throw storeErrorFrom('claimNotification', error);
  }
}

/**
 * After a publish failed: gives the claim back so the next attempt (the
 * stream retry, the next evaluation or sweep) can take it at once, noting the
 * error; or parks the entry (`status` parked), which no publisher takes again
 * and which stops blocking the patient's later notifications. Only the
 * claimant that holds the lease releases it.
 */
export async function releaseNotification(
  notification: PendingNotification,
  { claimant, at, error, park }: { claimant: string; at: string; error: string; park: boolean },
): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: storeSettings().tableName,
        Key: { pk: patientPk(notification.patient), sk: outboxSk(notification.notificationId) },
        ConditionExpression: '#claimedBy = :claimant AND attribute_not_exists(#sentAt)',
        UpdateExpression: park
          ? 'SET #lastError = :error, #lastErrorAt = :at, #status = :parked, #parkedAt = :at REMOVE #claimedUntil, #claimedBy'
          : 'SET #lastError = :error, #lastErrorAt = :at REMOVE #claimedUntil, #claimedBy',
        ExpressionAttributeNames: {
          '#claimedBy': 'claimedBy',
          '#claimedUntil': 'claimedUntil',
          '#sentAt': 'sentAt',
          '#lastError': 'lastError',
          '#lastErrorAt': 'lastErrorAt',
          ...(park ? { '#status': 'status', '#parkedAt': 'parkedAt' } : {}),
        },
        ExpressionAttributeValues: {
          ':claimant': claimant,
          ':error': error,
          ':at': at,
          ...(park ? { ':parked': 'parked' } : {}),
        },
      }),
    );
  } catch (caught: unknown) {
    // Another claimant took it after our lease lapsed, or it was sent meanwhile: theirs now.
    if (isConditionFailure(caught)) return;
    throw storeErrorFrom('releaseNotification', caught);
  }
}

/**
 * After SNS took an outbox notification: marks the outbox entry sent and keeps
 * the sent mark (EVENT#NOTIFY#), in one transaction. Safe to repeat.
 */
export async function completeNotification(
  notification: PendingNotification,
  messageId: string,
  sentAt: string,
): Promise<void> {
  const tableName = storeSettings().tableName;
  const pk = patientPk(notification.patient);
  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            // Marked sent rather than deleted: no function may delete items (the audit trail must stay),
            // and the TTL removes the entry a day later. loadPatient skips entries that carry sentAt.
            Update: {
              TableName: tableName,
              Key: { pk, sk: outboxSk(notification.notificationId) },
              ConditionExpression: 'attribute_exists(pk)',
              UpdateExpression: 'SET #sentAt = :sentAt, #expiresAt = :expiresAt',
              ExpressionAttributeNames: { '#sentAt': 'sentAt', '#expiresAt': ttlAttribute },
              ExpressionAttributeValues: {
                ':sentAt': sentAt,
                ':expiresAt': Math.floor(Date.parse(sentAt) / 1000) + sentOutboxTtlSeconds,
              },
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: sentMarkItem(notification.notificationId, notification.patient, {
                sentAt,
                messageId,
                topic: notification.topic,
              }),
            },
          },
        ],
      }),
    );
  } catch (error: unknown) {
    // The outbox entry is gone only when an earlier completion's TTL removed it: already done.
    if (cancellationReasons(error)?.[0]?.code === 'ConditionalCheckFailed') return;
    throw storeErrorFrom('completeNotification', error);
  }
}
