/**
 * MLLP release 2 framing (<VT> content <FS><CR>) over a stream cut anywhere:
 * each frame comes out whole and once, bytes outside a frame are counted and
 * dropped, a frame over the limit is kept only up to limit + 1 bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FrameEvent, frame, MllpDecoder } from '../../lambdas/mllp/framing.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const bytes = (value: string) => new Uint8Array(Buffer.from(value, 'latin1'));
const frames = (events: FrameEvent[]) =>
  events.flatMap((event) => (event.kind === 'frame' ? [text(event.content)] : []));

function pushAll(decoder: MllpDecoder, chunks: Uint8Array[]): FrameEvent[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

describe('MLLP decoder', () => {
  it('reads several frames from one TCP read, in order', () => {
    const decoder = new MllpDecoder(1000);
    const events = decoder.push(bytes('\x0bMSH|one\r\x1c\r\x0bMSH|two\r\x1c\r\x0bMSH|three\r\x1c\r'));
    expect(events).toEqual([
      { kind: 'frame', content: bytes('MSH|one\r'), oversize: false, totalBytes: 8 },
      { kind: 'frame', content: bytes('MSH|two\r'), oversize: false, totalBytes: 8 },
      { kind: 'frame', content: bytes('MSH|three\r'), oversize: false, totalBytes: 10 },
    ]);
    expect(decoder.inFrame).toBe(false);
  });

  it('reads a frame split across many reads, one byte at a time, with the CR in the next read', () => {
    const decoder = new MllpDecoder(1000);
    const stream = bytes('\x0bMSH|^~\\&|LAB\rPID|1\r\x1c\r');
    const events = pushAll(
      decoder,
      [...stream].map((byte) => Uint8Array.of(byte)),
    );
    expect(frames(events)).toEqual(['MSH|^~\\&|LAB\rPID|1\r']);
    expect(events).toHaveLength(1);
  });

  it('is in a frame from the start block until the end block', () => {
    const decoder = new MllpDecoder(1000);
    decoder.push(bytes('\x0bMSH|partial'));
    expect(decoder.inFrame).toBe(true);
    expect(decoder.bufferedBytes).toBe(11);
    decoder.push(bytes('\x1c\r'));
    expect(decoder.inFrame).toBe(false);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('counts and drops bytes outside a frame (before a start block and after an end block)', () => {
    const decoder = new MllpDecoder(1000);
    const events = decoder.push(bytes('noise\x0bMSH|a\x1c\r\n\n\x0bMSH|b\x1c\rtrailing'));
    expect(events).toEqual([
      { kind: 'outside-frame', bytes: 5 },
      { kind: 'frame', content: bytes('MSH|a'), oversize: false, totalBytes: 5 },
      { kind: 'outside-frame', bytes: 2 },
      { kind: 'frame', content: bytes('MSH|b'), oversize: false, totalBytes: 5 },
      { kind: 'outside-frame', bytes: 8 },
    ]);
  });

  it('abandons an unfinished frame when a new start block arrives and reads the new one', () => {
    const decoder = new MllpDecoder(1000);
    const events = decoder.push(bytes('\x0bMSH|lost\x0bMSH|kept\x1c\r'));
    expect(events).toEqual([
      { kind: 'abandoned-frame', bytes: 8 },
      { kind: 'frame', content: bytes('MSH|kept'), oversize: false, totalBytes: 8 },
    ]);
  });

  it('ends a frame at an end block without its CR and says so; the next byte is outside a frame', () => {
    const decoder = new MllpDecoder(1000);
    const events = decoder.push(bytes('\x0bMSH|a\x1cX\x0bMSH|b\x1c\r'));
    expect(events).toEqual([
      { kind: 'frame', content: bytes('MSH|a'), oversize: false, totalBytes: 5 },
      { kind: 'end-block-without-cr' },
      { kind: 'outside-frame', bytes: 1 },
      { kind: 'frame', content: bytes('MSH|b'), oversize: false, totalBytes: 5 },
    ]);
  });

  it('keeps a message at the limit whole, and of a larger one only limit + 1 bytes', () => {
    const atLimit = new MllpDecoder(10).push(bytes(`\x0b${'A'.repeat(10)}\x1c\r`));
    expect(atLimit).toEqual([
      { kind: 'frame', content: bytes('A'.repeat(10)), oversize: false, totalBytes: 10 },
    ]);

    const decoder = new MllpDecoder(10);
    const chunks = [bytes(`\x0bMSH|${'B'.repeat(4)}`), bytes('C'.repeat(100)), bytes('D'.repeat(100_000))];
    for (const chunk of chunks) {
      decoder.push(chunk);
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(11);
    }
    expect(decoder.push(bytes('\x1c\r'))).toEqual([
      { kind: 'frame', content: bytes(`MSH|${'B'.repeat(4)}CCC`), oversize: true, totalBytes: 100_108 },
    ]);
  });

  it('frames content as VT content FS CR', () => {
    expect(text(frame(bytes('MSH|x')))).toBe('\x0bMSH|x\x1c\r');
  });

  // Fuzz: whatever arrives, however it is cut, the decoder never throws, never holds more than
  // limit + 1 bytes, and every well-formed frame in the stream comes out exactly once, in order.
  const content = fc
    .uint8Array({ maxLength: 60 })
    .map((array) => array.filter((b) => b !== 0x0b && b !== 0x1c));
  const noise = fc.uint8Array({ maxLength: 8 }).map((array) => array.filter((b) => b !== 0x0b && b !== 0x1c));
  const cuts = fc.array(fc.nat(), { maxLength: 12 });

  it('fuzz: arbitrary bytes cut arbitrarily never throw and stay within the bound', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        cuts,
        fc.integer({ min: 1, max: 64 }),
        (stream, at, limit) => {
          const decoder = new MllpDecoder(limit);
          for (const chunk of cutAt(stream, at)) {
            for (const event of decoder.push(chunk)) {
              if (event.kind === 'frame') expect(event.content.length).toBeLessThanOrEqual(limit + 1);
            }
            expect(decoder.bufferedBytes).toBeLessThanOrEqual(limit + 1);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fuzz: frames separated by noise come out whole, once and in order, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(noise, content), { maxLength: 6 }), noise, cuts, (parts, tail, at) => {
        const stream = Buffer.concat([
          ...parts.flatMap(([before, body]) => [Buffer.from(before), Buffer.from(frame(body))]),
          Buffer.from(tail),
        ]);
        const decoder = new MllpDecoder(100);
        const events = pushAll(decoder, cutAt(stream, at));
        expect(frames(events)).toEqual(parts.map(([, body]) => text(body)));
        const outside = events.reduce(
          (sum, event) => sum + (event.kind === 'outside-frame' ? event.bytes : 0),
          0,
        );
        // A CR right after an end block belongs to it, and a CR first in the noise is taken as that CR.
        const noiseBytes = [...parts.map(([before]) => before), tail].reduce(
          (sum, part) => sum + part.length,
          0,
        );
        expect(outside).toBeLessThanOrEqual(noiseBytes);
        expect(decoder.inFrame).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

function cutAt(stream: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map((point) => point % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let previous = 0;
  for (const point of [...points, stream.length]) {
    chunks.push(stream.subarray(previous, point));
    previous = point;
  }
  return chunks;
}
