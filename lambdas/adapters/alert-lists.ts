/**
 * Lists of alerts: the open and acknowledged ones (sweep, admin; paged with an
 * opaque cursor) and the critical ones of a period (the timeliness report).
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../domain/alerts.js';
import { alertFromItem, type Item } from '../table/items.js';
import {
  alertIdPk,
  alertIdSk,
  criticalAlertsIndex,
  criticalAlertsRanges,
  notificationSk,
  openAlertsIndex,
  patientPk,
  shadowAlertsRanges,
} from '../table/layout.js';
import type { AlertPage } from '../workflows/ports.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { storeSettings } from './store-context.js';
import { InvalidCursorError, InvalidStoreRequestError, storeErrorFrom } from './store-errors.js';

export type { AlertPage } from '../workflows/ports.js';

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
 * Every would-be alert of a rule in shadow mode opened at or after `from` and before `to` (open,
 * resolved or superseded), oldest first: one strongly consistent Query per UTC month partition
 * (`SHADOW#<yyyy-mm>`), every page read.
 */
export async function listShadowAlerts({ from, to }: { from: Date; to: Date }): Promise<Alert[]> {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from.getTime() >= to.getTime()) {
    throw new InvalidStoreRequestError('listShadowAlerts needs valid times with from before to');
  }
  const client = dynamoDocumentClient();
  const tableName = storeSettings().tableName;
  const alerts: Alert[] = [];
  try {
    for (const range of shadowAlertsRanges(from, to)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :month AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':month': range.pk, ':from': range.from, ':to': range.to },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        alerts.push(...(page.Items ?? []).map(alertFromItem));
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
  } catch (error: unknown) {
    throw storeErrorFrom('listShadowAlerts', error);
  }
  return alerts;
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
