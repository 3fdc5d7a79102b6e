/**
 * When the rules run: on every new result, order, diagnosis or enrolment
 * (evaluate, from the table stream) and on a timer (sweep: escalations,
 * repeats, overdue monitoring). The stream's failure policy is explicit:
 * partial batch failures, bisect, bounded retries and age, and an encrypted
 * on-failure queue, so one bad record can neither block a patient's shard
 * for a day nor be lost silently.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { evaluationTriggerFilterPattern } from '../../lambdas/table/layout.js';
import type { PipelineFunction } from './pipeline-function.js';
import type { Store } from './store.js';

export interface EvaluationProps {
  prefix: string;
  key: kms.IKey;
  store: Store;
  evaluate: PipelineFunction;
  sweep: PipelineFunction;
  sweepEveryMinutes: number;
}

/** The stream event source settings (exported for the tests and the local stream poller's documentation). */
export const streamSettings = {
  batchSize: 50,
  retryAttempts: 5,
  maxRecordAge: Duration.hours(1),
} as const;

export class Evaluation extends Construct {
  /** Stream batches that still failed after retries and bisection (metadata only: shard and sequence numbers). */
  readonly failedRecords: sqs.Queue;
  private readonly streamArn: string;

  constructor(scope: Construct, id: string, props: EvaluationProps) {
    super(scope, id);

    this.failedRecords = new sqs.Queue(this, 'FailedStreamRecords', {
      queueName: `${props.prefix}-failed-stream-records`,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      // Long enough to investigate; the stream itself keeps the records only 24 hours.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedRecords).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter destination of the evaluate stream; nothing consumes it automatically, an operator inspects and replays it, and its depth alarms at 1.',
    });

    props.evaluate.allow(
      ...props.store.streamReadStatements(),
      new iam.PolicyStatement({
        sid: 'SendFailedStreamRecords',
        actions: ['sqs:SendMessage'],
        resources: [this.failedRecords.queueArn],
      }),
    );
    props.evaluate.function.addEventSource(
      new DynamoEventSource(props.store.table, {
        // TRIM_HORIZON: records written before the mapping existed are still evaluated; nothing is lost.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: streamSettings.batchSize,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: streamSettings.retryAttempts,
        maxRecordAge: streamSettings.maxRecordAge,
        // One batch per shard at a time keeps one patient's records in order. Above 1, Lambda
        // orders records per item (partition and sort key), not per patient, so two results of
        // one patient could be evaluated at once and in either order; that is not proven safe
        // (an outbox claimed by one evaluation, a page published before the one it follows).
        // Parallelism comes from evaluating a batch's patients concurrently (EVALUATE_CONCURRENCY).
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.failedRecords),
        filters: [lambda.FilterCriteria.filter(evaluationTriggerFilterPattern)],
      }),
    );

    this.streamArn = props.store.table.tableStreamArn ?? '';
    const every = Duration.minutes(props.sweepEveryMinutes);
    // A sweep that fails or queues past the next run is dropped: the next run does the same work.
    props.sweep.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: every });
    new events.Rule(this, 'SweepSchedule', {
      ruleName: `${props.prefix}-sweep`,
      description: 'Escalations, repeats and overdue-monitoring rules',
      schedule: events.Schedule.rate(every),
      targets: [new targets.LambdaFunction(props.sweep.function, { retryAttempts: 2, maxEventAge: every })],
    });
  }

  /**
   * What `npm run redrive` needs beyond the evaluate function's own permissions: reading each
   * failed batch back from the stream by shard and sequence number, and receiving, releasing
   * and deleting the queue's messages (bin/cli/failed-batches.ts).
   */
  redriveStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'ReadFailedBatchesFromStream',
        actions: ['dynamodb:GetShardIterator', 'dynamodb:GetRecords'],
        resources: [this.streamArn],
      }),
      new iam.PolicyStatement({
        sid: 'WorkFailedBatchQueue',
        actions: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage'],
        resources: [this.failedRecords.queueArn],
      }),
    ];
  }
}
