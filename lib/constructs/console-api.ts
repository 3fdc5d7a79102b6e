/**
 * The console's data: the admin routes again, on a REST API of their own
 * whose every method needs a Cognito user pool token (the admin API keeps
 * IAM for the tools). Both integrate the same admin function, which takes
 * who acted from the token's claims and enforces the groups
 * (lambdas/handlers/caller.ts).
 *
 * Why a second API rather than Cognito-authorized resources on the first:
 * the first has a resource policy that denies all but the lab feed's roles on
 * POST /hl7 and would need an open Allow for the console's methods; with
 * mutual TLS configured its execute-api endpoint is switched off, and a
 * browser has no client certificate for the custom domain; its stage throttle
 * is sized for the lab feed; and paths there would collide with the IAM
 * methods of the same name. A separate API keeps the ingest door exactly as
 * reviewed and gives the console its own throttle, CORS, logs and alarms.
 *
 * CORS answers only the console's origin. Stage X-Ray tracing stays off: it
 * records each request's full URL, and console URLs carry MRNs.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { stageName } from './api.js';
import type { PipelineFunction } from './pipeline-function.js';

/**
 * The console's routes: the admin API's paths, each with its required query parameters (path
 * parameters are required by their place in the path). GET reads; the two POSTs change data.
 */
export const consoleRoutes: readonly { method: 'GET' | 'POST'; path: string; query?: string[] }[] = [
  { method: 'GET', path: '/alerts' },
  { method: 'GET', path: '/alerts/{id}' },
  { method: 'POST', path: '/alerts/{id}/ack' },
  { method: 'GET', path: '/patients/{facility}/{mrn}/timeline' },
  { method: 'POST', path: '/patients/{facility}/{mrn}/cohort' },
  { method: 'GET', path: '/cohort' },
  { method: 'GET', path: '/reports/timeliness', query: ['from', 'to'] },
];

/**
 * A few clinicians polling the alert list, well within what the admin function's reserved
 * concurrency (5) answers; the burst stays at that concurrency, since a throttled function behind
 * API Gateway is a bare 500.
 */
export const consoleApiThrottling = { rateLimit: 10, burstLimit: 5 };

export interface ConsoleApiProps {
  prefix: string;
  key: kms.IKey;
  userPool: cognito.IUserPool;
  /** The first API: the account's API Gateway logging role is set up there, once. */
  adminApi: apigw.RestApi;
}

export class ConsoleApi extends Construct {
  readonly restApi: apigw.RestApi;
  /** `https://<id>.execute-api.<region>.<suffix>`: what the page's connect-src allows. */
  readonly origin: string;
  /** The stage URL the console calls, built from the API id only (no dependency on the deployment). */
  readonly baseUrl: string;
  private readonly props: ConsoleApiProps;

