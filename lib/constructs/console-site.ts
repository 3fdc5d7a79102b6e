/**
 * The console's page: static files (built by console/build.ts at synth) in a
 * private S3 bucket, served only through CloudFront (origin access control),
 * over HTTPS, with security headers and a strict Content-Security-Policy,
 * access-logged, optionally behind the hospital's web ACL and a country list.
 * `console-config.json` beside the page tells it where the API and the
 * sign-in are.
 *
 * Why the assets bucket is not encrypted with the stack's key: it holds the
 * console's code and two URLs, no PHI; with SSE-KMS, CloudFront could read it
 * only if the key policy let the CloudFront service decrypt with the key that
 * guards the patient data. S3-managed encryption keeps that key closed.
 */
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildConsole } from '../../console/build.js';
import type { HospitalConfig } from '../config/hospital-config.js';

/** The console's sources: the asset's fingerprint when bundling is skipped; the build reads them. */
const consoleFolder = fileURLToPath(new URL('../../console/', import.meta.url));

/** The console lives under this path, as on the local stack (`http://127.0.0.1:4080/console`). */
export const consolePath = '/console/';

export interface ConsoleSiteProps {
  prefix: string;
  key: kms.IKey;
  settings: HospitalConfig['console'];
  /** The stack's server-access-log bucket (the archive's). */
  accessLogBucket: s3.IBucket;
  dataRetentionDays: number;
  /** The origins the page may fetch from besides its own: the console API and the hosted sign-in. */
  connectOrigins: string[];
}

/**
 * The page's Content-Security-Policy: its own scripts, styles and images only (no inline script or
 * style element, no eval, nothing from a CDN), data from itself, the API and the sign-in; never framed.
 */
