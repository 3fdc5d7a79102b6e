/**
 * What tells the hospital's operations team the pipeline is unwell, before a
 * missed page does: alarms on the API, the functions, the stream, the
 * dead-letter queue, SNS delivery, the sweep's failed patients and stages,
 * and the lab feed itself (silence), all to an encrypted `operations` topic,
 * plus one dashboard.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { metricsNamespace, type PipelineFunction } from './pipeline-function.js';

export interface OperationsProps {
  prefix: string;
  key: kms.IKey;
  alarmEmail: string;
  api: apigw.RestApi;
  ingest: PipelineFunction;
  evaluate: PipelineFunction;
  sweep: PipelineFunction;
  admin: PipelineFunction;
  ackLink: PipelineFunction;
  failedRecords: sqs.IQueue;
  /** pages, notices, escalations and the further escalation levels (`escalation-2`, ...). */
  clinicalTopics: Record<string, sns.ITopic>;
  feedSilenceMinutes: number;
}

const fiveMinutes = Duration.minutes(5);
const oneMinute = Duration.minutes(1);
const quarterHour = Duration.minutes(15);

/** Share of messages answered AR over 15 minutes above which the feed (or our parser) is likely broken. */
const rejectedPercentThreshold = 10;
/** Stream records older than this mean pages are late. */
const iteratorAgeThresholdMs = 60_000;

interface AlarmOptions {
  metric: cloudwatch.IMetric;
  threshold: number;
  description: string;
  comparisonOperator?: cloudwatch.ComparisonOperator;
  treatMissingData?: cloudwatch.TreatMissingData;
  evaluationPeriods?: number;
}

