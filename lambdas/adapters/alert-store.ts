/**
 * Alert changes and reading one alert: every alert write is conditional, so a
 * retried or concurrent evaluation can neither open the same alert twice nor
 * overwrite a newer version. The lists (open alerts, critical alerts for the
 * report) are in alert-lists.ts, the outbox's publishing in outbox-store.ts.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Alert } from '../domain/alerts.js';
import {
  alertEpisodeItem,
  alertFromItem,
  alertItem,
  auditItem,
  outboxItem,
  patientKeyOf,
} from '../table/items.js';
import { alertIdPk, alertIdSk, type PatientKey } from '../table/layout.js';
import type { AlertChanges } from '../workflows/ports.js';
import { dynamoDocumentClient } from './aws-clients.js';
import { cancellationReasons, maxTransactionItems, storeSettings } from './store-context.js';
import { ConcurrentAlertChangeError, InvalidStoreRequestError, storeErrorFrom } from './store-errors.js';

export type { AlertChange, AlertChanges } from '../workflows/ports.js';

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
