/**
 * One pipeline Lambda (ingest, evaluate, sweep, admin or ack-link) as every function
 * here must be: Node.js 24 on arm64, bundled by esbuild as ESM with source
 * maps, X-Ray active, its own KMS-encrypted log group, reserved concurrency,
 * and a role whose only permissions are one customer-managed policy built
 * from named statements (no inline policies, no grants added behind our back).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RulesConfig } from '../../lambdas/config/rules-config.js';
import { rulesConfigFileName } from '../../lambdas/config/rules-config-file.js';
import {
  esmRequireBanner,
  externalModules,
  pipelineBundleTarget,
  pipelineFunctionNames,
} from '../bundling.js';
import { writeRulesConfigFile } from '../config/rules-config-file.js';

/**
 * The newest Node.js runtime the pinned aws-cdk-lib offers (Node.js 24, LTS;
 * Node.js 22 reaches end of life in April 2027), and the esbuild target to match.
 */
export const pipelineRuntime = lambda.Runtime.NODEJS_24_X;

export { pipelineFunctionNames };
export type PipelineFunctionName = (typeof pipelineFunctionNames)[number];

/** Powertools' metrics namespace (the `CalciphylaxisAlerting` contract). */
export const metricsNamespace = 'CalciphylaxisAlerting';

export interface PipelineFunctionProps {
  name: PipelineFunctionName;
  prefix: string;
  description: string;
  key: kms.IKey;
  /** The shared contract variables; the service name and source-map flag are added here. */
  environment: Record<string, string>;
  /** The hospital's rules, bundled beside the code as rules-config.json (never an environment variable: code maps are large). */
  rulesConfig: RulesConfig;
  memorySizeMb: number;
  timeout: Duration;
  /** Caps concurrent executions so a burst cannot starve DynamoDB, SNS or the rest of the account. */
  reservedConcurrency: number;
  /** Why this function has no Lambda dead-letter queue (HIPAA.Security-LambdaDLQ). */
  noDeadLetterQueueReason: string;
}

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A path as one word of a POSIX shell command. */
function shellWord(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export class PipelineFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly policy: iam.ManagedPolicy;
  readonly logGroup: logs.LogGroup;
  /** Powertools `service` dimension and log field; the alarms match on it. */
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const functionName = `${props.prefix}-${props.name}`;
    this.serviceName = props.name;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      encryptionKey: props.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${functionName}`,
    });
    this.policy = new iam.ManagedPolicy(this, 'Permissions', {
      description: `Everything ${functionName} may do`,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [this.logGroup.logGroupArn],
        }),
        new iam.PolicyStatement({
          sid: 'SendTraces',
          // X-Ray has no resource-level permissions for these two actions.
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
    });

    // The rules go into the bundle as a file (see lambdas/config/rules-config-file.ts); the
    // asset hash covers the bundle's output, so a changed rule setting redeploys the code.
    const rulesFolder = mkdtempSync(join(tmpdir(), 'calciphylaxis-rules-'));
    const rulesFile = writeRulesConfigFile(props.rulesConfig, rulesFolder);
    try {
      this.function = this.bundledFunction(props, functionName, rulesFile);
    } finally {
      // Bundling ran inside the NodejsFunction constructor (or was skipped for this stack): the file has served.
      rmSync(rulesFolder, { recursive: true, force: true });
    }
    // The function (and its event sources) must not exist before its permissions do.
    this.function.node.addDependency(this.policy);
    this.acknowledgeFindings(props);
  }

  private bundledFunction(
    props: PipelineFunctionProps,
    functionName: string,
    rulesFile: string,
  ): NodejsFunction {
    return new NodejsFunction(this, 'Function', {
      functionName,
      description: props.description,
      entry: `${repositoryRoot}lambdas/handlers/${props.name}.ts`,
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}package-lock.json`,
      runtime: pipelineRuntime,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySizeMb,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      // Grants CDK would add (stream read, DLQ send, X-Ray) are written into the managed policy instead.
      role: this.role.withoutPolicyUpdates(),
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: this.serviceName,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: pipelineBundleTarget,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: esmRequireBanner,
        externalModules: [...externalModules],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => [
            `cp ${shellWord(rulesFile)} ${shellWord(join(outputDir, rulesConfigFileName))}`,
          ],
        },
      },
    });
  }

  private acknowledgeFindings(props: PipelineFunctionProps): void {
    Validations.of(this.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only for actions AWS does not scope to resources: xray:PutTraceSegments and xray:PutTelemetryRecords (and dynamodb:ListStreams for the stream reader). Every data action is limited to named ARNs.',
    });
    const checks = Validations.of(this.function);
    checks.acknowledge({
      id: 'HIPAA.Security-LambdaInsideVPC',
      reason:
        'Decision: no VPC. The function talks only to AWS APIs (DynamoDB, S3, SNS, SQS, X-Ray) over TLS with IAM-scoped credentials and has no network listener; a VPC would add NAT or endpoints without narrowing what it can reach.',
    });
    checks.acknowledge({ id: 'HIPAA.Security-LambdaDLQ', reason: props.noDeadLetterQueueReason });
  }

  /** Adds statements to this function's policy (the only way it gains permissions). */
  allow(...statements: iam.PolicyStatement[]): void {
    this.policy.addStatements(...statements);
  }
}
