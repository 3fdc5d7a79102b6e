/**
 * A hospital that enables `mllp` (config/hospitals/example-mllp.json): the
 * listener on Fargate (arm64, two tasks or more across zones) behind an
 * internal Network Load Balancer with a TLS listener, reachable from the
 * configured ranges only, a task role with the ingest function's
 * permissions and no more, alarms to operations, cdk-nag clean.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHospitalConfig, parseHospitalConfig } from '../../lib/config/hospital-config.js';
import { type BuiltStack, buildStack, buildTimeoutMs } from './support/build-stack.js';
import { resourcesOf, type Statement } from './support/template-queries.js';

const config = loadHospitalConfig('example-mllp');
const mllp = config.mllp!;
let built: BuiltStack;
let template: Template;

beforeAll(() => {
  built = buildStack(config);
  ({ template } = built);
}, buildTimeoutMs);

afterAll(() => built.cleanup());

const only = <T>(record: Record<string, T>): T => {
  const values = Object.values(record);
  expect(values).toHaveLength(1);
  return values[0]!;
};

describe('MLLP listener in AWS', () => {
  it('ends TLS at an internal Network Load Balancer with the configured certificate and a TLS 1.2+ policy', () => {
    const balancer = only(resourcesOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(balancer.Properties).toMatchObject({ Type: 'network', Scheme: 'internal' });
    expect(balancer.Properties.Subnets).toEqual(mllp.vpc.privateSubnetIds);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: mllp.port,
      Protocol: 'TLS',
      Certificates: [{ CertificateArn: mllp.certificateArn }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Protocol: 'TCP',
      TargetType: 'ip',
      HealthCheckProtocol: 'TCP',
    });
  });

  it('admits the allowed ranges only, on the MLLP port; the tasks only from the load balancer', () => {
    const groups = resourcesOf(template, 'AWS::EC2::SecurityGroup');
    const balancerGroup = Object.values(groups).find((group) =>
      String(group.Properties.GroupDescription).startsWith('MLLP senders'),
    )!;
    const ingress = balancerGroup.Properties.SecurityGroupIngress as {
      CidrIp?: string;
      FromPort: number;
      ToPort: number;
    }[];
    expect(ingress.map((rule) => [rule.CidrIp, rule.FromPort, rule.ToPort])).toEqual(
      mllp.allowedCidrs.map((cidr) => [cidr, mllp.port, mllp.port]),
    );
    const taskGroupId = Object.keys(groups).find((id) =>
      String(groups[id]!.Properties.GroupDescription).startsWith('MLLP listener tasks'),
    )!;
    const taskIngress = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')).filter(
      (rule) => JSON.stringify(rule.Properties.GroupId).includes(taskGroupId),
    );
    expect(taskIngress).toHaveLength(1);
    expect(taskIngress[0]!.Properties).toMatchObject({ FromPort: mllp.port, ToPort: mllp.port });
    expect(JSON.stringify(taskIngress[0]!.Properties.SourceSecurityGroupId)).toContain(
      'LoadBalancerSecurityGroup',
    );
    expect(
      JSON.stringify(Object.values(groups).map((group) => group.Properties.SecurityGroupIngress)),
    ).not.toContain('0.0.0.0/0');
  });

  it('runs at least two arm64 Fargate tasks in the private subnets of two zones, without public addresses', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    const service = only(resourcesOf(template, 'AWS::ECS::Service'));
    expect(service.Properties.DesiredCount).toBeGreaterThanOrEqual(2);
    expect(service.Properties.NetworkConfiguration).toMatchObject({
      AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: mllp.vpc.privateSubnetIds },
    });
    expect(mllp.vpc.availabilityZones).toHaveLength(2);
  });

  it("gives the task role the ingest function's permissions and nothing more", () => {
    const policies = resourcesOf(template, 'AWS::IAM::ManagedPolicy');
    const statementsOf = (description: string) =>
      (
        Object.values(policies).find((policy) => String(policy.Properties.Description) === description)!
          .Properties.PolicyDocument as { Statement: Statement[] }
      ).Statement;
    const actions = (statements: Statement[]) =>
      statements
        .filter((statement) => !['WriteOwnLogs', 'SendTraces'].includes(statement.Sid ?? ''))
        .map((statement) => [statement.Sid, statement.Action, statement.Resource]);
    const task = statementsOf('Everything calciphylaxis-mllp may do');
    expect(actions(task).sort()).toEqual(
      actions(statementsOf('Everything calciphylaxis-ingest may do')).sort(),
    );
    expect(task.every((statement) => statement.Effect === 'Allow')).toBe(true);
  });

  it('logs to its own KMS-encrypted log group with the service name of its metrics', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/ecs/calciphylaxis-mllp',
      KmsKeyId: {},
    });
    const taskDefinition = only(resourcesOf(template, 'AWS::ECS::TaskDefinition'));
    const [container] = taskDefinition.Properties.ContainerDefinitions as {
      Environment: { Name: string; Value: unknown }[];
      ReadonlyRootFilesystem: boolean;
    }[];
    const variables = Object.fromEntries(container!.Environment.map((entry) => [entry.Name, entry.Value]));
    expect(variables).toMatchObject({
      POWERTOOLS_SERVICE_NAME: 'mllp',
      MLLP_PORT: String(mllp.port),
      MAX_MESSAGE_BYTES: String(config.maxMessageBytes),
    });
    expect(container!.ReadonlyRootFilesystem).toBe(true);
  });

  it('alarms when no sender is connected, on the AE rate, and on fewer healthy tasks than asked for', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter((alarm) =>
      /MLLP|listener tasks/.test(String(alarm.Properties.AlarmDescription)),
    );
    const byMetric = Object.fromEntries(
      alarms.map((alarm) => [
        String(alarm.Properties.MetricName ?? 'expression'),
        alarm.Properties as Record<string, unknown>,
      ]),
    );
    expect(byMetric.ActiveFlowCount_TLS).toMatchObject({
      Namespace: 'AWS/NetworkELB',
      Period: mllp.silenceMinutes * 60,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
    expect(JSON.stringify(byMetric.expression?.Metrics)).toContain('"service","Value":"mllp"');
    expect(JSON.stringify(byMetric.expression?.Metrics)).toContain('MessagesErrored');
    expect(byMetric.HealthyHostCount).toMatchObject({
      Threshold: mllp.tasks,
      ComparisonOperator: 'LessThanThreshold',
    });
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
  });

  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['HIPAA.Security', () => new HIPAASecurityChecks()],
  ])('cdk-nag %s reports no unacknowledged finding', (_, pack) => {
    const report = pack().validateScope(built.stack);
    expect(
      report.violations.map(
        (violation) =>
          `${violation.ruleName} ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    ).toEqual([]);
  });
});

describe('mllp hospital config', () => {
  const base = { ...loadHospitalConfig('example'), $schema: undefined };
  it.each([
    [{ ...mllp, allowedCidrs: ['10.0.0.0/33'] }, 'mllp.allowedCidrs.0'],
    [{ ...mllp, allowedCidrs: [] }, 'at least one sender range'],
    [
      { ...mllp, vpc: { ...mllp.vpc, privateSubnetIds: ['subnet-0a1b2c3d4e5f60711'] } },
      'mllp.vpc.privateSubnetIds',
    ],
    [{ ...mllp, tasks: 1 }, 'mllp.tasks'],
    [{ ...mllp, certificateArn: 'not-an-arn' }, 'an ACM certificate ARN'],
  ])('names the key of a bad value (%#)', (bad, expected) => {
    expect(() => parseHospitalConfig({ ...base, mllp: bad }, 'hospital.json')).toThrow(expected);
  });
});
