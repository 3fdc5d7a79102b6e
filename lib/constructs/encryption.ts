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
   * What a function needs to use the key through the services it calls:
   * per service, only via that service in this region (`kms:ViaService`) and
   * only for the resources it names (the encryption context the service sets).
   * `kms:DescribeKey` carries no encryption context, so it is granted via
   * the same services but without one.
   */
  useStatements(uses: readonly KeyUse[]): iam.PolicyStatement[] {
    const { region } = Stack.of(this);
    const via = (service: KeyService) => `${service}.${region}.amazonaws.com`;
    const statements = uses.map(
      (use) =>
        new iam.PolicyStatement({
          sid: `UseDataKeyVia${keyServiceLabel[use.service]}`,
          actions: [...keyActionsOf[use.service]],
          resources: [this.key.keyArn],
          conditions: contextConditions(via(use.service), use),
        }),
    );
    statements.push(
      new iam.PolicyStatement({
        sid: 'DescribeDataKey',
        actions: ['kms:DescribeKey'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': uses.map((use) => via(use.service)) } },
      }),
    );
    return statements;
  }
}

/** The AWS services that call KMS with a function's credentials here. */
export type KeyService = 'dynamodb' | 's3' | 'sns' | 'sqs' | 'secretsmanager';

export interface KeyUse {
  service: KeyService;
  /**
   * The encryption context values: the table name (DynamoDB), the bucket ARN
   * (S3 with a bucket key; `<arn>/*` would be an object without one), topic
   * ARNs (SNS), the queue ARN (SQS), the secret ARN (Secrets Manager).
   */
  contexts: string[];
}

/** ViaService, and the encryption context (a pattern for S3: the bucket or its objects). */
function contextConditions(viaService: string, use: KeyUse): Record<string, Record<string, unknown>> {
  const context = { [`kms:EncryptionContext:${encryptionContextKey[use.service]}`]: use.contexts };
  return use.service === 's3'
    ? { StringEquals: { 'kms:ViaService': viaService }, StringLike: context }
    : { StringEquals: { 'kms:ViaService': viaService, ...context } };
}

/** The encryption context key each service sets on its KMS calls. */
const encryptionContextKey: Record<KeyService, string> = {
  dynamodb: 'aws:dynamodb:tableName',
  s3: 'aws:s3:arn',
  sns: 'aws:sns:topicArn',
  sqs: 'aws:sqs:arn',
  secretsmanager: 'SecretARN',
};

/**
 * What each service asks KMS for on the caller's behalf: DynamoDB reads and
 * writes with the table key (Decrypt, Encrypt, GenerateDataKey); S3 PutObject
 * needs a data key only (no multipart uploads here, no reads); SNS Publish and
 * SQS SendMessage a data key and Decrypt (SNS and SQS document both for
 * producers); Secrets Manager GetSecretValue decrypts.
 */
const keyActionsOf: Record<KeyService, readonly string[]> = {
  dynamodb: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
  s3: ['kms:GenerateDataKey'],
  sns: ['kms:Decrypt', 'kms:GenerateDataKey'],
  sqs: ['kms:Decrypt', 'kms:GenerateDataKey'],
  secretsmanager: ['kms:Decrypt'],
};

const keyServiceLabel: Record<KeyService, string> = {
  dynamodb: 'DynamoDb',
  s3: 'S3',
  sns: 'Sns',
  sqs: 'Sqs',
  secretsmanager: 'SecretsManager',
};
