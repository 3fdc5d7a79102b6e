/**
 * The public tap-to-acknowledge route: one client cannot use up the stage
 * throttle for everyone (a per-IP WAF rate rule on that route, its limit from
 * the hospital file), and the token, a credential, is never written down by
 * API Gateway: access logs record the route (`/a/{token}`), not the path;
 * the ack route has no execution logs; the stage is not traced by X-Ray
 * (which records full URLs); the web ACL keeps no sampled requests.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/config/rules-config.js';
import {
  type HospitalConfig,
  loadHospitalConfig,
  parseHospitalConfig,
} from '../../lib/config/hospital-config.js';
import { ackRoutePathPattern } from '../../lib/constructs/api.js';
import { type BuiltStack, buildStack, buildTimeoutMs } from './support/build-stack.js';
import { defined, getAtt, logicalIdOf, pipelineFunctions, resourcesOf } from './support/template-queries.js';

let example: HospitalConfig;
let built: BuiltStack;
let template: Template;

beforeAll(() => {
  example = loadHospitalConfig('example');
  built = buildStack({ ...example, capacity: { ...example.capacity, ackLinkRequestsPerIpPer5Minutes: 60 } });
  ({ template } = built);
}, buildTimeoutMs);

afterAll(() => built.cleanup());

const stage = () => defined(Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0], 'stage');

describe('a per-IP rate limit on the ack route', () => {
  it('is a REGIONAL web ACL whose one rule blocks an IP above the configured requests per 5 minutes on /a/ paths only', () => {
    const acls = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL'));
    expect(acls).toHaveLength(1);
    const acl = defined(acls[0], 'web ACL').Properties;
    expect(acl.Scope).toBe('REGIONAL');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    const patternSetArn = getAtt(
      logicalIdOf(template, 'AWS::WAFv2::RegexPatternSet', 'ApiAckRoutePath'),
      'Arn',
    );
    expect(acl.Rules).toEqual([
      expect.objectContaining({
        Name: 'AckLinkRequestsPerIp',
        Action: { Block: {} },
        Statement: {
          RateBasedStatement: {
            AggregateKeyType: 'IP',
            Limit: 60,
            EvaluationWindowSec: 300,
            ScopeDownStatement: {
              RegexPatternSetReferenceStatement: {
                Arn: patternSetArn,
                FieldToMatch: { UriPath: {} },
                TextTransformations: [{ Priority: 0, Type: 'NONE' }],
              },
            },
          },
        },
      }),
    ]);
    const patternSet = defined(Object.values(resourcesOf(template, 'AWS::WAFv2::RegexPatternSet'))[0], 'set');
    expect(patternSet.Properties.RegularExpressionList).toEqual([ackRoutePathPattern]);
  });

  it('counts ack links on the execute-api stage and on a custom domain, and no admin or HL7 path', () => {
    const pattern = new RegExp(ackRoutePathPattern);
    const token = 'q3Vv0xV8tQm1J2yq0aTt7dWbq1g2m3n4o5p6r7s8t9u';
    for (const path of [`/v1/a/${token}`, `/a/${token}`, `/ack/v1/a/${token}`]) {
      expect(pattern.test(path), path).toBe(true);
    }
    for (const path of ['/v1/hl7', '/v1/alerts', '/v1/alerts/A1/ack', '/v1/patients/a/123/cohort', '/v1/a']) {
      expect(pattern.test(path), path).toBe(false);
    }
  });

  it('keeps no sampled requests (they hold the URI with the token)', () => {
    const acl = defined(Object.values(resourcesOf(template, 'AWS::WAFv2::WebACL'))[0], 'web ACL').Properties;
    const configs = [
      acl.VisibilityConfig,
      ...(acl.Rules as { VisibilityConfig: unknown }[]).map((r) => r.VisibilityConfig),
    ];
    for (const visibility of configs) {
      expect(visibility).toMatchObject({ SampledRequestsEnabled: false, CloudWatchMetricsEnabled: true });
    }
  });

  it('is associated with the API stage', () => {
    const associations = Object.values(resourcesOf(template, 'AWS::WAFv2::WebACLAssociation'));
    expect(associations).toHaveLength(1);
    const association = defined(associations[0], 'association');
    expect(association.Properties.WebACLArn).toEqual(
      getAtt(logicalIdOf(template, 'AWS::WAFv2::WebACL', 'ApiWebAcl'), 'Arn'),
    );
    const stageId = logicalIdOf(template, 'AWS::ApiGateway::Stage', 'ApiRestApiDeploymentStage');
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain(`"Ref":"${stageId}"`);
    expect(JSON.stringify(association.Properties.ResourceArn)).toContain('/restapis/');
  });

  it('takes its limit from capacity.ackLinkRequestsPerIpPer5Minutes: default 100, between 10 and 10,000', () => {
    expect(example.capacity.ackLinkRequestsPerIpPer5Minutes).toBe(100);
    const { capacity: _defaults, ...rest } = example;
    const parse = (limit: number) => () =>
      parseHospitalConfig(
        { ...rest, rules: {}, capacity: { ackLinkRequestsPerIpPer5Minutes: limit } },
        'x.json',
      );
    for (const refused of [9, 10_001, 50.5]) {
      expect(parse(refused), String(refused)).toThrow(ConfigError);
      expect(parse(refused)).toThrow(/capacity\.ackLinkRequestsPerIpPer5Minutes/);
    }
    for (const accepted of [10, 10_000]) expect(parse(accepted)).not.toThrow();
  });
});

describe('the ack token is not written down by API Gateway', () => {
  it('access logs record the route ($context.resourcePath), never the request path', () => {
    const format = String((stage().Properties.AccessLogSetting as { Format: string }).Format);
    expect(format).toContain('$context.resourcePath');
    // Every variable in the format: none that holds the path or its parameters.
    const variables = [...format.matchAll(/\$context\.[A-Za-z.]+/g)].map((match) => match[0]);
    expect(variables.length).toBeGreaterThan(5);
    for (const variable of variables) {
      expect(variable).not.toMatch(/^\$context\.(path|requestOverride|domainPrefix)|params|input/i);
    }
  });

  it('the stage is not traced by X-Ray (traces record the full URL); every function still is', () => {
    expect(stage().Properties.TracingEnabled).toBe(false);
    for (const fn of Object.values(pipelineFunctions(template))) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('the ack route writes no execution logs and no data trace; the other routes log errors only', () => {
    const settings = stage().Properties.MethodSettings as Record<string, unknown>[];
    for (const method of ['GET', 'POST']) {
      expect(
        settings.find((s) => s.ResourcePath === '/~1a~1{token}' && s.HttpMethod === method),
      ).toMatchObject({
        LoggingLevel: 'OFF',
        DataTraceEnabled: false,
      });
    }
    expect(settings.find((s) => s.ResourcePath === '/*' && s.HttpMethod === '*')).toMatchObject({
      LoggingLevel: 'ERROR',
      DataTraceEnabled: false,
    });
  });
});
