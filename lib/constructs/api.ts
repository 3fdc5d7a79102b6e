/**
 * The REST API: `POST /hl7` for the lab feed and the admin routes with IAM
 * (SigV4) auth, and the tap-to-acknowledge route `GET|POST /a/{token}`, the
 * only unauthenticated one: the token in the path is the credential (an
 * HMAC-signed, expiring capability for one alert), and those two methods
 * have their own, low throttle and a per-IP rate limit (a WAF web ACL).
 * Request validation, stage throttling, KMS-encrypted access logs that record
 * the route (`/a/{token}`), never the path (the token is a credential),
 * ERROR-level execution logs without data tracing (no PHI in logs; none at all
 * for the ack route), and no API Gateway X-Ray tracing (it records the full
 * URL; the functions keep theirs). A resource policy lets only the configured
 * sender roles post HL7; an optional custom domain adds mutual TLS.
 *
 * Body size: API Gateway refuses bodies over 10 MB, and Lambda events over
 * 6 MB, which the body reaches base64-encoded (4/3 larger); the ingest
 * handler enforces the hospital's `maxMessageBytes` (MAX_MESSAGE_BYTES, at
 * most 4 MiB so that every body under it reaches the function) and answers
 * AR above it.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { HospitalConfig } from '../config/hospital-config.js';
import type { PipelineFunction } from './pipeline-function.js';

/** The content types of HL7 over HTTP that ingest accepts (architecture: the local contract). */
export const hl7MediaTypes = ['application/hl7-v2', 'x-application/hl7-v2+er7', 'text/plain'] as const;
export interface ApiProps {
  prefix: string;
  key: kms.IKey;
  ingest: PipelineFunction;
  admin: PipelineFunction;
  ackLink: PipelineFunction;
  senders: HospitalConfig['senders'];
  /** Stage-wide steady rate and burst (hospital `capacity.ingestRequestsPerSecond` / `ingestBurstRequests`). */
  throttling: { rateLimit: number; burstLimit: number };
  /** Ack-route requests one IP may make per 5 minutes (hospital `capacity.ackLinkRequestsPerIpPer5Minutes`). */
  ackLinkRequestsPerIpPer5Minutes: number;
}

export const stageName = 'v1';

/**
 * The public ack route: a unit's on-call taps a handful of links an hour.
 * Guessing a 128-bit tag is hopeless at any rate; the low limit keeps a
 * flood from reaching the function and the table.
 */
export const ackRouteThrottling = { rateLimit: 5, burstLimit: 10 };

/** The resource-policy form of "POST /hl7 on any stage of this API". */
const postHl7 = 'execute-api:/*/POST/hl7';

/** The ack route's two methods, on any stage. */
const ackRouteResources = ['execute-api:/*/GET/a/*', 'execute-api:/*/POST/a/*'];

/** The ack route path (`/a/{token}`); links are `<stage URL>/a/<token>`. */
export const ackRoutePath = '/a/{token}';

/**
 * The ack route as WAF sees the request path: `/v1/a/<token>` on the
 * execute-api endpoint, `/a/<token>` (or under a base path) on a custom
 * domain. Anchored so that admin paths (`/patients/a/...`) do not count.
 */
export const ackRoutePathPattern = '^(/[^/]+)*/a/[^/]+/?$';

/** WAF's rate-based window: requests are counted per IP over 5 minutes. */
const rateWindowSeconds = 300;

