/**
 * The example hospital's stack, synthesised once: what a hospital's security
 * reviewer and the on-call engineer rely on. Encryption with the one key,
 * the table contract, the stream failure policy, IAM on every route but the
 * throttled tap-to-acknowledge route, least-privilege policies, the ack-link
 * key, the alarms, and a clean cdk-nag report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalciphylaxisStack } from '../../lib/calciphylaxis-stack.js';
import { type HospitalConfig, loadHospitalConfig } from '../../lib/config/hospital-config.js';
import { type BuiltStack, buildStack, buildTimeoutMs } from './support/build-stack.js';
import {
  actionsOf,
  apiRoutes,
  defined,
  functionPolicyStatements,
  getAtt,
  logicalIdOf,
  pipelineFunctions,
  type Resource,
  renderJoin,
  resourceList,
  resourcesOf,
  type Statement,
} from './support/template-queries.js';

let built: BuiltStack;
let template: Template;
let stack: CalciphylaxisStack;
let config: HospitalConfig;
let keyArn: ReturnType<typeof getAtt>;
let tableId: string;

beforeAll(() => {
  config = loadHospitalConfig('example');
  built = buildStack(config);
  ({ template, stack } = built);
  keyArn = getAtt(logicalIdOf(template, 'AWS::KMS::Key', 'EncryptionKey'), 'Arn');
  tableId = logicalIdOf(template, 'AWS::DynamoDB::Table', 'StoreTable');
}, buildTimeoutMs);

afterAll(() => built.cleanup());

const functionsByName = () => {
  const byName = new Map<string, { id: string; resource: Resource }>();
  for (const [id, resource] of Object.entries(pipelineFunctions(template))) {
    byName.set(String(resource.Properties.FunctionName), { id, resource });
  }
  return byName;
};

const functionId = (name: string): string => {
  const found = functionsByName().get(`calciphylaxis-${name}`);
  if (!found) {
    throw new Error(`no function calciphylaxis-${name}`);
  }
  return found.id;
};

const policyOf = (name: string): Statement[] => functionPolicyStatements(template, name);

const allowedActions = (name: string): string[] => policyOf(name).flatMap(actionsOf).sort();

describe('encryption: one customer-managed key for everything holding PHI', () => {
  it('has one KMS key, rotated, kept on stack deletion', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });

  it('lets CloudWatch Logs use the key only for this account and region, and alarms publish to encrypted topics', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:111111111111:log-group:*',
              },
            },
          }),
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('encrypts the table, the archive, every topic, the queue, every log group and the backup vault with it', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn } },
        ],
      },
    });
    const topics = Object.values(resourcesOf(template, 'AWS::SNS::Topic'));
    expect(topics.map((topic) => topic.Properties.TopicName).sort()).toEqual([
      'calciphylaxis-escalations',
      'calciphylaxis-notices',
      'calciphylaxis-operations',
      'calciphylaxis-pages',
    ]);
    for (const topic of topics) {
      expect(topic.Properties.KmsMasterKeyId).toEqual(keyArn);
    }
    for (const queue of Object.values(resourcesOf(template, 'AWS::SQS::Queue'))) {
      expect(queue.Properties.KmsMasterKeyId).toEqual(keyArn);
    }
    const logGroups = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup'));
    expect(logGroups.length).toBeGreaterThanOrEqual(7); // 5 functions + API access + API execution
    for (const logGroup of logGroups) {
      expect(logGroup.Properties.KmsKeyId).toEqual(keyArn);
      expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
    }
    template.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: keyArn });
  });
});

describe('table: exactly the shared single-table contract', () => {
  it('is on-demand, keyed pk/sk, with TTL on expiresAt, PITR, deletion protection and RETAIN', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        TableName: 'calciphylaxis-alerting',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      },
    });
  });

  it('has the sparse indexes openAlerts, cohort, criticalAlerts and cohortView, projecting all attributes', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'openAlerts',
          KeySchema: [
            { AttributeName: 'openAlertsPk', KeyType: 'HASH' },
            { AttributeName: 'openAlertsSk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'cohort',
          KeySchema: [
            { AttributeName: 'cohortPk', KeyType: 'HASH' },
            { AttributeName: 'cohortSk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'criticalAlerts',
          KeySchema: [
            { AttributeName: 'criticalAlertsPk', KeyType: 'HASH' },
            { AttributeName: 'criticalAlertsSk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'cohortView',
          KeySchema: [
            { AttributeName: 'cohortViewPk', KeyType: 'HASH' },
            { AttributeName: 'cohortViewSk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });

  it('is in an AWS Backup plan', () => {
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { Resources: [getAtt(tableId, 'Arn')] },
    });
  });
});

describe('evaluate: the stream event source and its failure policy', () => {
  it('reads the table stream with partial failures, bisect, bounded retries and age, and an on-failure queue', () => {
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.Properties ?? {};
    expect(mapping.EventSourceArn).toEqual(getAtt(tableId, 'StreamArn'));
    expect(mapping.FunctionName).toEqual({ Ref: functionId('evaluate') });
    expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.BisectBatchOnFunctionError).toBe(true);
    expect(mapping.StartingPosition).toBe('TRIM_HORIZON');
    expect(mapping.BatchSize).toBe(50);
    // Unbounded (-1) would block a patient's shard for the stream's 24 hours.
    expect(mapping.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(mapping.MaximumRetryAttempts).toBeLessThanOrEqual(10);
    expect(mapping.MaximumRecordAgeInSeconds).toBeGreaterThan(0);
    expect(mapping.MaximumRecordAgeInSeconds).toBeLessThanOrEqual(3600);
    const queueId = logicalIdOf(template, 'AWS::SQS::Queue', 'EvaluationFailedStreamRecords');
    expect(mapping.DestinationConfig).toEqual({ OnFailure: { Destination: getAtt(queueId, 'Arn') } });
  });

  it('is invoked only for INSERTs of observations, medication orders, diagnoses, merges and enrolments, not for records a merge copied, order events that leave the order as it was, nor records of patients outside the cohort', () => {
    const mapping =
      Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'))[0]?.Properties ?? {};
    const filters = (mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((filter) => JSON.parse(filter.Pattern))).toEqual([
      {
        eventName: ['INSERT'],
        dynamodb: {
          NewImage: {
            itemType: {
              S: ['observation', 'medicationOrder', 'diagnosis', 'patientMerge', 'cohortEnrolment'],
            },
            mergedFrom: { S: [{ exists: false }] },
            orderStateUnchanged: { BOOL: [{ exists: false }] },
            outsideCohort: { BOOL: [{ exists: false }] },
          },
        },
      },
    ]);
  });

  it('runs the sweep on the configured schedule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${config.sweepEveryMinutes} minutes)`,
      Targets: [Match.objectLike({ Arn: getAtt(functionId('sweep'), 'Arn') })],
    });
  });
});

describe('API: IAM auth on every route but the ack link', () => {
  it('passes HL7 bodies through as bytes (binary media types), so MSH-18 character sets survive', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      BinaryMediaTypes: ['application/hl7-v2', 'x-application/hl7-v2+er7', 'text/plain'],
    });
  });

  const ackRoutes = ['GET /a/{token}', 'POST /a/{token}'];

  it('has exactly the ingest, admin and ack routes, each with the request validator', () => {
    const routes = apiRoutes(template);
    expect([...routes.keys()].sort()).toEqual([
      'GET /a/{token}',
      'GET /alerts',
      'GET /alerts/{id}',
      'GET /cohort',
      'GET /patients/{facility}/{mrn}/timeline',
      'GET /reports/shadow',
      'GET /reports/timeliness',
      'POST /a/{token}',
      'POST /alerts/{id}/ack',
      'POST /hl7',
      'POST /patients/{facility}/{mrn}/cohort',
    ]);
    const validatorId = logicalIdOf(
      template,
      'AWS::ApiGateway::RequestValidator',
      'ApiRestApiBodyAndParameters',
    );
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    for (const [route, method] of routes) {
      expect(method.Properties.RequestValidatorId, route).toEqual({ Ref: validatorId });
    }
  });

  it('leaves only GET and POST /a/{token} without IAM auth; they require the token path parameter', () => {
    const routes = apiRoutes(template);
    const unauthenticated = [...routes]
      .filter(([, method]) => method.Properties.AuthorizationType !== 'AWS_IAM')
      .map(([route]) => route)
      .sort();
    expect(unauthenticated).toEqual(ackRoutes);
    for (const route of ackRoutes) {
      const method = defined(routes.get(route), route);
      expect(method.Properties.AuthorizationType, route).toBe('NONE');
      expect(method.Properties.RequestParameters, route).toEqual({ 'method.request.path.token': true });
    }
  });

  it('throttles the ack methods at the method level, far below the stage, without execution logs (the path holds the token)', () => {
    const stage = defined(Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0], 'stage');
    const settings = stage.Properties.MethodSettings as Record<string, unknown>[];
    const stageWide = defined(
      settings.find((setting) => setting.ResourcePath === '/*' && setting.HttpMethod === '*'),
      'stage-wide setting',
    );
    for (const method of ['GET', 'POST']) {
      const setting = defined(
        settings.find(
          (candidate) => candidate.ResourcePath === '/~1a~1{token}' && candidate.HttpMethod === method,
        ),
        `${method} /a/{token} setting`,
      );
      expect(setting).toMatchObject({ LoggingLevel: 'OFF', DataTraceEnabled: false, MetricsEnabled: true });
      expect(setting.ThrottlingRateLimit).toBeGreaterThan(0);
      expect(setting.ThrottlingRateLimit).toBeLessThan(stageWide.ThrottlingRateLimit as number);
      expect(setting.ThrottlingBurstLimit).toBeLessThan(stageWide.ThrottlingBurstLimit as number);
    }
  });

  it('lets anyone reach the ack methods, and only them, in the resource policy', () => {
    const api = defined(Object.values(resourcesOf(template, 'AWS::ApiGateway::RestApi'))[0], 'RestApi');
    const statements = (api.Properties.Policy as { Statement: Statement[] }).Statement;
    const open = statements.filter(
      (statement) => statement.Effect === 'Allow' && JSON.stringify(statement.Principal) === '{"AWS":"*"}',
    );
    expect(open).toEqual([
      expect.objectContaining({
        Action: 'execute-api:Invoke',
        Resource: ['execute-api:/*/GET/a/*', 'execute-api:/*/POST/a/*'],
      }),
    ]);
    expect(open[0]?.Condition).toBeUndefined();
  });

  it('acknowledges the unauthenticated-route findings on the two ack methods only', () => {
    const acknowledged = (construct: { node: { metadata: { type: string; data: unknown }[] } }) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
        .map((id) => id.replace(/^annotation::/i, ''));
    // The admin API's methods (the console API's: console-api.test.ts).
    const adminApi = stack.node.findChild('Api');
    const methods = adminApi.node.findAll().filter((construct) => construct instanceof apigw.Method);
    expect(methods).toHaveLength(11);
    for (const method of methods) {
      const isAck = method.node.path.includes('/a/{token}/');
      expect(acknowledged(method).includes('AwsSolutions-APIG4'), method.node.path).toBe(isAck);
      expect(acknowledged(method), method.node.path).toContain('AwsSolutions-COG4');
    }
    // Nothing above the methods acknowledges them for every route.
    for (const scope of [
      stack,
      ...stack.node.findAll().filter((construct) => construct instanceof apigw.RestApi),
    ]) {
      expect(acknowledged(scope)).not.toContain('AwsSolutions-APIG4');
      expect(acknowledged(scope)).not.toContain('AwsSolutions-COG4');
    }
  });

  it('sends POST /hl7 to ingest and the admin routes to admin', () => {
    const routes = apiRoutes(template);
    const target = (route: string) =>
      renderJoin((defined(routes.get(route), route).Properties.Integration as { Uri: unknown }).Uri);
    expect(target('POST /hl7')).toContain(`<${functionId('ingest')}.Arn>`);
    for (const route of ['GET /alerts', 'POST /alerts/{id}/ack', 'POST /patients/{facility}/{mrn}/cohort']) {
      expect(target(route), route).toContain(`<${functionId('admin')}.Arn>`);
    }
    for (const route of ['GET /a/{token}', 'POST /a/{token}']) {
      expect(target(route), route).toContain(`<${functionId('ack-link')}.Arn>`);
    }
  });

  it('logs errors without request data, throttles and writes access logs (no stage tracing: ack-route-protection.test.ts)', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: false,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: Match.anyValue(),
          ThrottlingBurstLimit: Match.anyValue(),
        }),
      ]),
    });
  });

  it('lets only the configured sender roles POST /hl7 (resource policy)', () => {
    const api = defined(Object.values(resourcesOf(template, 'AWS::ApiGateway::RestApi'))[0], 'RestApi');
    const statements = (api.Properties.Policy as { Statement: Statement[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Resource: 'execute-api:/*/POST/hl7',
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': config.senders.iamRoleArns } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Resource: 'execute-api:/*/POST/hl7',
        Condition: { ArnEquals: { 'aws:PrincipalArn': config.senders.iamRoleArns } },
      }),
    );
  });

  it('outputs the ingest URL and the sender policy: execute-api:Invoke on POST /hl7 and nothing else', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(renderJoin(outputs.IngestUrl?.Value)).toMatch(
      /^https:\/\/<ApiRestApi\w+>\.execute-api\.us-east-1\.<AWS::URLSuffix>\/<\w+>\/hl7$/,
    );
    const senderPolicy = JSON.parse(renderJoin(outputs.SenderPolicy?.Value)) as { Statement: Statement[] };
    expect(senderPolicy.Statement).toHaveLength(1);
    expect(senderPolicy.Statement[0]).toMatchObject({ Effect: 'Allow', Action: 'execute-api:Invoke' });
    expect(resourceList(senderPolicy.Statement[0] as Statement)).toEqual([
      expect.stringMatching(/^arn:aws:execute-api:us-east-1:111111111111:<ApiRestApi\w+>\/v1\/POST\/hl7$/),
    ]);
    for (const name of [
      'TableName',
      'PagesTopicArn',
      'NoticesTopicArn',
      'EscalationsTopicArn',
      'EscalationTopicArns',
      'AckLinkKeySecretArn',
    ]) {
      expect(outputs[name], name).toBeDefined();
    }
  });
});

describe('functions: runtime, tracing, concurrency, environment', () => {
  it('are exactly the five pipeline functions, each Node.js 24 on arm64 with X-Ray and reserved concurrency', () => {
    const functions = functionsByName();
    expect([...functions.keys()].sort()).toEqual([
      'calciphylaxis-ack-link',
      'calciphylaxis-admin',
      'calciphylaxis-evaluate',
      'calciphylaxis-ingest',
      'calciphylaxis-sweep',
    ]);
    for (const [name, { resource }] of functions) {
      expect(resource.Properties.Runtime, name).toBe('nodejs24.x');
      expect(resource.Properties.Architectures, name).toEqual(['arm64']);
      expect(resource.Properties.TracingConfig, name).toEqual({ Mode: 'Active' });
      expect(resource.Properties.ReservedConcurrentExecutions, name).toBeGreaterThan(0);
    }
    // One sweep at a time, or an alert could escalate twice.
    expect(functions.get('calciphylaxis-sweep')?.resource.Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('give every function the shared environment contract (the hospital rules are bundled, not in it)', () => {
    for (const [name, { resource }] of functionsByName()) {
      const variables = (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.TABLE_NAME, name).toEqual({ Ref: tableId });
      expect(Object.keys(variables), name).toEqual(
        expect.arrayContaining([
          'ARCHIVE_BUCKET',
          'PAGES_TOPIC_ARN',
          'NOTICES_TOPIC_ARN',
          'ESCALATIONS_TOPIC_ARN',
          'ESCALATION_TOPIC_ARNS',
          'HISTORY_DAYS',
          'DUPLICATE_TTL_DAYS',
        ]),
      );
      expect(variables.MAX_MESSAGE_BYTES, name).toBe(String(config.maxMessageBytes));
      expect(variables.POWERTOOLS_METRICS_NAMESPACE, name).toBe('CalciphylaxisAlerting');
      expect(variables.POWERTOOLS_SERVICE_NAME, name).toBe(name.replace('calciphylaxis-', ''));
      expect(variables.NODE_OPTIONS, name).toBe('--enable-source-maps');
      // The rules travel in the bundle (rules-config.json), not here: tests/cdk/rules-config-bundle.test.ts.
      expect(variables.RULES_CONFIG, name).toBeUndefined();
    }
  });

  it('give the link minters and the ack-link function the key, and the minters the link base (the API stage URL)', () => {
    const secretId = logicalIdOf(template, 'AWS::SecretsManager::Secret', 'AckLinkKey');
    const apiId = logicalIdOf(template, 'AWS::ApiGateway::RestApi', 'ApiRestApi');
    for (const [name, { resource }] of functionsByName()) {
      const variables = (resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const short = name.replace('calciphylaxis-', '');
      const mintsOrChecks = ['evaluate', 'sweep', 'ack-link'].includes(short);
      expect(variables.ACK_LINK_SECRET_ARN, name).toEqual(mintsOrChecks ? { Ref: secretId } : undefined);
      const mints = ['evaluate', 'sweep'].includes(short);
      expect(variables.ACK_LINK_BASE_URL === undefined, name).toBe(!mints);
      if (mints) {
        expect(renderJoin(variables.ACK_LINK_BASE_URL)).toBe(
          `https://<${apiId}>.execute-api.${config.region}.<AWS::URLSuffix>/v1`,
        );
      }
      expect(JSON.parse(renderJoin(variables.ESCALATION_TOPIC_ARNS)), name).toEqual({
        '1': `<${logicalIdOf(template, 'AWS::SNS::Topic', 'PagingEscalations')}>`,
      });
    }
  });
});

describe('ack-link key', () => {
  it('is a generated Secrets Manager secret encrypted with the stack key', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: keyArn,
      GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
    });
  });

  it('is readable by evaluate, sweep and ack-link only, with GetSecretValue on that secret only', () => {
    const secretRef = { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'AckLinkKey') };
    for (const name of ['ingest', 'evaluate', 'sweep', 'admin', 'ack-link']) {
      const reads = policyOf(name).filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
      );
      if (['evaluate', 'sweep', 'ack-link'].includes(name)) {
        expect(reads, name).toEqual([
          expect.objectContaining({ Action: 'secretsmanager:GetSecretValue', Resource: secretRef }),
        ]);
      } else {
        expect(reads, name).toEqual([]);
      }
    }
  });
});

describe('IAM: least privilege', () => {
  // No wildcard action, Resource "*" only for X-Ray and ListStreams: least-privilege.test.ts.

  it('has no wildcard Allow in the bucket, topic and queue resource policies', () => {
    for (const type of ['AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy']) {
      for (const [id, resource] of Object.entries(resourcesOf(template, type))) {
        const document = resource.Properties.PolicyDocument as { Statement: Statement[] };
        for (const statement of document.Statement.filter((s) => s.Effect === 'Allow')) {
          for (const action of actionsOf(statement)) {
            expect(action.includes('*'), `${id}: ${action}`).toBe(false);
          }
        }
      }
    }
  });

  it('uses managed policies only: no inline policies anywhere', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    for (const role of Object.values(resourcesOf(template, 'AWS::IAM::Role'))) {
      expect(role.Properties.Policies).toBeUndefined();
    }
  });

  // What each function may do, action by action, and the KMS conditions: least-privilege.test.ts.

  it('lets no function delete or scan the table', () => {
    for (const name of ['ingest', 'evaluate', 'sweep', 'admin', 'ack-link']) {
      expect(allowedActions(name), name).not.toContain('dynamodb:DeleteItem');
      expect(allowedActions(name), name).not.toContain('dynamodb:Scan');
    }
  });

  it('lets evaluate and sweep publish to the three clinical topics, admin to notices only', () => {
    const publishTargets = (name: string) =>
      policyOf(name)
        .filter((statement) => actionsOf(statement).includes('sns:Publish'))
        .flatMap(resourceList)
        .map((resource) => renderJoin(resource))
        .sort();
    const topicRef = (prefix: string) => `<${logicalIdOf(template, 'AWS::SNS::Topic', prefix)}>`;
    const clinical = [
      topicRef('PagingEscalations'),
      topicRef('PagingNotices'),
      topicRef('PagingPages'),
    ].sort();
    expect(publishTargets('evaluate')).toEqual(clinical);
    expect(publishTargets('sweep')).toEqual(clinical);
    expect(publishTargets('admin')).toEqual([topicRef('PagingNotices')]);
    expect(publishTargets('ack-link')).toEqual([topicRef('PagingNotices')]);
    expect(publishTargets('ingest')).toEqual([]);
  });

  it('lets only evaluate read the stream and send to the failed-records queue', () => {
    for (const name of ['ingest', 'sweep', 'admin', 'ack-link']) {
      expect(allowedActions(name), name).not.toContain('dynamodb:GetRecords');
      expect(allowedActions(name), name).not.toContain('sqs:SendMessage');
    }
    expect(allowedActions('evaluate')).toEqual(
      expect.arrayContaining(['dynamodb:GetRecords', 'sqs:SendMessage']),
    );
  });
});

describe('archive bucket', () => {
  it('is versioned, private, TLS-only, access-logged and expires after the retention period', () => {
    const archiveId = logicalIdOf(template, 'AWS::S3::Bucket', 'ArchiveRawMessages');
    const logsId = logicalIdOf(template, 'AWS::S3::Bucket', 'ArchiveAccessLogs');
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: { Ref: logsId } }),
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ ExpirationInDays: config.dataRetentionDays, Status: 'Enabled' })],
        },
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: archiveId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('paging topics', () => {
  it('refuse publishing without TLS', () => {
    const policies = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy'));
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect((policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('subscribe the configured endpoints, with a filter policy only where the file narrows one', () => {
    const subscriptions = Object.values(resourcesOf(template, 'AWS::SNS::Subscription'));
    const configured = Object.values(config.subscriptions).flat().length + 1; // + the alarm e-mail
    expect(subscriptions).toHaveLength(configured);
    const filtered = subscriptions.filter(
      (subscription) => subscription.Properties.FilterPolicy !== undefined,
    );
    expect(filtered.map((subscription) => subscription.Properties)).toEqual([
      expect.objectContaining({
        Protocol: 'sms',
        Endpoint: '+15555550101',
        FilterPolicy: { event: ['opened'], severity: ['urgent'] },
      }),
    ]);
  });
});

describe('alarms to the operations topic', () => {
  const alarms = () => Object.entries(resourcesOf(template, 'AWS::CloudWatch::Alarm'));

  it('send every alarm (and its recovery) to the operations topic, which the alarm e-mail receives', () => {
    const operationsTopic = { Ref: logicalIdOf(template, 'AWS::SNS::Topic', 'OperationsTopic') };
    for (const [id, alarm] of alarms()) {
      expect(alarm.Properties.AlarmActions, id).toEqual([operationsTopic]);
      expect(alarm.Properties.OKActions, id).toEqual([operationsTopic]);
    }
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: config.alarmEmail,
      TopicArn: operationsTopic,
    });
  });

  it('raise feed silence when fewer than 1 message is accepted in feedSilenceMinutes, missing data breaching', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CalciphylaxisAlerting',
      MetricName: 'MessagesAccepted',
      Dimensions: [{ Name: 'service', Value: 'ingest' }],
      Statistic: 'Sum',
      Period: config.feedSilenceMinutes * 60,
      EvaluationPeriods: 1,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  it('cover API 5xx, AR rate, stream iterator age, dead letters, publish and delivery failures', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5XXError',
      Namespace: 'AWS/ApiGateway',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const metricNamesInExpressions = alarms().flatMap(([, alarm]) =>
      (
        (alarm.Properties.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[] | undefined) ?? []
      ).map((metric) => metric.MetricStat?.Metric.MetricName),
    );
    expect(metricNamesInExpressions).toEqual(expect.arrayContaining(['MessagesRejected', 'PublishFailures']));
    const snsFailureAlarms = alarms().filter(
      ([, alarm]) => alarm.Properties.MetricName === 'NumberOfNotificationsFailed',
    );
    expect(snsFailureAlarms).toHaveLength(3);
  });

  it('raise parked notifications from evaluate and the sweep (NotificationsParked ≥ 1 in 5 minutes)', () => {
    const parked = alarms().filter(([, alarm]) =>
      (
        (alarm.Properties.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[] | undefined) ?? []
      ).some((metric) => metric.MetricStat?.Metric.MetricName === 'NotificationsParked'),
    );
    expect(parked).toHaveLength(1);
    const alarm = parked[0]?.[1] as { Properties: Record<string, unknown> };
    expect(alarm.Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: expect.stringMatching(/parked.*NOT sent/),
    });
    const services = (
      alarm.Properties.Metrics as { MetricStat?: { Metric: { Dimensions: { Value: string }[] } } }[]
    )
      .map((metric) => metric.MetricStat?.Metric.Dimensions[0]?.Value)
      .filter((service) => service !== undefined)
      .sort();
    expect(services).toEqual(['evaluate', 'sweep']);
  });

  it('raise sweep failures when one patient or stage failed in a sweep (SweepFailures ≥ 1 in 5 minutes)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CalciphylaxisAlerting',
      MetricName: 'SweepFailures',
      Dimensions: [{ Name: 'service', Value: 'sweep' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('sweep'),
    });
  });

  it('watch errors and throttles of every function', () => {
    for (const name of ['ingest', 'evaluate', 'sweep', 'admin', 'ack-link']) {
      for (const metricName of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/Lambda',
          MetricName: metricName,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId(name) } }],
        });
      }
    }
  });

  it('have a dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('deployability', () => {
  it('has no circular reference between resources (CloudFormation would refuse the stack)', () => {
    const resources = (template.toJSON() as { Resources: Record<string, unknown> }).Resources;
    const ids = new Set(Object.keys(resources));
    const references = (value: unknown, found: Set<string>): Set<string> => {
      if (Array.isArray(value)) {
        for (const item of value) references(item, found);
      } else if (value !== null && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === 'Ref' && typeof inner === 'string' && ids.has(inner)) found.add(inner);
          else if (key === 'Fn::GetAtt' && Array.isArray(inner) && ids.has(String(inner[0])))
            found.add(String(inner[0]));
          else if (key === 'DependsOn') for (const id of [inner].flat()) found.add(String(id));
          else references(inner, found);
        }
      }
      return found;
    };
    const edges = new Map([...ids].map((id) => [id, references(resources[id], new Set())]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycleFrom = (id: string, path: string[]): string[] | undefined => {
      if (state.get(id) === 'done') return undefined;
      if (state.get(id) === 'visiting') return [...path, id];
      state.set(id, 'visiting');
      for (const next of edges.get(id) ?? []) {
        const cycle = cycleFrom(next, [...path, id]);
        if (cycle) return cycle;
      }
      state.set(id, 'done');
      return undefined;
    };
    for (const id of ids) expect(cycleFrom(id, [])).toBeUndefined();
  });
});

describe('cdk-nag (AwsSolutions and HIPAA Security)', () => {
  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['HIPAA.Security', () => new HIPAASecurityChecks()],
  ])('%s reports no unacknowledged finding', (_, pack) => {
    const report = pack().validateScope(stack);
    expect(
      report.violations.map(
        (violation) =>
          `${violation.ruleName} ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('does report findings (the check is live): an unencrypted, unlogged bucket fails', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'calciphylaxis-cdk-'));
    try {
      const scratch = new Stack(new App({ outdir }), 'Scratch');
      new s3.Bucket(scratch, 'Plain');
      const report = new AwsSolutionsChecks().validateScope(scratch);
      expect(report.success).toBe(false);
      expect(report.violations.map((violation) => violation.ruleName)).toEqual(
        expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
