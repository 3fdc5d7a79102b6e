/**
 * Who called the admin function and what they may do: the IAM identity on the
 * admin API (its IAM policy decides), the Cognito user on the console API
 * (their groups decide: clinician reads and acknowledges, admin also changes
 * the cohort), and a 403 naming the group otherwise.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  authorize,
  type Caller,
  callerOf,
  doorOf,
  groupsOf,
  MissingGroupError,
  NoCallerIdentityError,
  permissionFor,
} from '../../lambdas/handlers/caller.js';
import { withConsoleCors } from '../../lambdas/handlers/console-cors.js';

const sub = '5f0c1e7a-1111-4b2c-9d3e-0123456789ab';

function event(requestContext: Record<string, unknown>): APIGatewayProxyEvent {
  return { requestContext } as unknown as APIGatewayProxyEvent;
}

const iamEvent = (userArn: string | null, caller: string | null = null) =>
  event({ identity: { userArn, caller }, authorizer: null });

const consoleEvent = (claims: Record<string, unknown>) =>
  event({ identity: { userArn: null, caller: null }, authorizer: { claims } });

describe('the caller', () => {
  it('is the IAM identity on the admin API (the ARN, else the caller id)', () => {
    expect(callerOf(iamEvent('arn:aws:iam::111111111111:user/ops'))).toEqual({
      door: 'iam',
      identity: 'arn:aws:iam::111111111111:user/ops',
    });
    expect(callerOf(iamEvent(null, 'AIDAEXAMPLE'))).toEqual({ door: 'iam', identity: 'AIDAEXAMPLE' });
  });

  it('is the user-pool user on the console API: their sub and e-mail, with their groups', () => {
    const caller = callerOf(
      consoleEvent({
        sub,
        email: 'jane.doe@hospital.example',
        'cognito:username': 'jdoe',
        'cognito:groups': 'clinician',
      }),
    );
    expect(caller).toEqual({
      door: 'console',
      identity: `cognito:${sub}/jane.doe@hospital.example`,
      groups: ['clinician'],
    });
  });

  it('falls back to the user name when the token has no e-mail (a federated user without one)', () => {
    expect(callerOf(consoleEvent({ sub, 'cognito:username': 'hospital-idp_jdoe' })).identity).toBe(
      `cognito:${sub}/hospital-idp_jdoe`,
    );
  });

  it('never takes the IAM identity when the authorizer passed claims', () => {
    const both = event({
      identity: { userArn: 'arn:aws:iam::111111111111:user/ops', caller: null },
      authorizer: { claims: { sub, email: 'jane.doe@hospital.example' } },
    });
    expect(callerOf(both).door).toBe('console');
    expect(doorOf(both)).toBe('console');
    expect(doorOf(iamEvent('arn:aws:iam::111111111111:user/ops'))).toBe('iam');
  });

  it('is refused without an identity (no ARN and no caller, or claims without a sub)', () => {
    expect(() => callerOf(iamEvent(null))).toThrow(NoCallerIdentityError);
    expect(() => callerOf(iamEvent(''))).toThrow(NoCallerIdentityError);
    expect(() => callerOf(consoleEvent({ email: 'jane.doe@hospital.example' }))).toThrow(
      NoCallerIdentityError,
    );
  });
});

describe('cognito:groups as API Gateway passes it', () => {
  it.each([
    ['clinician', ['clinician']],
    ['admin,clinician', ['admin', 'clinician']],
    ['[admin clinician]', ['admin', 'clinician']],
    ['', []],
    [undefined, []],
  ])('%j', (claim, groups) => {
    expect(groupsOf(claim)).toEqual(groups);
  });

  it('takes an array as it is', () => {
    expect(groupsOf(['admin', 'clinician', 3])).toEqual(['admin', 'clinician']);
  });
});

describe('what each route needs', () => {
  it.each([
    ['GET', '/alerts', 'read'],
    ['GET', '/alerts/{id}', 'read'],
    ['GET', '/patients/{facility}/{mrn}/timeline', 'read'],
    ['GET', '/cohort', 'read'],
    ['GET', '/reports/timeliness', 'read'],
    ['POST', '/alerts/{id}/ack', 'acknowledge'],
    ['POST', '/patients/{facility}/{mrn}/cohort', 'changeCohort'],
    // A change the table does not know yet is an admin's until said otherwise.
    ['POST', '/something/new', 'changeCohort'],
  ])('%s %s: %s', (method, resource, permission) => {
    expect(permissionFor(method, resource)).toBe(permission);
  });
});

describe('who may do what', () => {
  const consoleUser = (groups: string[]): Caller => ({ door: 'console', identity: 'cognito:x/y', groups });
  const neededGroup = (caller: Caller, permission: Parameters<typeof authorize>[1]) => {
    try {
      authorize(caller, permission);
      return 'allowed';
    } catch (error: unknown) {
      if (error instanceof MissingGroupError) return error.neededGroup;
      throw error;
    }
  };

  it('lets a clinician read and acknowledge, and refuses a cohort change naming the admin group', () => {
    const clinician = consoleUser(['clinician']);
    expect(neededGroup(clinician, 'read')).toBe('allowed');
    expect(neededGroup(clinician, 'acknowledge')).toBe('allowed');
    expect(neededGroup(clinician, 'changeCohort')).toBe('admin');
  });

  it('lets an admin do all three', () => {
    const admin = consoleUser(['admin']);
    for (const permission of ['read', 'acknowledge', 'changeCohort'] as const) {
      expect(neededGroup(admin, permission), permission).toBe('allowed');
    }
  });

  it('refuses a signed-in user in neither group anything, naming the clinician group', () => {
    const nobody = consoleUser(['nurses-ward-3']);
    expect(neededGroup(nobody, 'read')).toBe('clinician');
    expect(neededGroup(nobody, 'acknowledge')).toBe('clinician');
    expect(neededGroup(nobody, 'changeCohort')).toBe('admin');
    expect(() => authorize(nobody, 'read')).toThrow('forbidden: this needs the console group clinician');
  });

  it('leaves IAM callers to their IAM policy', () => {
    const iam: Caller = { door: 'iam', identity: 'arn:aws:iam::111111111111:user/ops' };
    expect(neededGroup(iam, 'changeCohort')).toBe('allowed');
  });
});

describe('CORS on console answers', () => {
  const result = { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{}' };
  const origin = 'https://d111111abcdef8.cloudfront.net';

  it('names the console origin on answers to console users', () => {
    expect(withConsoleCors(result, 'console', origin).headers).toEqual({
      'Content-Type': 'application/json',
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': 'Content-Disposition',
      Vary: 'Origin',
    });
  });

  it('adds nothing for IAM callers or when no console origin is set', () => {
    expect(withConsoleCors(result, 'iam', origin)).toEqual(result);
    expect(withConsoleCors(result, 'console', undefined)).toEqual(result);
  });
});
