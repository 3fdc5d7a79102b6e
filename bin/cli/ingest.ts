/**
 * Posting one HL7 body to the ingest URL and saying what came back, as
 * `send`, `replay` and `demo` print it: HTTP status, then per ACK the MSA-1
 * code, the control id, and the reasons of a rejection.
 */
import { type Acknowledgement, describeAckErrors, isAccepted, readAcks } from './ack.js';
import { excerpt, type HttpClient } from './http.js';

/** HL7 over HTTP's media type for ER7, as the lab feed's engine sends it. */
export const defaultHl7ContentType = 'x-application/hl7-v2+er7; charset=utf-8';

export interface IngestReply {
  status: number;
  acks: Acknowledgement[];
  /** Every ACK is AA (or CA) and the status is 2xx. */
  accepted: boolean;
  /** An AE, or a 5xx without an ACK: the sender should retry later, the message is not stored. */
  retryable: boolean;
  /** The body, when it held no ACK (a gateway's JSON error, say). */
  otherBody?: string;
}

export async function postHl7(
  client: HttpClient,
  url: URL,
  body: Uint8Array,
  contentType = defaultHl7ContentType,
): Promise<IngestReply> {
  const reply = await client.send({ method: 'POST', url, headers: { 'content-type': contentType }, body });
  const acks = readAcks(reply.body);
  const ok = reply.status >= 200 && reply.status < 300;
  const result: IngestReply = {
    status: reply.status,
    acks,
    accepted: ok && acks.length > 0 && acks.every(isAccepted),
    retryable:
      acks.some((ack) => ack.code === 'AE' || ack.code === 'CE') ||
      (acks.length === 0 && reply.status >= 500),
  };
  if (acks.length === 0) result.otherBody = excerpt(reply.text);
  return result;
}

function ackWords(ack: Acknowledgement): string {
  const reasons = describeAckErrors(ack);
  return [ack.code || '(no MSA-1)', ack.controlId || '(no control id)', reasons]
    .filter((p) => p !== '')
    .join('  ');
}

/**
 * `label  200  AA  DEMO0001`, or `label  400  AR  X1  MSH-9.1 Message type ...`;
 * a batch answer gets a summary line and one indented line per ACK.
 */
export function describeIngestReply(label: string, reply: IngestReply): string[] {
  const head = `${label}  ${reply.status}`;
  const [only, ...more] = reply.acks;
  if (only === undefined) return [`${head}  no ACK in the response: ${reply.otherBody || '(empty body)'}`];
  if (more.length === 0) return [`${head}  ${ackWords(only)}`];
  const counts = new Map<string, number>();
  for (const ack of reply.acks) counts.set(ack.code, (counts.get(ack.code) ?? 0) + 1);
  const summary = [...counts].map(([code, count]) => `${code} ${count}`).join(', ');
  return [
    `${head}  batch of ${reply.acks.length}: ${summary}`,
    ...reply.acks.map((ack) => `    ${ackWords(ack)}`),
  ];
}
