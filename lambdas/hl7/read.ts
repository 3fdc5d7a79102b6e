/**
 * The reader's entry point: size limit, decoding, framing, batches, and one
 * result per message. It never throws: whatever arrives, the caller gets
 * something it can answer with an ACK.
 */
import { decodeAsUtf8, decodeInput, firstHeaderLine, readsSameAsUtf8 } from './decode.js';
import { errorCodes } from './error-codes.js';
import { readMessage } from './message.js';
import { readText } from './split.js';
import type { MessageReadResult, ReadOptions, ReadResult } from './types.js';

/**
 * The largest message the ingest function can be handed and still answer,
 * and the default limit. API Gateway passes an HL7 body to Lambda
 * base64-encoded (binary media types), 4/3 of its size, inside a JSON event,
 * and Lambda refuses a synchronous event over 6 MB (API Gateway's own 10 MB
 * limit never binds first): 4 MiB is 5.33 MiB encoded, leaving room for the
 * headers and request context. A larger body never reaches the function.
 */
export const maxMessageBytesLimit = 4 * 1024 * 1024;

function describeBytes(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  return Number.isInteger(mebibytes) ? `${bytes} bytes (${mebibytes} MiB)` : `${bytes} bytes`;
}

/** UTF-8 length of a string, counting only as far as needed to compare with `limit`. */
function exceedsUtf8Bytes(text: string, limit: number): boolean {
  if (text.length > limit) return true; // a UTF-8 string has at least as many bytes as UTF-16 code units
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4; // a surrogate pair is one 4-byte character
      i++;
    } else bytes += 3; // a lone surrogate is sent as U+FFFD, 3 bytes
    if (bytes > limit) return true;
  }
  return false;
}

/**
 * An oversize input is answered without decoding it all: its first MSH line
 * is read for the header so the rejection can be addressed (text holds that line only).
 */
function oversize(input: Uint8Array | string, maxBytes: number): ReadResult {
  const headLine = typeof input === 'string' ? firstHeaderLineOfText(input) : firstHeaderLine(input);
  const header = headLine === '' ? undefined : readMessage([headLine], headLine);
  const rejection: MessageReadResult = {
    ok: false,
    text: headLine,
    errors: [
      {
        ackCode: 'AR',
        code: errorCodes.valueTooLong,
        severity: 'F',
        segment: 'MSH',
        sequence: 1,
        text: `Message exceeds the size limit of ${describeBytes(maxBytes)}`,
      },
    ],
  };
  if (header !== undefined) {
    if (header.ok) {
      rejection.header = header.message.header;
      rejection.delimiters = header.message.delimiters;
    } else {
      if (header.header !== undefined) rejection.header = header.header;
      if (header.delimiters !== undefined) rejection.delimiters = header.delimiters;
    }
  }
  return { messages: [rejection] };
}

function firstHeaderLineOfText(text: string, limit = 8192): string {
  const start = text.indexOf('MSH');
  if (start === -1 || start > limit) return '';
  let end = start;
  while (end < text.length && end - start < limit) {
    const code = text.charCodeAt(end);
    if (code === 0x0d || code === 0x0a || code === 0x1c) break;
    end++;
  }
  return text.slice(start, end);
}

/**
 * Bytes are read as UTF-8 first; only when that fails, or a message declares
 * a set that would decode its bytes differently, are they decoded per
 * message by MSH-18 and read again.
 */
function readBytes(bytes: Uint8Array): ReadResult {
  const utf8 = decodeAsUtf8(bytes);
  if (utf8 !== undefined) {
    const read = readText(utf8.text);
    const sameEverywhere = read.messages.every((m) =>
      readsSameAsUtf8(m.ok ? m.message.header.characterSet : (m.header?.characterSet ?? ''), utf8.pureAscii),
    );
    if (sameEverywhere) return read;
  }
  return readText(decodeInput(bytes));
}

function internalError(error: unknown, input: Uint8Array | string): ReadResult {
  // Only the error's class name: its message could quote message content.
  const kind = error instanceof Error ? error.name : typeof error;
  return {
    messages: [
      {
        ok: false,
        text: typeof input === 'string' ? input : '',
        errors: [
          {
            ackCode: 'AE',
            code: errorCodes.applicationInternalError,
            severity: 'F',
            segment: 'MSH',
            sequence: 1,
            text: `Internal error while reading the message (${kind})`,
          },
        ],
      },
    ],
  };
}

/** Reads and validates HL7 v2 (ER7) input: one message, MLLP frames, or an FHS/BHS batch. Never throws. */
export function readHl7(input: Uint8Array | string, options: ReadOptions = {}): ReadResult {
  try {
    const maxBytes = options.maxBytes ?? maxMessageBytesLimit;
    const tooLarge =
      typeof input === 'string' ? exceedsUtf8Bytes(input, maxBytes) : input.byteLength > maxBytes;
    if (tooLarge) return oversize(input, maxBytes);
    return typeof input === 'string' ? readText(input) : readBytes(input);
  } catch (error: unknown) {
    // A bug of ours must not become a lost message: answer AE so the sender retries after a fix.
    return internalError(error, input);
  }
}