export class Api extends Construct {
  readonly restApi: apigw.RestApi;
  /** Where the lab feed posts: the mTLS custom domain when configured, else the execute-api URL. */
  readonly ingestUrl: string;
  /** IAM policy JSON a lab feed sender role needs: execute-api:Invoke on POST /hl7, nothing else. */
  readonly senderPolicyJson: string;
  /** IAM policy JSON an administrator (or the admin CLI) needs for the admin routes. */
  readonly adminPolicyJson: string;
  /**
   * The base of ack links on the execute-api endpoint (`https://<id>.execute-api.<region>.<suffix>/v1`),
   * built from the API id and the fixed stage name only, so functions can hold
   * it without depending on the deployment. Undefined with mutual TLS: that
   * endpoint is switched off and phones present no client certificate.
   */
  readonly ackLinkBaseUrl?: string;
  readonly domain?: apigw.DomainName;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { mtls } = props.senders;

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${props.prefix}-api-access`,
      encryptionKey: props.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: `${props.prefix}-api`,
      description:
        'Calciphylaxis alerting: HL7 v2 ingest (POST /hl7) and admin routes with IAM auth; tap-to-acknowledge links (/a/{token}) authorised by their signed token.',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // With mutual TLS the default endpoint would let callers skip the certificate check.
      disableExecuteApiEndpoint: mtls !== undefined,
      policy: apiResourcePolicy(props.senders.iamRoleArns),
      // HL7 bodies reach the ingest function as bytes (base64), so a message in
      // ISO 8859-1 or another MSH-18 character set is decoded by the reader, not mangled on the way.
      binaryMediaTypes: [...hl7MediaTypes],
      cloudWatchRole: true,
      // The API Gateway logging role is an account-wide setting other APIs may rely on.
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        // X-Ray tracing of a stage records each request's full URL, the ack token with it, and is
        // a stage setting (no per-method switch). Off; the functions still trace (Tracing: Active),
        // and their segments carry no URL.
        tracingEnabled: false,
        // Above a lab feed's pace, within what the ingest function's reserved concurrency can take.
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
        // A method setting replaces the stage's for that method. No execution logs for the ack
        // route: their error lines can carry the request path, the token with it. The access log
        // (the route, never the path) and the function's log say what happened.
        methodOptions: Object.fromEntries(
          ['GET', 'POST'].map((method) => [
            `${ackRoutePath}/${method}`,
            {
              throttlingRateLimit: ackRouteThrottling.rateLimit,
              throttlingBurstLimit: ackRouteThrottling.burstLimit,
              loggingLevel: apigw.MethodLoggingLevel.OFF,
              dataTraceEnabled: false,
              metricsEnabled: true,
            },
          ]),
        ),
      },
    });

    // Created here (not by API Gateway on first error) so execution logs are KMS-encrypted and expire.
    const executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${stageName}`,
      encryptionKey: props.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.restApi.deploymentStage.node.addDependency(executionLogs);

    this.addRoutes(props);
    this.limitAckRequestsPerIp(props);

    if (mtls) {
      this.domain = new apigw.DomainName(this, 'MtlsDomain', {
        domainName: mtls.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', mtls.certificateArn),
        endpointType: apigw.EndpointType.REGIONAL,
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
        mtls: {
          bucket: s3.Bucket.fromBucketName(this, 'Truststore', mtls.truststoreBucket),
          key: mtls.truststoreKey,
        },
      });
      this.domain.addBasePathMapping(this.restApi, { stage: this.restApi.deploymentStage });
      this.ingestUrl = `https://${mtls.domainName}/hl7`;
    } else {
      this.ingestUrl = this.restApi.urlForPath('/hl7');
      this.ackLinkBaseUrl = `https://${this.restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${stageName}`;
    }

