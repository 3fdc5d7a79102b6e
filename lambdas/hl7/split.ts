/**
 * Text to messages: MLLP frames, segment lines (CR, LF or CRLF) and the
 * FHS/BHS ... BTS/FTS batch envelope.
 */
import { missingHeader, readMessage } from './message.js';
import type { BatchEnvelope, MessageReadResult } from './types.js';

const START_BLOCK = '\x0b';
const END_BLOCK = '\x1c';

/**
 * MLLP framing is 0x0B message 0x1C 0x0D; the block characters cannot occur
 * inside a message (control characters travel hex-escaped), so every piece
 * between them is a frame. A missing start or end block is tolerated.
 */
export function splitFrames(text: string): string[] {
  if (text.indexOf(START_BLOCK) === -1 && text.indexOf(END_BLOCK) === -1) return [text];
  const frames: string[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text.charAt(i);
    if (i < text.length && ch !== START_BLOCK && ch !== END_BLOCK) continue;
    if (!isBlank(text, start, i)) frames.push(text.slice(start, i));
    start = i + 1;
  }
  return frames;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) > 0x20) return false;
  return true;
}

interface Lines {
  lines: string[];
  /** Offset where each line starts. */
  starts: number[];
  /** Offset just after each line's terminator. */
  ends: number[];
}

/** Non-blank lines ended by CR, LF or CRLF (mixed endings are read as sent). */
export function splitLines(text: string): Lines {
  const lines: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const length = text.length;
  let cr = text.indexOf('\r');
  let lf = text.indexOf('\n');
  let pos = 0;
  while (pos < length) {
    if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
    if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
    let end: number;
    let next: number;
    if (cr === -1 && lf === -1) {
      end = length;
      next = length;
    } else if (lf === -1 || (cr !== -1 && cr < lf)) {
      end = cr;
      next = text.charCodeAt(cr + 1) === 0x0a ? cr + 2 : cr + 1;
    } else {
      end = lf;
      next = lf + 1;
    }
    // Blank lines (a doubled terminator, trailing spaces) separate nothing: skip them.
    if (end > pos && (text.charCodeAt(pos) > 0x20 || !isBlank(text, pos, end))) {
      lines.push(text.slice(pos, end));
      starts.push(pos);
      ends.push(next);
    }
    pos = next;
  }
  return { lines, starts, ends };
}

type EnvelopeKind = 'FHS' | 'BHS' | 'BTS' | 'FTS';

function envelopeKind(line: string): EnvelopeKind | undefined {
  if (line.length > 3) {
    const after = line.charCodeAt(3);
    // A 4th letter or digit means a longer token, not an envelope segment.
    if (
      (after >= 0x30 && after <= 0x39) ||
      (after >= 0x41 && after <= 0x5a) ||
      (after >= 0x61 && after <= 0x7a)
    ) {
      return undefined;
    }
  }
  const name = line.slice(0, 3);
  return name === 'FHS' || name === 'BHS' || name === 'BTS' || name === 'FTS' ? name : undefined;
}

/** BTS-1, the message count a batch trailer declares. */
function trailerCount(line: string): number | undefined {
  if (line.length < 5) return undefined;
  const separator = line.charAt(3);
  const end = line.indexOf(separator, 4);
  const value = (end === -1 ? line.slice(4) : line.slice(4, end)).trim();
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

/**
 * Reads one frame (or the whole input): its messages are appended to `into`.
 * Returns the batch envelope when the frame is an FHS/BHS batch.
 */
export function readUnit(unit: string, into: MessageReadResult[]): BatchEnvelope | undefined {
  const { lines, starts, ends } = splitLines(unit);
  let envelope: BatchEnvelope | undefined;
  // A group is the lines of one message: stray lines, then its MSH, then its segments.
  let groupStart = 0;
  let groupHasHeader = false;
  for (let i = 0; i <= lines.length; i++) {
    const line = i < lines.length ? lines[i]! : undefined;
    let kind: EnvelopeKind | undefined;
    if (line !== undefined) {
      if (line.startsWith('MSH')) {
        if (!groupHasHeader) {
          groupHasHeader = true;
          continue;
        }
      } else {
        kind = envelopeKind(line);
        if (kind === undefined) continue;
      }
    }
    // Here a group ends: at a second MSH, at an envelope segment, or at the end.
    if (groupStart < i) {
      into.push(readMessage(lines.slice(groupStart, i), unit.slice(starts[groupStart], ends[i - 1])));
    }
    groupStart = kind === undefined ? i : i + 1;
    groupHasHeader = line !== undefined && kind === undefined;
    if (kind === 'FHS' || kind === 'BHS') {
      envelope ??= { header: line! };
      if (kind === 'FHS') envelope.fileHeader ??= line!;
      else envelope.batchHeader ??= line!;
    } else if (kind === 'BTS' && envelope !== undefined) {
      const count = trailerCount(line!);
      if (count !== undefined) envelope.trailerCount = (envelope.trailerCount ?? 0) + count;
    }
  }
  return envelope;
}

/**
 * Every message of a decoded input, in order. An input without any yields
 * one rejection, except a well-formed empty batch (FHS/BHS with BTS 0),
 * which is legal and yields none.
 */
export function readText(text: string): { messages: MessageReadResult[]; batch?: BatchEnvelope } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const messages: MessageReadResult[] = [];
  let batch: BatchEnvelope | undefined;
  for (const frame of splitFrames(body)) {
    const envelope = readUnit(frame, messages);
    if (envelope === undefined) continue;
    if (batch === undefined) batch = envelope;
    else if (envelope.trailerCount !== undefined) {
      batch.trailerCount = (batch.trailerCount ?? 0) + envelope.trailerCount;
    }
  }
  if (messages.length === 0 && batch?.trailerCount !== 0) messages.push(missingHeader(body));
  return batch === undefined ? { messages } : { messages, batch };
}
