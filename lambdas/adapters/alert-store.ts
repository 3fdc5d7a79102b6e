/**
 * Alert state, audit trail and notification sent marks. Every alert write is
 * conditional, so a retried or concurrent evaluation can neither open the
 * same alert twice nor overwrite a newer version.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Alert, AuditEvent } from '../domain/alerts.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { cancellationReasons, maxTransactionItems, storeSettings } from './store-context.js';
import {
  ConcurrentAlertChangeError,
  InvalidCursorError,
  InvalidStoreRequestError,
  storeErrorFrom,
} from './store-errors.js';
import {
  alertEpisodeItem,
  alertFromItem,
  alertItem,
  auditItem,
  type Item,
  type OutboxNotification,
  outboxItem,
  patientKeyOf,
} from './store-items.js';
import {
  alertIdPk,
  alertIdSk,
  criticalAlertsIndex,
  criticalAlertsRanges,
  notificationSk,
  openAlertsIndex,
  outboxSk,
  type PatientKey,
  patientPk,
  ttlAttribute,
} from './table-layout.js';

export type AlertChange =
  | { kind: 'create'; alert: Alert }
  /** `alert` carries the new version; the stored one must still be `expectedVersion`. */
  | { kind: 'update'; alert: Alert; expectedVersion: number };

export interface AlertChanges {
  changes: readonly AlertChange[];
  audit: readonly AuditEvent[];
  /** Rendered notifications of these changes, committed with them and published afterwards. */
  outbox?: readonly OutboxNotification[];
  /** The outbox entries are written claimed by this claimant (who publishes them next). */
  claim?: NotificationClaim;
}

/**
 * A create succeeds when the rule and scope have no alert, or only a closed
 * one (resolved/superseded) with another id: a second create of the same
 * alert, or of another while one is open, fails.
 */
const createCondition =
  'attribute_not_exists(pk) OR (#state IN (:resolved, :superseded) AND #alertId <> :alertId)';
const updateCondition = '#version = :expectedVersion AND #alertId = :alertId';

/**
 * Applies alert creations and updates with their audit events and outbox
 * notifications in one transaction. Each change puts two items: the patient's
 * alert slot (`STATE#ALERT#<rule>#<scope>`, conditional; it holds the `openAlerts`
 * index attributes while the alert is open or acknowledged) and the alert's
 * episode item (`ALERTID#<alertId>`, with the `criticalAlerts` index
 * attributes), which a later episode in the same slot never replaces. Throws
 * ConcurrentAlertChangeError when any condition fails; nothing is written then.
 */
