/**
 * HL7 v2 escape sequences (v2.5 section 2.7). Text is unescaped after it has
 * been split on delimiters, so an escaped delimiter never splits a value.
 */
import { decoderFor } from './charset.js';
import type { Delimiters } from './types.js';

const hexPair = /^(?:[0-9A-Fa-f]{2})+$/;

/**
 * Replaces \F\ \S\ \T\ \R\ \E\ (and v2.7 \P\) by the delimiter they stand
 * for and \Xhh..\ by the bytes it spells, decoded in the message's character
 * set. Formatting commands (\.br\, \.sp\, \H\, \N\, ...), character-set
 * switches and unknown or unterminated sequences are kept as sent: they are
 * display hints a reader may want, never data.
 */
export function unescapeText(text: string, delimiters: Delimiters, characterSet: string): string {
  const esc = delimiters.escape;
  let start = text.indexOf(esc);
  if (start === -1) return text;
  let out = '';
  let copied = 0;
  while (start !== -1) {
    const end = text.indexOf(esc, start + 1);
    if (end === -1) break;
    const body = text.slice(start + 1, end);
    const replacement = replacementFor(body, delimiters, characterSet);
    if (replacement === undefined) {
      // Not a sequence we translate: keep it whole and look after it.
      start = text.indexOf(esc, end + 1);
      continue;
    }
    out += text.slice(copied, start) + replacement;
    copied = end + 1;
    start = text.indexOf(esc, copied);
  }
  return out + text.slice(copied);
}

function replacementFor(body: string, delimiters: Delimiters, characterSet: string): string | undefined {
  switch (body) {
    case 'F':
      return delimiters.field;
    case 'S':
      return delimiters.component;
    case 'T':
      return delimiters.subcomponent;
    case 'R':
      return delimiters.repetition;
    case 'E':
      return delimiters.escape;
    case 'P':
      return delimiters.truncation;
  }
  if (body.length > 1 && body.charCodeAt(0) === 88 /* X */) {
    const hex = body.slice(1);
    if (!hexPair.test(hex)) return undefined;
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    // A set Node cannot decode was already answered with 103; UTF-8 keeps this total.
    return (decoderFor(characterSet) ?? decoderFor(''))!.decode(bytes);
  }
  return undefined;
}

/**
 * Escapes logical text for one position in a message: every delimiter and
 * the escape character itself, plus control characters as hex (CR and LF
 * would end the segment, 0x0B and 0x1C the MLLP frame). Tab stays as is.
 */
export function escapeText(text: string, delimiters: Delimiters): string {
  let out = '';
  let copied = 0;
  const esc = delimiters.escape;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    let sequence: string | undefined;
    if (ch === esc) sequence = 'E';
    else if (ch === delimiters.field) sequence = 'F';
    else if (ch === delimiters.component) sequence = 'S';
    else if (ch === delimiters.subcomponent) sequence = 'T';
    else if (ch === delimiters.repetition) sequence = 'R';
    else if (delimiters.truncation !== undefined && ch === delimiters.truncation) sequence = 'P';
    else if (ch !== undefined && ch < ' ' && ch !== '\t')
      sequence = `X${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    if (sequence === undefined) continue;
    out += text.slice(copied, i) + esc + sequence + esc;
    copied = i + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