export class Operations extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${props.prefix}-operations`,
      displayName: 'Calciphylaxis alerting: operational alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.action = new actions.SnsAction(this.topic);

    const functions = [props.ingest, props.evaluate, props.sweep, props.admin, props.ackLink];
    const pipelineMetric = (metricName: string, service: PipelineFunction, period = fiveMinutes) =>
      new cloudwatch.Metric({
        namespace: metricsNamespace,
        metricName,
        dimensionsMap: { service: service.serviceName },
        statistic: cloudwatch.Stats.SUM,
        period,
      });
    const accepted = pipelineMetric('MessagesAccepted', props.ingest);
    const rejected = pipelineMetric('MessagesRejected', props.ingest);
    const errored = pipelineMetric('MessagesErrored', props.ingest);
    const publishers = [props.evaluate, props.sweep, props.admin, props.ackLink];

    this.alarm('Api5xx', {
      metric: props.api.metricServerError({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      description: 'API Gateway answered 5XX (AE: a message was not stored; the feed will retry).',
    });
    this.alarm('RejectedMessageRate', {
      metric: new cloudwatch.MathExpression({
        // Sparse custom metrics: a period without a datapoint counts as zero messages.
        expression:
          'IF((FILL(a, 0) + FILL(r, 0) + FILL(e, 0)) > 0, 100 * FILL(r, 0) / (FILL(a, 0) + FILL(r, 0) + FILL(e, 0)), 0)',
        usingMetrics: { a: accepted, r: rejected, e: errored },
        period: quarterHour,
        label: 'Messages rejected (AR), % of messages',
      }),
      threshold: rejectedPercentThreshold,
      description: `More than ${rejectedPercentThreshold}% of messages answered AR in 15 minutes: the feed changed or the parser is wrong.`,
    });
    this.alarm('FeedSilence', {
      metric: pipelineMetric('MessagesAccepted', props.ingest, Duration.minutes(props.feedSilenceMinutes)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // No datapoint at all is exactly the silence we are looking for.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      description: `No message accepted for ${props.feedSilenceMinutes} minutes: is the lab feed down? New results are not being checked.`,
    });
    for (const fn of functions) {
      const name = pascalCase(fn.serviceName);
      this.alarm(`${name}Errors`, {
        metric: fn.function.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        description: `The ${fn.serviceName} function failed (unhandled error or timeout).`,
      });
      this.alarm(`${name}Throttles`, {
        metric: fn.function.metricThrottles({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        description: `The ${fn.serviceName} function hit its reserved concurrency.`,
      });
    }
    this.alarm('StreamIteratorAge', {
      metric: props.evaluate.function.metric('IteratorAge', {
        period: oneMinute,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: iteratorAgeThresholdMs,
      evaluationPeriods: 3,
      description: 'Evaluate lags the table stream by over a minute for 3 minutes: pages are late.',
    });
    this.alarm('FailedStreamRecords', {
      metric: props.failedRecords.metricApproximateNumberOfMessagesVisible({
        period: oneMinute,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      description:
        'Stream records were given up on after retries: some results were not evaluated. Inspect and replay.',
    });
    this.alarm('PublishFailures', {
      metric: new cloudwatch.MathExpression({
        expression: publishers.map((_, index) => `FILL(p${index}, 0)`).join(' + '),
        usingMetrics: Object.fromEntries(
          publishers.map((fn, index) => [`p${index}`, pipelineMetric('PublishFailures', fn)]),
        ),
        period: fiveMinutes,
        label: 'SNS publish failures (all functions)',
      }),
      threshold: 1,
      description: 'A page or notice could not be published to SNS.',
    });
    // Only evaluate and the sweep retry an outbox entry up to its last attempt (an acknowledgement
    // publishes once; what it could not send, they send).
    const outboxDrainers = [props.evaluate, props.sweep];
    this.alarm('NotificationsParked', {
      metric: new cloudwatch.MathExpression({
        expression: outboxDrainers.map((_, index) => `FILL(k${index}, 0)`).join(' + '),
        usingMetrics: Object.fromEntries(
          outboxDrainers.map((fn, index) => [`k${index}`, pipelineMetric('NotificationsParked', fn)]),
        ),
        period: fiveMinutes,
        label: 'Notifications parked after their last publish attempt',
      }),
      threshold: 1,
      description:
        'A page or notice failed every publish attempt and was parked (outbox status parked): it was NOT sent. Read the outbox entry (lastError), fix the cause and send it by hand.',
    });
    this.alarm('SweepFailures', {
      metric: pipelineMetric('SweepFailures', props.sweep),
      threshold: 1,
      description:
        'The sweep could not finish a patient or a stage (listing the cohort or the open alerts); the rest was done. Escalations, repeats or overdue checks may be missing until it recovers: see the sweep log (stage, patient log id).',
    });
    for (const [topicName, topic] of Object.entries(props.clinicalTopics)) {
      this.alarm(`${pascalCase(topicName)}DeliveryFailures`, {
        metric: topic.metricNumberOfNotificationsFailed({
          period: fiveMinutes,
          statistic: cloudwatch.Stats.SUM,
        }),
        threshold: 1,
        description: `SNS could not deliver to a ${topicName} subscriber (SMS, e-mail or HTTPS endpoint).`,
      });
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.prefix}-operations`,
      defaultInterval: Duration.hours(24),
    });
    const graph = (title: string, left: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6 });
    this.dashboard.addWidgets(
      graph('HL7 messages (AA / AR / AE)', [accepted, rejected, errored]),
      graph('API requests and errors', [
        props.api.metricCount({ period: fiveMinutes }),
        props.api.metricClientError({ period: fiveMinutes }),
        props.api.metricServerError({ period: fiveMinutes }),
      ]),
      graph('API latency p99', [props.api.metricLatency({ period: fiveMinutes, statistic: 'p99' })]),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors',
        functions.map((fn) => fn.function.metricErrors({ period: fiveMinutes, label: fn.serviceName })),
      ),
      graph('Evaluate stream iterator age (max)', [
        props.evaluate.function.metric('IteratorAge', {
          period: oneMinute,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
      ]),
      graph('Failed stream records (queue depth)', [
        props.failedRecords.metricApproximateNumberOfMessagesVisible({ period: oneMinute }),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Notifications published / failed',
        publishers.flatMap((fn) => [
          pipelineMetric('NotificationsPublished', fn),
          pipelineMetric('PublishFailures', fn),
          pipelineMetric('NotificationsParked', fn),
        ]),
      ),
      graph('Sweep failures (patients or stages)', [pipelineMetric('SweepFailures', props.sweep)]),
      graph(
        'SNS deliveries failed per topic',
        Object.entries(props.clinicalTopics).map(([topicName, topic]) =>
          topic.metricNumberOfNotificationsFailed({ period: fiveMinutes, label: topicName }),
        ),
      ),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 8, height: 6 }),
    );
  }

  private alarm(id: string, options: AlarmOptions): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator:
        options.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // Missing data means nothing happened (no errors, no failures), except where a caller says otherwise.
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}

/** `ack-link` → `AckLink`, `escalation-2` → `Escalation2`: construct ids. */
function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