export async function applyAlertChanges({ changes, audit, outbox = [], claim }: AlertChanges): Promise<void> {
  if (changes.length === 0 && audit.length === 0 && outbox.length === 0) return;
  const tableName = storeSettings().tableName;
  const patientByAlert = new Map<string, PatientKey>();
  const actions: { alertId: string; action: Record<string, unknown> }[] = [];

  for (const change of changes) {
    const { alert } = change;
    patientByAlert.set(alert.alertId, patientKeyOf(alert.patient));
    if (change.kind === 'create') {
      actions.push({
        alertId: alert.alertId,
        action: {
          Put: {
            TableName: tableName,
            Item: alertItem(alert),
            ConditionExpression: createCondition,
            ExpressionAttributeNames: { '#state': 'state', '#alertId': 'alertId' },
            ExpressionAttributeValues: {
              ':resolved': 'resolved',
              ':superseded': 'superseded',
              ':alertId': alert.alertId,
            },
          },
        },
      });
    } else {
      if (alert.version <= change.expectedVersion) {
        throw new InvalidStoreRequestError(
          `Alert ${alert.alertId}: version ${alert.version} must be above the expected ${change.expectedVersion}`,
        );
      }
      actions.push({
        alertId: alert.alertId,
        action: {
          Put: {
            TableName: tableName,
            Item: alertItem(alert),
            ConditionExpression: updateCondition,
            ExpressionAttributeNames: { '#version': 'version', '#alertId': 'alertId' },
            ExpressionAttributeValues: {
              ':expectedVersion': change.expectedVersion,
              ':alertId': alert.alertId,
            },
          },
        },
      });
    }
    // Unconditional: the slot's condition in the same transaction guards it.
    actions.push({
      alertId: alert.alertId,
      action: { Put: { TableName: tableName, Item: alertEpisodeItem(alert) } },
    });
  }
  // Two transitions of one alert in one change (a merge moves an acknowledged alert: opened, then
  // acknowledged) share a time: the second and later get `#2`, `#3`, ... so neither is lost.
  const auditKeys = new Map<string, number>();
  for (const event of audit) {
    const patient = patientByAlert.get(event.alertId);
    if (patient === undefined) {
      throw new InvalidStoreRequestError(`Audit event for alert ${event.alertId} has no matching change`);
    }
    const item = auditItem(patient, event);
    const count = (auditKeys.get(String(item.sk)) ?? 0) + 1;
    auditKeys.set(String(item.sk), count);
    if (count > 1) item.sk = `${String(item.sk)}#${count}`;
    actions.push({ alertId: event.alertId, action: { Put: { TableName: tableName, Item: item } } });
  }
  const queuedAt = new Date().toISOString();
  outbox.forEach((notification, position) => {
    actions.push({
      alertId: notification.notificationId,
      action: {
        Put: {
          TableName: tableName,
          Item: outboxItem(
            notification,
            queuedAt,
            position,
            claim === undefined
              ? undefined
              : { claimant: claim.claimant, claimedUntil: claim.now.getTime() + claim.leaseMs },
          ),
        },
      },
    });
  });
  if (actions.length > maxTransactionItems) {
    throw new InvalidStoreRequestError(`Too many alert writes for one transaction: ${actions.length}`);
  }

  try {
    await dynamoDocumentClient().send(
      new TransactWriteCommand({ TransactItems: actions.map((a) => a.action) }),
    );
  } catch (error: unknown) {
    const reasons = cancellationReasons(error);
    if (reasons !== undefined) {
      const conflicting = reasons
        .map((reason, index) =>
          reason.code === 'ConditionalCheckFailed' || reason.code === 'TransactionConflict'
            ? actions[index]?.alertId
            : undefined,
        )
        .filter((alertId): alertId is string => alertId !== undefined);
      if (conflicting.length > 0) throw new ConcurrentAlertChangeError([...new Set(conflicting)]);
    }
    throw storeErrorFrom('applyAlertChanges', error);
  }
}

/**
 * The alert with this id, also an earlier episode since replaced in its slot
 * by a newer one; undefined when there is none.
 */
export async function getAlert(alertId: string): Promise<Alert | undefined> {
  const client = dynamoDocumentClient();
  const tableName = storeSettings().tableName;
  try {
    const { Item: pointer } = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: alertIdPk(alertId), sk: alertIdSk },
        ConsistentRead: true,
      }),
    );
    if (pointer === undefined) return undefined;
    if (pointer.alert !== undefined) return alertFromItem(pointer);
    // Written before episode items held the alert: only a pointer to the slot (its alert, if not replaced since).
    const { Item: item } = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: pointer.alertPk, sk: pointer.alertSk },
        ConsistentRead: true,
      }),
    );
    return item !== undefined && item.alertId === alertId ? alertFromItem(item) : undefined;
  } catch (error: unknown) {
    throw storeErrorFrom('getAlert', error);
  }
}

export interface AlertPage {
  alerts: Alert[];
  /** Pass back to get the next page; absent on the last page. */
  cursor?: string;
}

/*
 * A paging cursor names only the last alert's place in the `openAlerts` index
 * (`<openedAt>#<alertId>`): the index key DynamoDB resumes from also holds the
 * patient's partition key, which must not end up in an admin URL. The patient
 * part is read back from the alert-id pointer when the cursor returns.
 */

function encodeCursor(lastKey: Record<string, unknown>): string {
  return Buffer.from(String(lastKey[openAlertsIndex.sortKey]), 'utf8').toString('base64url');
}

