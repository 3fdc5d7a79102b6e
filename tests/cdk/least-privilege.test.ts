/**
 * Least privilege, checked on the synthesised template (no policy simulator
 * offline): every function's policy allows exactly the actions its code path
 * sends, no wildcard action anywhere, and every KMS grant is limited to one
 * service in this region (`kms:ViaService`) and, where the service sets one,
 * to the encryption context of the resources the function uses.
 *
 * The expected lists below are derived from the adapters' SDK calls, one
 * comment per action naming the call. A transaction's Put/Update/Get are
 * authorised as PutItem/UpdateItem/GetItem (there is no TransactWriteItems
 * action); no adapter sends a ConditionCheck, DeleteItem or Scan on the
 * functions' paths (the Scan is `npm run backfill`'s, run with an operator's
 * credentials).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHospitalConfig } from '../../lib/config/hospital-config.js';
import { alertItemAttributes, outboxReleaseAttributes } from '../../lib/constructs/store.js';
import { type BuiltStack, buildStack, buildTimeoutMs } from './support/build-stack.js';
import {
  actionsOf,
  defined,
  functionPolicyStatements,
  getAtt,
  identityPolicyStatements,
  logicalIdOf,
  type Resource,
  renderJoin,
  resourceList,
  resourcesOf,
  type Statement,
} from './support/template-queries.js';

let built: BuiltStack;
let template: Template;

beforeAll(() => {
  built = buildStack(loadHospitalConfig('example'));
  ({ template } = built);
}, buildTimeoutMs);

afterAll(() => built.cleanup());

/** What every function may do besides its data: its own log group and X-Ray. */
const runtimeActions = [
  'logs:CreateLogStream', // Lambda writes the function's logs (its own log group only)
  'logs:PutLogEvents',
  'xray:PutTelemetryRecords', // Tracing: Active
  'xray:PutTraceSegments',
];

/** KMS through the data services (conditions checked below): what each service asks of KMS. */
const kmsForDynamoDb = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'];
const kmsForPublishing = ['kms:Decrypt', 'kms:GenerateDataKey']; // SNS Publish, SQS SendMessage
const kmsForSecret = ['kms:Decrypt']; // Secrets Manager GetSecretValue

const expectedActions: Record<string, string[]> = {
  ingest: [
    's3:PutObject', // archive.ts archiveRawMessage: PutObjectCommand
    'dynamodb:PutItem', // message-store.ts acceptMessage: TransactWrite Put (slot, records, clinical state, audit)
    'dynamodb:UpdateItem', // acceptMessage: TransactWrite Update (profile)
    'dynamodb:GetItem', // findLiveMessage GetCommand; clinical-state-store readClinicalState GetCommand
    'dynamodb:BatchWriteItem', // store-context putInBatches: records of a message over one transaction
    ...kmsForDynamoDb,
    'kms:GenerateDataKey', // S3 PutObject with SSE-KMS
  ],
  evaluate: [
    'dynamodb:Query', // patient-store loadPatient, clinical-state-store readWholeRecord, merge-store copyPatientRecords (queryAll)
    'dynamodb:GetItem', // patient-store getProfile, readClinicalState
    'dynamodb:PutItem', // alert-store applyAlertChanges, completeNotification; replaceClinicalState (TransactWrite Puts)
    'dynamodb:UpdateItem', // completeNotification (outbox sent), replaceClinicalState (profile cohort index), recordLatestResults
    'dynamodb:BatchWriteItem', // merge-store copyPatientRecords: putInBatches
    'dynamodb:DescribeStream', // the stream event source mapping (Lambda polls with this role)
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
    'sqs:SendMessage', // the event source's on-failure destination
    'sns:Publish', // publisher.ts publishNotification: pages, notices, escalations
    'secretsmanager:GetSecretValue', // ack-link-key.ts: the HMAC key of the links it mints
    ...kmsForDynamoDb,
    ...kmsForPublishing,
    ...kmsForSecret,
  ],
  sweep: [
    'dynamodb:Query', // loadPatient (table); listCohortPatients (cohort index); listActiveAlerts (openAlerts index)
    'dynamodb:GetItem', // getProfile; listActiveAlerts' cursor (startKeyFromCursor)
    'dynamodb:PutItem', // applyAlertChanges, completeNotification
    'dynamodb:UpdateItem', // completeNotification
    'sns:Publish', // escalations, repeats, overdue notices
    'secretsmanager:GetSecretValue', // links in repeated and escalated pages
    ...kmsForDynamoDb,
    ...kmsForPublishing,
    ...kmsForSecret,
  ],
  admin: [
    'dynamodb:Query', // listActiveAlerts (openAlerts index), listCriticalAlerts (criticalAlerts index), listCohortView (cohortView index), activeAlertsOf, loadPatient (timeline), alertTrail, listShadowAlerts (the table: SHADOW#<month>)
    'dynamodb:GetItem', // getAlert, getProfile, readClinicalState, a list cursor
    'dynamodb:BatchGetItem', // alert-store withFirstPagedAt (timeliness report), console-store evidenceRecords
    'dynamodb:PutItem', // applyAlertChanges, completeNotification, setCohortMembership (enrolment, clinical state)
    'dynamodb:UpdateItem', // completeNotification, setCohortMembership (profile)
    'sns:Publish', // the acknowledged notice
    ...kmsForDynamoDb,
    ...kmsForPublishing,
  ],
  'ack-link': [
    'dynamodb:GetItem', // getAlert (episode item, legacy slot), getProfile (pagePhi full)
    'dynamodb:PutItem', // applyAlertChanges (slot, episode, audit, outbox), completeNotification (sent mark)
    'dynamodb:UpdateItem', // completeNotification (outbox entry sent)
    'sns:Publish', // the acknowledged notice
    'secretsmanager:GetSecretValue', // verifies the token
    ...kmsForDynamoDb,
    ...kmsForPublishing,
    ...kmsForSecret,
  ],
};

