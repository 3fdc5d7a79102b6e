/**
 * Reading and writing a notification's sent mark directly, for tests that check what the outbox
 * left behind (the pipeline itself writes marks only when it completes a notification).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../lambdas/adapters/aws-clients.js';
import { sentMarkItem } from '../../lambdas/table/items.js';
import { notificationSk, type PatientKey, patientPk } from '../../lambdas/table/layout.js';

const tableName = () => String(process.env.TABLE_NAME);

export async function wasNotificationSent(notificationId: string, patient: PatientKey): Promise<boolean> {
  const { Item: item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: tableName(),
      Key: { pk: patientPk(patient), sk: notificationSk(notificationId) },
      ConsistentRead: true,
    }),
  );
  return item !== undefined;
}

/** A sent mark, as completeNotification writes it. */
export async function markNotificationSent(
  notificationId: string,
  patient: PatientKey,
  details: { messageId?: string; sentAt?: string } = {},
): Promise<void> {
  await dynamoDocumentClient().send(
    new PutCommand({
      TableName: tableName(),
      Item: sentMarkItem(notificationId, patient, {
        sentAt: details.sentAt,
        messageId: details.messageId ?? 'sns-message-id',
      }),
    }),
  );
}