/** `<openedAt>#<alertId>` from a cursor, or InvalidCursorError for anything this store could not have issued. */
function cursorPosition(cursor: string): { position: string; openedAt: string; alertId: string } {
  const position = Buffer.from(cursor, 'base64url').toString('utf8');
  // Node's base64url decoder skips characters it does not know: insist on the exact encoding.
  const canonical = Buffer.from(position, 'utf8').toString('base64url') === cursor;
  const separator = position.indexOf('#');
  const openedAt = position.slice(0, separator);
  const alertId = position.slice(separator + 1);
  if (!canonical || separator < 1 || alertId === '' || Number.isNaN(Date.parse(openedAt))) {
    throw new InvalidCursorError();
  }
  return { position, openedAt, alertId };
}

/**
 * The index key to resume after: the cursor must name an alert that exists
 * and opened at that time (pointers written before `openedAt` was kept on
 * them are taken at their word).
 */
async function startKeyFromCursor(cursor: string): Promise<Record<string, string>> {
  const { position, openedAt, alertId } = cursorPosition(cursor);
  let pointer: Item | undefined;
  try {
    ({ Item: pointer } = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: storeSettings().tableName,
        Key: { pk: alertIdPk(alertId), sk: alertIdSk },
      }),
    ));
  } catch (error: unknown) {
    throw storeErrorFrom('listActiveAlerts', error);
  }
  if (
    pointer === undefined ||
    typeof pointer.alertPk !== 'string' ||
    typeof pointer.alertSk !== 'string' ||
    (pointer.openedAt !== undefined && pointer.openedAt !== openedAt)
  ) {
    throw new InvalidCursorError();
  }
  return {
    [openAlertsIndex.partitionKey]: openAlertsIndex.openValue,
    [openAlertsIndex.sortKey]: position,
    pk: pointer.alertPk,
    sk: pointer.alertSk,
  };
}

/**
 * Open and acknowledged alerts, oldest first, from the sparse `openAlerts`
 * index (eventually consistent: a change shows within about a second).
 */
export async function listActiveAlerts({
  limit = 50,
  cursor,
}: {
  limit?: number;
  cursor?: string;
} = {}): Promise<AlertPage> {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new InvalidStoreRequestError(`limit must be an integer from 1 to 1000, got ${limit}`);
  }
  const startKey = cursor === undefined ? undefined : await startKeyFromCursor(cursor);
  try {
    const page = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: storeSettings().tableName,
        IndexName: openAlertsIndex.name,
        KeyConditionExpression: '#open = :open',
        ExpressionAttributeNames: { '#open': openAlertsIndex.partitionKey },
        ExpressionAttributeValues: { ':open': openAlertsIndex.openValue },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const result: AlertPage = { alerts: (page.Items ?? []).map(alertFromItem) };
    if (page.LastEvaluatedKey !== undefined) result.cursor = encodeCursor(page.LastEvaluatedKey);
    return result;
  } catch (error: unknown) {
    throw storeErrorFrom('listActiveAlerts', error);
  }
}

const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';

/** How long a sent outbox entry stays before DynamoDB's TTL removes it. */
const sentOutboxTtlSeconds = 86_400;

export interface NotificationClaim {
  /** Who publishes: the same claimant may take its own entry again (a retry of the same stream record). */
  claimant: string;
  now: Date;
  /** Longer than the longest publish (SDK timeouts and retries included), so a live claim never lapses. */
  leaseMs: number;
}

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
  notification: OutboxNotification,
  { claimant, now, leaseMs }: NotificationClaim,
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
  notification: OutboxNotification,
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
  notification: OutboxNotification,
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

function sentMarkItem(
  notificationId: string,
  patient: PatientKey,
  details: { sentAt?: string; messageId?: string; topic?: string },
): Item {
  return {
    pk: patientPk(patient),
    sk: notificationSk(notificationId),
    itemType: 'notification',
    status: 'sent',
    notificationId,
    sentAt: details.sentAt ?? new Date().toISOString(),
    messageId: details.messageId,
    topic: details.topic,
  };
}

