/**
 * The raw-message archive: every HL7 message exactly as received (accepted or
 * rejected), KMS-encrypted, versioned, TLS-only, kept `dataRetentionDays`,
 * with S3 server access logs in a separate bucket.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { PipelineFunction } from './pipeline-function.js';

export interface ArchiveProps {
  key: kms.IKey;
  dataRetentionDays: number;
}

const replicationReason =
  'Not replicated to another region: the archive is a second copy of messages the hospital interface engine already keeps, versioning protects against overwrite and deletion, and copying PHI to another region needs the hospital data-residency approval first.';

export class Archive extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArchiveProps) {
    super(scope, id);
    const retention = Duration.days(props.dataRetentionDays);

    // S3 delivers server access logs only to a bucket with SSE-S3 (SSE-KMS targets are not supported).
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'ExpireAccessLogs', expiration: retention, noncurrentVersionExpiration: Duration.days(30) },
      ],
    });
    const logBucket = Validations.of(this.accessLogBucket);
    logBucket.acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the server access log destination; logging it to itself would log its own log writes.',
    });
    logBucket.acknowledge({
      id: 'HIPAA.Security-S3BucketLoggingEnabled',
      reason:
        'This bucket is the server access log destination; logging it to itself would log its own log writes.',
    });
    logBucket.acknowledge({
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      reason:
        'S3 server access logging only delivers to SSE-S3 buckets (SSE-KMS targets are unsupported); the logs hold request metadata (object keys are ids and timestamps), no message content.',
    });
    logBucket.acknowledge({ id: 'HIPAA.Security-S3BucketReplicationEnabled', reason: replicationReason });

    this.bucket = new s3.Bucket(this, 'RawMessages', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'raw-messages/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'ExpireAfterRetention',
          expiration: retention,
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    Validations.of(this.bucket).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason: replicationReason,
    });
  }

  /**
   * Ingest: write raw messages only (no read, list or delete). Object keys
   * are chosen per message at run time, hence the one `/*` resource.
   */
  grantRawMessageWrites(writer: Pick<PipelineFunction, 'allow' | 'policy'>): void {
    writer.allow(
      new iam.PolicyStatement({
        sid: 'ArchiveRawMessages',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    const stack = Stack.of(this);
    const bucketLogicalId: unknown = stack.resolve(
      stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket),
    );
    Validations.of(writer.policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${String(bucketLogicalId)}.Arn>/*]`,
      reason:
        'PutObject on objects of the raw-message archive bucket only: each message gets its own key at run time, so the key part must be a wildcard. No read, list or delete.',
    });
  }
}
