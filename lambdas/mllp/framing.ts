/**
 * MLLP (HL7 Minimal Lower Layer Protocol, release 2) framing: each message
 * travels as <VT> content <FS><CR> on a TCP stream. The decoder turns the
 * stream's chunks, however TCP cut them, into the frames they carry, and
 * says what it did with every byte that is not part of one. Pure: no
 * sockets, no clock; the listener owns timeouts.
 *
 * Memory is bounded by the size limit: a frame's content is kept up to
 * `maxMessageBytes + 1` bytes (enough to tell the reader it is too large and
 * let it address the rejection from the MSH); the rest is counted, not kept.
 */

export const startBlock = 0x0b;
export const endBlock = 0x1c;
export const carriageReturn = 0x0d;

export type FrameEvent =
  /** A complete frame. `content` is all of it, or only its first `maxMessageBytes + 1` bytes when `oversize`. */
  | { kind: 'frame'; content: Uint8Array; oversize: boolean; totalBytes: number }
  /** Bytes that arrived outside a frame (before a start block, or after an end block): discarded. */
  | { kind: 'outside-frame'; bytes: number }
  /** A start block arrived inside a frame: the unfinished frame is abandoned, a new one begins. */
  | { kind: 'abandoned-frame'; bytes: number }
  /** An end block not followed by a carriage return: the frame still ends there (FS cannot occur in HL7 content). */
  | { kind: 'end-block-without-cr' };

export function frame(content: Uint8Array): Uint8Array {
  const framed = new Uint8Array(content.length + 3);
  framed[0] = startBlock;
  framed.set(content, 1);
  framed[content.length + 1] = endBlock;
  framed[content.length + 2] = carriageReturn;
  return framed;
}

export class MllpDecoder {
  private readonly keepBytes: number;
  /** Inside a frame: the kept content parts and the frame's full length so far. */
  private parts: Uint8Array[] | undefined;
  private kept = 0;
  private total = 0;
  /** The previous byte was an end block: a CR here completes it and is not outside a frame. */
  private expectCr = false;
  private outside = 0;

  constructor(maxMessageBytes: number) {
    this.keepBytes = maxMessageBytes + 1;
  }

  /** True while a frame has begun and not ended (the listener's end-block timeout runs then). */
  get inFrame(): boolean {
    return this.parts !== undefined;
  }

  /** Bytes held for the unfinished frame: never more than `maxMessageBytes + 1`. */
  get bufferedBytes(): number {
    return this.kept;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    let index = 0;
    while (index < chunk.length) {
      if (this.expectCr) {
        this.expectCr = false;
        if (chunk[index] === carriageReturn) {
          index++;
          continue;
        }
        events.push({ kind: 'end-block-without-cr' });
      }
      if (this.parts === undefined) {
        const start = chunk.indexOf(startBlock, index);
        const skipped = (start === -1 ? chunk.length : start) - index;
        this.outside += skipped;
        if (start === -1) break;
        this.flushOutside(events);
        this.parts = [];
        index = start + 1;
        continue;
      }
      const nextStart = chunk.indexOf(startBlock, index);
      const nextEnd = chunk.indexOf(endBlock, index);
      const end = nextEnd === -1 ? chunk.length : nextEnd;
      if (nextStart !== -1 && nextStart < end) {
        // A new start block before the end block: the sender gave up on the frame and began again.
        events.push({ kind: 'abandoned-frame', bytes: this.total + (nextStart - index) });
        this.reset();
        this.parts = [];
        index = nextStart + 1;
        continue;
      }
      this.keep(chunk.subarray(index, end));
      if (nextEnd === -1) break;
      events.push({
        kind: 'frame',
        content: concat(this.parts, this.kept),
        oversize: this.total > this.keepBytes - 1,
        totalBytes: this.total,
      });
      this.reset();
      this.expectCr = true;
      index = nextEnd + 1;
    }
    this.flushOutside(events);
    return events;
  }

  private keep(bytes: Uint8Array): void {
    this.total += bytes.length;
    const room = this.keepBytes - this.kept;
    if (room <= 0 || bytes.length === 0) return;
    // Copied: the socket may reuse its buffer.
    const part = Uint8Array.from(bytes.subarray(0, room));
    this.parts!.push(part);
    this.kept += part.length;
  }

  private reset(): void {
    this.parts = undefined;
    this.kept = 0;
    this.total = 0;
  }

  private flushOutside(events: FrameEvent[]): void {
    if (this.outside > 0) events.push({ kind: 'outside-frame', bytes: this.outside });
    this.outside = 0;
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