/** Whether a notification was already published (so a retry does not page twice). */
export async function wasNotificationSent(notificationId: string, patient: PatientKey): Promise<boolean> {
  try {
    const { Item: item } = await dynamoDocumentClient().send(
      new GetCommand({
        TableName: storeSettings().tableName,
        Key: { pk: patientPk(patient), sk: notificationSk(notificationId) },
        ConsistentRead: true,
      }),
    );
    return item !== undefined;
  } catch (error: unknown) {
    throw storeErrorFrom('wasNotificationSent', error);
  }
}

/** Records that a notification was published (idempotent). */
export async function markNotificationSent(
  notificationId: string,
  patient: PatientKey,
  details: { sentAt?: string; messageId?: string } = {},
): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new PutCommand({
        TableName: storeSettings().tableName,
        Item: sentMarkItem(notificationId, patient, details),
      }),
    );
  } catch (error: unknown) {
    throw storeErrorFrom('markNotificationSent', error);
  }
}

/**
 * Every critical alert opened at or after `from` and before `to` (open,
 * acknowledged, resolved or superseded), oldest first, from the sparse
 * `criticalAlerts` index: one Query per UTC month of the period, every page
 * read. Eventually consistent: a change shows within about a second.
 */
export async function listCriticalAlerts({ from, to }: { from: Date; to: Date }): Promise<Alert[]> {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from.getTime() >= to.getTime()) {
    throw new InvalidStoreRequestError('listCriticalAlerts needs valid times with from before to');
  }
  const client = dynamoDocumentClient();
  const tableName = storeSettings().tableName;
  const alerts: Alert[] = [];
  try {
    for (const range of criticalAlertsRanges(from, to)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: criticalAlertsIndex.name,
            KeyConditionExpression: '#month = :month AND #opened BETWEEN :from AND :to',
            ExpressionAttributeNames: {
              '#month': criticalAlertsIndex.partitionKey,
              '#opened': criticalAlertsIndex.sortKey,
            },
            ExpressionAttributeValues: { ':month': range.pk, ':from': range.from, ':to': range.to },
            ExclusiveStartKey: startKey,
          }),
        );
        alerts.push(...(page.Items ?? []).map(alertFromItem));
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
  } catch (error: unknown) {
    throw storeErrorFrom('listCriticalAlerts', error);
  }
  return withFirstPagedAt(alerts);
}

/**
 * When each alert's opening page was published: the sent mark of its
 * `<alertId>:opened` notification (written when SNS took it), so the report
 * measures the page that went out, not the decision to send it.
 */
async function withFirstPagedAt(alerts: Alert[]): Promise<Alert[]> {
  const tableName = storeSettings().tableName;
  const sentAt = new Map<string, string>();
  const keys = alerts
    .filter((alert) => alert.firstPagedAt === undefined)
    .map((alert) => ({ pk: patientPk(alert.patient), sk: notificationSk(`${alert.alertId}:opened`) }));
  try {
    for (let start = 0; start < keys.length; start += batchGetLimit) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(start, start + batchGetLimit);
      while (pending !== undefined && pending.length > 0) {
        const reply: BatchGetCommandOutput = await dynamoDocumentClient().send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
        );
        for (const mark of reply.Responses?.[tableName] ?? []) {
          if (typeof mark.notificationId === 'string' && typeof mark.sentAt === 'string') {
            sentAt.set(mark.notificationId.replace(/:opened$/, ''), mark.sentAt);
          }
        }
        pending = reply.UnprocessedKeys?.[tableName]?.Keys;
      }
    }
  } catch (error: unknown) {
    throw storeErrorFrom('listCriticalAlerts', error);
  }
  return alerts.map((alert) => {
    const pagedAt = alert.firstPagedAt ?? sentAt.get(alert.alertId);
    return pagedAt === undefined ? alert : { ...alert, firstPagedAt: pagedAt };
  });
}

/** DynamoDB's limit on keys in one BatchGetItem. */
const batchGetLimit = 100;
