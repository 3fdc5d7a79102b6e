/** The demo's rewriting of the sample story: timestamps shifted as one, control ids unique per run. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStoryFolder } from '../../bin/cli/commands/demo.js';
import {
  maxControlIdLength,
  rewriteControlIds,
  runTag,
  shiftTimestamps,
  shiftToNow,
  taggedControlId,
  timestampInstants,
} from '../../bin/cli/story.js';
import { type Hl7Message, parseHl7Timestamp, readHl7 } from '../../lambdas/hl7/index.js';

const storyFiles = readdirSync(defaultStoryFolder)
  .filter((name) => name.endsWith('.hl7'))
  .sort();
const story = storyFiles.map((name) => ({
  name,
  text: readFileSync(join(defaultStoryFolder, name), 'utf8'),
}));

/** The timestamp fields the demo must move (RXE-1: its start-time component). */
const timestampFields: Record<string, number[]> = {
  MSH: [7],
  EVN: [2, 6],
  ORC: [9],
  OBR: [7, 22],
  OBX: [14],
  RXE: [1],
  TQ1: [7, 8],
  DG1: [5],
};

function read(text: string): Hl7Message {
  const result = readHl7(text).messages[0];
  if (result === undefined || !result.ok) throw new Error('sample does not read');
  return result.message;
}

function instant(value: string): number {
  const reading = parseHl7Timestamp(value, 'UTC');
  if (!reading.ok) throw new Error(`not a timestamp: ${value}`);
  return Date.parse(reading.iso);
}

/** Every leaf (field, repetition, component, subcomponent) of both messages, side by side. */
function* leaves(before: Hl7Message, after: Hl7Message) {
  expect(after.segments.map((s) => s.name)).toEqual(before.segments.map((s) => s.name));
  for (const [index, segment] of before.segments.entries()) {
    const other = after.segments[index]!;
    expect(other.fieldCount).toBe(segment.fieldCount);
    for (let field = 1; field <= segment.fieldCount; field++) {
      const a = segment.repetitions(field).flat(2);
      const b = other.repetitions(field).flat(2);
      expect(b).toHaveLength(a.length);
      for (const [i, value] of a.entries())
        yield { segment: segment.name, field, before: value, after: b[i]! };
    }
  }
}

describe('shiftTimestamps on the sample story', () => {
  const shiftMs = ((23 * 24 + 4) * 60 + 5) * 60_000 + 6_000; // 23 d 4 h 5 min 6 s

  it.each(story)(
    '$name: every timestamp moves by the same amount, offset kept; nothing else changes',
    ({ text }) => {
      const shifted = shiftTimestamps(text, shiftMs);
      const movedFields = new Set<string>();
      for (const leaf of leaves(read(text), read(shifted))) {
        if (/^\d{14}[+-]\d{4}$/.test(leaf.before)) {
          expect(instant(leaf.after) - instant(leaf.before), `${leaf.segment}-${leaf.field}`).toBe(shiftMs);
          expect(leaf.after.slice(-5)).toBe(leaf.before.slice(-5)); // the offset as sent
          movedFields.add(`${leaf.segment}-${leaf.field}`);
        } else {
          expect(leaf.after, `${leaf.segment}-${leaf.field}`).toBe(leaf.before);
        }
      }
      // The fields the story's timing lives in are among those moved wherever the message has them.
      const message = read(text);
      const expected = Object.entries(timestampFields).flatMap(([name, fields]) =>
        message
          .segmentsNamed(name)
          .flatMap((segment) =>
            fields.filter((field) => segment.raw(field) !== '').map((field) => `${name}-${field}`),
          ),
      );
      expect(expected.length).toBeGreaterThan(0);
      for (const field of expected) expect(movedFields).toContain(field);
      expect(shifted.length).toBe(text.length);
    },
  );

  it('leaves the date of birth (PID-7, 8 digits) and ids alone', () => {
    const sample = story.find(({ text }) => text.includes('PID|'))!;
    const pid = read(shiftTimestamps(sample.text, shiftMs)).segment('PID')!;
    expect(pid.value(7)).toBe(read(sample.text).segment('PID')!.value(7));
    expect(pid.value(3)).toBe(read(sample.text).segment('PID')!.value(3));
  });
});

