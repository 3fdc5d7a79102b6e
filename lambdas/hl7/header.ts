/**
 * MSH-1/MSH-2 (the delimiters a message declares) and the MSH fields the
 * reader, the validator and the ACK builder need.
 */
import type { ParsedSegment } from './segment.js';
import type { Delimiters, Hl7Header } from './types.js';

export const defaultDelimiters: Readonly<Delimiters> = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
};

export type DelimiterReading =
  | { ok: true; delimiters: Delimiters }
  | { ok: false; field: 1 | 2; text: string; fieldSeparator?: string };

/**
 * A delimiter must be printable ASCII and not a letter or digit. Any such
 * character is legal HL7; restricting to ASCII keeps byte-level framing and
 * character-set sniffing safe.
 */
function isLegalDelimiter(ch: string): boolean {
  if (ch.length !== 1) return false;
  const code = ch.charCodeAt(0);
  if (code < 0x21 || code > 0x7e) return false;
  return !(
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a)
  );
}

/** Reads the delimiters from an MSH (or FHS/BHS) line: MSH-1 at index 3, MSH-2 up to the next field separator. */
export function readDelimiters(line: string): DelimiterReading {
  const field = line.charAt(3);
  if (!isLegalDelimiter(field)) {
    return { ok: false, field: 1, text: 'MSH-1 field separator is missing or not a legal delimiter' };
  }
  const end = line.indexOf(field, 4);
  const encoding = end === -1 ? line.slice(4) : line.slice(4, end);
  if (encoding.length < 4 || encoding.length > 5) {
    return {
      ok: false,
      field: 2,
      text: `MSH-2 must hold 4 encoding characters (5 with the truncation character), found ${encoding.length}`,
      fieldSeparator: field,
    };
  }
  const all = field + encoding;
  for (let i = 0; i < all.length; i++) {
    const ch = all.charAt(i);
    if (!isLegalDelimiter(ch) || all.indexOf(ch) !== i) {
      return {
        ok: false,
        field: 2,
        text: 'MSH-2 encoding characters must be distinct printable symbols, different from MSH-1',
        fieldSeparator: field,
      };
    }
  }
  const delimiters: Delimiters = {
    field,
    component: encoding.charAt(0),
    repetition: encoding.charAt(1),
    escape: encoding.charAt(2),
    subcomponent: encoding.charAt(3),
  };
  if (encoding.length === 5) delimiters.truncation = encoding.charAt(4);
  return { ok: true, delimiters };
}

export function readHeader(msh: ParsedSegment): Hl7Header {
  return {
    sendingApplication: msh.raw(3),
    sendingFacility: msh.raw(4),
    receivingApplication: msh.raw(5),
    receivingFacility: msh.raw(6),
    controlId: msh.value(10),
    messageCode: msh.value(9, 1),
    triggerEvent: msh.value(9, 2),
    messageStructure: msh.value(9, 3),
    processingId: msh.raw(11),
    version: msh.value(12, 1),
    characterSet: msh.value(18, 1, 1, 1),
    sentAtRaw: msh.value(7, 1),
  };
}

/**
 * What can still be read from an MSH whose encoding characters are unusable:
 * raw fields split on the field separator alone, enough to address an ACK.
 */
export function readRawHeader(line: string, fieldSeparator: string): Partial<Hl7Header> {
  const parts = line.split(fieldSeparator);
  const at = (field: number): string => parts[field - 1] ?? '';
  return {
    sendingApplication: at(3),
    sendingFacility: at(4),
    receivingApplication: at(5),
    receivingFacility: at(6),
    controlId: at(10),
    processingId: at(11),
    sentAtRaw: at(7),
  };
}