    const invokePolicy = (sid: string, routes: [string, string][]) =>
      stack.toJsonString({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: sid,
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: routes.map(([method, path]) => this.restApi.arnForExecuteApi(method, path, stageName)),
          },
        ],
      });
    this.senderPolicyJson = invokePolicy('PostHl7Only', [['POST', '/hl7']]);
    this.adminPolicyJson = invokePolicy('CalciphylaxisAdmin', [
      ['GET', '/alerts'],
      ['GET', '/alerts/*'],
      ['POST', '/alerts/*/ack'],
      ['POST', '/patients/*/*/cohort'],
      ['GET', '/patients/*/*/timeline'],
      ['GET', '/cohort'],
      ['GET', '/reports/timeliness'],
      ['GET', '/reports/shadow'],
    ]);

    this.acknowledgeFindings();
  }

  /**
   * A web ACL on the stage whose one rule blocks an IP address that opens or
   * posts more than the configured number of ack links in 5 minutes: the
   * stage throttle is shared by everyone, so without it one client could
   * keep every clinician's tap from getting through. Other routes are not
   * counted (IAM-signed callers). No sampled requests: they would keep the
   * URI, and with it the token, for hours in the console.
   */
  private limitAckRequestsPerIp(props: ApiProps): void {
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: false,
    });
    const ackRoute = new wafv2.CfnRegexPatternSet(this, 'AckRoutePath', {
      name: `${props.prefix}-ack-route`,
      scope: 'REGIONAL',
      description: 'The tap-to-acknowledge route, with or without a stage or base path',
      regularExpressionList: [ackRoutePathPattern],
    });
    const webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.prefix}-api`,
      description: 'Per-IP rate limit on the tap-to-acknowledge route',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${props.prefix}-api`),
      rules: [
        {
          name: 'AckLinkRequestsPerIp',
          priority: 0,
          action: { block: {} },
          visibilityConfig: visibility(`${props.prefix}-ack-link-requests-per-ip`),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.ackLinkRequestsPerIpPer5Minutes,
              evaluationWindowSec: rateWindowSeconds,
              scopeDownStatement: {
                regexPatternSetReferenceStatement: {
                  arn: ackRoute.attrArn,
                  fieldToMatch: { uriPath: {} },
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
        },
      ],
    });
    // Blocked requests only, with the path and the Referer (both can hold the token) redacted.
    const wafLogs = new logs.LogGroup(this, 'WafLogs', {
      logGroupName: `aws-waf-logs-${props.prefix}-api`,
      encryptionKey: props.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const { partition, region, account } = Stack.of(this);
    new wafv2.CfnLoggingConfiguration(this, 'WebAclLogging', {
      resourceArn: webAcl.attrArn,
      // WAF wants the log group ARN without the `:*` suffix CloudFormation's Arn carries.
      logDestinationConfigs: [`arn:${partition}:logs:${region}:${account}:log-group:${wafLogs.logGroupName}`],
      redactedFields: [{ uriPath: {} }, { singleHeader: { Name: 'referer' } }],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }],
          },
        ],
      },
    });
    const association = new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.restApi.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
    association.node.addDependency(this.restApi.deploymentStage);
  }

  private addRoutes(props: ApiProps): void {
    const { iamMethods, ackMethods } = this.addMethods(props);
    const iamReason =
      'IAM (SigV4) auth on purpose: callers are machines and staff roles of the hospital AWS account (lab feed sender roles, admin roles via IAM Identity Center), not end users of a Cognito user pool.';
    for (const method of iamMethods) {
      Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason: iamReason });
    }
    const publicReason =
      "The tap-to-acknowledge link is opened from an SMS or e-mail on a clinician's phone, which holds no AWS credentials or user-pool session. The token in the path is the credential: HMAC-SHA256-signed (128-bit tag), encrypted, bound to one alert and expiring; a request without a valid token changes nothing and learns nothing. These two methods are throttled far below the stage and rate-limited per IP by the web ACL, the function has low reserved concurrency, and GET never acknowledges.";
    for (const method of ackMethods) {
      const checks = Validations.of(method);
      checks.acknowledge({ id: 'AwsSolutions-APIG4', reason: publicReason });
      checks.acknowledge({ id: 'AwsSolutions-COG4', reason: publicReason });
    }
  }

  private addMethods(props: ApiProps): { iamMethods: apigw.Method[]; ackMethods: apigw.Method[] } {
    const validator = this.restApi.addRequestValidator('BodyAndParameters', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const iamAuth = (required: string[]): apigw.MethodOptions => ({
      authorizationType: apigw.AuthorizationType.IAM,
      requestValidator: validator,
      requestParameters: Object.fromEntries(
        required.map((parameter) => [`method.request.${parameter}`, true]),
      ),
    });
    // No test-invoke permission: nothing but the deployed stage may call the functions.
    const ingest = new apigw.LambdaIntegration(props.ingest.function, { allowTestInvoke: false });
    const admin = new apigw.LambdaIntegration(props.admin.function, { allowTestInvoke: false });
    const ackLink = new apigw.LambdaIntegration(props.ackLink.function, { allowTestInvoke: false });
    const root = this.restApi.root;

    const iamMethods: apigw.Method[] = [];
    // HL7 over HTTP requires Content-Type (application/hl7-v2, x-application/hl7-v2+er7 or text/plain).
    iamMethods.push(root.addResource('hl7').addMethod('POST', ingest, iamAuth(['header.Content-Type'])));

    const alerts = root.addResource('alerts');
    iamMethods.push(alerts.addMethod('GET', admin, iamAuth([])));
    const alert = alerts.addResource('{id}');
    iamMethods.push(alert.addMethod('GET', admin, iamAuth(['path.id'])));
    iamMethods.push(alert.addResource('ack').addMethod('POST', admin, iamAuth(['path.id'])));
    const patient = root.addResource('patients').addResource('{facility}').addResource('{mrn}');
    iamMethods.push(
      patient.addResource('cohort').addMethod('POST', admin, iamAuth(['path.facility', 'path.mrn'])),
    );
    iamMethods.push(
      patient.addResource('timeline').addMethod('GET', admin, iamAuth(['path.facility', 'path.mrn'])),
    );
    iamMethods.push(root.addResource('cohort').addMethod('GET', admin, iamAuth([])));

    // API Gateway answers 400 naming from or to when either is missing, before the function runs.
    const reports = root.addResource('reports');
    iamMethods.push(
      reports
        .addResource('timeliness')
        .addMethod('GET', admin, iamAuth(['querystring.from', 'querystring.to'])),
    );
    // What rules in shadow mode would have raised (lambdas/handlers/admin.ts).
    iamMethods.push(
      reports.addResource('shadow').addMethod('GET', admin, iamAuth(['querystring.from', 'querystring.to'])),
    );

    const ackRoute = root.addResource('a').addResource('{token}');
    const publicWithToken: apigw.MethodOptions = {
      authorizationType: apigw.AuthorizationType.NONE,
      requestValidator: validator,
      requestParameters: { 'method.request.path.token': true },
    };
    const ackMethods = ['GET', 'POST'].map((method) => ackRoute.addMethod(method, ackLink, publicWithToken));
    return { iamMethods, ackMethods };
  }

  private acknowledgeFindings(): void {
    const api = Validations.of(this.restApi);
    api.acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        'The account-level API Gateway logging role uses the AWS-maintained policy that only allows writing CloudWatch Logs; it is assumable only by apigateway.amazonaws.com.',
    });
    const stage = Validations.of(this.restApi.deploymentStage);
    stage.acknowledge({
      id: 'HIPAA.Security-APIGWXrayEnabled',
      reason:
        'API Gateway X-Ray tracing is a stage setting and records each request URL; on the ack route the URL holds the token, a credential for acknowledging a critical alert. Off on purpose; every function is traced (Tracing: Active), and a function segment carries no URL.',
    });
    stage.acknowledge({
      id: 'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
      reason:
        'No cache on purpose: POST /hl7 and the admin routes must reach the functions every time; a cached alert list or acknowledgement would be stale or wrong, and no cache means no PHI held by API Gateway.',
    });
    stage.acknowledge({
      id: 'HIPAA.Security-APIGWSSLEnabled',
      reason:
        'A stage client certificate authenticates API Gateway to an HTTP backend; every integration here is a Lambda proxy called inside AWS with IAM, so there is no backend to present it to. Clients reach the API over TLS only.',
    });
  }
}

