/**
 * The nephrology console of the example hospital as deployed: a private
 * bucket read only by CloudFront through origin access control, the page's
 * security headers (the Content-Security-Policy exactly), a user pool that
 * requires MFA with the two groups, a PKCE client that returns to the
 * console, a user-pool authorizer on every console route, and a deployment
 * whose role may do only what it does.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleGroups } from '../../lambdas/handlers/caller.js';
import { consoleOriginVariable } from '../../lambdas/handlers/console-cors.js';
import { loadHospitalConfig } from '../../lib/config/hospital-config.js';
import { consoleApiThrottling, consoleRoutes } from '../../lib/constructs/console-api.js';
import { type BuiltStack, buildStack, buildTimeoutMs } from './support/build-stack.js';
import { deployedConsoleConfig } from './support/console-config.js';
import {
  actionsOf,
  apiRoutes,
  consoleApiPrefix,
  consoleDeploymentHandlerPrefix,
  defined,
  getAtt,
  identityPolicyStatements,
  logicalIdOf,
  pipelineFunctions,
  renderJoin,
  resourcesOf,
  type Statement,
} from './support/template-queries.js';

let built: BuiltStack;
let template: Template;
let ids: Record<'assets' | 'distribution' | 'restApi' | 'userPool' | 'domain' | 'client', string>;

beforeAll(() => {
  built = buildStack(loadHospitalConfig('example'));
  ({ template } = built);
  ids = {
    assets: logicalIdOf(template, 'AWS::S3::Bucket', 'ConsoleSiteAssets'),
    distribution: logicalIdOf(template, 'AWS::CloudFront::Distribution', 'ConsoleSiteDistribution'),
    restApi: logicalIdOf(template, 'AWS::ApiGateway::RestApi', consoleApiPrefix),
    userPool: logicalIdOf(template, 'AWS::Cognito::UserPool', 'ConsoleSignInUsers'),
    domain: logicalIdOf(template, 'AWS::Cognito::UserPoolDomain', 'ConsoleSignIn'),
    client: logicalIdOf(template, 'AWS::Cognito::UserPoolClient', 'ConsoleSignIn'),
  };
}, buildTimeoutMs);

afterAll(() => built.cleanup());

const one = (type: string, prefix: string) =>
  defined(resourcesOf(template, type)[logicalIdOf(template, type, prefix)], `${type} ${prefix}`);
const distributionConfig = () =>
  one('AWS::CloudFront::Distribution', 'ConsoleSiteDistribution').Properties.DistributionConfig as Record<
    string,
    unknown
  >;
const consoleHost = () => `<${ids.distribution}.DomainName>`;

describe('the page: a private bucket behind CloudFront', () => {
  it('keeps the assets bucket private, TLS-only, encrypted and access-logged', () => {
    const bucket = one('AWS::S3::Bucket', 'ConsoleSiteAssets').Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalIdOf(template, 'AWS::S3::Bucket', 'ArchiveAccessLogs') },
      LogFilePrefix: 'console-assets/',
    });
  });

  it('lets only this distribution read it (origin access control), and nobody read it without TLS', () => {
    const policy = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).find(
      (resource) => JSON.stringify(resource.Properties.Bucket) === JSON.stringify({ Ref: ids.assets }),
    );
    const statements = (
      defined(policy, 'assets bucket policy').Properties.PolicyDocument as {
        Statement: Statement[];
      }
    ).Statement;
    const allows = statements.filter((statement) => statement.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Resource: { 'Fn::Join': ['', [getAtt(ids.assets, 'Arn'), '/*']] },
    });
    expect(
      renderJoin(
        (defined(allows[0], 'allow').Condition as { StringEquals: Record<string, unknown> }).StringEquals[
          'AWS:SourceArn'
        ],
      ),
    ).toBe(`arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${ids.distribution}>`);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );

    const [origin] = distributionConfig().Origins as Record<string, unknown>[];
    const oacId = logicalIdOf(template, 'AWS::CloudFront::OriginAccessControl', 'ConsoleSiteDistribution');
    expect(origin?.OriginAccessControlId).toEqual(getAtt(oacId, 'Id'));
    expect(origin?.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
  });

  it('serves HTTPS only (HTTP redirects), GET and HEAD only, and logs every request', () => {
    const behavior = distributionConfig().DefaultCacheBehavior as Record<string, unknown>;
    expect(behavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(behavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(distributionConfig().Logging).toMatchObject({
      Bucket: getAtt(
        logicalIdOf(template, 'AWS::S3::Bucket', 'ConsoleSiteRequestLogs'),
        'RegionalDomainName',
      ),
      IncludeCookies: false,
    });
  });

  it('sends the strict Content-Security-Policy: own scripts only, data from the console API and the sign-in, never framed', () => {
    const headers = one('AWS::CloudFront::ResponseHeadersPolicy', 'ConsoleSiteSecurityHeaders').Properties
      .ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, Record<string, unknown>> };
    const security = headers.SecurityHeadersConfig;
    expect(renderJoin(security.ContentSecurityPolicy?.ContentSecurityPolicy)).toBe(
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        `connect-src 'self' https://<${ids.restApi}>.execute-api.us-east-1.<AWS::URLSuffix> https://<${ids.domain}>.auth.us-east-1.amazoncognito.com`,
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        'upgrade-insecure-requests',
      ].join('; '),
    );
    expect(security.ContentSecurityPolicy?.Override).toBe(true);
    expect(security.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 730 * 24 * 3600,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    const behavior = distributionConfig().DefaultCacheBehavior as Record<string, unknown>;
    expect(behavior.ResponseHeadersPolicyId).toEqual({
      Ref: logicalIdOf(template, 'AWS::CloudFront::ResponseHeadersPolicy', 'ConsoleSiteSecurityHeaders'),
    });
  });

  it("deploys the built console and console-config.json under /console/ and clears CloudFront's cache of it", () => {
    const deployment = one('Custom::CDKBucketDeployment', 'ConsoleSiteDeployment').Properties;
    expect(deployment.DestinationBucketName).toEqual({ Ref: ids.assets });
    expect(deployment.DestinationBucketKeyPrefix).toBe('console/');
    expect(deployment.DistributionId).toEqual({ Ref: ids.distribution });
    expect(deployment.DistributionPaths).toEqual(['/console/*']);

    // The configuration the page reads: the console API, the hosted sign-in and the PKCE client, from the stack.
    expect(deployedConsoleConfig(built)).toEqual({
      apiBaseUrl: `https://<${ids.restApi}>.execute-api.us-east-1.<AWS::URLSuffix>/v1`,
      auth: {
        kind: 'cognito',
        domain: `https://<${ids.domain}>.auth.us-east-1.amazoncognito.com`,
        clientId: `<${ids.client}>`,
        redirectUri: `https://${consoleHost()}/console/`,
        logoutUri: `https://${consoleHost()}/console/`,
        scopes: ['openid', 'email', 'profile'],
      },
    });
  });
});

describe('sign-in: the user pool', () => {
  it('requires TOTP MFA, strong passwords and threat protection; only administrators create users', () => {
    const pool = one('AWS::Cognito::UserPool', 'ConsoleSignInUsers');
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties).toMatchObject({
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: 'ACTIVE',
      Policies: {
        PasswordPolicy: {
          MinimumLength: 14,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: 3,
        },
      },
    });
  });

  it('has exactly the groups the admin function enforces: clinician and admin', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolGroup'));
    expect(groups.map((group) => group.Properties.GroupName).sort()).toEqual([...consoleGroups].sort());
    for (const group of groups) expect(group.Properties.UserPoolId).toEqual({ Ref: ids.userPool });
  });

  it('gives the console a public PKCE client (code flow only, no secret) that returns to the console', () => {
    const client = one('AWS::Cognito::UserPoolClient', 'ConsoleSignIn').Properties;
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(client.AllowedOAuthScopes).toEqual(['openid', 'email', 'profile']);
    expect((client.CallbackURLs as unknown[]).map(renderJoin)).toEqual([`https://${consoleHost()}/console/`]);
    expect((client.LogoutURLs as unknown[]).map(renderJoin)).toEqual([`https://${consoleHost()}/console/`]);
    expect(client.SupportedIdentityProviders).toEqual(['COGNITO']);
    expect(client.EnableTokenRevocation).toBe(true);
    expect(client.PreventUserExistenceErrors).toBe('ENABLED');
    expect(client).toMatchObject({ IdTokenValidity: 60, RefreshTokenValidity: 12 * 60 });
  });
});

describe('data: the console API', () => {
  const consoleMethods = () => apiRoutes(template, consoleApiPrefix);

  it('has exactly the console routes (the admin paths), each needing a user-pool token', () => {
    const authorizerId = logicalIdOf(template, 'AWS::ApiGateway::Authorizer', 'ConsoleApi');
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [getAtt(ids.userPool, 'Arn')],
    });
    const routes = [...consoleMethods()].filter(([route]) => !route.startsWith('OPTIONS '));
    expect(routes.map(([route]) => route).sort()).toEqual(
      consoleRoutes.map((route) => `${route.method} ${route.path}`).sort(),
    );
    for (const [route, method] of routes) {
      expect(method.Properties.AuthorizationType, route).toBe('COGNITO_USER_POOLS');
      expect(method.Properties.AuthorizerId, route).toEqual({ Ref: authorizerId });
    }
  });

  it('sends every console route to the admin function, path and query parameters required', () => {
    const adminId = defined(
      Object.entries(pipelineFunctions(template)).find(
        ([, fn]) => fn.Properties.FunctionName === 'calciphylaxis-admin',
      ),
      'admin function',
    )[0];
    for (const [route, method] of consoleMethods()) {
      if (route.startsWith('OPTIONS ')) continue;
      expect(JSON.stringify(method.Properties.Integration), route).toContain(adminId);
      const required = Object.keys((method.Properties.RequestParameters as Record<string, boolean>) ?? {});
      for (const name of route.match(/\{([^}]+)\}/g) ?? []) {
        expect(required, route).toContain(`method.request.path.${name.slice(1, -1)}`);
      }
    }
    expect(
      Object.keys(consoleMethods().get('GET /reports/timeliness')?.Properties.RequestParameters as object),
    ).toEqual(expect.arrayContaining(['method.request.querystring.from', 'method.request.querystring.to']));
  });

  it("answers CORS preflights for the console's origin only, without reaching a function", () => {
    const preflights = [...consoleMethods()].filter(([route]) => route.startsWith('OPTIONS '));
    expect(preflights.length).toBeGreaterThan(0);
    for (const [route, method] of preflights) {
      const integration = method.Properties.Integration as {
        Type: string;
        IntegrationResponses: { ResponseParameters: Record<string, unknown> }[];
      };
      expect(integration.Type, route).toBe('MOCK');
      expect(
        renderJoin(
          integration.IntegrationResponses[0]?.ResponseParameters[
            'method.response.header.Access-Control-Allow-Origin'
          ],
        ),
        route,
      ).toBe(`'https://${consoleHost()}'`);
    }
    const adminFunction = Object.values(pipelineFunctions(template)).find(
      (fn) => fn.Properties.FunctionName === 'calciphylaxis-admin',
    );
    const variables = (
      defined(adminFunction, 'admin').Properties.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    expect(renderJoin(variables[consoleOriginVariable])).toBe(`https://${consoleHost()}`);
  });

  it('throttles its stage for the console, logs routes (never MRN-bearing paths) and has no stage tracing', () => {
    const stage = defined(
      Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage')).find(
        (resource) => JSON.stringify(resource.Properties.RestApiId) === JSON.stringify({ Ref: ids.restApi }),
      ),
      'console stage',
    );
    expect(stage.Properties.TracingEnabled).toBe(false);
    const format = String((stage.Properties.AccessLogSetting as { Format: string }).Format);
    expect(format).toContain('$context.resourcePath');
    expect(format).not.toMatch(/\$context\.path\b/);
    expect(stage.Properties.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        ThrottlingRateLimit: consoleApiThrottling.rateLimit,
        ThrottlingBurstLimit: consoleApiThrottling.burstLimit,
      }),
    ]);
  });
});

describe("the console deployment's own permissions", () => {
  it('is the only function besides the pipeline, and its role has one managed policy, no wildcard action', () => {
    const others = Object.keys(resourcesOf(template, 'AWS::Lambda::Function')).filter(
      (id) => !(id in pipelineFunctions(template)),
    );
    expect(others).toHaveLength(1);
    expect(others[0]).toMatch(new RegExp(`^${consoleDeploymentHandlerPrefix}`));
    const role = (
      defined(resourcesOf(template, 'AWS::Lambda::Function')[others[0] ?? ''], 'handler').Properties.Role as {
        'Fn::GetAtt': [string, string];
      }
    )['Fn::GetAtt'][0];
    const policies = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).filter(([, policy]) =>
      ((policy.Properties.Roles as { Ref: string }[] | undefined) ?? []).some((ref) => ref.Ref === role),
    );
    expect(policies).toHaveLength(1);
    const statements = identityPolicyStatements(template)
      .filter(({ owner }) => owner === policies[0]?.[0])
      .map(({ statement }) => statement);
    const bySid = Object.fromEntries(
      statements.map((statement) => [
        statement.Sid,
        { actions: actionsOf(statement).sort(), resources: [statement.Resource].flat().map(renderJoin) },
      ]),
    );
    const assetsBucket = `arn:aws:s3:::cdk-hnb659fds-assets-111111111111-us-east-1`;
    expect(bySid).toEqual({
      ReadSourceArchives: {
        actions: ['s3:GetObject'],
        resources: [
          expect.stringMatching(`^${assetsBucket}/[0-9a-f]{64}\\.zip$`),
          expect.stringMatching(`^${assetsBucket}/[0-9a-f]{64}\\.zip$`),
        ],
      },
      ListConsoleFiles: { actions: ['s3:ListBucket'], resources: [`<${ids.assets}.Arn>`] },
      WriteAndPruneConsoleFiles: {
        actions: ['s3:DeleteObject', 's3:PutObject'],
        resources: [`<${ids.assets}.Arn>/console/*`],
      },
      InvalidateConsoleCache: {
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [`arn:aws:cloudfront::111111111111:distribution/<${ids.distribution}>`],
      },
      WriteOwnLogs: {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`<${logicalIdOf(template, 'AWS::Logs::LogGroup', 'ConsoleSiteDeploymentLogs')}.Arn>`],
      },
    });
  });
});
