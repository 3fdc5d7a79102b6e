/**
 * The console's reads: an alert's audit trail and sent notifications, the
 * records an alert cites, and the cohort list (one Query of the `cohortView`
 * index: each member's profile followed by their active alert slots).
 */
import { BatchGetCommand, type BatchGetCommandOutput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Alert, AuditEvent } from '../domain/alerts.js';
import type { PatientKey, StoredRecord } from '../domain/records.js';
import { alertFromItem, type Item, isClosed, profileFromItem, storedRecordFromItem } from '../table/items.js';
import {
  auditSk,
  cohortIndex,
  cohortViewAlertSk,
  cohortViewIndex,
  keyPart,
  patientPk,
  prefixUpperBound,
  profileSk,
  sortKeyPrefix,
} from '../table/layout.js';
import type { CohortViewEntry, SentNotification } from '../workflows/console.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { queryAll, storeSettings } from './store-context.js';
import { storeErrorFrom } from './store-errors.js';

/**
 * The alert's audit events (written at or after it opened, in its patient's
 * partition) and the sent marks of its notifications (`<alertId>:<event>`):
 * two small Queries of the patient's partition, side by side.
 */
export async function alertTrail(alert: Alert): Promise<{ audit: AuditEvent[]; sent: SentNotification[] }> {
  const pk = patientPk(alert.patient);
  const [auditItems, sentItems] = await Promise.all([
    queryAll('alertTrail', {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      FilterExpression: 'alertId = :alertId',
      ExpressionAttributeValues: {
        ':pk': pk,
        ':from': auditSk(alert.openedAt, ''),
        ':to': prefixUpperBound(sortKeyPrefix.audit),
        ':alertId': alert.alertId,
      },
    }),
    queryAll('alertTrail', {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': pk,
        ':prefix': `${sortKeyPrefix.notification}${keyPart(`${alert.alertId}:`)}`,
      },
    }),
  ]);
  return {
    audit: auditItems.map(auditFromItem),
    sent: sentItems
      .filter((item) => typeof item.sentAt === 'string')
      .map((item) => ({
        notificationId: String(item.notificationId),
        sentAt: String(item.sentAt),
        ...(typeof item.topic === 'string' ? { topic: item.topic } : {}),
      })),
  };
}

function auditFromItem(item: Item): AuditEvent {
  return {
    alertId: String(item.alertId),
    at: String(item.at),
    from: item.from as AuditEvent['from'],
    to: item.to as AuditEvent['to'],
    reason: String(item.reason),
    by: String(item.by),
    ...(typeof item.byName === 'string' ? { byName: item.byName } : {}),
  };
}

/** DynamoDB's limit on keys in one BatchGetItem. */
const batchGetLimit = 100;

/** The records an alert cites, by their ids (sort keys); enrolments and records no longer stored are left out. */
export async function evidenceRecords(
  patient: PatientKey,
  recordIds: readonly string[],
): Promise<StoredRecord[]> {
  const tableName = storeSettings().tableName;
  const pk = patientPk(patient);
  const keys = [...new Set(recordIds)]
    .filter((recordId) => recordId.startsWith(sortKeyPrefix.history))
    .map((sk) => ({ pk, sk }));
  const records: StoredRecord[] = [];
  try {
    for (let start = 0; start < keys.length; start += batchGetLimit) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(start, start + batchGetLimit);
      while (pending !== undefined && pending.length > 0) {
        const reply: BatchGetCommandOutput = await dynamoDocumentClient().send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending } } }),
        );
        records.push(...(reply.Responses?.[tableName] ?? []).map(storedRecordFromItem));
        pending = reply.UnprocessedKeys?.[tableName]?.Keys;
      }
    }
  } catch (error: unknown) {
    throw storeErrorFrom('evidenceRecords', error);
  }
  return records;
}

/**
 * The cohort: one Query of the sparse `cohortView` index, in key order, so
 * each member's profile comes first and their active alert slots right after
 * (`<pk>`, then `<pk>#ALERT#...`). Alert slots without a member profile
 * before them (a patient no longer in the cohort) are left out.
 */