describe('shiftTimestamps edge cases', () => {
  const ninetyMinutes = 90 * 60_000;

  it('crosses a year and a month end, keeps fractional seconds and any offset', () => {
    expect(shiftTimestamps('OBX|1|NM|x||5||||||F|||20261231233000-0600', ninetyMinutes)).toBe(
      'OBX|1|NM|x||5||||||F|||20270101010000-0600',
    );
    expect(shiftTimestamps('OBX|1|||||||||||||20260228233000.1234+0530', ninetyMinutes)).toBe(
      'OBX|1|||||||||||||20260301010000.1234+0530',
    );
  });

  it('touches only whole values shaped YYYYMMDDHHMMSS±ZZZZ that are real times', () => {
    const untouched = [
      'PID|1||20261102080000^^^NDC^MR', // 14 digits without an offset: could be an id
      'NTE|1||seen at 20261102080000-0600 in clinic', // inside text
      'OBX|1|NM|x||20261102080000-06000', // longer than a timestamp
      'OBX|2|||||||||||||20261345080000-0600', // month 13
      'RXE|^^^x20261102080000-0600', // preceded by a letter
    ].join('\r');
    expect(shiftTimestamps(untouched, ninetyMinutes)).toBe(untouched);
  });

  it('reads the delimiters of the message itself', () => {
    const message =
      'MSH#$%\\!#A#B#C#D#20261102080000-0600##ORU$R01#C1#P#2.5.1\rOBX#1#######!20261102090000+0000$x';
    expect(shiftTimestamps(message, ninetyMinutes)).toBe(
      'MSH#$%\\!#A#B#C#D#20261102093000-0600##ORU$R01#C1#P#2.5.1\rOBX#1#######!20261102103000+0000$x',
    );
  });

  it('refuses a shift that is not whole seconds', () => {
    expect(() => shiftTimestamps('MSH|^~\\&', 1500)).toThrow(RangeError);
  });
});

describe('shiftToNow', () => {
  it('puts the latest timestamp of the story at now (whole seconds) and none after it', () => {
    const now = new Date('2027-03-01T12:00:00.750Z');
    const texts = story.map(({ text }) => text);
    const shiftMs = shiftToNow(texts, now);
    const shifted = texts.map((text) => shiftTimestamps(text, shiftMs)).flatMap(timestampInstants);
    expect(Math.max(...shifted)).toBe(Date.parse('2027-03-01T12:00:00.000Z'));
    // The last message of the story is the one that happens now.
    const last = read(shiftTimestamps(texts.at(-1)!, shiftMs));
    expect(instant(last.segment('MSH')!.value(7))).toBe(Date.parse('2027-03-01T12:00:00.000Z'));
  });

  it('fails on a story without timestamps', () => {
    expect(() => shiftToNow(['MSH|^~\\&|A'], new Date())).toThrow(RangeError);
  });
});

describe('control ids', () => {
  it('rewrites MSH-10 of every message and nothing else, terminators as sent', () => {
    const text =
      'MSH|^~\\&|A|B|C|D|20261102080000-0600||ORU^R01|M1|P|2.5.1\nPID|1||M1\nMSH|^~\\&|A|B|C|D|||ORU^R01|M2|P|2.5.1\n';
    expect(rewriteControlIds(text, (id) => `${id}-X`)).toBe(
      'MSH|^~\\&|A|B|C|D|20261102080000-0600||ORU^R01|M1-X|P|2.5.1\nPID|1||M1\nMSH|^~\\&|A|B|C|D|||ORU^R01|M2-X|P|2.5.1\n',
    );
  });

  it.each(story)('$name: the sample reads back with the tagged control id', ({ text }) => {
    const before = read(text);
    const after = read(rewriteControlIds(text, (id) => taggedControlId(id, 'RUN1')));
    expect(after.header.controlId).toBe(`${before.header.controlId}-RUN1`);
    for (const leaf of leaves(before, after)) {
      if (!(leaf.segment === 'MSH' && leaf.field === 10)) expect(leaf.after).toBe(leaf.before);
    }
  });

  it('keeps tagged ids within 20 characters, cutting the original id if it must', () => {
    expect(taggedControlId('DEMO0001', 'SJ1KQ0ABC')).toBe('DEMO0001-SJ1KQ0ABC');
    const long = taggedControlId('LAB-2026-11-02-000123', 'SJ1KQ0ABC');
    expect(long).toHaveLength(maxControlIdLength);
    expect(long).toBe('LAB-2026-1-SJ1KQ0ABC');
  });

  it('gives each run its own tag', () => {
    const now = new Date('2027-03-01T12:00:00Z');
    expect(runTag(now, () => 0)).not.toBe(runTag(now, () => 0.5));
    expect(runTag(now, () => 0)).not.toBe(runTag(new Date('2027-03-01T12:00:01Z'), () => 0));
    expect(runTag(now)).toMatch(/^[0-9A-Z]{9}$/);
  });
});