  constructor(scope: Construct, id: string, props: ConsoleApiProps) {
    super(scope, id);
    this.props = props;
    const stack = Stack.of(this);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${props.prefix}-console-api-access`,
      encryptionKey: props.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: `${props.prefix}-console-api`,
      description:
        'Calciphylaxis nephrology console: the admin routes for signed-in console users (Cognito user pool authorizer).',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // The account's logging role belongs to the admin API's stack resources.
      cloudWatchRole: false,
      deployOptions: {
        stageName,
        accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
        // The route (`/patients/{facility}/{mrn}/timeline`), never the path with the MRN in it.
        accessLogFormat: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            user: '$context.authorizer.claims.sub',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            resourcePath: '$context.resourcePath',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
          }),
        ),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: false,
        throttlingRateLimit: consoleApiThrottling.rateLimit,
        throttlingBurstLimit: consoleApiThrottling.burstLimit,
      },
    });
    // The account setting that lets API Gateway write logs is made with the admin API.
    this.restApi.deploymentStage.node.addDependency(props.adminApi.deploymentStage);
    const executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${stageName}`,
      encryptionKey: props.key,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.restApi.deploymentStage.node.addDependency(executionLogs);

    this.origin = `https://${this.restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
    this.baseUrl = `${this.origin}/${stageName}`;
    this.acknowledgeFindings();
  }

  /** The routes, once the console's origin (CORS) is known; each integrates the admin function. */
  addRoutes(admin: PipelineFunction, consoleOrigin: string): void {
    const authorizer = new apigw.CognitoUserPoolsAuthorizer(this, 'Authorizer', {
      authorizerName: 'console-users',
      cognitoUserPools: [this.props.userPool],
      identitySource: apigw.IdentitySource.header('Authorization'),
    });
    const validator = this.restApi.addRequestValidator('BodyAndParameters', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integration = new apigw.LambdaIntegration(admin.function, { allowTestInvoke: false });
    const cors: apigw.CorsOptions = {
      allowOrigins: [consoleOrigin],
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['Authorization', 'Content-Type'],
      maxAge: Duration.hours(1),
    };
    const withPreflight = new Set<apigw.IResource>();
    for (const route of consoleRoutes) {
      const resource = this.restApi.root.resourceForPath(route.path);
      const pathParameters = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => `path.${match[1]}`);
      const queryParameters = (route.query ?? []).map((name) => `querystring.${name}`);
      resource.addMethod(route.method, integration, {
        authorizer,
        authorizationType: apigw.AuthorizationType.COGNITO,
        requestValidator: validator,
        requestParameters: Object.fromEntries(
          [...pathParameters, ...queryParameters].map((parameter) => [`method.request.${parameter}`, true]),
        ),
      });
      if (!withPreflight.has(resource)) {
        withPreflight.add(resource);
        const preflight = resource.addCorsPreflight(cors);
        const reason =
          'A CORS preflight (OPTIONS) is sent by the browser without credentials, by the Fetch standard, so it cannot carry the user-pool token. It is a mock integration answering only which origin (the console), methods and headers are allowed; it reaches no function and no data.';
        Validations.of(preflight).acknowledge({ id: 'AwsSolutions-APIG4', reason });
        Validations.of(preflight).acknowledge({ id: 'AwsSolutions-COG4', reason });
      }
    }
    // Refusals by API Gateway itself (401 without a valid token, 429, 5xx) must be readable by the
    // console too, or it cannot tell an expired sign-in from a failure.
    const allowOrigin = { 'Access-Control-Allow-Origin': `'${consoleOrigin}'`, Vary: "'Origin'" };
    this.restApi.addGatewayResponse('Default4xx', {
      type: apigw.ResponseType.DEFAULT_4XX,
      responseHeaders: allowOrigin,
    });
    this.restApi.addGatewayResponse('Default5xx', {
      type: apigw.ResponseType.DEFAULT_5XX,
      responseHeaders: allowOrigin,
    });
  }

  private acknowledgeFindings(): void {
    const stage = Validations.of(this.restApi.deploymentStage);
    stage.acknowledge({
      id: 'HIPAA.Security-APIGWXrayEnabled',
      reason:
        "API Gateway X-Ray tracing is a stage setting and records each request's full URL; console URLs carry the patient's MRN (/patients/{facility}/{mrn}/timeline). Off on purpose; the admin function is traced (Tracing: Active), and its segments carry no URL.",
    });
    stage.acknowledge({
      id: 'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
      reason:
        'No cache on purpose: alert lists and timelines must be current (an acknowledged alert must not show as open), and no cache means no PHI held by API Gateway.',
    });
    stage.acknowledge({
      id: 'HIPAA.Security-APIGWSSLEnabled',
      reason:
        'A stage client certificate authenticates API Gateway to an HTTP backend; the only integration is the admin Lambda function, called inside AWS with IAM. Clients reach the API over TLS only.',
    });
    Validations.of(this.restApi).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No web ACL on this stage: every data method needs a valid user-pool ID token (MFA or the hospital identity provider) checked by API Gateway before anything runs, the stage is throttled to 10 requests/s (burst 5) and the admin function to 5 concurrent executions; the sign-in itself is protected by Cognito threat protection.',
    });
  }
}
