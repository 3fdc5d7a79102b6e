/**
 * One hospital's calciphylaxis alerting deployment, in that hospital's own
 * AWS account: HL7 in through API Gateway, DynamoDB, rules on the stream and
 * on a timer, SNS pages out with tap-to-acknowledge links and an escalation
 * chain, alarms to operations. Everything is built from the hospital's
 * checked-in configuration.
 */
import { CfnOutput, Duration, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ackLinkBaseUrlVariable, ackLinkSecretArnVariable } from '../lambdas/ack-links/links.js';
import { escalationChainOf, escalationTopicArnsVariable } from '../lambdas/alerts/escalation.js';
import {
  cohortIndex,
  cohortViewIndex,
  criticalAlertsIndex,
  openAlertsIndex,
} from '../lambdas/table/layout.js';
import { type HospitalConfig, rulesConfigFor } from './config/hospital-config.js';
import { AckLinkKey } from './constructs/ack-link-key.js';
import { Api } from './constructs/api.js';
import { Archive } from './constructs/archive.js';
import { NephrologyConsole } from './constructs/console.js';
import { Encryption } from './constructs/encryption.js';
import { Evaluation } from './constructs/evaluation.js';
import { MllpListener } from './constructs/mllp-listener.js';
import { Operations } from './constructs/operations.js';
import { Paging } from './constructs/paging.js';
import {
  metricsNamespace,
  PipelineFunction,
  type PipelineFunctionProps,
} from './constructs/pipeline-function.js';
import { Store } from './constructs/store.js';

export interface CalciphylaxisStackProps extends StackProps {
  config: HospitalConfig;
}

/** Resource-name prefix: topics `calciphylaxis-pages`, ... as in the local stack. */
export const resourcePrefix = 'calciphylaxis';

/** Contract defaults the hospital file does not override. */
const historyDays = 400;
const duplicateTtlDays = 30;

export function stackIdFor(config: HospitalConfig): string {
  return `Calciphylaxis-${config.hospitalId}`;
}

