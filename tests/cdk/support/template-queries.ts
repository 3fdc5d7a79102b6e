/**
 * Small readers over a synthesised template, so the stack tests can ask
 * "which routes exist", "which IAM statements are there" in a few words.
 */
import type { Template } from 'aws-cdk-lib/assertions';

export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  DependsOn?: string[];
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, unknown>;
  Sid?: string;
}

export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The one resource of a type whose logical id starts with `prefix`. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(resourcesOf(template, type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) {
    throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  }
  return ids[0] as string;
}

/** The value, or a failure naming what was missing. */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) {
    throw new Error(`missing: ${what}`);
  }
  return value;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourceList(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Every statement of every identity policy: managed, inline (AWS::IAM::Policy) and role-embedded. */
export function identityPolicyStatements(template: Template): { owner: string; statement: Statement }[] {
  const found: { owner: string; statement: Statement }[] = [];
  const add = (owner: string, document: unknown) => {
    for (const statement of (document as { Statement: Statement[] }).Statement) {
      found.push({ owner, statement });
    }
  };
  for (const type of ['AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy']) {
    for (const [id, resource] of Object.entries(resourcesOf(template, type))) {
      add(id, resource.Properties.PolicyDocument);
    }
  }
  for (const [id, role] of Object.entries(resourcesOf(template, 'AWS::IAM::Role'))) {
    for (const policy of (role.Properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
      add(id, policy.PolicyDocument);
    }
  }
  return found;
}

/** The statements of the one managed policy attached to the role of function `calciphylaxis-<name>`. */
export function functionPolicyStatements(template: Template, name: string): Statement[] {
  const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
  const fn = defined(
    functions.find((resource) => resource.Properties.FunctionName === `calciphylaxis-${name}`),
    `function calciphylaxis-${name}`,
  );
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  // Policies for people (the redrive operator's) are attached to no role of the stack.
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).filter((policy) =>
    ((policy.Properties.Roles as { Ref: string }[] | undefined) ?? []).some((role) => role.Ref === roleId),
  );
  if (policies.length !== 1) throw new Error(`expected one policy for ${name}, found ${policies.length}`);
  return (defined(policies[0], `${name} policy`).Properties.PolicyDocument as { Statement: Statement[] })
    .Statement;
}

/**
 * The pipeline's Lambda functions: every function but the handler of CDK's bucket deployment,
 * which copies the console's files at deploy time (console-site.test.ts checks it on its own).
 */
export function pipelineFunctions(template: Template): Record<string, Resource> {
  return Object.fromEntries(
    Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).filter(
      ([id]) => !id.startsWith(consoleDeploymentHandlerPrefix),
    ),
  );
}

/** Logical-id prefix of CDK's bucket-deployment handler (one per stack). */
export const consoleDeploymentHandlerPrefix = 'CustomCDKBucketDeployment';

/** Logical-id prefixes of the two REST APIs: the admin API (IAM, the lab feed, ack links) and the console's. */
export const adminApiPrefix = 'ApiRestApi';
export const consoleApiPrefix = 'ConsoleApiRestApi';

/** `METHOD /path` of every method of one REST API (by default the admin API), with its resource. */
export function apiRoutes(template: Template, restApiPrefix = adminApiPrefix): Map<string, Resource> {
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const pathOf = (resourceId: unknown): string => {
    const ref = (resourceId as { Ref?: string }).Ref;
    const resource = ref === undefined ? undefined : resources[ref];
    if (!resource) {
      return ''; // the API root
    }
    return `${pathOf(resource.Properties.ParentId)}/${String(resource.Properties.PathPart)}`;
  };
  const routes = new Map<string, Resource>();
  for (const method of Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))) {
    const restApi = (method.Properties.RestApiId as { Ref?: string }).Ref ?? '';
    if (!restApi.startsWith(restApiPrefix)) continue;
    routes.set(
      `${String(method.Properties.HttpMethod)} ${pathOf(method.Properties.ResourceId) || '/'}`,
      method,
    );
  }
  return routes;
}

/**
 * Renders an `Fn::Join` of strings and references as text, references as
 * `<LogicalId>` / `<LogicalId.Attribute>`, so JSON outputs can be parsed.
 */
export function renderJoin(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const object = value as Record<string, unknown>;
  if ('Ref' in object) {
    return `<${String(object.Ref)}>`;
  }
  if ('Fn::GetAtt' in object) {
    return `<${(object['Fn::GetAtt'] as string[]).join('.')}>`;
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map(renderJoin).join(separator);
  }
  throw new Error(`cannot render ${JSON.stringify(value)}`);
}

export function getAtt(logicalId: string, attribute: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId, attribute] };
}
