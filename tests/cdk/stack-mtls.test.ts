/**
 * A hospital whose lab feed also presents a client certificate: the custom
 * domain with mutual TLS, and the default execute-api endpoint switched off
 * so nobody can go around the certificate check.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHospitalConfig } from '../../lib/config/hospital-config.js';
import { type BuiltStack, buildStack, buildTimeoutMs } from './support/build-stack.js';
import {
  adminApiPrefix,
  apiRoutes,
  consoleApiPrefix,
  logicalIdOf,
  pipelineFunctions,
  renderJoin,
  resourcesOf,
} from './support/template-queries.js';

const mtls = {
  truststoreBucket: 'example-hl7-truststore',
  truststoreKey: 'lab-feed/truststore.pem',
  domainName: 'hl7.example.org',
  certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000000',
};

let built: BuiltStack;
let template: Template;

beforeAll(() => {
  const config = loadHospitalConfig('example');
  built = buildStack({ ...config, senders: { ...config.senders, mtls } });
  ({ template } = built);
}, buildTimeoutMs);

afterAll(() => built.cleanup());

describe('API with a mutual-TLS custom domain', () => {
  it('serves the stage on the custom domain with the configured truststore and TLS 1.2', () => {
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: mtls.domainName,
      RegionalCertificateArn: mtls.certificateArn,
      SecurityPolicy: 'TLS_1_2',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      MutualTlsAuthentication: { TruststoreUri: `s3://${mtls.truststoreBucket}/${mtls.truststoreKey}` },
    });
    template.resourceCountIs('AWS::ApiGateway::BasePathMapping', 1);
  });

  it('switches the default execute-api endpoint off and publishes the custom-domain URL', () => {
    const apis = resourcesOf(template, 'AWS::ApiGateway::RestApi');
    expect(
      apis[logicalIdOf(template, 'AWS::ApiGateway::RestApi', adminApiPrefix)]?.Properties
        .DisableExecuteApiEndpoint,
    ).toBe(true);
    // The console API keeps it: a browser has no client certificate; its callers carry user-pool tokens.
    expect(
      apis[logicalIdOf(template, 'AWS::ApiGateway::RestApi', consoleApiPrefix)]?.Properties
        .DisableExecuteApiEndpoint,
    ).toBeUndefined();
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(renderJoin(outputs.IngestUrl?.Value)).toBe(`https://${mtls.domainName}/hl7`);
    expect(outputs.MtlsDomainTarget).toBeDefined();
  });

  it('still has IAM auth on every route but the ack link', () => {
    for (const [route, method] of apiRoutes(template)) {
      expect(method.Properties.AuthorizationType, route).toBe(
        route.endsWith(' /a/{token}') ? 'NONE' : 'AWS_IAM',
      );
    }
  });

  it('mints no ack links: phones present no client certificate and the execute-api endpoint is off', () => {
    for (const fn of Object.values(pipelineFunctions(template))) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.ACK_LINK_BASE_URL, String(fn.Properties.FunctionName)).toBeUndefined();
    }
    expect(
      (template.toJSON() as { Outputs: Record<string, unknown> }).Outputs.AckLinkBaseUrl,
    ).toBeUndefined();
  });

  it('stays free of unacknowledged cdk-nag findings', () => {
    for (const pack of [new AwsSolutionsChecks(), new HIPAASecurityChecks()]) {
      expect(pack.validateScope(built.stack).violations.map((violation) => violation.ruleName)).toEqual([]);
    }
  });
});
