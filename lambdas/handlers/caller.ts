/**
 * Who is calling the admin function, and whether they may do what they ask.
 * Two doors lead to it. The admin API is IAM-authenticated (SigV4, the
 * command-line tools): who acted is the caller's IAM identity, and the
 * hospital's IAM policies already decided what they may do. The console API
 * has a Cognito user pool authorizer: who acted is the signed-in user (their
 * `sub` and e-mail or user name), and what they may do follows their groups:
 * `clinician` reads and acknowledges, `admin` also changes the cohort.
 * API Gateway writes `requestContext`, so neither can be forged by a caller.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** The user-pool groups the console knows (lib/constructs/console-auth.ts creates them). */
export const consoleGroups = ['clinician', 'admin'] as const;
export type ConsoleGroup = (typeof consoleGroups)[number];

/** What a request does to the data. */
export type Permission = 'read' | 'acknowledge' | 'changeCohort';

/** The groups that grant each permission: an admin may do everything a clinician may. */
const groupsGranting: Record<Permission, readonly ConsoleGroup[]> = {
  read: ['clinician', 'admin'],
  acknowledge: ['clinician', 'admin'],
  changeCohort: ['admin'],
};

export type Caller =
  | { door: 'iam'; identity: string }
  | { door: 'console'; identity: string; groups: string[] };

/** Every admin route is authenticated, so API Gateway always names the caller; without one, nothing is done. */
export class NoCallerIdentityError extends Error {
  constructor() {
    super('no caller identity');
    this.name = 'NoCallerIdentityError';
  }
}

/** A console user outside the group a request needs (answered 403, naming the group). */
export class MissingGroupError extends Error {
  constructor(readonly neededGroup: ConsoleGroup) {
    super(`forbidden: this needs the console group ${neededGroup}`);
    this.name = 'MissingGroupError';
  }
}

/**
 * The caller: a console user when the Cognito authorizer passed claims, else the IAM identity
 * (the local stack's API stand-in supplies one of either).
 */
export function callerOf(event: APIGatewayProxyEvent): Caller {
  const claims = claimsOf(event);
  if (claims !== undefined) {
    const sub = text(claims.sub);
    const shownAs = text(claims.email) ?? text(claims['cognito:username']);
    if (sub === undefined) throw new NoCallerIdentityError();
    return {
      door: 'console',
      // Like an IAM ARN: a fixed prefix, the stable id, then who that is to a reader of the audit trail.
      identity: shownAs === undefined ? `cognito:${sub}` : `cognito:${sub}/${shownAs}`,
      groups: groupsOf(claims['cognito:groups']),
    };
  }
  const identity = event.requestContext?.identity;
  const who = text(identity?.userArn) ?? text(identity?.caller);
  if (who === undefined) throw new NoCallerIdentityError();
  return { door: 'iam', identity: who };
}

/** Which door the request came through: the console's when the Cognito authorizer passed claims. */
export function doorOf(event: APIGatewayProxyEvent): Caller['door'] {
  return claimsOf(event) === undefined ? 'iam' : 'console';
}

/** Reads are open to both groups; acknowledging is a clinician's; every other change is an admin's. */
export function permissionFor(httpMethod: string, resource: string): Permission {
  if (httpMethod === 'GET' || httpMethod === 'HEAD') return 'read';
  if (httpMethod === 'POST' && resource === '/alerts/{id}/ack') return 'acknowledge';
  return 'changeCohort';
}

/** Throws MissingGroupError when a console user is in none of the groups the permission needs. */
export function authorize(caller: Caller, permission: Permission): void {
  if (caller.door === 'iam') return;
  const granting = groupsGranting[permission];
  if (granting.some((group) => caller.groups.includes(group))) return;
  // Name the least powerful group that would do.
  throw new MissingGroupError(granting[0] as ConsoleGroup);
}

function claimsOf(event: APIGatewayProxyEvent): Record<string, unknown> | undefined {
  const claims: unknown = event.requestContext?.authorizer?.claims;
  return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * `cognito:groups` as API Gateway passes it: a REST API's Cognito authorizer flattens the ID token's
 * array to text (`admin,clinician`, or `[admin clinician]` in some integrations); an array is taken as is.
 */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((group): group is string => typeof group === 'string');
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter((group) => group !== '');
}
