/**
 * Bytes to text. Each message says its character set in MSH-18, which has to
 * be read before the message can be decoded: MSH lines are found at byte
 * level (delimiters and segment ids are ASCII in every ASCII-compatible set)
 * and each run of messages is decoded with the set its MSH declares.
 */
import { decoderFor, decodeText } from './charset.js';

const CR = 0x0d;
const LF = 0x0a;
const START_BLOCK = 0x0b;
const END_BLOCK = 0x1c;

const isSegmentBoundary = (byte: number | undefined): boolean =>
  byte === CR || byte === LF || byte === START_BLOCK || byte === END_BLOCK;

/** MSH-18 first repetition read from the bytes of an MSH line starting at `at`. */
function characterSetAt(bytes: Uint8Array, at: number): string {
  const field = bytes[at + 3];
  const repetition = bytes[at + 5];
  if (field === undefined || isSegmentBoundary(field)) return '';
  let i = at + 3;
  // parts[0] is "MSH" and parts[1] MSH-2, so MSH-18 follows the 17th field separator.
  for (let separators = 0; separators < 17; i++) {
    const byte = bytes[i];
    if (byte === undefined || isSegmentBoundary(byte)) return '';
    if (byte === field) separators++;
  }
  let value = '';
  for (; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === field || byte === repetition || isSegmentBoundary(byte)) break;
    value += String.fromCharCode(byte);
    if (value.length > 64) return value; // no character set name is this long: stop reading garbage
  }
  return value;
}

interface Run {
  start: number;
  characterSet: string;
}

function runsByCharacterSet(bytes: Uint8Array): Run[] {
  const runs: Run[] = [];
  let i = bytes.indexOf(0x4d /* M */);
  while (i !== -1) {
    if (bytes[i + 1] === 0x53 && bytes[i + 2] === 0x48 && (i === 0 || isSegmentBoundary(bytes[i - 1]))) {
      const characterSet = characterSetAt(bytes, i).trim().toUpperCase();
      const last = runs[runs.length - 1];
      if (last === undefined) runs.push({ start: 0, characterSet });
      else if (last.characterSet !== characterSet) runs.push({ start: i, characterSet });
    }
    i = bytes.indexOf(0x4d, i + 1);
  }
  return runs;
}

export function utf16Label(bytes: Uint8Array): string | undefined {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xff && b1 === 0xfe) return 'utf-16le';
  if (b0 === 0xfe && b1 === 0xff) return 'utf-16be';
  // No BOM: an ASCII first character followed by a zero byte (or after one) is UTF-16.
  if (b0 !== 0 && b1 === 0 && b2 !== 0 && b3 === 0) return 'utf-16le';
  if (b0 === 0 && b1 !== 0 && b2 === 0 && b3 !== 0) return 'utf-16be';
  return undefined;
}

/** Decodes an input: UTF-16 when it looks like it, otherwise per message by MSH-18 (UTF-8 when unset). */
export function decodeInput(bytes: Uint8Array): string {
  const utf16 = utf16Label(bytes);
  if (utf16 !== undefined) return new TextDecoder(utf16).decode(bytes);
  const runs = runsByCharacterSet(bytes);
  if (runs.length <= 1) return decodeText(bytes, runs[0]?.characterSet ?? '');
  let text = '';
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r]!;
    const end = runs[r + 1]?.start ?? bytes.length;
    text += decodeText(bytes.subarray(run.start, end), run.characterSet);
  }
  return text;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The fast path: most inputs are UTF-8 (or plain ASCII) and declare nothing
 * else, so decode all at once and let the caller check the declarations.
 * Undefined when the bytes are not UTF-8 or look like UTF-16.
 */
export function decodeAsUtf8(bytes: Uint8Array): { text: string; pureAscii: boolean } | undefined {
  if (utf16Label(bytes) !== undefined) return undefined;
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch (error: unknown) {
    if (error instanceof TypeError) return undefined;
    throw error;
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // Each non-ASCII character takes more bytes than UTF-16 code units, so equal lengths mean pure ASCII.
  return { text, pureAscii: text.length + bom === bytes.length };
}

/** Whether text decoded as UTF-8 reads the same as if decoded in the declared character set. */
export function readsSameAsUtf8(characterSet: string, pureAscii: boolean): boolean {
  if (characterSet === '') return true;
  const decoder = decoderFor(characterSet);
  if (decoder === undefined) return true; // rejected with 103 whichever way it is decoded
  const encoding = decoder.encoding;
  if (encoding === 'utf-8') return true;
  // ASCII bytes mean the same in every ASCII-compatible set; ISO-2022-JP and UTF-16 are not such sets.
  return pureAscii && encoding !== 'iso-2022-jp' && !encoding.startsWith('utf-16');
}

/** The first line of an input, decoded cheaply: enough to address the rejection of an oversize input. */
export function firstHeaderLine(bytes: Uint8Array, limit = 8192): string {
  let i = bytes.indexOf(0x4d);
  while (i !== -1 && i < limit) {
    if (bytes[i + 1] === 0x53 && bytes[i + 2] === 0x48 && (i === 0 || isSegmentBoundary(bytes[i - 1]))) {
      let end = i;
      while (end < bytes.length && end - i < limit && !isSegmentBoundary(bytes[end])) end++;
      return decodeText(bytes.subarray(i, end), '');
    }
    i = bytes.indexOf(0x4d, i + 1);
  }
  return '';
}
