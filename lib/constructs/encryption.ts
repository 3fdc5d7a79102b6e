/**
 * The one customer-managed KMS key that encrypts every store of PHI: table,
 * stream, archive, topics, queues, log groups and backups. One key keeps the
 * hospital's key policy reviewable in one place; rotation is yearly.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EncryptionProps {
  /** Alias without the `alias/` part. */
  aliasName: string;
}

export class Encryption extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptionProps) {
    super(scope, id);
    const { account, region, partition } = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      alias: `alias/${props.aliasName}`,
      description:
        'Encrypts calciphylaxis alerting data (PHI): table, archive, topics, queues, logs, backups.',
      enableKeyRotation: true,
      // A deleted key makes every backup and archived message unreadable: keep it, and wait the maximum if deleted by hand.
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });

    // CloudWatch Logs encrypts log groups itself; it may only use the key for this account's log groups.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${region}:${account}:log-group:*`,
          },
        },
      }),
    );

    // CloudWatch alarms publish to the KMS-encrypted operations topic; SNS needs the publisher to have these.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
  }

  /**
   * What a function needs to read and write through the key (DynamoDB, S3
   * SSE-KMS, SNS and SQS call KMS on the caller's behalf). Named actions, no
   * wildcards, this key only.
   */
  useStatement(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      sid: 'UseTheDataKey',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      resources: [this.key.keyArn],
    });
  }
}
