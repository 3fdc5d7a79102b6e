/**
 * A hospital that serves the console at its own name, behind its web ACL,
 * to one country, with its OIDC identity provider as the only way in: TLS
 * 1.2 or newer, the client secret resolved from Secrets Manager at deploy
 * (never in the template), the console sent straight to the provider. And
 * the console settings a hospital file may not have.
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
import { deployedConsoleConfig } from './support/console-config.js';
import { defined, logicalIdOf, renderJoin, resourcesOf } from './support/template-queries.js';

const certificateArn = 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-0000000000c0';
const clientSecretArn = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:console-oidc-client-AbCdEf';
const webAclArn =
  'arn:aws:wafv2:us-east-1:111111111111:global/webacl/hospital-edge/00000000-0000-4000-8000-0000000000ac';
const consoleSettings = {
  customDomain: { domainName: 'console.hospital.example', certificateArn },
  webAclArn,
  allowedCountries: ['US'],
  identityProvider: {
    type: 'oidc',
    name: 'HospitalEntra',
    issuerUrl: 'https://login.hospital.example/tenant/v2.0',
    clientId: 'console-client-id',
    clientSecretArn,
  },
  localUsers: false,
};

function withConsole(settings: unknown): HospitalConfig {
  const example = loadHospitalConfig('example');
  const { console: _defaults, capacity: _capacity, ...rest } = example;
  return parseHospitalConfig({ ...rest, capacity: example.capacity, console: settings }, 'test.json');
}

let built: BuiltStack;
let template: Template;

beforeAll(() => {
  built = buildStack(withConsole(consoleSettings));
  ({ template } = built);
}, buildTimeoutMs);

afterAll(() => built.cleanup());

const one = (type: string, prefix: string) =>
  defined(resourcesOf(template, type)[logicalIdOf(template, type, prefix)], `${type} ${prefix}`);

describe('console at the hospital’s own name, behind its IdP', () => {
  it('serves the custom domain with TLSv1.2_2021 (SNI), the web ACL and the country list', () => {
    const config = one('AWS::CloudFront::Distribution', 'ConsoleSiteDistribution').Properties
      .DistributionConfig as Record<string, unknown>;
    expect(config.Aliases).toEqual(['console.hospital.example']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: certificateArn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(config.WebACLId).toBe(webAclArn);
    expect(config.Restrictions).toEqual({
      GeoRestriction: { Locations: ['US'], RestrictionType: 'whitelist' },
    });
  });

  it('returns to and allows CORS from the custom domain', () => {
    const client = one('AWS::Cognito::UserPoolClient', 'ConsoleSignIn').Properties;
    expect(client.CallbackURLs).toEqual(['https://console.hospital.example/console/']);
    const preflights = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter(
      (method) => method.Properties.HttpMethod === 'OPTIONS',
    );
    for (const method of preflights) {
      const integration = method.Properties.Integration as {
        IntegrationResponses: { ResponseParameters: Record<string, unknown> }[];
      };
      expect(
        integration.IntegrationResponses[0]?.ResponseParameters[
          'method.response.header.Access-Control-Allow-Origin'
        ],
      ).toBe("'https://console.hospital.example'");
    }
  });

  it('federates the OIDC provider with its secret as a Secrets Manager reference, and offers only it', () => {
    const provider = one('AWS::Cognito::UserPoolIdentityProvider', 'ConsoleSignInHospitalIdentityProvider');
    expect(provider.Properties).toMatchObject({
      ProviderName: 'HospitalEntra',
      ProviderType: 'OIDC',
      ProviderDetails: {
        client_id: 'console-client-id',
        oidc_issuer: 'https://login.hospital.example/tenant/v2.0',
        authorize_scopes: 'openid email profile',
        attributes_request_method: 'GET',
      },
    });
    const secret = (provider.Properties.ProviderDetails as Record<string, unknown>).client_secret;
    expect(renderJoin(secret)).toBe(`{{resolve:secretsmanager:${clientSecretArn}:SecretString:::}}`);
    const client = one('AWS::Cognito::UserPoolClient', 'ConsoleSignIn');
    expect(client.Properties.SupportedIdentityProviders).toEqual(['HospitalEntra']);
    expect(client.DependsOn).toEqual(
      expect.arrayContaining([
        logicalIdOf(template, 'AWS::Cognito::UserPoolIdentityProvider', 'ConsoleSignIn'),
      ]),
    );
  });

  it('sends the console straight to the provider (no Cognito page for local users)', () => {
    expect(deployedConsoleConfig(built)).toMatchObject({
      auth: {
        kind: 'cognito',
        identityProvider: 'HospitalEntra',
        redirectUri: 'https://console.hospital.example/console/',
      },
    });
  });

  it.each([
    ['AwsSolutions', () => new AwsSolutionsChecks()],
    ['HIPAA.Security', () => new HIPAASecurityChecks()],
  ])('%s reports no unacknowledged finding', (_, pack) => {
    expect(
      pack()
        .validateScope(built.stack)
        .violations.map((violation) => violation.ruleName),
    ).toEqual([]);
  });
});

describe('console settings a hospital file may not have', () => {
  it.each([
    [{ localUsers: false }, /console\.localUsers: false needs an identityProvider/],
    [
      {
        customDomain: {
          domainName: 'console.hospital.example',
          certificateArn: certificateArn.replace('us-east-1', 'eu-west-1'),
        },
      },
      /console\.customDomain\.certificateArn: CloudFront takes certificates from us-east-1 only/,
    ],
    [
      { signInDomainPrefix: 'my-aws-console' },
      /console\.signInDomainPrefix: Cognito refuses prefixes containing aws/,
    ],
    [
      { identityProvider: { ...consoleSettings.identityProvider, clientSecret: 'plain-text-secret' } },
      /console\.identityProvider/,
    ],
    [
      { webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/x/y' },
      /console\.webAclArn: a WAF web ACL ARN of scope CLOUDFRONT/,
    ],
  ])('%j', (settings, message) => {
    expect(() => withConsole(settings)).toThrow(message);
  });

  it('defaults to local users with MFA, a 12-hour sign-in, and the CloudFront domain', () => {
    expect(loadHospitalConfig('example').console).toEqual({ localUsers: true, signInHours: 12 });
  });
});
