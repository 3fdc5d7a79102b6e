/**
 * One message from its segment lines: delimiters, header, structural checks
 * and header validation, giving either a readable message or the reasons it
 * is rejected.
 */
import { errorCodes } from './error-codes.js';
import { readDelimiters, readHeader, readRawHeader } from './header.js';
import { ParsedSegment, Syntax } from './segment.js';
import type { Delimiters, Hl7Error, Hl7Header, Hl7Message, Hl7Segment, MessageReadResult } from './types.js';
import { validateHeader } from './validate.js';

class ParsedMessage implements Hl7Message {
  readonly delimiters: Delimiters;
  readonly segments: readonly ParsedSegment[];
  readonly text: string;
  readonly header: Hl7Header;

  constructor(delimiters: Delimiters, segments: ParsedSegment[], text: string, header: Hl7Header) {
    this.delimiters = delimiters;
    this.segments = segments;
    this.text = text;
    this.header = header;
  }

  segment(name: string): Hl7Segment | undefined {
    return this.segments.find((segment) => segment.name === name);
  }

  segmentsNamed(name: string): Hl7Segment[] {
    return this.segments.filter((segment) => segment.name === name);
  }
}

const isAlphanumeric = (code: number): boolean =>
  (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);

/** A segment line starts with three letters or digits, then the field separator or the end of the line. */
export function hasSegmentName(line: string, fieldSeparator: string): boolean {
  return (
    line.length >= 3 &&
    isAlphanumeric(line.charCodeAt(0)) &&
    isAlphanumeric(line.charCodeAt(1)) &&
    isAlphanumeric(line.charCodeAt(2)) &&
    (line.length === 3 || line.charAt(3) === fieldSeparator)
  );
}

/** An ACK lists at most this many malformed segments (a garbled message could otherwise have thousands). */
const maxListedErrors = 20;

function rejection(
  code: string,
  severity: 'E' | 'F',
  segment: string,
  sequence: number,
  text: string,
  field?: number,
): Hl7Error {
  const error: Hl7Error = { ackCode: 'AR', code, severity, segment, sequence, text };
  if (field !== undefined) error.field = field;
  return error;
}

/** The rejection for an input (or a part of one) in which no MSH starts a message. */
export function missingHeader(text: string): MessageReadResult {
  return {
    ok: false,
    text,
    errors: [
      rejection(
        errorCodes.segmentSequenceError,
        'F',
        'MSH',
        1,
        'No message found: a message must start with an MSH segment',
      ),
    ],
  };
}

/**
 * Reads one message from its non-empty segment lines. Lines before the MSH
 * (stray text ahead of it) make the message a rejection, still addressed by
 * its header so the sender learns which message failed.
 */
export function readMessage(lines: readonly string[], text: string): MessageReadResult {
  let start = 0;
  while (start < lines.length && !lines[start]!.startsWith('MSH')) start++;
  const first = lines[start];
  if (first === undefined) return missingHeader(text);

  const reading = readDelimiters(first);
  if (!reading.ok) {
    const rejected: MessageReadResult = {
      ok: false,
      text,
      errors: [rejection(errorCodes.dataTypeError, 'F', 'MSH', 1, reading.text, reading.field)],
    };
    if (reading.fieldSeparator !== undefined) rejected.header = readRawHeader(first, reading.fieldSeparator);
    return rejected;
  }
  const delimiters = reading.delimiters;
  // MSH-18 decides how \X..\ hex escapes decode, so read it before anything is unescaped.
  let syntax = new Syntax(delimiters, '');
  let msh = new ParsedSegment(first, syntax);
  const characterSet = msh.value(18, 1, 1, 1);
  if (characterSet !== '') {
    syntax = new Syntax(delimiters, characterSet);
    msh = new ParsedSegment(first, syntax);
  }
  const header = readHeader(msh);
  const errors = validateHeader(msh, header);
  if (start > 0) {
    errors.unshift(
      rejection(
        errorCodes.segmentSequenceError,
        'E',
        'MSH',
        1,
        `${start} segment(s) precede MSH; a message must start with MSH`,
      ),
    );
  }

  const segments: ParsedSegment[] = [msh];
  // Occurrences per 3-character prefix, kept only once a bad segment needs its sequence number.
  let seen: Map<string, number> | undefined;
  let unlisted = 0;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const good = hasSegmentName(line, delimiters.field);
    if (good && seen === undefined) {
      segments.push(new ParsedSegment(line, syntax));
      continue;
    }
    const name = line.slice(0, 3);
    seen ??= countNames(lines, start, i);
    const sequence = (seen.get(name) ?? 0) + 1;
    seen.set(name, sequence);
    if (good) {
      segments.push(new ParsedSegment(line, syntax));
    } else if (errors.length < maxListedErrors) {
      errors.push(
        rejection(
          errorCodes.segmentSequenceError,
          'E',
          name,
          sequence,
          `Segment ${i - start + 1} of the message does not start with a 3-character segment id followed by the field separator`,
        ),
      );
    } else {
      unlisted++;
    }
  }
  if (unlisted > 0) {
    errors.push(
      rejection(
        errorCodes.segmentSequenceError,
        'E',
        'MSH',
        1,
        `${unlisted} further malformed segments not listed`,
      ),
    );
  }
  if (errors.length > 0) return { ok: false, text, errors, header, delimiters };
  return { ok: true, message: new ParsedMessage(delimiters, segments, text, header) };
}

/** Occurrences of each 3-character prefix before `end`, so a bad segment's sequence counts like a good one's. */
function countNames(lines: readonly string[], start: number, end: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = start; i < end; i++) {
    const name = lines[i]!.slice(0, 3);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}
