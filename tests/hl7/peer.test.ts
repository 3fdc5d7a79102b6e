/**
 * Differential check against node-hl7-client 3.2 (a widely used reader): on
 * the corpus cases it can read, both readers must extract the same values.
 * Where they differ, the tests below pin down the difference and why.
 */
import { FileBatch, isFile, Message } from 'node-hl7-client';
import { describe, expect, it } from 'vitest';
import { readHl7 } from '../../lambdas/hl7/index.js';
import type { SegmentView } from './corpus-support.js';
import { corpus, extract, viewOf } from './corpus-support.js';

type PeerNode = ReturnType<Message['get']>;

/**
 * Segment views over a node-hl7-client message. Its API: message.get(name)
 * is the list of those segments (0-based); segment.get(n) is field n, except
 * on MSH where it is shifted by one (get(9) is MSH-10); below a field,
 * repetitions, components and subcomponents are 0-based.
 */
function peerViews(message: Message): SegmentView[] {
  const names = message
    .toString()
    .split(/\r\n|\r|\n/)
    .filter((line) => line.length >= 3)
    .map((line) => line.slice(0, 3));
  const seen = new Map<string, number>();
  return names.map((name) => {
    const index = seen.get(name) ?? 0;
    seen.set(name, index + 1);
    const segment: PeerNode = message.get(name).get(index);
    const field = (f: number): PeerNode => segment.get(name === 'MSH' ? f - 1 : f);
    return {
      name,
      value: (f, c = 1, s = 1, r = 1) =>
        field(f)
          .get(r - 1)
          .get(c - 1)
          .get(s - 1)
          .toString(),
      repetitionCount: (f) => field(f).length,
      componentCount: (f, r) => field(f).get(r - 1).length,
    };
  });
}

function peerRead(input: string): Message[] {
  return isFile(input) ? new FileBatch({ text: input }).messages() : [new Message({ text: input })];
}

function oursRead(input: string) {
  return readHl7(input).messages.map((m) => {
    if (!m.ok) throw new Error(`rejected: ${JSON.stringify(m.errors)}`);
    return extract(m.message.segments.map(viewOf));
  });
}

/** Corpus cases node-hl7-client cannot read, with the reason. */
const peerCannotRead: Record<string, string> = {
  'oru-mllp':
    'it expects the MSH first and throws on the 0x0B start block (MLLP framing is left to its socket layer)',
};

describe('differential check against node-hl7-client 3.2 on the corpus', () => {
  const readable = corpus.filter((c) => !(c.id in peerCannotRead));

  it('covers 19 of the 20 cases', () => {
    expect(readable).toHaveLength(19);
  });

  it.each(readable.map((c) => [c.id, c.input] as const))('%s: every extracted value agrees', (_id, input) => {
    const theirs = peerRead(input).map((message) => extract(peerViews(message)));
    expect(oursRead(input)).toEqual(theirs);
  });

  it.each(Object.entries(peerCannotRead))('%s: node-hl7-client throws (%s); we read it', (id) => {
    const input = corpus.find((c) => c.id === id)!.input;
    expect(() => peerRead(input)).toThrow();
    expect(oursRead(input)).toHaveLength(1);
  });
});

describe('where the two readers differ outside the corpus, and why', () => {
  const withNte = (nte: string) => `MSH|^~\\&|A|B|C|D|20260101||ORU^R01^ORU_R01|C1|P|2.5.1\rNTE|1|L|${nte}\r`;
  const both = (nte: string) => {
    const ours = readHl7(withNte(nte)).messages[0]!;
    if (!ours.ok) throw new Error('rejected');
    const theirs = new Message({ text: withNte(nte) }).get('NTE').get(0).get(3).toString();
    return { ours: ours.message.segment('NTE')!.value(3), theirs };
  };

  it('hex escapes: we decode the bytes in the message character set (UTF-8 here); it maps each byte to a Latin-1 character', () => {
    expect(both('Jos\\XC3A9\\')).toEqual({ ours: 'José', theirs: 'JosÃ©' });
  });

  it('\\H\\ and \\N\\ (highlight on/off): we keep formatting commands as sent; it drops them', () => {
    expect(both('a \\H\\bold\\N\\ b')).toEqual({ ours: 'a \\H\\bold\\N\\ b', theirs: 'a bold b' });
  });

  it('agrees on \\E\\, CRLF hex and unknown or unterminated sequences', () => {
    for (const nte of ['C:\\E\\labs', 'a\\X0D0A\\b', 'a \\Q\\ b', 'a \\F b']) {
      const { ours, theirs } = both(nte);
      expect(ours).toBe(theirs);
    }
  });

  it('empty input, noise, or a blank line before MSH: it throws; we answer a rejection or read the message', () => {
    for (const input of ['', 'hello']) {
      expect(() => new Message({ text: input })).toThrow();
      expect(readHl7(input).messages).toEqual([expect.objectContaining({ ok: false })]);
    }
    const leadingBlank = `\r${withNte('x')}`;
    expect(() => new Message({ text: leadingBlank })).toThrow();
    expect(readHl7(leadingBlank).messages[0]?.ok).toBe(true);
  });

  it('three encoding characters (MSH|^~|): it reads on; we reject (102 at MSH-2), as the delimiters are undefined', () => {
    const input = 'MSH|^~|A|B|C|D|20260101||ORU^R01|C1|P|2.5.1\r';
    expect(() => new Message({ text: input })).not.toThrow();
    expect(readHl7(input).messages[0]).toMatchObject({ ok: false, errors: [{ code: '102', field: 2 }] });
  });
});
