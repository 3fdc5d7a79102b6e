/**
 * The MLLP door in AWS, for hospitals whose config enables `mllp`: the
 * listener (bin/mllp/service.ts, the ingest function's own code) on ECS
 * Fargate (arm64), at least two tasks across availability zones, behind an
 * internal Network Load Balancer that ends TLS with the hospital's ACM
 * certificate. Only the configured sender ranges reach the port (the load
 * balancer's security group); only the load balancer reaches the tasks. The
 * task role may do what the ingest function may do (write records, archive
 * raw messages, use the data key) and nothing else. Logs carry ids and
 * codes, never content. Alarms: no sender connected for a while, the share
 * of AE answers, fewer healthy tasks than asked for.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import type { RulesConfig } from '../../lambdas/config/rules-config.js';
import { rulesConfigFileName, rulesConfigFileVariable } from '../../lambdas/config/rules-config-file.js';
import { esmRequireBanner } from '../bundling.js';
import type { HospitalConfig } from '../config/hospital-config.js';
import { writeRulesConfigFile } from '../config/rules-config-file.js';
import type { Archive } from './archive.js';
import { metricsNamespace } from './pipeline-function.js';

export type MllpConfig = NonNullable<HospitalConfig['mllp']>;

export interface MllpListenerProps {
  prefix: string;
  key: kms.IKey;
  config: MllpConfig;
  /** The ingest function's environment (table, bucket, size limit, metrics namespace). */
  environment: Record<string, string>;
  rulesConfig: RulesConfig;
  archive: Archive;
  /** What the ingest function may do with the table and the key: the task role gets exactly this. */
  ingestStatements: readonly iam.PolicyStatement[];
  alarmTopic: sns.ITopic;
}

/** The Powertools service name of the listener's metrics and logs (the alarms match on it). */
export const mllpServiceName = 'mllp';
const aeRatePercentThreshold = 5;
const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The image's folder: the service bundled by esbuild (as the functions are), the
 * rules file and a Dockerfile. When the stack is not being bundled (tests), the
 * Dockerfile alone: the asset is staged, never built.
 */
