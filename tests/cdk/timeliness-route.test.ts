/**
 * What the timeliness report needs from the stack: the sparse
 * `criticalAlerts` index on the table, the IAM-authenticated route
 * GET /reports/timeliness to the admin function, and the index query
 * allowed to that function alone.
 */
import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criticalAlertsIndex } from '../../lambdas/table/layout.js';
import type { CalciphylaxisStack } from '../../lib/calciphylaxis-stack.js';
import { loadHospitalConfig } from '../../lib/config/hospital-config.js';
import { type BuiltStack, buildStack, buildTimeoutMs } from './support/build-stack.js';
import {
  actionsOf,
  apiRoutes,
  defined,
  identityPolicyStatements,
  logicalIdOf,
  renderJoin,
  resourceList,
  resourcesOf,
} from './support/template-queries.js';

let built: BuiltStack;
let template: Template;
let stack: CalciphylaxisStack;

beforeAll(() => {
  built = buildStack(loadHospitalConfig('example'));
  ({ template, stack } = built);
}, buildTimeoutMs);

afterAll(() => built.cleanup());

const route = 'GET /reports/timeliness';

/** Logical id of `calciphylaxis-<name>` and of its role. */
function functionIds(name: string): { functionId: string; roleId: string } {
  for (const [id, resource] of Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))) {
    if (resource.Properties.FunctionName === `calciphylaxis-${name}`) {
      const role = resource.Properties.Role as { 'Fn::GetAtt': [string, string] };
      return { functionId: id, roleId: role['Fn::GetAtt'][0] };
    }
  }
  throw new Error(`no function calciphylaxis-${name}`);
}

describe('the criticalAlerts index', () => {
  it('is on the table: partition per month, sort by opening, every attribute projected', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'criticalAlertsPk', AttributeType: 'S' },
        { AttributeName: 'criticalAlertsSk', AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: Match.arrayWith([
        {
          IndexName: 'criticalAlerts',
          KeySchema: [
            { AttributeName: 'criticalAlertsPk', KeyType: 'HASH' },
            { AttributeName: 'criticalAlertsSk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ]),
    });
  });

  it('may be queried by the admin function only', () => {
    const tableId = logicalIdOf(template, 'AWS::DynamoDB::Table', 'StoreTable');
    const indexArn = `<${tableId}.Arn>/index/${criticalAlertsIndex.name}`;
    const owners = identityPolicyStatements(template)
      .filter(({ statement }) => statement.Effect === 'Allow')
      .filter(({ statement }) =>
        resourceList(statement).some((resource) => {
          const rendered = typeof resource === 'string' ? resource : renderJoin(resource);
          return rendered === indexArn || rendered === `<${tableId}.Arn>/index/*`;
        }),
      );
    expect(owners.map(({ statement }) => actionsOf(statement))).toEqual([['dynamodb:Query']]);

    const { roleId } = functionIds('admin');
    const policy = defined(
      resourcesOf(template, 'AWS::IAM::ManagedPolicy')[owners[0]?.owner ?? ''],
      'policy',
    );
    expect(policy.Properties.Roles).toEqual([{ Ref: roleId }]);
  });
});

describe('GET /reports/timeliness', () => {
  it('goes to the admin function with IAM auth, from and to required before it runs', () => {
    const method = defined(apiRoutes(template).get(route), route);
    expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
    expect(method.Properties.RequestParameters).toEqual({
      'method.request.querystring.from': true,
      'method.request.querystring.to': true,
    });
    expect(method.Properties.RequestValidatorId).toEqual({
      Ref: logicalIdOf(template, 'AWS::ApiGateway::RequestValidator', 'ApiRestApiBodyAndParameters'),
    });
    const uri = renderJoin((method.Properties.Integration as { Uri: unknown }).Uri);
    expect(uri).toContain(`<${functionIds('admin').functionId}.Arn>`);
  });

  it('is in the administrators policy the stack outputs', () => {
    const output = (template.toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs.AdminPolicy;
    const document = JSON.parse(renderJoin(defined(output, 'AdminPolicy output').Value)) as {
      Statement: { Resource: string[] }[];
    };
    const resources = document.Statement.flatMap((statement) => statement.Resource);
    expect(resources.some((resource) => resource.endsWith('/v1/GET/reports/timeliness'))).toBe(true);
  });

  it('carries the reason IAM (not Cognito) auth is used, as the other admin routes do', () => {
    const method = stack.node
      .findAll()
      .find(
        (construct): construct is apigw.Method =>
          construct instanceof apigw.Method && construct.node.path.includes('/reports/timeliness/'),
      );
    const acknowledged = defined(method, 'method')
      .node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as Record<string, string>));
    expect(acknowledged.some((id) => id.endsWith('AwsSolutions-COG4'))).toBe(true);
    // The only public routes remain the ack link's.
    expect(acknowledged.some((id) => id.endsWith('AwsSolutions-APIG4'))).toBe(false);
  });
});
