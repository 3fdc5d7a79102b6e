/**
 * HL7 acknowledgements: an ACK per message (also for one we could barely
 * read) and the FHS/BHS envelope around the ACKs of a batch. Written in the
 * sender's own delimiters so its parser reads them as it reads its messages.
 */
import { nextControlId } from './control-id.js';
import { errorCodeText } from './error-codes.js';
import { escapeText } from './escape.js';
import { defaultDelimiters, readDelimiters } from './header.js';
import type { Delimiters, Hl7Error, Hl7Header, MessageReadResult, ReadResult } from './types.js';

export interface AckOutcome {
  code: 'AA' | 'AE' | 'AR';
  /** One ERR segment each; defaults to the read's own errors when it was rejected. */
  errors?: Hl7Error[];
  /** MSA-3 text message. */
  text?: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** MSH-7 / FHS-7: UTC with an explicit offset, so no receiver has to guess a zone. */
export function formatHl7Time(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}` +
    `.${pad(date.getUTCMilliseconds(), 3)}+0000`
  );
}

function encodingCharacters(d: Delimiters): string {
  return d.component + d.repetition + d.escape + d.subcomponent + (d.truncation ?? '');
}

/** Drops trailing empty fields and joins a segment. */
function segmentLine(fields: string[], d: Delimiters): string {
  let end = fields.length;
  while (end > 1 && fields[end - 1] === '') end--;
  return fields.slice(0, end).join(d.field);
}

/** ERR-1 (error code and location) is what v2.3/v2.4 receivers read; ERR-2..8 exist from v2.5. */
const usesLegacyErr = (version: string): boolean => /^2\.(3|3\.1|4)$/.test(version);

function errSegment(error: Hl7Error, d: Delimiters, version: string): string {
  const e = (text: string): string => escapeText(text, d);
  const codeText = errorCodeText(error.code);
  const field = error.field === undefined ? '' : String(error.field);
  const location = [e(error.segment), String(error.sequence)];
  if (error.field !== undefined) {
    location.push(field, '1');
    if (error.component !== undefined) location.push(String(error.component));
  }
  const legacy = usesLegacyErr(version)
    ? [
        e(error.segment),
        String(error.sequence),
        field,
        [e(error.code), e(codeText), 'HL70357'].join(d.subcomponent),
      ].join(d.component)
    : '';
  return segmentLine(
    [
      'ERR',
      legacy,
      location.join(d.component),
      [e(error.code), e(codeText), 'HL70357'].join(d.component),
      error.severity,
      '',
      '',
      '',
      e(error.text),
    ],
    d,
  );
}

interface AckAddress {
  delimiters: Delimiters;
  /** Raw MSH-3..6 in the delimiters' syntax. */
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  processingId: string;
  version: string;
  versionRaw: string;
  controlId: string;
  triggerEvent: string;
}

function addressOf(read: MessageReadResult): AckAddress {
  if (read.ok) {
    const msh = read.message.segments[0]!;
    const h = read.message.header;
    return { ...h, delimiters: read.message.delimiters, processingId: msh.raw(11), versionRaw: msh.raw(12) };
  }
  const h: Partial<Hl7Header> = read.header ?? {};
  const d = read.delimiters ?? defaultDelimiters;
  // Without the sender's delimiters the raw fields are in an unknown syntax: send them as plain text.
  const asRaw = (value: string | undefined): string =>
    read.delimiters === undefined ? escapeText(value ?? '', d) : (value ?? '');
  return {
    delimiters: d,
    sendingApplication: asRaw(h.sendingApplication),
    sendingFacility: asRaw(h.sendingFacility),
    receivingApplication: asRaw(h.receivingApplication),
    receivingFacility: asRaw(h.receivingFacility),
    processingId: asRaw(h.processingId),
    version: h.version ?? '',
    versionRaw: escapeText(h.version ?? '', d),
    controlId: h.controlId ?? '',
    triggerEvent: h.triggerEvent ?? '',
  };
}

/**
 * The ACK for one message: MSH with sender and receiver swapped, MSA with the
 * original control id, one ERR per error. Ends with a segment terminator.
 */
export function buildAck(read: MessageReadResult, outcome: AckOutcome, now: Date = new Date()): string {
  const a = addressOf(read);
  const d = a.delimiters;
  const e = (text: string): string => escapeText(text, d);
  const lines = [
    segmentLine(
      [
        'MSH',
        encodingCharacters(d),
        a.receivingApplication,
        a.receivingFacility,
        a.sendingApplication,
        a.sendingFacility,
        formatHl7Time(now),
        '',
        ['ACK', e(a.triggerEvent), 'ACK'].join(d.component),
        nextControlId(),
        a.processingId === '' ? 'P' : a.processingId,
        a.versionRaw === '' ? '2.5.1' : a.versionRaw,
      ],
      d,
    ),
    segmentLine(['MSA', outcome.code, e(a.controlId), e(outcome.text ?? '')], d),
  ];
  const errors = outcome.errors ?? (read.ok ? [] : read.errors);
  for (const error of errors) lines.push(errSegment(error, d, a.version));
  return `${lines.join('\r')}\r`;
}

/** Raw FHS/BHS fields of the original envelope (FHS-n is parts[n - 1]). */
function envelopeFields(
  line: string | undefined,
): { d: Delimiters; at: (field: number) => string } | undefined {
  if (line === undefined) return undefined;
  const reading = readDelimiters(line);
  if (!reading.ok) return undefined;
  const parts = line.split(reading.delimiters.field);
  return { d: reading.delimiters, at: (field) => parts[field - 1] ?? '' };
}

/**
 * The answer to a batch: its ACKs in order, inside FHS/BHS ... BTS/FTS. The
 * envelope swaps the original's sender and receiver and references its
 * FHS-11/BHS-11 in FHS-12/BHS-12; BTS-1 counts the ACKs, FTS-1 the batches.
 */
export function buildBatchAck(acks: string[], read: ReadResult, now: Date = new Date()): string {
  const file = envelopeFields(read.batch?.fileHeader);
  const batch = envelopeFields(read.batch?.batchHeader);
  const source = file ?? batch;
  let d: Delimiters;
  let address: [string, string, string, string];
  if (source !== undefined) {
    d = source.d;
    address = [source.at(5), source.at(6), source.at(3), source.at(4)];
  } else {
    // Not a batch on the way in: address the envelope as the first message's ACK would be.
    const first = read.messages[0];
    const a = first === undefined ? undefined : addressOf(first);
    d = a?.delimiters ?? defaultDelimiters;
    address = [
      a?.receivingApplication ?? '',
      a?.receivingFacility ?? '',
      a?.sendingApplication ?? '',
      a?.sendingFacility ?? '',
    ];
  }
  const time = formatHl7Time(now);
  const header = (name: 'FHS' | 'BHS', reference: string): string =>
    segmentLine([name, encodingCharacters(d), ...address, time, '', '', '', nextControlId(), reference], d);
  const body = acks.map((ack) => (ack.endsWith('\r') ? ack : `${ack}\r`)).join('');
  return (
    `${header('FHS', file?.at(11) ?? '')}\r${header('BHS', batch?.at(11) ?? '')}\r` +
    `${body}BTS${d.field}${acks.length}\rFTS${d.field}1\r`
  );
}
