/**
 * GET/POST /a/{token}: the public, throttled acknowledgement page a critical
 * page links to. The token is the only credential; the page shows no name
 * unless the hospital's `pagePhi` is `full`.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { parseAckForm } from '../ack-links/form.js';
import { ackPageHeaders } from '../ack-links/page.js';
import { ackLinkKey } from '../adapters/ack-link-key.js';
import { answerAckLink } from '../workflows/ack-link.js';
import { adminPorts } from './ports.js';
import { clock, hospitalRulesConfig, logger } from './runtime.js';

const settings = { config: hospitalRulesConfig(), key: ackLinkKey };

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const method = event.httpMethod === 'POST' ? 'POST' : 'GET';
  try {
    const response = await answerAckLink(
      {
        token: event.pathParameters?.token ?? '',
        method,
        ...(method === 'POST' ? parseAckForm(event.body, event.isBase64Encoded) : {}),
      },
      adminPorts,
      settings,
      clock,
    );
    // The token is a credential: never logged. The status says what happened.
    logger.info('ack link', { method, status: response.statusCode });
    return response;
  } catch (error: unknown) {
    logger.error('ack link failed', { method, error: error instanceof Error ? error.name : 'unknown' });
    return {
      statusCode: 503,
      headers: { ...ackPageHeaders },
      body: '<!doctype html><title>Try again</title><p>The acknowledgement service is unavailable. Try again in a minute, or acknowledge by phone.</p>',
    };
  }
};