export async function listCohortView(): Promise<CohortViewEntry[]> {
  const items = await queryAll('listCohortView', {
    IndexName: cohortViewIndex.name,
    KeyConditionExpression: '#view = :member',
    ExpressionAttributeNames: { '#view': cohortViewIndex.partitionKey },
    ExpressionAttributeValues: { ':member': cohortViewIndex.memberValue },
  });
  const entries: CohortViewEntry[] = [];
  let current: { pk: string; entry: CohortViewEntry } | undefined;
  for (const item of items) {
    if (item.itemType === 'patient') {
      current = { pk: String(item.pk), entry: { profile: profileFromItem(item), activeAlerts: [] } };
      entries.push(current.entry);
    } else if (item.itemType === 'alert' && current !== undefined && item.pk === current.pk) {
      current.entry.activeAlerts.push(alertFromItem(item));
    }
  }
  return entries;
}

/**
 * The migration of items written before the `cohortView` index (npm run backfill): the profile of a
 * cohort member and each of their open or acknowledged alert slots get its attributes (and a former
 * member's profile loses them). Each write is conditional on what was read (membership, alert
 * version), so a change made meanwhile, which sets them itself, is never undone.
 */
export async function indexCohortView(patient: PatientKey): Promise<void> {
  const pk = patientPk(patient);
  const items = await queryAll('indexCohortView', {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': pk, ':from': sortKeyPrefix.alert, ':to': profileSk },
    ConsistentRead: true,
  });
  const viewed = (item: Item) => item[cohortViewIndex.partitionKey] === cohortViewIndex.memberValue;
  const names = { '#viewPk': cohortViewIndex.partitionKey, '#viewSk': cohortViewIndex.sortKey };
  const updates: { sk: string; expression: string; condition: string; values: Record<string, unknown> }[] =
    [];
  for (const item of items) {
    const sk = String(item.sk);
    if (sk === profileSk) {
      const member = item[cohortIndex.partitionKey] === cohortIndex.memberValue;
      if (member && !viewed(item)) {
        updates.push({
          sk,
          expression: 'SET #viewPk = :member, #viewSk = :sort',
          condition: '#cohortPk = :member',
          values: { ':member': cohortViewIndex.memberValue, ':sort': pk },
        });
      } else if (!member && item[cohortViewIndex.partitionKey] !== undefined) {
        updates.push({
          sk,
          expression: 'REMOVE #viewPk, #viewSk',
          condition: 'attribute_not_exists(#cohortPk)',
          values: {},
        });
      }
    } else if (sk.startsWith(sortKeyPrefix.alert) && !viewed(item)) {
      const alert = alertFromItem(item);
      if (isClosed(alert)) continue;
      updates.push({
        sk,
        expression: 'SET #viewPk = :member, #viewSk = :sort',
        condition: '#version = :version',
        values: {
          ':member': cohortViewIndex.memberValue,
          ':sort': cohortViewAlertSk(alert.patient, alert.ruleId, alert.alertScope),
          ':version': alert.version,
        },
      });
    }
  }
  for (const update of updates) {
    try {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: storeSettings().tableName,
          Key: { pk, sk: update.sk },
          UpdateExpression: update.expression,
          ConditionExpression: update.condition,
          ExpressionAttributeNames: {
            ...names,
            ...(update.condition.includes('#cohortPk') ? { '#cohortPk': cohortIndex.partitionKey } : {}),
            ...(update.condition.includes('#version') ? { '#version': 'version' } : {}),
          },
          ...(Object.keys(update.values).length === 0 ? {} : { ExpressionAttributeValues: update.values }),
        }),
      );
    } catch (error: unknown) {
      // Changed since it was read: that change wrote the index attributes as they should be.
      if ((error as { name?: unknown }).name === 'ConditionalCheckFailedException') continue;
      throw storeErrorFrom('indexCohortView', error);
    }
  }
}