export function contentSecurityPolicy(connectOrigins: string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${connectOrigins.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

/**
 * `/` and `/console` lead to the console; `/console/` (where Cognito sends the browser back) is its
 * page. Views are in the fragment (`#/patients/...`), which never reaches CloudFront or its logs.
 */
const viewerRequestCode = `function handler(event) {
  var request = event.request;
  if (request.uri === '/' || request.uri === '/console') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '${consolePath}' } } };
  }
  if (request.uri.endsWith('/')) request.uri += 'index.html';
  return request;
}`;

export class ConsoleSite extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<console domain>`: the API's CORS origin. */
  readonly origin: string;
  /** `https://<console domain>/console/`: the page, and where Cognito sends the browser back. */
  readonly url: string;
  private readonly props: ConsoleSiteProps;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    this.props = props;
    const { settings } = props;
    const retention = Duration.days(props.dataRetentionDays);

    this.bucket = new s3.Bucket(this, 'Assets', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'console-assets/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'ExpireReplacedAssets', noncurrentVersionExpiration: Duration.days(30) }],
    });

    // CloudFront's standard logs are delivered with an ACL, so this bucket keeps ACLs (object writer).
    const requestLogs = new s3.Bucket(this, 'RequestLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'console-request-logs/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'ExpireRequestLogs', expiration: retention, noncurrentVersionExpiration: Duration.days(30) },
      ],
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `${props.prefix}-console-security-headers`,
      comment: 'Strict CSP, HSTS, no sniffing, no referrer, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.connectOrigins),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    const custom = settings.customDomain;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${props.prefix} nephrology console`,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'ConsolePaths', {
              comment: 'The console path and its index page',
              code: cloudfront.FunctionCode.fromInline(viewerRequestCode),
              runtime: cloudfront.FunctionRuntime.JS_2_0,
            }),
          },
        ],
      },
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: requestLogs,
      logFilePrefix: 'cloudfront/',
      logIncludesCookies: false,
      ...(custom === undefined
        ? {}
        : {
            domainNames: [custom.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', custom.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            sslSupportMethod: cloudfront.SSLMethod.SNI,
          }),
      ...(settings.webAclArn === undefined ? {} : { webAclId: settings.webAclArn }),
      ...(settings.allowedCountries === undefined
        ? {}
        : { geoRestriction: cloudfront.GeoRestriction.allowlist(...settings.allowedCountries) }),
    });

    const host = custom?.domainName ?? this.distribution.distributionDomainName;
    this.origin = `https://${host}`;
    this.url = `${this.origin}${consolePath}`;
    this.acknowledgeFindings(requestLogs);
  }

  /**
   * Deploys the built console and its configuration under /console/, and clears CloudFront's cache
   * of it. The deployment's handler (a CDK custom resource) gets a role whose one managed policy
   * allows exactly what it does: read its two source archives, list, write and prune the console's
   * files, invalidate this distribution's cache, and write its own log group.
   */
  deploy(consoleConfig: Record<string, unknown>): s3deploy.BucketDeployment {
    const { prefix, key } = this.props;
    const keyPrefix = consolePath.slice(1);
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', {
      logGroupName: `/aws/lambda/${prefix}-console-deployment`,
      encryptionKey: key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Deploys the console files to their bucket (CDK BucketDeployment)',
    });
    const sources: s3deploy.SourceConfig[] = [];
    const recorded = (source: s3deploy.ISource): s3deploy.ISource => ({
      bind: (scope, context) => {
        const config = source.bind(scope, context);
        sources.push(config);
        return config;
      },
    });
    const deployment = new s3deploy.BucketDeployment(this, 'Deployment', {
      sources: [
        recorded(
          s3deploy.Source.asset(consoleFolder, {
            assetHashType: AssetHashType.OUTPUT,
            bundling: {
              // Never pulled: the local build below always succeeds or throws.
              image: DockerImage.fromRegistry('scratch'),
              local: {
                tryBundle(outputDir: string): boolean {
                  buildConsole(outputDir);
                  return true;
                },
              },
            },
          }),
        ),
        recorded(s3deploy.Source.jsonData('console-config.json', consoleConfig)),
      ],
      destinationBucket: this.bucket,
      destinationKeyPrefix: keyPrefix,
      distribution: this.distribution,
      distributionPaths: [`${consolePath}*`],
      // Grants CDK would add (with wildcard actions, inline) are written into the managed policy instead.
      role: role.withoutPolicyUpdates(),
      logGroup,
      memoryLimit: 256,
    });
    const { account, partition } = Stack.of(this);
    const policy = new iam.ManagedPolicy(this, 'DeploymentPermissions', {
      description: 'Everything the console deployment may do',
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadSourceArchives',
          actions: ['s3:GetObject'],
          resources: sources.map((source) => source.bucket.arnForObjects(source.zipObjectKey)),
        }),
        new iam.PolicyStatement({
          sid: 'ListConsoleFiles',
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
        }),
        new iam.PolicyStatement({
          sid: 'WriteAndPruneConsoleFiles',
          actions: ['s3:PutObject', 's3:DeleteObject'],
          resources: [this.bucket.arnForObjects(`${keyPrefix}*`)],
        }),
        new iam.PolicyStatement({
          sid: 'InvalidateConsoleCache',
          actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
          resources: [
            `arn:${partition}:cloudfront::${account}:distribution/${this.distribution.distributionId}`,
          ],
        }),
        new iam.PolicyStatement({
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      ],
    });
    deployment.node.addDependency(policy);
    this.acknowledgeDeploymentFindings(policy);
    return deployment;
  }

  private acknowledgeFindings(requestLogs: s3.Bucket): void {
    const notPhi =
      'The console bucket holds its static code and console-config.json (the API and sign-in URLs, the app client id): no PHI. ';
    const assets = Validations.of(this.bucket);
    assets.acknowledge({
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      reason: `${notPhi}CloudFront reads it through origin access control; with SSE-KMS the key policy would have to let the CloudFront service decrypt with the stack key that guards the patient data. SSE-S3 keeps that key closed to CloudFront.`,
    });
    assets.acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason: `${notPhi}Every deploy rebuilds it from the repository, so a replica would add nothing.`,
    });
    const logs = Validations.of(requestLogs);
    logs.acknowledge({
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      reason:
        "CloudFront standard logs are written with the log-delivery service's ACL grant; SSE-KMS would need the stack key opened to that service. The logs hold request metadata (time, client IP, the URL path under /console/, status): console views live in the URL fragment, which browsers never send, so no MRN reaches them.",
    });
    logs.acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'Request logs of the console page (no PHI); kept, versioned and access-logged in the region like the archive access logs.',
    });
    const settings = this.props.settings;
    const cdn = Validations.of(this.distribution);
    if (settings.customDomain === undefined) {
      cdn.acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Served at the CloudFront domain with its default certificate, for which CloudFront fixes the security policy (TLSv1); browsers in use negotiate TLS 1.2 or 1.3. Set console.customDomain (domainName and a us-east-1 ACM certificate) to require TLSv1.2_2021.',
      });
    }
    if (settings.webAclArn === undefined) {
      cdn.acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          "The distribution serves only the console's static files (no PHI); every request for data goes to the console API with a user-pool token. Set console.webAclArn to put the hospital's CloudFront web ACL in front of it.",
      });
    }
    if (settings.allowedCountries === undefined) {
      cdn.acknowledge({
        id: 'AwsSolutions-CFR1',
        reason:
          'On-call clinicians open the console wherever they are; the page holds no PHI and the data needs a sign-in with MFA. Set console.allowedCountries to serve it to some countries only.',
      });
    }
  }

  private acknowledgeDeploymentFindings(policy: iam.ManagedPolicy): void {
    const stack = Stack.of(this);
    const bucketId: unknown = stack.resolve(
      stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket),
    );
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${String(bucketId)}.Arn>/console/*]`,
      reason:
        "Put and delete under the console's key prefix only: the built file names change with each build, and a deploy removes the ones no longer built.",
    });
    // The handler is CDK's (Python, in aws-cdk-lib, one per stack): its runtime and settings are CDK's.
    const handlers = stack.node.children.filter((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    for (const node of handlers) {
      const checks = Validations.of(node);
      checks.acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "CDK's bucket-deployment handler pins its Python runtime in aws-cdk-lib; it runs only during a deploy, with this stack's narrow role.",
      });
      checks.acknowledge({
        id: 'HIPAA.Security-LambdaConcurrency',
        reason: 'Runs only when CloudFormation deploys the console; there is no traffic to cap.',
      });
      checks.acknowledge({
        id: 'HIPAA.Security-LambdaDLQ',
        reason:
          'Invoked by CloudFormation as a custom resource; a failure fails the deploy, which reports it. A dead-letter queue would have nobody to read it.',
      });
      checks.acknowledge({
        id: 'HIPAA.Security-LambdaInsideVPC',
        reason:
          'Copies public static files from the CDK asset bucket to the console bucket and invalidates CloudFront, all AWS APIs over TLS with a narrow role; no PHI, no network listener.',
      });
    }
  }
}
