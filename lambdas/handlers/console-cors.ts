/**
 * The console's page is served from its own origin (CloudFront) and calls the
 * console API on another (API Gateway), so a browser reads an answer only if
 * it names the console's origin. Lambda proxy answers carry no CORS headers of
 * their own: they are added here, for that one origin, on answers to console
 * users only (the IAM door has no browser callers).
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Caller } from './caller.js';

/** The console's origin (`https://<distribution domain>`), set by the stack on the admin function. */
export const consoleOriginVariable = 'CONSOLE_ORIGIN';

export function withConsoleCors(
  result: APIGatewayProxyResult,
  door: Caller['door'] | undefined,
  origin = process.env[consoleOriginVariable],
): APIGatewayProxyResult {
  if (door !== 'console' || origin === undefined || origin === '') return result;
  return {
    ...result,
    headers: {
      ...result.headers,
      'Access-Control-Allow-Origin': origin,
      // The timeliness CSV names its file there.
      'Access-Control-Expose-Headers': 'Content-Disposition',
      Vary: 'Origin',
    },
  };
}
