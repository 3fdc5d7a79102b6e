import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Delimiters, ReadResult } from '../../lambdas/hl7/index.js';
import {
  buildAck,
  buildBatchAck,
  encodeMessage,
  parseHl7Timestamp,
  readHl7,
} from '../../lambdas/hl7/index.js';

/** Every printable ASCII character that is not a letter or digit: what the reader accepts as a delimiter. */
const legalDelimiters = Array.from({ length: 0x7e - 0x20 }, (_, i) => String.fromCharCode(0x21 + i)).filter(
  (ch) => !/[A-Za-z0-9]/.test(ch),
);

const delimiterSets: fc.Arbitrary<Delimiters> = fc
  .tuple(fc.shuffledSubarray(legalDelimiters, { minLength: 6, maxLength: 6 }), fc.boolean())
  .map(([[field, component, repetition, escapeCharacter, subcomponent, truncation], withTruncation]) => {
    const d: Delimiters = {
      field: field!,
      component: component!,
      repetition: repetition!,
      escape: escapeCharacter!,
      subcomponent: subcomponent!,
    };
    if (withTruncation) d.truncation = truncation!;
    return d;
  });

/** Text that is hard to carry: delimiters of any set, escape-like fragments, controls, non-ASCII. */
const hardText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ...legalDelimiters,
        '\r',
        '\n',
        '\r\n',
        '\x0b',
        '\x1c',
        '\t',
        ' ',
        '.br',
        'X0D',
        'F',
        'É',
        'ß',
        '日本',
        '✓',
        '😀',
      ),
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

const field = fc.array(
  fc.array(fc.array(hardText, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
  {
    minLength: 1,
    maxLength: 3,
  },
);

const segmentName = fc.oneof(
  fc.constantFrom('PID', 'OBR', 'OBX', 'NTE', 'RXE'),
  fc.stringMatching(/^Z[A-Z0-9]{2}$/),
);

const bodySegment = fc
  .tuple(segmentName, fc.array(field, { maxLength: 8 }))
  .map(([name, fields]) => [[[[name]]], ...fields]);

/** MSH with a header the reader accepts and hard text in sender/receiver fields. */
const mshSegment = fc
  .tuple(field, field, field, field)
  .map(([app, facility, receiver, receiverFacility]) => [
    [[['MSH']]],
    [[['']]],
    [[['']]],
    app,
    facility,
    receiver,
    receiverFacility,
    [[['20260726184414-0500']]],
    [[['']]],
    [[['ORU'], ['R01'], ['ORU_R01']]],
    [[['LAB1014']]],
    [[['P']]],
    [[['2.5.1']]],
  ]);

const isEmptyField = (f: string[][][]): boolean =>
  f.length === 1 && f[0]!.length === 1 && f[0]![0]!.length === 1 && f[0]![0]![0] === '';

function everyMessageAnswerable(read: ReadResult): void {
  expect(read.messages.length + (read.batch?.trailerCount === 0 ? 1 : 0)).toBeGreaterThan(0);
  const acks = read.messages.map((m) => {
    if (m.ok) {
      for (const segment of m.message.segments) {
        for (let f = 0; f <= Math.min(segment.fieldCount + 1, 30); f++) {
          segment.value(f, 2, 2, 2);
          segment.repetitions(f);
        }
      }
    } else {
      expect(m.errors.length).toBeGreaterThan(0);
    }
    return buildAck(m, { code: m.ok ? 'AA' : 'AR' });
  });
  expect(buildBatchAck(acks, read)).toMatch(/^FHS/);
}

describe('readHl7 never throws', () => {
  it('for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        everyMessageAnswerable(readHl7(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('for arbitrary strings, rejecting every one without an MSH', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const read = readHl7(text);
        everyMessageAnswerable(read);
        if (!text.includes('MSH')) expect(read.messages.every((m) => !m.ok)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('for HL7-shaped noise (fragments of headers, envelopes, frames and escapes)', () => {
    const fragment = fc.constantFrom(
      'MSH',
      'MSH|^~\\&|',
      'MSH|^~\\&#|',
      'FHS|^~\\&|',
      'BHS|^~\\&|',
      'BTS|',
      'BTS|0',
      'FTS|1',
      'PID|',
      '|',
      '^',
      '~',
      '\\',
      '&',
      '#',
      '\\X',
      '\\XC3\\',
      '\\.br\\',
      '\\E\\',
      'ORU^R01',
      'ADT^A08',
      '2.5.1',
      '8859/1',
      'UNICODE UTF-16',
      '\r',
      '\n',
      '\x0b',
      '\x1c',
      '\ufeff',
      'é',
      'LAB1',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 60 }), fc.boolean(), (parts, asBytes) => {
        const text = parts.join('');
        everyMessageAnswerable(readHl7(asBytes ? new TextEncoder().encode(text) : text));
      }),
      { numRuns: 600 },
    );
  });
});

describe('encodeMessage → readHl7 round trip', () => {
  it('reads back every value for any legal delimiter set and hard text', () => {
    fc.assert(
      fc.property(
        delimiterSets,
        mshSegment,
        fc.array(bodySegment, { maxLength: 5 }),
        fc.boolean(),
        (delimiters, msh, body, asBytes) => {
          const segments = [msh, ...body];
          const text = encodeMessage(segments, delimiters);
          const read = readHl7(asBytes ? new TextEncoder().encode(text) : text);
          expect(read.messages).toHaveLength(1);
          const result = read.messages[0]!;
          if (!result.ok) throw new Error(JSON.stringify(result.errors));
          expect(result.message.delimiters).toEqual(delimiters);
          expect(result.message.text).toBe(text);
          expect(result.message.segments).toHaveLength(segments.length);
          segments.forEach((logical, s) => {
            const segment = result.message.segments[s]!;
            expect(segment.name).toBe(logical[0]![0]![0]![0]);
            logical.forEach((fieldValue, f) => {
              if (f === 0 || (s === 0 && f <= 2)) return; // name, MSH-1, MSH-2
              expect(segment.repetitions(f)).toEqual(isEmptyField(fieldValue) ? [] : fieldValue);
              fieldValue.forEach((repetition, r) => {
                repetition.forEach((component, c) => {
                  component.forEach((sub, u) => {
                    expect(segment.value(f, c + 1, u + 1, r + 1)).toBe(sub);
                  });
                });
              });
            });
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseHl7Timestamp', () => {
  it('never throws and agrees with Date.UTC for valid values with an offset', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2100-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (date, offsetMinutes) => {
          const local = new Date(date.getTime() + offsetMinutes * 60_000);
          const p = (n: number, w = 2) => String(n).padStart(w, '0');
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const raw =
            `${p(local.getUTCFullYear(), 4)}${p(local.getUTCMonth() + 1)}${p(local.getUTCDate())}` +
            `${p(local.getUTCHours())}${p(local.getUTCMinutes())}${p(local.getUTCSeconds())}.${p(local.getUTCMilliseconds(), 3)}` +
            `${sign}${p(Math.floor(abs / 60))}${p(abs % 60)}`;
          expect(parseHl7Timestamp(raw, 'America/Chicago')).toEqual({ ok: true, iso: date.toISOString() });
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('UTC', 'America/Chicago', 'Nowhere/Zone'),
        (raw, zone) => {
          const reading = parseHl7Timestamp(raw, zone);
          expect(typeof reading.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });
});
