/**
 * A link whose path is not even valid percent-encoding (`/a/%E0%A4%A`, a
 * truncated UTF-8 escape) gets the same clean "not valid" page as any other
 * garbage link: from the local API server (which decodes path parameters as
 * API Gateway does) and from the Lambda handler, whatever form API Gateway
 * hands the token over in. Nothing is read or changed for such a link.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { route, startApiServer } from '../../bin/local/api-server.js';
import { loadHospitalConfig, rulesConfigFor } from '../../lib/config/hospital-config.js';
import { writeRulesConfigFile } from '../../lib/config/rules-config-file.js';

type Handler = (event: APIGatewayProxyEvent) => Promise<{ statusCode: number; body: string }>;

let handler: Handler;
let server: Awaited<ReturnType<typeof startApiServer>>;

beforeAll(async () => {
  Object.assign(process.env, {
    RULES_CONFIG_FILE: writeRulesConfigFile(
      rulesConfigFor(loadHospitalConfig('example')),
      mkdtempSync(join(tmpdir(), 'rules-')),
    ),
    ACK_LINK_KEY: randomBytes(32).toString('base64url'),
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  ({ handler } = (await import('../../lambdas/handlers/ack-link.js')) as { handler: Handler });
  server = await startApiServer({
    port: 0,
    routes: [route('GET', '/a/{token}', handler), route('POST', '/a/{token}', handler)],
  });
});

afterAll(async () => {
  await server?.stop();
});

const malformed = ['%E0%A4%A', '%', '%ZZ', 'abc%E0'];

describe('the local API server', () => {
  it.each(malformed)('answers GET and POST /a/%s with the "not valid" page, not a 502', async (path) => {
    for (const method of ['GET', 'POST']) {
      const response = await fetch(`${server.url}/a/${path}`, {
        method,
        body: method === 'POST' ? 'by=X' : null,
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toContain('This link is not valid');
    }
  });
});

describe('the ack-link handler (AWS)', () => {
  const event = (token: string, httpMethod = 'GET') =>
    ({
      resource: '/a/{token}',
      path: `/a/${token}`,
      httpMethod,
      pathParameters: { token },
      body: null,
      isBase64Encoded: false,
    }) as unknown as APIGatewayProxyEvent; // only the fields the handler reads

  it.each([
    ['still percent-encoded', '%E0%A4%A'],
    ['decoded with replacement characters', '\ufffd\ufffd'],
    ['empty', ''],
  ])('answers a token %s with the "not valid" page', async (_form, token) => {
    for (const method of ['GET', 'POST']) {
      const response = await handler(event(token, method));
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('This link is not valid');
    }
  });
});
