/**
 * The single DynamoDB table (records, alerts, audit, duplicate detection) with
 * its stream, the four sparse indexes, point-in-time recovery and an AWS
 * Backup plan into a vault encrypted with the hospital's key. The layout
 * constants come from the store adapter, so the stack and the code agree.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  alertIdPk,
  cohortIndex,
  cohortViewIndex,
  criticalAlertsIndex,
  defaultTableName,
  keyAttributes,
  openAlertsIndex,
  patientPk,
  ttlAttribute,
} from '../../lambdas/table/layout.js';

/** The item actions a function may be granted on the table (never DeleteItem or Scan). */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

export type IndexName =
  | typeof openAlertsIndex.name
  | typeof cohortIndex.name
  | typeof cohortViewIndex.name
  | typeof criticalAlertsIndex.name;

/**
 * Every top-level attribute the acknowledgement writes: the alert slot and
 * episode items (table/items alertItem, alertEpisodeItem, with their index
 * attributes), the audit event (auditItem), the outbox entry (outboxItem),
 * the sent mark and the outbox entry's sent update (alert-store
 * completeNotification). tests/adapters/ack-link-writes.test.ts records what
 * an acknowledgement really sends and fails on any name missing here.
 */
export const alertItemAttributes = [
  keyAttributes.partition,
  keyAttributes.sort,
  'itemType',
  'alertId',
  'ruleId',
  'state',
  'severity',
  'version',
  'openedAt',
  'alert',
  // The rule-set version beside the alert and in its audit events (table/items ruleSetVersionOf, auditItem).
  'ruleSetVersion',
  'alertPk',
  'alertSk',
  openAlertsIndex.partitionKey,
  openAlertsIndex.sortKey,
  cohortViewIndex.partitionKey,
  cohortViewIndex.sortKey,
  criticalAlertsIndex.partitionKey,
  criticalAlertsIndex.sortKey,
  'at',
  'from',
  'to',
  'reason',
  'by',
  'status',
  'notificationId',
  'topic',
  'queuedAt',
  'position',
  'notification',
  'sentAt',
  'messageId',
  // An outbox entry is committed already claimed by its writer (workflows/notify.ts).
  'claimedBy',
  'claimedUntil',
  'attempts',
  ttlAttribute,
] as const;

/**
 * What giving back a failed publish's claim (or parking the entry) writes: a plain conditional
 * Update of the outbox entry, outside any transaction.
 */
export const outboxReleaseAttributes = [
  keyAttributes.partition,
  keyAttributes.sort,
  'claimedBy',
  'claimedUntil',
  'sentAt',
  'lastError',
  'lastErrorAt',
  'status',
  'parkedAt',
] as const;

export interface StoreProps {
  key: kms.IKey;
  /** Prefix of the backup vault and plan names. */
  prefix: string;
}

/** Backup copies: daily for five weeks, monthly for a year (PITR covers the last 35 days to the second). */
const dailyBackupDays = 35;
const monthlyBackupDays = 365;