function imageFolder(rulesConfig: RulesConfig, bundle: boolean): string {
  const folder = mkdtempSync(join(tmpdir(), 'calciphylaxis-mllp-image-'));
  writeFileSync(
    join(folder, 'Dockerfile'),
    [
      'FROM public.ecr.aws/docker/library/node:22-alpine',
      'WORKDIR /app',
      'COPY . /app',
      'USER node',
      `ENV NODE_OPTIONS=--enable-source-maps ${rulesConfigFileVariable}=/app/${rulesConfigFileName}`,
      'CMD ["node", "/app/service.mjs"]',
      '',
    ].join('\n'),
  );
  if (bundle) {
    buildSync({
      entryPoints: [join(repositoryRoot, 'bin/mllp/service.ts')],
      outfile: join(folder, 'service.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      mainFields: ['module', 'main'],
      banner: { js: esmRequireBanner },
      logLevel: 'error',
    });
    writeRulesConfigFile(rulesConfig, folder);
  }
  return folder;
}

export class MllpListener extends Construct {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly service: ecs.FargateService;
  readonly taskRole: iam.Role;
  readonly executionRole: iam.Role;
  readonly policy: iam.ManagedPolicy;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MllpListenerProps) {
    super(scope, id);
    const { config } = props;
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: config.vpc.vpcId,
      availabilityZones: config.vpc.availabilityZones,
      privateSubnetIds: config.vpc.privateSubnetIds,
    });
    for (const subnet of vpc.privateSubnets) {
      // The listener only places tasks and the load balancer in these subnets; their routing is the hospital network's.
      Annotations.of(subnet).acknowledgeWarning(
        '@aws-cdk/aws-ec2:noSubnetRouteTableId',
        'Route tables of the hospital-facing subnets are not read here',
      );
    }
    const subnets = { subnets: vpc.privateSubnets };

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/ecs/${props.prefix}-mllp`,
      encryptionKey: props.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `Task role of ${props.prefix}-mllp: what the ingest function may do`,
    });
    this.policy = new iam.ManagedPolicy(this, 'Permissions', {
      description: `Everything ${props.prefix}-mllp may do`,
      roles: [this.taskRole],
      statements: [...props.ingestStatements],
    });
    props.archive.grantRawMessageWrites({
      policy: this.policy,
      allow: (...statements) => this.policy.addStatements(...statements),
    });

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const image = new ecrAssets.DockerImageAsset(this, 'Image', {
      directory: imageFolder(props.rulesConfig, Stack.of(this).bundlingRequired),
      platform: ecrAssets.Platform.LINUX_ARM64,
    });
    // Pulling the image and writing the container's logs, as a managed policy (CDK would add an inline one).
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `Starts ${props.prefix}-mllp tasks: pulls the image, writes the logs`,
    });
    const executionPolicy = new iam.ManagedPolicy(this, 'ExecutionPermissions', {
      description: `What ECS may do to start ${props.prefix}-mllp tasks`,
      roles: [this.executionRole],
      statements: [
        new iam.PolicyStatement({
          sid: 'AuthenticateToEcr',
          // ECR has no resource-level permission for this action.
          actions: ['ecr:GetAuthorizationToken'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'PullTheListenerImage',
          actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          resources: [image.repository.repositoryArn],
        }),
        new iam.PolicyStatement({
          sid: 'WriteListenerLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      ],
    });
    Validations.of(executionPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only ecr:GetAuthorizationToken, which AWS does not scope to resources; the image pull is limited to the asset repository.',
    });
    const task = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.ARM64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      taskRole: this.taskRole,
      executionRole: this.executionRole.withoutPolicyUpdates(),
    });
    task.addContainer('Listener', {
      image: ecs.ContainerImage.fromDockerImageAsset(image),
      essential: true,
      readonlyRootFilesystem: true,
      environment: {
        ...props.environment,
        MLLP_PORT: String(config.port),
        POWERTOOLS_SERVICE_NAME: mllpServiceName,
      },
      portMappings: [{ containerPort: config.port, protocol: ecs.Protocol.TCP }],
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'listener' }),
    });

    const loadBalancerGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      description: 'MLLP senders: the hospital ranges only, on the MLLP TLS port',
      allowAllOutbound: false,
    });
    for (const cidr of config.allowedCidrs) {
      const peer = cidr.includes(':')
        ? ec2.Peer.ipv6(cidr)
        : ec2.Peer.ipv4(cidr.includes('/') ? cidr : `${cidr}/32`);
      loadBalancerGroup.addIngressRule(peer, ec2.Port.tcp(config.port), `MLLP sender range ${cidr}`);
    }
    const taskGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'MLLP listener tasks: from the load balancer only; out to AWS APIs over HTTPS',
      allowAllOutbound: false,
    });
    taskGroup.addIngressRule(
      loadBalancerGroup,
      ec2.Port.tcp(config.port),
      'MLLP and health checks from the load balancer',
    );
    loadBalancerGroup.addEgressRule(taskGroup, ec2.Port.tcp(config.port), 'To the listener tasks');
    taskGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'DynamoDB, S3, KMS, CloudWatch Logs, ECR over HTTPS',
    );

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition: task,
      desiredCount: config.enabled ? config.tasks : 0,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      vpcSubnets: subnets,
      securityGroups: [taskGroup],
      assignPublicIp: false,
      circuitBreaker: { rollback: true },
    });

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc,
      vpcSubnets: subnets,
      internetFacing: false,
      crossZoneEnabled: true,
      deletionProtection: true,
      securityGroups: [loadBalancerGroup],
    });
    const targets = new elbv2.NetworkTargetGroup(this, 'Targets', {
      vpc,
      port: config.port,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        protocol: elbv2.Protocol.TCP,
        interval: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });
    this.service.attachToNetworkTargetGroup(targets);
    this.loadBalancer.addListener('Tls', {
      port: config.port,
      protocol: elbv2.Protocol.TLS,
      certificates: [elbv2.ListenerCertificate.fromArn(config.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [targets],
    });

    this.addAlarms(props, targets);
    new CfnOutput(Stack.of(this), 'MllpEndpoint', {
      value: `${this.loadBalancer.loadBalancerDnsName}:${config.port}`,
      description: 'Where interface engines send HL7 over MLLP (TLS), from the allowed ranges',
    });
    this.acknowledgeFindings();
  }

  private addAlarms(props: MllpListenerProps, targets: elbv2.NetworkTargetGroup): void {
    const action = new actions.SnsAction(props.alarmTopic);
    const alarm = (id: string, options: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, id, options);
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
    };
    const lb = this.loadBalancer;
    alarm('NoConnection', {
      alarmDescription: `No sender connected over MLLP for ${props.config.silenceMinutes} minutes: is the interface engine's channel stopped, or the VPN down?`,
      metric: lb.metrics.custom('ActiveFlowCount_TLS', {
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(props.config.silenceMinutes),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    const count = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: metricsNamespace,
        metricName,
        dimensionsMap: { service: mllpServiceName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.minutes(15),
      });
    alarm('AckErrorRate', {
      alarmDescription: `More than ${aeRatePercentThreshold}% of MLLP messages answered AE in 15 minutes: storage or archive unavailable; engines are retrying.`,
      metric: new cloudwatch.MathExpression({
        expression:
          'IF((FILL(a, 0) + FILL(r, 0) + FILL(e, 0)) > 0, 100 * FILL(e, 0) / (FILL(a, 0) + FILL(r, 0) + FILL(e, 0)), 0)',
        usingMetrics: {
          a: count('MessagesAccepted'),
          r: count('MessagesRejected'),
          e: count('MessagesErrored'),
        },
        period: Duration.minutes(15),
        label: 'MLLP messages answered AE, % of messages',
      }),
      threshold: aeRatePercentThreshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('UnhealthyTasks', {
      alarmDescription: `Fewer than ${props.config.tasks} healthy MLLP listener tasks: a zone has no listener.`,
      metric: targets.metrics.healthyHostCount({
        statistic: cloudwatch.Stats.MINIMUM,
        period: Duration.minutes(1),
      }),
      threshold: props.config.enabled ? props.config.tasks : 0,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }

  private acknowledgeFindings(): void {
    Validations.of(this.service.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The environment holds names and ARNs (table, bucket, topics, size limit, metrics namespace), the same values the ingest function gets; no secret.',
    });
    const noAccessLogs =
      'Every message is archived raw with its arrival time, and the listener logs every framing and connection outcome (ids and byte counts); NLB access logs would add TLS handshake records only.';
    const checks = Validations.of(this.loadBalancer);
    checks.acknowledge({ id: 'AwsSolutions-ELB2', reason: noAccessLogs });
    checks.acknowledge({ id: 'HIPAA.Security-ELBLoggingEnabled', reason: noAccessLogs });
  }
}