/**
 * Only the configured sender roles may POST /hl7: an Allow for their accounts
 * limited to those role ARNs (so a role in another account works), and a Deny
 * for every other principal, however broad its own IAM policy. The admin
 * routes are left to the hospital account's IAM policies. The ack route is
 * open to anyone (API Gateway refuses unauthenticated calls a resource policy
 * does not allow): its token is checked by the function.
 */
function apiResourcePolicy(senderRoleArns: string[]): iam.PolicyDocument {
  const senderAccounts = [...new Set(senderRoleArns.map((arn) => arn.split(':')[4] ?? ''))];
  return new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'LabFeedSendersMayPostHl7',
        effect: iam.Effect.ALLOW,
        principals: senderAccounts.map((account) => new iam.AccountPrincipal(account)),
        actions: ['execute-api:Invoke'],
        resources: [postHl7],
        conditions: { ArnEquals: { 'aws:PrincipalArn': senderRoleArns } },
      }),
      new iam.PolicyStatement({
        sid: 'AnyoneWithALinkMayOpenIt',
        effect: iam.Effect.ALLOW,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: ackRouteResources,
      }),
      new iam.PolicyStatement({
        sid: 'NobodyElsePostsHl7',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['execute-api:Invoke'],
        resources: [postHl7],
        conditions: { ArnNotEquals: { 'aws:PrincipalArn': senderRoleArns } },
      }),
    ],
  });
}
