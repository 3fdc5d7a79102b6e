/**
 * A hospital with a three-level escalation chain and a short custom domain
 * for ack links: one encrypted, TLS-only topic per level with its own
 * subscribers, the publishers allowed on every level, the level → ARN map in
 * the functions' environment, an alarm per topic, and a clean cdk-nag report.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HospitalConfig,
  loadHospitalConfig,
  parseHospitalConfig,
} from '../../lib/config/hospital-config.js';
import { type BuiltStack, buildStack, buildTimeoutMs } from './support/build-stack.js';
import {
  actionsOf,
  getAtt,
  logicalIdOf,
  pipelineFunctions,
  renderJoin,
  resourceList,
  resourcesOf,
  type Statement,
} from './support/template-queries.js';

let built: BuiltStack;
let template: Template;
let config: HospitalConfig;

beforeAll(() => {
  const example = loadHospitalConfig('example');
  config = parseHospitalConfig(
    {
      ...example,
      rules: {
        ...example.rules,
        escalationChain: [
          { name: 'backup nephrologist', afterMinutes: 15 },
          { name: 'unit charge nurse', afterMinutes: 30 },
          { name: 'medical director', afterMinutes: 60 },
        ],
        ackLinkBaseUrl: 'https://ack.example.org',
      },
      subscriptions: {
        ...example.subscriptions,
        furtherEscalations: [
          [{ protocol: 'sms', endpoint: '+15555550103' }],
          [
            { protocol: 'sms', endpoint: '+15555550104' },
            { protocol: 'email', endpoint: 'medical-director@example.org' },
          ],
        ],
      },
    },
    'chain.json',
  );
  built = buildStack(config);
  ({ template } = built);
}, buildTimeoutMs);

afterAll(() => built.cleanup());

const topicId = (name: string) =>
  defined(
    Object.entries(resourcesOf(template, 'AWS::SNS::Topic')).find(
      ([, topic]) => topic.Properties.TopicName === name,
    )?.[0],
    name,
  );

function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing: ${what}`);
  return value;
}

describe('escalation chain topics', () => {
  it('one topic per level: escalations, escalation-2, escalation-3, each encrypted with the stack key', () => {
    const keyArn = getAtt(logicalIdOf(template, 'AWS::KMS::Key', 'EncryptionKey'), 'Arn');
    const names = Object.values(resourcesOf(template, 'AWS::SNS::Topic')).map(
      (topic) => topic.Properties.TopicName,
    );
    expect(names.sort()).toEqual([
      'calciphylaxis-escalation-2',
      'calciphylaxis-escalation-3',
      'calciphylaxis-escalations',
      'calciphylaxis-notices',
      'calciphylaxis-operations',
      'calciphylaxis-pages',
    ]);
    for (const name of ['calciphylaxis-escalation-2', 'calciphylaxis-escalation-3']) {
      const topic = defined(resourcesOf(template, 'AWS::SNS::Topic')[topicId(name)], name);
      expect(topic.Properties.KmsMasterKeyId, name).toEqual(keyArn);
      expect(String(topic.Properties.DisplayName), name).toMatch(
        /: level \d escalation \((unit charge nurse|medical director)\)$/,
      );
    }
  });

  it('refuses publishing without TLS on every level', () => {
    for (const name of ['calciphylaxis-escalation-2', 'calciphylaxis-escalation-3']) {
      const policy = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy')).find((candidate) =>
        JSON.stringify(candidate.Properties.Topics).includes(topicId(name)),
      );
      expect(
        (defined(policy, name).Properties.PolicyDocument as { Statement: Statement[] }).Statement,
        name,
      ).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('subscribes each level its own people', () => {
    const endpointsOf = (name: string) =>
      Object.values(resourcesOf(template, 'AWS::SNS::Subscription'))
        .filter(
          (subscription) =>
            JSON.stringify(subscription.Properties.TopicArn) === JSON.stringify({ Ref: topicId(name) }),
        )
        .map((subscription) => subscription.Properties.Endpoint)
        .sort();
    expect(endpointsOf('calciphylaxis-escalation-2')).toEqual(['+15555550103']);
    expect(endpointsOf('calciphylaxis-escalation-3')).toEqual([
      '+15555550104',
      'medical-director@example.org',
    ]);
  });

  it('lets evaluate and sweep publish to every level, and tells them which ARN is which level', () => {
    const levelRefs = [
      'calciphylaxis-escalations',
      'calciphylaxis-escalation-2',
      'calciphylaxis-escalation-3',
    ].map((name) => `<${topicId(name)}>`);
    for (const fn of Object.values(pipelineFunctions(template))) {
      const name = String(fn.Properties.FunctionName);
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(JSON.parse(renderJoin(variables.ESCALATION_TOPIC_ARNS)), name).toEqual({
        '1': levelRefs[0],
        '2': levelRefs[1],
        '3': levelRefs[2],
      });
    }
    const published = (prefix: string) =>
      Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy'))
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
        .filter((statement) => actionsOf(statement).includes('sns:Publish'))
        .flatMap(resourceList)
        .map((resource) => renderJoin(resource));
    for (const prefix of ['Evaluate', 'Sweep']) {
      expect(published(prefix), prefix).toEqual(expect.arrayContaining(levelRefs));
    }
    for (const prefix of ['Admin', 'AckLink']) {
      expect(published(prefix), prefix).toEqual([`<${topicId('calciphylaxis-notices')}>`]);
    }
  });

  it('alarms on failed deliveries of every clinical topic, each level included', () => {
    const watched = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))
      .filter((alarm) => alarm.Properties.MetricName === 'NumberOfNotificationsFailed')
      .map((alarm) => JSON.stringify(alarm.Properties.Dimensions));
    expect(watched).toHaveLength(5);
    for (const name of ['calciphylaxis-escalation-2', 'calciphylaxis-escalation-3']) {
      expect(
        watched.some((dimensions) => dimensions.includes(topicId(name))),
        name,
      ).toBe(true);
    }
  });

  it('uses the configured ack link base instead of the API URL', () => {
    for (const fn of Object.values(pipelineFunctions(template))) {
      const name = String(fn.Properties.FunctionName);
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const mints = ['calciphylaxis-evaluate', 'calciphylaxis-sweep'].includes(name);
      expect(variables.ACK_LINK_BASE_URL, name).toBe(mints ? 'https://ack.example.org' : undefined);
    }
  });

  it('stays free of unacknowledged cdk-nag findings', () => {
    for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks()]) {
      expect(pack.validateScope(built.stack).violations.map((violation) => violation.ruleName)).toEqual([]);
    }
  });
});