export class Store extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StoreProps) {
    super(scope, id);
    const stringKey = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });

    this.table = new dynamodb.Table(this, 'Table', {
      tableName: defaultTableName,
      partitionKey: stringKey(keyAttributes.partition),
      sortKey: stringKey(keyAttributes.sort),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of [openAlertsIndex, cohortIndex, criticalAlertsIndex, cohortViewIndex]) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    const vault = new backup.BackupVault(this, 'BackupVault', {
      backupVaultName: `${props.prefix}-backups`,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = new backup.BackupPlan(this, 'BackupPlan', {
      backupPlanName: `${props.prefix}-table`,
      backupVault: vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: events.Schedule.cron({ hour: '5', minute: '0' }),
          deleteAfter: Duration.days(dailyBackupDays),
        }),
        new backup.BackupPlanRule({
          ruleName: 'Monthly',
          scheduleExpression: events.Schedule.cron({ day: '1', hour: '5', minute: '0' }),
          deleteAfter: Duration.days(monthlyBackupDays),
        }),
      ],
    });
    const selection = plan.addSelection('Table', {
      resources: [backup.BackupResource.fromDynamoDbTable(this.table)],
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        'The AWS Backup service role uses the AWS-maintained backup policy, which AWS keeps current with the services Backup supports; it is assumable only by backup.amazonaws.com.',
    });
  }

  /**
   * Item actions on the table itself (no index), for the actions a function's
   * adapters send. A transaction's Put, Update and ConditionCheck are
   * authorised as PutItem, UpdateItem and ConditionCheckItem (there is no
   * TransactWriteItems action), a Get as GetItem.
   */
  tableStatement(sid: string, actions: readonly TableAction[]): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid,
      actions: actions.map((action) => `dynamodb:${action}`),
      resources: [this.table.tableArn],
    });
  }

  /** Query on the named sparse indexes only (each index is its own resource). */
  indexQueryStatement(sid: string, indexes: readonly IndexName[]): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid,
      actions: ['dynamodb:Query'],
      resources: indexes.map((name) => `${this.table.tableArn}/index/${name}`),
    });
  }

  /**
   * The ack-link function: find an alert by id (the ALERTID# episode item,
   * the slot of an older pointer-only episode, the profile where pagePhi is
   * full), then acknowledge it in one transaction (Puts of the patient's
   * alert slot, the episode item, the audit event and the notice's outbox
   * entry) and mark the notice sent (an Update of the outbox entry and a Put
   * of the sent mark, one transaction); when the publish fails, give the
   * claim back (an Update of the outbox entry's bookkeeping only).
   *
   * IAM cannot condition on a sort key, so "alert items only" is enforced as
   * far as IAM reaches: partitions `ALERTID#*` and `PATIENT#*` only
   * (`dynamodb:LeadingKeys`: not the duplicate marks or audit of messages),
   * writes only inside a transaction (`dynamodb:EnclosingOperation`), and
   * only with the attribute names of alert, episode, audit and notification
   * items (`dynamodb:Attributes`): it cannot write a result, an order, an
   * enrolment, a profile field or the clinical state. No delete, batch,
   * query or scan. What remains: a Put of an alert-shaped item could replace
   * another item of a patient partition; the token check in the code is what
   * stops that, and only a separate partition for alert items would let IAM
   * stop it too.
   */
  alertAcknowledgementStatements(): iam.PolicyStatement[] {
    const partitions = {
      'ForAllValues:StringLike': {
        'dynamodb:LeadingKeys': [alertIdPk('*'), patientPk({ namespace: '*', mrn: '*' })],
      },
    };
    return [
      new iam.PolicyStatement({
        sid: 'ReadAlerts',
        actions: ['dynamodb:GetItem'],
        resources: [this.table.tableArn],
        conditions: partitions,
      }),
      new iam.PolicyStatement({
        sid: 'AcknowledgeAlerts',
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
        conditions: {
          ...partitions,
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...alertItemAttributes] },
          'ForAnyValue:StringEquals': { 'dynamodb:EnclosingOperation': ['TransactWriteItems'] },
        },
      }),
      new iam.PolicyStatement({
        sid: 'ReleaseNotificationClaims',
        actions: ['dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [patientPk({ namespace: '*', mrn: '*' })] },
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...outboxReleaseAttributes] },
        },
      }),
    ];
  }

  /** Evaluate's stream event source (Lambda polls with the function's role). */
  streamReadStatements(): iam.PolicyStatement[] {
    const streamArn = this.table.tableStreamArn;
    if (streamArn === undefined) {
      throw new Error('the table has no stream');
    }
    return [
      new iam.PolicyStatement({
        sid: 'ReadTableStream',
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [streamArn],
      }),
      new iam.PolicyStatement({
        sid: 'ListTableStreams',
        // ListStreams has no resource-level permissions: AWS accepts only "*" for it.
        actions: ['dynamodb:ListStreams'],
        resources: ['*'],
      }),
    ];
  }
}