const policyOf = (name: string): Statement[] => functionPolicyStatements(template, name);

const sorted = (actions: string[]) => [...new Set(actions)].sort();

describe('each function may do exactly what its adapters call', () => {
  it.each(Object.keys(expectedActions))('%s', (name) => {
    const allowed = policyOf(name)
      .filter((statement) => statement.Effect === 'Allow')
      .flatMap(actionsOf);
    expect(sorted(allowed)).toEqual(sorted([...runtimeActions, ...(expectedActions[name] ?? [])]));
  });

  it('grants BatchWriteItem only to the functions that batch-write (ingest, evaluate)', () => {
    const batchWriters = Object.keys(expectedActions).filter((name) =>
      policyOf(name).flatMap(actionsOf).includes('dynamodb:BatchWriteItem'),
    );
    expect(batchWriters.sort()).toEqual(['evaluate', 'ingest']);
  });

  it('has no wildcard action in any identity policy of the stack', () => {
    const statements = identityPolicyStatements(template);
    for (const { owner, statement } of statements) {
      for (const action of actionsOf(statement)) {
        expect(action.includes('*'), `${owner}: ${action}`).toBe(false);
      }
    }
  });
});

describe('KMS: through one service, for named resources', () => {
  const services: Record<string, string> = {
    dynamodb: 'kms:EncryptionContext:aws:dynamodb:tableName',
    s3: 'kms:EncryptionContext:aws:s3:arn',
    sns: 'kms:EncryptionContext:aws:sns:topicArn',
    sqs: 'kms:EncryptionContext:aws:sqs:arn',
    secretsmanager: 'kms:EncryptionContext:SecretARN',
  };

  it('never grants a KMS action without kms:ViaService naming a service in the stack region', () => {
    const region = loadHospitalConfig('example').region;
    let kmsStatements = 0;
    for (const { owner, statement } of identityPolicyStatements(template)) {
      if (!actionsOf(statement).some((action) => action.startsWith('kms:'))) continue;
      kmsStatements++;
      const via = statement.Condition?.StringEquals as Record<string, unknown> | undefined;
      const viaServices = [via?.['kms:ViaService']].flat();
      expect(viaServices.length, `${owner} ${statement.Sid}`).toBeGreaterThan(0);
      for (const service of viaServices) {
        expect(String(service), `${owner} ${statement.Sid}`).toMatch(
          new RegExp(`^(dynamodb|s3|sns|sqs|secretsmanager|logs)\\.${region}\\.amazonaws\\.com$`),
        );
      }
    }
    expect(kmsStatements).toBeGreaterThanOrEqual(10);
  });

  it('binds every data-key grant to the encryption context of the resources the function uses', () => {
    const keyArn = getAtt(logicalIdOf(template, 'AWS::KMS::Key', 'EncryptionKey'), 'Arn');
    const tableRef = { Ref: logicalIdOf(template, 'AWS::DynamoDB::Table', 'StoreTable') };
    for (const name of Object.keys(expectedActions)) {
      for (const statement of policyOf(name)) {
        const actions = actionsOf(statement);
        if (!actions.some((action) => action.startsWith('kms:'))) continue;
        expect(statement.Resource, `${name} ${statement.Sid}`).toEqual(keyArn);
        if (actions.every((action) => action === 'kms:DescribeKey')) continue; // no context on DescribeKey
        const service = String(
          (statement.Condition?.StringEquals as Record<string, string> | undefined)?.['kms:ViaService'],
        ).split('.')[0] as string;
        const contextKey = defined(services[service], `context key of ${service}`);
        const operator = service === 's3' ? 'StringLike' : 'StringEquals';
        const context = (statement.Condition?.[operator] as Record<string, unknown> | undefined)?.[
          contextKey
        ];
        expect(context, `${name} ${statement.Sid}: ${contextKey}`).toBeDefined();
        if (service === 'dynamodb') expect(context).toEqual([tableRef]);
      }
    }
  });
});

describe('the admin function', () => {
  it('may Query the table itself: a removal lists the alerts it will resolve (activeAlertsOf)', () => {
    const tableArn = getAtt(logicalIdOf(template, 'AWS::DynamoDB::Table', 'StoreTable'), 'Arn');
    const onTable = policyOf('admin').filter(
      (statement) => JSON.stringify(statement.Resource) === JSON.stringify(tableArn),
    );
    expect(onTable.flatMap(actionsOf)).toContain('dynamodb:Query');
  });
});

