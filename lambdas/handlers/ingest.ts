/**
 * POST /hl7: the lab feed's front door. The body is one HL7 v2 message, an
 * MLLP-framed one or an FHS/BHS batch; the response is the ACK with the HTTP
 * status of HL7 over HTTP (AA 200, AR 400, AE 500). The MLLP listener
 * (bin/mllp/) ingests each frame through `ingestBody` too.
 */

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { archiveRawMessage } from '../adapters/archive.js';
import { positiveIntegerEnv } from '../adapters/aws-clients.js';
import { acceptMessage } from '../adapters/store.js';
import { maxMessageBytesLimit } from '../hl7/index.js';
import { type IngestResult, ingestHl7 } from '../workflows/ingest.js';
import { hospitalRulesConfig, logger, metrics } from './runtime.js';

const settings = {
  config: hospitalRulesConfig(),
  maxMessageBytes: positiveIntegerEnv('MAX_MESSAGE_BYTES', maxMessageBytesLimit),
};
const ports = { archiveRawMessage, acceptMessage };
/** The size limit of a message through either door. */
export const maxMessageBytes = settings.maxMessageBytes;
const metricByAck = { AA: 'MessagesAccepted', AR: 'MessagesRejected', AE: 'MessagesErrored' } as const;

/** API Gateway hands text bodies over as strings and binary media types as base64. */
function bodyBytes(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): Uint8Array {
  if (event.body === null || event.body === undefined) return new Uint8Array();
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/**
 * One body through the ingest workflow, with the function's metrics and logs:
 * the HTTP route and the MLLP listener both answer with what this returns.
 */
export async function ingestBody(body: Uint8Array): Promise<IngestResult> {
  const result = await ingestHl7(body, new Date(), ports, settings);
  for (const message of result.messages) {
    metrics.addMetric(metricByAck[message.ackCode], MetricUnit.Count, 1);
    if (message.reusedControlId) {
      // Stored as a new message; the sender's control ids are not unique (audited in the table).
      metrics.addMetric('ControlIdReused', MetricUnit.Count, 1);
      logger.warn('control id reused with other content', { ...message, archiveKey: result.archiveKey });
    } else {
      logger.info('hl7 message', { ...message, archiveKey: result.archiveKey });
    }
  }
  metrics.publishStoredMetrics();
  return result;
}

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const result = await ingestBody(bodyBytes(event));
  return {
    statusCode: result.httpStatus,
    headers: { 'Content-Type': 'x-application/hl7-v2+er7; charset=utf-8' },
    body: result.ack,
  };
};
