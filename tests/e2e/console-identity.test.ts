/**
 * The admin routes as the console API reaches them, on the local stack: a
 * Cognito user pool authorizer's claims instead of an IAM caller (passed here
 * by the API stand-in, as API Gateway would). Who acted is the user-pool
 * user; a clinician reads and acknowledges, only an admin changes the cohort,
 * and a refusal names the group needed and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthorizerClaims, route, startApiServer } from '../../bin/local/api-server.js';
import { consoleOriginVariable } from '../../lambdas/handlers/console-cors.js';
import { localServicesTimeoutMs } from '../support/local-services.js';
import { type Harness, newMrn, pagedCriticalAlertId, patientItems, startHarness } from './harness.js';

let harness: Harness;
let consoleApi: Awaited<ReturnType<typeof startApiServer>>;
const consoleOrigin = 'https://console.hospital.example';
const claimsHeader = 'x-test-authorizer-claims';

beforeAll(async () => {
  harness = await startHarness();
  process.env[consoleOriginVariable] = consoleOrigin;
  // The same handler module the local stack loaded (with its environment).
  const { handler } = await import('../../lambdas/handlers/admin.js');
  consoleApi = await startApiServer({
    port: 0,
    routes: [
      route('GET', '/alerts', handler),
      route('POST', '/alerts/{id}/ack', handler),
      route('POST', '/patients/{facility}/{mrn}/cohort', handler),
    ],
    authorizerClaims: (request) => {
      const header = request.headers[claimsHeader];
      return typeof header === 'string' ? (JSON.parse(header) as AuthorizerClaims) : undefined;
    },
  });
}, localServicesTimeoutMs);

afterAll(async () => {
  delete process.env[consoleOriginVariable];
  await consoleApi?.stop();
  await harness?.stop();
});

const clinician: AuthorizerClaims = {
  sub: '0a1b2c3d-0000-4000-8000-00000000c1in',
  email: 'synthetic.clinician@hospital.example',
  'cognito:username': 'synthetic.clinician',
  'cognito:groups': 'clinician',
};
const admin: AuthorizerClaims = {
  sub: '0a1b2c3d-0000-4000-8000-0000000ad41n',
  email: 'synthetic.admin@hospital.example',
  'cognito:groups': 'admin,clinician',
};
const outsider: AuthorizerClaims = {
  sub: '0a1b2c3d-0000-4000-8000-0000000ou751',
  email: 'x@hospital.example',
};
const identityOf = (claims: AuthorizerClaims) => `cognito:${claims.sub}/${claims.email}`;

async function call(
  claims: AuthorizerClaims,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${consoleApi.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', [claimsHeader]: JSON.stringify(claims) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

const criticalAlertId = (mrn: string) => pagedCriticalAlertId(harness, mrn);

describe('console users: identity from the user pool, permissions from the groups', () => {
  it('lets a clinician list and acknowledge, recorded as the user-pool user with the name beside it', async () => {
    const mrn = newMrn();
    const alertId = await criticalAlertId(mrn);

    const listed = await call(clinician, 'GET', '/alerts');
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe(consoleOrigin);

    const acknowledged = await call(clinician, 'POST', `/alerts/${encodeURIComponent(alertId)}/ack`, {
      byName: 'Dr Synthetic Clinician',
    });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body.alert).toMatchObject({
      acknowledgedBy: identityOf(clinician),
      acknowledgedByName: 'Dr Synthetic Clinician',
    });
    const audit = (await patientItems(mrn, 'EVENT#AUDIT#')).filter(
      (item) => item.alertId === alertId && item.to === 'acknowledged',
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ by: identityOf(clinician), byName: 'Dr Synthetic Clinician' });
  });

  it('refuses a clinician a cohort change (403 naming admin) and stores nothing', async () => {
    const mrn = newMrn();
    const refused = await call(clinician, 'POST', `/patients/E2E/${mrn}/cohort`, { action: 'enrol' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ neededGroup: 'admin' });
    expect(String(refused.body.error)).toMatch(/group admin/);
    // The console can read the refusal: the answer names its origin.
    expect(refused.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(await patientItems(mrn, 'STATE#ENROL#')).toEqual([]);
  });

  it('lets an admin enrol, recorded as the user-pool user', async () => {
    const mrn = newMrn();
    const enrolled = await call(admin, 'POST', `/patients/E2E/${mrn}/cohort`, {
      action: 'enrol',
      byName: 'Dr Synthetic Admin',
    });
    expect(enrolled.status).toBe(200);
    expect(enrolled.body.enrolment).toMatchObject({ by: identityOf(admin), byName: 'Dr Synthetic Admin' });
    const [stored] = await patientItems(mrn, 'STATE#ENROL#');
    expect(JSON.parse(String(stored?.record))).toMatchObject({ by: identityOf(admin) });
  });

  it('refuses a signed-in user in neither group even a read, naming clinician', async () => {
    const refused = await call(outsider, 'GET', '/alerts');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ neededGroup: 'clinician' });
  });
});
