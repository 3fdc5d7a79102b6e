/**
 * Reading the HL7 ACKs that POST /hl7 answers with: MSA-1 (AA/AE/AR), MSA-2
 * (the control id acknowledged) and each ERR's location, code and text. A
 * batch answer holds one ACK per message, in order.
 */
import {
  type Hl7Message,
  type Hl7Segment,
  isSupportedVersion,
  type MessageReadResult,
  readHl7,
} from '../../lambdas/hl7/index.js';

export interface AckError {
  /** Where, as people write it: `MSH-9.1`, `OBX[2]-6`; '' when the ACK does not say. */
  location: string;
  /** HL7 table 0357 code, e.g. `200`. */
  code: string;
  codeText: string;
  /** ERR-4: `E` error, `F` fatal, `W` warning, `I` information. */
  severity: string;
  /** What the receiver said (ERR-8, else the code text). */
  text: string;
}

export interface Acknowledgement {
  /** MSA-1: `AA` accepted, `AR` rejected (resending unchanged fails again), `AE` error (retry). */
  code: string;
  /** MSA-2: the control id of the message acknowledged. */
  controlId: string;
  /** MSA-3 text message, '' when absent. */
  text: string;
  errors: AckError[];
}

/** Acknowledgement codes that mean the message was taken (original and enhanced mode). */
export function isAccepted(ack: Pick<Acknowledgement, 'code'>): boolean {
  return ack.code === 'AA' || ack.code === 'CA';
}

/** Large batches of ACKs are legitimate: the reader's default limit is for incoming messages. */
const maxAckBytes = 64 * 1024 * 1024;

/**
 * The reader takes only the message types the pipeline stores, so it reads an
 * ACK as a rejection ("ACK is not accepted here") that still carries the
 * ACK's delimiters. The MSH is given a type (and, if needed, a version and
 * control id) the reader takes, and the text is read again: every other
 * segment is read exactly as sent, with the reader's unescaping.
 */
function readRejectedAsMessage(rejected: Extract<MessageReadResult, { ok: false }>): Hl7Message | undefined {
  const d = rejected.delimiters;
  if (d === undefined || rejected.header === undefined) return undefined;
  const lines = rejected.text.split(/(\r\n|\r|\n)/);
  const index = lines.findIndex((line) => line.startsWith('MSH'));
  if (index === -1) return undefined;
  // MSH-1 is the separator itself, so MSH-n is at index n - 1.
  const fields = lines[index]!.split(d.field);
  while (fields.length < 12) fields.push('');
  fields[8] = `ORU${d.component}R01`;
  if ((rejected.header.controlId ?? '') === '') fields[9] = 'ACK';
  if (!isSupportedVersion(rejected.header.version ?? '')) fields[11] = '2.5.1';
  lines[index] = fields.join(d.field);
  const again = readHl7(lines.join(''), { maxBytes: maxAckBytes }).messages[0];
  return again?.ok === true ? again.message : undefined;
}

function formatLocation(segment: string, sequence: string, field: string, component: string): string {
  if (segment === '') return '';
  const where = sequence === '' || sequence === '1' ? segment : `${segment}[${sequence}]`;
  if (field === '') return where;
  return component === '' ? `${where}-${field}` : `${where}-${field}.${component}`;
}

/** ERR-2..8 from v2.5; before that only ERR-1 (segment^sequence^field^code&text&table). */
function readError(err: Hl7Segment): AckError {
  if (err.raw(2) !== '' || err.raw(3) !== '') {
    const codeText = err.value(3, 2);
    return {
      location: formatLocation(err.value(2, 1), err.value(2, 2), err.value(2, 3), err.value(2, 5)),
      code: err.value(3, 1),
      codeText,
      severity: err.value(4),
      text: err.value(8) || codeText,
    };
  }
  const codeText = err.value(1, 4, 2);
  return {
    location: formatLocation(err.value(1, 1), err.value(1, 2), err.value(1, 3), ''),
    code: err.value(1, 4, 1),
    codeText,
    severity: '',
    text: codeText,
  };
}

/** Every ACK in a response body; [] when the body holds none (e.g. a JSON error from a gateway). */
export function readAcks(body: Uint8Array | string): Acknowledgement[] {
  const acks: Acknowledgement[] = [];
  for (const result of readHl7(body, { maxBytes: maxAckBytes }).messages) {
    const message = result.ok ? result.message : readRejectedAsMessage(result);
    const msa = message?.segment('MSA');
    if (message === undefined || msa === undefined) continue;
    acks.push({
      code: msa.value(1),
      controlId: msa.value(2),
      text: msa.value(3),
      errors: message.segmentsNamed('ERR').map(readError),
    });
  }
  return acks;
}

/** The errors of an ACK on one line: `MSH-9.1 Message type MDM is not accepted here; ...`. */
export function describeAckErrors(ack: Acknowledgement): string {
  const parts = ack.errors.map((error) =>
    [error.location, error.text].filter((part) => part !== '').join(' '),
  );
  if (parts.length === 0 && ack.text !== '') parts.push(ack.text);
  return parts.join('; ');
}
