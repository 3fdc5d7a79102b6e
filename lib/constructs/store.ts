/**
 * The single DynamoDB table (records, alerts, audit, duplicate detection) with
 * its stream, the three sparse indexes, point-in-time recovery and an AWS
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
  criticalAlertsIndex,
  defaultTableName,
  keyAttributes,
  openAlertsIndex,
  patientPk,
  ttlAttribute,
} from '../../lambdas/adapters/table-layout.js';

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
    for (const index of [openAlertsIndex, cohortIndex, criticalAlertsIndex]) {
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

  /** Ingest: store parsed records, profiles and duplicate marks; no reads, no deletes. */
  recordWriteStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'WriteRecords',
        actions: [
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
        ],
        resources: [this.table.tableArn],
      }),
    ];
  }

  /**
   * Evaluate, sweep and admin: read history and alerts (table and the two
   * indexes), write alert state and audit. No function may delete or scan:
   * audit events are never deleted, and duplicate marks expire by TTL.
   */
  readWriteStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'ReadWriteAlertState',
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
        ],
        resources: [this.table.tableArn],
      }),
      new iam.PolicyStatement({
        sid: 'QueryIndexes',
        actions: ['dynamodb:Query'],
        resources: [openAlertsIndex.name, cohortIndex.name].map(
          (name) => `${this.table.tableArn}/index/${name}`,
        ),
      }),
    ];
  }

  /**
   * Admin, for the timeliness report: query the `criticalAlerts` index (every
   * critical alert by the month it opened). No other function reads it.
   */
  criticalAlertsReadStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'QueryCriticalAlerts',
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${criticalAlertsIndex.name}`],
      }),
    ];
  }

  /**
   * The ack-link function: find an alert by id (the ALERTID# pointer, then
   * the alert in its patient partition, the profile where pagePhi is full)
   * and write the acknowledged alert, its audit event and the outbox entry
   * of its notice (transaction Puts), then mark the notice sent (an Update of
   * the outbox entry). Items only, no index, no query, and only in patient
   * and alert-id partitions (not the duplicate marks).
   */
  alertAcknowledgementStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'AcknowledgeAlerts',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': {
            'dynamodb:LeadingKeys': [alertIdPk('*'), patientPk({ namespace: '*', mrn: '*' })],
          },
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
