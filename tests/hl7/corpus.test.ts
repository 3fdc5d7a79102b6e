import { describe, expect, it } from 'vitest';
import { readHl7 } from '../../lambdas/hl7/index.js';
import { corpus, extract, resolveAnyOf, viewOf } from './corpus-support.js';

describe('HL7 correctness corpus (20 cases, every expected value)', () => {
  it('holds the 20 cases', () => {
    expect(corpus).toHaveLength(20);
  });

  it.each(corpus.map((c) => [c.id, c] as const))('%s', (_id, corpusCase) => {
    const read = readHl7(corpusCase.input);
    const expected = corpusCase.expected.messages;
    expect(read.messages).toHaveLength(expected.length);
    read.messages.forEach((result, i) => {
      if (!result.ok) throw new Error(`message ${i + 1} rejected: ${JSON.stringify(result.errors)}`);
      const actual = extract(result.message.segments.map(viewOf));
      expect(actual).toEqual(resolveAnyOf(expected[i], actual));
    });
  });

  it('reads the same values from the UTF-8 bytes as from the text', () => {
    const encoder = new TextEncoder();
    for (const corpusCase of corpus) {
      const fromText = readHl7(corpusCase.input).messages.map((m) =>
        m.ok ? extract(m.message.segments.map(viewOf)) : m,
      );
      const fromBytes = readHl7(encoder.encode(corpusCase.input)).messages.map((m) =>
        m.ok ? extract(m.message.segments.map(viewOf)) : m,
      );
      expect(fromBytes, corpusCase.id).toEqual(fromText);
    }
  });
});