export class CalciphylaxisStack extends Stack {
  constructor(scope: Construct, id: string, props: CalciphylaxisStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      description: `Calciphylaxis alerting for ${config.displayName}`,
      env: { account: config.account, region: config.region },
      terminationProtection: true,
      ...stackProps,
    });
    Tags.of(this).add('Application', 'calciphylaxis-alerting');
    Tags.of(this).add('Hospital', config.hospitalId);
    Tags.of(this).add('DataClassification', 'PHI');

    const prefix = resourcePrefix;
    const rulesConfig = rulesConfigFor(config);

    const encryption = new Encryption(this, 'Encryption', { aliasName: prefix });
    const { key } = encryption;
    const store = new Store(this, 'Store', { key, prefix });
    const archive = new Archive(this, 'Archive', { key, dataRetentionDays: config.dataRetentionDays });
    const paging = new Paging(this, 'Paging', {
      key,
      prefix,
      hospitalName: config.displayName,
      subscribers: config.subscriptions,
      escalationChain: escalationChainOf(rulesConfig),
    });
    const ackLinkKey = new AckLinkKey(this, 'AckLinkKey', { prefix, key });

    const environment: Record<string, string> = {
      TABLE_NAME: store.table.tableName,
      ARCHIVE_BUCKET: archive.bucket.bucketName,
      PAGES_TOPIC_ARN: paging.topics.pages.topicArn,
      NOTICES_TOPIC_ARN: paging.topics.notices.topicArn,
      ESCALATIONS_TOPIC_ARN: paging.topics.escalations.topicArn,
      [escalationTopicArnsVariable]: paging.escalationTopicArnsJson(),
      MAX_MESSAGE_BYTES: String(config.maxMessageBytes),
      HISTORY_DAYS: String(historyDays),
      DUPLICATE_TTL_DAYS: String(duplicateTtlDays),
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
    };
    const pipelineFunction = (
      settings: Omit<PipelineFunctionProps, 'prefix' | 'key' | 'environment' | 'rulesConfig'>,
    ): PipelineFunction => {
      const created = new PipelineFunction(this, pascalCase(settings.name), {
        ...settings,
        prefix,
        key,
        environment,
        rulesConfig,
      });
      return created;
    };

    const syncNoDlq =
      'Invoked synchronously by API Gateway: the caller gets the error (an HL7 AE or an HTTP 5xx) and retries; a Lambda DLQ only applies to asynchronous invocations.';
    const ingest = pipelineFunction({
      name: 'ingest',
      description:
        'HL7 v2 in: parse, validate, normalise, archive the raw message, store records, answer the ACK',
      memorySizeMb: 1024,
      // API Gateway stops waiting at 29 s.
      timeout: Duration.seconds(28),
      // Requests in flight at once: the stage rate × duration, and at least the stage burst (checked in the config).
      reservedConcurrency: config.capacity.ingestConcurrency,
      noDeadLetterQueueReason: syncNoDlq,
    });
    // acceptMessage: a transaction of Puts (message slot, records, clinical state, audit) and an
    // Update (profile); GetItem for the clinical state and a taken slot; BatchWriteItem for the
    // records of a message too large for one transaction. Never reads an index, never deletes.
    const ingestStatements = [
      store.tableStatement('StoreMessages', ['GetItem', 'PutItem', 'UpdateItem', 'BatchWriteItem']),
      ...encryption.useStatements([
        { service: 'dynamodb', contexts: [store.table.tableName] },
        { service: 's3', contexts: [archive.bucket.bucketArn, archive.bucket.arnForObjects('*')] },
      ]),
    ];
    ingest.allow(...ingestStatements);
    archive.grantRawMessageWrites(ingest);

    const evaluate = pipelineFunction({
      name: 'evaluate',
      description:
        'Runs the calciphylaxis rules on new records from the table stream and publishes pages and notices',
      memorySizeMb: 1024,
      timeout: Duration.seconds(60),
      // Stream shards × the event source's parallelization factor batches run at once; below that the stream falls behind.
      reservedConcurrency: config.capacity.evaluateConcurrency,
      noDeadLetterQueueReason:
        'Invoked by the DynamoDB stream event source mapping, whose on-failure destination (an encrypted SQS queue) receives failed batches; a Lambda DLQ only applies to asynchronous invocations.',
    });
    const allTopics = ['pages', 'notices', 'escalations'] as const;
    // loadPatient and the merge's record reads: Query of one partition; the profile and the clinical
    // state: GetItem; alert changes and the outbox: transaction Puts and an Update; a patient merge
    // copies the retired MRN's records with BatchWriteItem. No index, no BatchGetItem.
    const evaluateStatements = [
      store.tableStatement('EvaluatePatients', [
        'GetItem',
        'Query',
        'PutItem',
        'UpdateItem',
        'BatchWriteItem',
      ]),
      paging.publishStatement(allTopics),
      ackLinkKey.readStatement(),
    ];
    evaluate.allow(...evaluateStatements);

    const sweep = pipelineFunction({
      name: 'sweep',
      description: 'Every few minutes: escalations, repeats and overdue-monitoring rules',
      memorySizeMb: 1024,
      // Finishes before the next scheduled run starts.
      timeout: Duration.seconds(Math.min(config.sweepEveryMinutes * 60 - 10, 300)),
      // One sweep at a time: overlapping sweeps could escalate or repeat the same alert twice.
      reservedConcurrency: 1,
      noDeadLetterQueueReason:
        'Scheduled every few minutes; each run re-reads all open alerts and overdue rules, so the next run does the work of a failed one, and failures raise the sweep Errors alarm. A queue of stale sweep events would have no use.',
    });
    // The cohort and open-alerts indexes list the work; loadPatient (Query), the profile (GetItem),
    // alert changes and the outbox (transaction Puts and an Update); an open-alerts page cursor is
    // checked with GetItem. Never a batch write: the sweep copies nothing.
    sweep.allow(
      store.tableStatement('SweepPatients', ['GetItem', 'Query', 'PutItem', 'UpdateItem']),
      store.indexQueryStatement('ListCohortAndOpenAlerts', [cohortIndex.name, openAlertsIndex.name]),
      paging.publishStatement(allTopics),
      ackLinkKey.readStatement(),
      ...encryption.useStatements([
        { service: 'dynamodb', contexts: [store.table.tableName] },
        { service: 'sns', contexts: paging.topicArns(allTopics) },
        { service: 'secretsmanager', contexts: [ackLinkKey.secret.secretArn] },
      ]),
    );

    const admin = pipelineFunction({
      name: 'admin',
      description:
        "Admin API: list open alerts, acknowledge an alert, enrol a patient in the cohort, report on critical-result timeliness; the console's alert detail, patient timeline and cohort list",
      memorySizeMb: 512,
      timeout: Duration.seconds(15),
      reservedConcurrency: 5,
      noDeadLetterQueueReason: syncNoDlq,
    });
    // getAlert, the profile, a cursor and the clinical state: GetItem; the timeliness report's first
    // page times: BatchGetItem; acknowledgement and enrolment: transaction Puts and Updates; the
    // open-alerts list, the timeliness report and the console's cohort list: Query of their indexes;
    // a removal lists the alerts it will resolve, the console reads a timeline and an alert's audit
    // trail: Queries of the patient's partition; an alert's evidence: BatchGetItem. No batch write.
    admin.allow(
      store.tableStatement('AdministerAlerts', ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem']),
      store.indexQueryStatement('ListOpenAndCriticalAlertsAndTheCohort', [
        openAlertsIndex.name,
        criticalAlertsIndex.name,
        cohortViewIndex.name,
      ]),
      paging.publishStatement(['notices']),
      ...encryption.useStatements([
        { service: 'dynamodb', contexts: [store.table.tableName] },
        { service: 'sns', contexts: paging.topicArns(['notices']) },
      ]),
    );

    const ackLink = pipelineFunction({
      name: 'ack-link',
      description:
        'Tap-to-acknowledge links: checks the signed token, shows the alert, acknowledges it on POST and sends the acknowledged notice',
      memorySizeMb: 512,
      timeout: Duration.seconds(10),
      // A unit taps a few links an hour; a flood of requests stops here, not at DynamoDB.
      reservedConcurrency: 5,
      noDeadLetterQueueReason: syncNoDlq,
    });
    ackLink.allow(
      ...store.alertAcknowledgementStatements(),
      paging.publishStatement(['notices']),
      ackLinkKey.readStatement(),
      ...encryption.useStatements([
        { service: 'dynamodb', contexts: [store.table.tableName] },
        { service: 'sns', contexts: paging.topicArns(['notices']) },
        { service: 'secretsmanager', contexts: [ackLinkKey.secret.secretArn] },
      ]),
    );
    for (const minter of [evaluate, sweep, ackLink]) {
      minter.function.addEnvironment(ackLinkSecretArnVariable, ackLinkKey.secret.secretArn);
    }

    const evaluation = new Evaluation(this, 'Evaluation', {
      prefix,
      key,
      store,
      evaluate,
      sweep,
      sweepEveryMinutes: config.sweepEveryMinutes,
    });
    // Lambda reads the encrypted stream and sends failed batches to the encrypted queue with this role.
    const evaluateKeyStatements = encryption.useStatements([
      { service: 'dynamodb', contexts: [store.table.tableName] },
      { service: 'sns', contexts: paging.topicArns(allTopics) },
      { service: 'sqs', contexts: [evaluation.failedRecords.queueArn] },
      { service: 'secretsmanager', contexts: [ackLinkKey.secret.secretArn] },
    ]);
    evaluate.allow(...evaluateKeyStatements);
    // `npm run redrive` evaluates as the evaluate function does, reading the batches back from the
    // stream and working the on-failure queue: a policy for the operators' role, attached by the hospital.
    const redriveOperatorPolicy = new iam.ManagedPolicy(this, 'RedriveOperatorPolicy', {
      managedPolicyName: `${prefix}-redrive-operator`,
      description: 'npm run redrive: re-evaluate the stream batches on the evaluate on-failure queue',
      statements: [...evaluateStatements, ...evaluation.redriveStatements(), ...evaluateKeyStatements],
    });
    const api = new Api(this, 'Api', {
      prefix,
      key,
      ingest,
      admin,
      ackLink,
      senders: config.senders,
      throttling: {
        rateLimit: config.capacity.ingestRequestsPerSecond,
        burstLimit: config.capacity.ingestBurstRequests,
      },
      ackLinkRequestsPerIpPer5Minutes: config.capacity.ackLinkRequestsPerIpPer5Minutes,
    });
    // A configured base (a short custom domain) wins; with mutual TLS and none configured there are no links.
    const ackLinkBaseUrl = config.rules.ackLinkBaseUrl ?? api.ackLinkBaseUrl;
    if (ackLinkBaseUrl !== undefined) {
      for (const minter of [evaluate, sweep]) {
        minter.function.addEnvironment(ackLinkBaseUrlVariable, ackLinkBaseUrl);
      }
    }
    const nephrologyConsole = new NephrologyConsole(this, 'Console', {
      prefix,
      key,
      config,
      admin,
      adminApi: api.restApi,
      accessLogBucket: archive.accessLogBucket,
    });
    const operations = new Operations(this, 'Operations', {
      prefix,
      key,
      alarmEmail: config.alarmEmail,
      api: api.restApi,
      ingest,
      evaluate,
      sweep,
      admin,
      ackLink,
      failedRecords: evaluation.failedRecords,
      clinicalTopics: paging.allTopics(),
      feedSilenceMinutes: config.feedSilenceMinutes,
    });
    if (config.mllp !== undefined) {
      new MllpListener(this, 'Mllp', {
        prefix,
        key,
        config: config.mllp,
        environment,
        rulesConfig,
        archive,
        ingestStatements,
        alarmTopic: operations.topic,
      });
    }

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('IngestUrl', api.ingestUrl, 'Where the lab feed POSTs HL7 v2 (SigV4-signed, execute-api:Invoke)');
    output('SenderPolicy', api.senderPolicyJson, 'IAM policy for a lab feed sender role: POST /hl7 only');
    output('AdminPolicy', api.adminPolicyJson, 'IAM policy for administrators: the admin routes only');
    output(
      'RedriveOperatorPolicyArn',
      redriveOperatorPolicy.managedPolicyArn,
      'IAM policy for operators who run npm run redrive (the dead-letter runbook)',
    );
    output('TableName', store.table.tableName, 'DynamoDB table');
    output('ArchiveBucketName', archive.bucket.bucketName, 'Raw HL7 message archive');
    output('PagesTopicArn', paging.topics.pages.topicArn, 'Critical alerts');
    output('NoticesTopicArn', paging.topics.notices.topicArn, 'Urgent and advisory notices');
    output('EscalationsTopicArn', paging.topics.escalations.topicArn, 'Unacknowledged critical alerts');
    output(
      'EscalationTopicArns',
      paging.escalationTopicArnsJson(),
      'Escalation level -> topic ARN (level 1 is EscalationsTopicArn)',
    );
    output('AckLinkKeySecretArn', ackLinkKey.secret.secretArn, 'HMAC key of the tap-to-acknowledge links');
    if (ackLinkBaseUrl !== undefined) {
      output('AckLinkBaseUrl', ackLinkBaseUrl, 'Tap-to-acknowledge links are <this>/a/<token>');
    }
    output('ConsoleUrl', nephrologyConsole.site.url, 'The nephrology console (sign-in required)');
    output(
      'ConsoleDistributionDomain',
      nephrologyConsole.site.distribution.distributionDomainName,
      'CNAME target for console.customDomain.domainName',
    );
    output('ConsoleApiUrl', nephrologyConsole.api.baseUrl, 'The console API (Cognito user-pool tokens)');
    output(
      'ConsoleUserPoolId',
      nephrologyConsole.signIn.userPool.userPoolId,
      'Console users and their groups (clinician, admin)',
    );
    if (api.domain) {
      output(
        'MtlsDomainTarget',
        api.domain.domainNameAliasDomainName,
        'CNAME target for the mTLS domain name',
      );
    }
  }
}

/** `ack-link` → `AckLink`: construct ids. */
function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
