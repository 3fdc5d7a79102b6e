/**
 * The local stand-in for API Gateway: an HTTP server on 127.0.0.1 that turns
 * each request into a real API Gateway proxy event (resource, path
 * parameters, base64 body as for binary media types) and answers with the
 * handler's result. Routes match the CDK stack's.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export type ProxyHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

/** What API Gateway's Cognito user pool authorizer passes on (requestContext.authorizer.claims). */
export type AuthorizerClaims = Record<string, string>;

/** Who API Gateway's IAM authorization would say called (requestContext.identity). */
export interface CallerIdentity {
  userArn: string;
  caller: string;
}

interface Route {
  method: string;
  resource: string;
  pattern: RegExp;
  parameters: string[];
  handler: ProxyHandler;
}

export function route(method: string, resource: string, handler: ProxyHandler): Route {
  const parameters: string[] = [];
  const pattern = new RegExp(
    `^${resource.replace(/\{([^}]+)\}/g, (_match, name: string) => {
      parameters.push(name);
      return '([^/]+)';
    })}$`,
  );
  return { method, resource, pattern, parameters, handler };
}

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A path parameter as the handler receives it: decoded, or, when the path is
 * not valid percent-encoding (`%E0%A4%A`), as sent, so the handler answers
 * it like any other value it does not recognise instead of the server failing.
 */
function pathParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function proxyEvent(
  request: IncomingMessage,
  url: URL,
  matched: Route,
  body: Buffer,
  values: string[],
  identity: CallerIdentity | undefined,
  claims: AuthorizerClaims | undefined,
): APIGatewayProxyEvent {
  // A request a Cognito authorizer let through has claims and no IAM caller.
  const iamCaller = claims === undefined ? identity : undefined;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  const query = Object.fromEntries(url.searchParams.entries());
  return {
    resource: matched.resource,
    path: url.pathname,
    httpMethod: matched.method,
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length === 0 ? null : query,
    multiValueQueryStringParameters: null,
    pathParameters:
      matched.parameters.length === 0
        ? null
        : Object.fromEntries(
            matched.parameters.map((name, index) => [name, pathParameter(values[index] ?? '')]),
          ),
    stageVariables: null,
    body: body.toString('base64'),
    isBase64Encoded: true,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      authorizer: claims === undefined ? null : { claims },
      protocol: 'HTTP/1.1',
      httpMethod: matched.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: iamCaller?.caller ?? null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: iamCaller?.userArn ?? null,
      },
      path: url.pathname,
      stage: 'local',
      requestId: crypto.randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: matched.resource,
    },
  };
}

/** API Gateway's own limit on request bodies: larger ones never reach a handler. */
const apiGatewayMaxBodyBytes = 10 * 1024 * 1024;

/** A static site under a path prefix (the console): its files by name, read on first request. */
export interface StaticSite {
  /** `/console`: served at `/console/` (index.html) and `/console/<file>`; `/console` redirects. */
  prefix: string;
  files(): ReadonlyMap<string, { body: Buffer; contentType: string }>;
  headers: Record<string, string>;
}

function serveStatic(
  site: StaticSite,
  url: URL,
  method: string | undefined,
): APIGatewayProxyResult | undefined {
  if (url.pathname !== site.prefix && !url.pathname.startsWith(`${site.prefix}/`)) return undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    return { statusCode: 405, headers: { 'content-type': 'text/plain' }, body: 'Method not allowed' };
  }
  if (url.pathname === site.prefix) {
    return { statusCode: 301, headers: { location: `${site.prefix}/` }, body: '' };
  }
  const name = url.pathname.slice(site.prefix.length + 1) || 'index.html';
  const file = site.files().get(name);
  if (file === undefined) {
    return { statusCode: 404, headers: { 'content-type': 'text/plain', ...site.headers }, body: 'Not found' };
  }
  return {
    statusCode: 200,
    headers: {
      'content-type': file.contentType,
      'cache-control':
        name === 'index.html' || name.endsWith('.json') ? 'no-cache' : 'max-age=31536000, immutable',
      ...site.headers,
    },
    body: file.body.toString('base64'),
    isBase64Encoded: true,
  };
}

export async function startApiServer(options: {
  port: number;
  routes: Route[];
  /** The caller every request is attributed to (no IAM here); none: as an unauthenticated route. */
  identity?: CallerIdentity;
  staticSite?: StaticSite;
  /**
   * The claims a Cognito user pool authorizer would pass for this request (tests of the console
   * API's groups); when it gives some, the request has no IAM caller. None: no authorizer.
   */
  authorizerClaims?: (request: IncomingMessage) => AuthorizerClaims | undefined;
}): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (options.staticSite !== undefined) {
      let served: APIGatewayProxyResult | undefined;
      try {
        served = serveStatic(options.staticSite, url, request.method);
      } catch (error: unknown) {
        process.stderr.write(`static site error: ${error instanceof Error ? error.stack : String(error)}\n`);
        served = {
          statusCode: 500,
          headers: { 'content-type': 'text/plain' },
          body: 'The console could not be built',
        };
      }
      if (served !== undefined) {
        response
          .writeHead(served.statusCode, served.headers as Record<string, string> | undefined)
          .end(served.isBase64Encoded === true ? Buffer.from(served.body, 'base64') : served.body);
        return;
      }
    }
    let pathMatched = false;
    for (const candidate of options.routes) {
      const match = candidate.pattern.exec(url.pathname);
      if (match === null) continue;
      pathMatched = true;
      if (candidate.method !== request.method) continue;
      const body = await readBody(request, apiGatewayMaxBodyBytes);
      if (body === undefined) {
        response
          .writeHead(413, { 'content-type': 'application/json' })
          .end('{"message":"Request Entity Too Large"}');
        return;
      }
      try {
        const result = await candidate.handler(
          proxyEvent(
            request,
            url,
            candidate,
            body,
            match.slice(1),
            options.identity,
            options.authorizerClaims?.(request),
          ),
        );
        response
          .writeHead(result.statusCode, result.headers as Record<string, string> | undefined)
          .end(result.body);
      } catch (error: unknown) {
        // Lambda would answer 502 for a handler that throws.
        process.stderr.write(`handler error: ${error instanceof Error ? error.stack : String(error)}\n`);
        response
          .writeHead(502, { 'content-type': 'application/json' })
          .end('{"message":"Internal server error"}');
      }
      return;
    }
    response
      .writeHead(pathMatched ? 405 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message: pathMatched ? 'Method not allowed' : 'Not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