describe('the ack-link function changes alert items only, as far as IAM can say it', () => {
  it("reads and writes only in ALERTID# and PATIENT# partitions, writes only in transactions and only alert, audit and notification attributes (outside one: only an outbox entry's claim bookkeeping)", () => {
    const tableArn = getAtt(logicalIdOf(template, 'AWS::DynamoDB::Table', 'StoreTable'), 'Arn');
    const tableStatements = policyOf('ack-link').filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('dynamodb:')),
    );
    const partitions = { 'dynamodb:LeadingKeys': ['ALERTID#*', 'PATIENT#*#*'] };
    expect(tableStatements).toEqual([
      {
        Sid: 'ReadAlerts',
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': partitions },
      },
      {
        Sid: 'AcknowledgeAlerts',
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: tableArn,
        Condition: {
          'ForAllValues:StringLike': partitions,
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...alertItemAttributes] },
          'ForAnyValue:StringEquals': { 'dynamodb:EnclosingOperation': ['TransactWriteItems'] },
        },
      },
      {
        // notify.ts: a failed publish gives its claim back (or parks the entry), outside a transaction.
        Sid: 'ReleaseNotificationClaims',
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: tableArn,
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['PATIENT#*#*'] },
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...outboxReleaseAttributes] },
        },
      },
    ]);
  });

  it('may not write the attributes of records, orders, enrolments, profiles or the clinical state', () => {
    // table/items recordItems/enrolmentItem (record, namespace, mrn), the profile (name, sex, cohortPk), clinicalStateItem.
    for (const attribute of [
      'record',
      'namespace',
      'mrn',
      'name',
      'sex',
      'cohortPk',
      'cohortBy',
      'latestResults',
      'cohort',
      'medications',
    ]) {
      expect(alertItemAttributes as readonly string[], attribute).not.toContain(attribute);
    }
  });
});

describe('the redrive operator policy (npm run redrive, the dead-letter runbook)', () => {
  const policy = (): Resource => {
    const id = logicalIdOf(template, 'AWS::IAM::ManagedPolicy', 'RedriveOperatorPolicy');
    return defined(resourcesOf(template, 'AWS::IAM::ManagedPolicy')[id], id);
  };

  it('allows what the evaluate function does on its data, plus reading the stream back and working the queue', () => {
    const statements = (policy().Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(sorted(statements.flatMap(actionsOf))).toEqual(
      sorted([
        'dynamodb:Query', // the same evaluation workflow as the evaluate function
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:GetShardIterator', // failed-batches.ts readBatch: GetShardIteratorCommand (AT_SEQUENCE_NUMBER)
        'dynamodb:GetRecords', // readBatch: GetRecordsCommand
        'sqs:ReceiveMessage', // failedBatchQueue receiveAll
        'sqs:ChangeMessageVisibility', // failedBatchQueue release (a batch kept or only looked at)
        'sqs:DeleteMessage', // failedBatchQueue delete (a batch evaluated)
        'sns:Publish', // pages and notices of the re-evaluated records
        'secretsmanager:GetSecretValue', // links in those pages
        ...kmsForDynamoDb,
        ...kmsForPublishing,
        ...kmsForSecret,
      ]),
    );
    const queueStatement = defined(
      statements.find((statement) => actionsOf(statement).includes('sqs:ReceiveMessage')),
      'the queue statement',
    );
    expect(resourceList(queueStatement)).toEqual([
      getAtt(logicalIdOf(template, 'AWS::SQS::Queue', 'EvaluationFailedStreamRecords'), 'Arn'),
    ]);
  });

  it('is attached to no role of the stack: the hospital attaches it to its operators', () => {
    expect(policy().Properties.Roles).toBeUndefined();
  });
});

describe('resources', () => {
  it('scopes every data action to named resources (Resource "*" only where AWS allows nothing else)', () => {
    for (const { owner, statement } of identityPolicyStatements(template)) {
      if (!resourceList(statement).includes('*')) continue;
      for (const action of actionsOf(statement)) {
        expect(
          ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'dynamodb:ListStreams'],
          owner,
        ).toContain(action);
      }
    }
  });

  it('lets the sweep query only the cohort and open-alerts indexes, admin only open-alerts, critical-alerts and cohortView', () => {
    const indexes = (name: string) =>
      policyOf(name)
        .filter((statement) => actionsOf(statement).includes('dynamodb:Query'))
        .flatMap(resourceList)
        .map((resource) => renderJoin(resource))
        .filter((resource) => resource.includes('/index/'))
        .map((resource) => resource.split('/index/')[1])
        .sort();
    expect(indexes('sweep')).toEqual(['cohort', 'openAlerts']);
    expect(indexes('admin')).toEqual(['cohortView', 'criticalAlerts', 'openAlerts']);
    expect(indexes('evaluate')).toEqual([]);
    expect(indexes('ack-link')).toEqual([]);
    expect(indexes('ingest')).toEqual([]);
  });
});
