import { describe, expect, it } from 'vitest';
import type { Hl7Message } from '../../lambdas/hl7/index.js';
import { readHl7 } from '../../lambdas/hl7/index.js';
import { oruMessage } from './messages.js';

function nte3(text: string, characterSet = ''): string {
  const result = readHl7(oruMessage({ characterSet, body: [`NTE|1|L|${text}`] })).messages[0]!;
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return (result.message as Hl7Message).segment('NTE')!.value(3);
}

describe('escape sequences', () => {
  it.each([
    ['\\F\\', '|'],
    ['\\S\\', '^'],
    ['\\T\\', '&'],
    ['\\R\\', '~'],
    ['\\E\\', '\\'],
  ])('%s stands for the delimiter %s', (sequence, delimiter) => {
    expect(nte3(`a ${sequence} b`)).toBe(`a ${delimiter} b`);
  });

  it('unescapes only after splitting, so an escaped delimiter never splits a value', () => {
    const result = readHl7(oruMessage({ body: ['NTE|1|L|x\\S\\y^second~rep\\R\\two'] })).messages[0]!;
    if (!result.ok) throw new Error('rejected');
    const nte = result.message.segment('NTE')!;
    expect(nte.value(3, 1)).toBe('x^y');
    expect(nte.value(3, 2)).toBe('second');
    expect(nte.value(3, 1, 1, 2)).toBe('rep~two');
    expect(nte.repetitions(3)).toEqual([[['x^y'], ['second']], [['rep~two']]]);
  });

  it('reads \\E\\ next to other sequences without merging them', () => {
    expect(nte3('C:\\E\\labs\\E\\\\F\\')).toBe('C:\\labs\\|');
  });

  it.each([
    ['\\X0D\\', '\r'],
    ['\\X0A\\', '\n'],
    ['\\X0D0A\\', '\r\n'],
    ['\\X41\\', 'A'],
  ])('hex %s decodes to its bytes', (sequence, text) => {
    expect(nte3(`K 2.0${sequence}Ca 2.5`)).toBe(`K 2.0${text}Ca 2.5`);
  });

  it('decodes hex bytes in the message character set', () => {
    expect(nte3('Jos\\XC3A9\\')).toBe('José'); // UTF-8 by default
    expect(nte3('Jos\\XE9\\', '8859/1')).toBe('José');
  });

  it.each([
    '\\.br\\',
    '\\.sp\\',
    '\\.sp2\\',
    '\\.in+4\\',
    '\\.ti-2\\',
    '\\.sk3\\',
    '\\.ce\\',
    '\\.fi\\',
    '\\.nf\\',
    '\\H\\',
    '\\N\\',
  ])('keeps the formatting command %s as literal text', (sequence) => {
    expect(nte3(`line one${sequence}line two`)).toBe(`line one${sequence}line two`);
  });

  it.each([
    ['an unknown sequence', 'a \\Q\\ b'],
    ['a character-set switch', 'a \\C2842\\ b'],
    ['odd-length hex', 'a \\X0\\ b'],
    ['non-hex after X', 'a \\XZZ\\ b'],
    ['an unterminated sequence', 'a \\F b'],
    ['\\P\\ without a truncation character', 'a \\P\\ b'],
  ])('keeps %s as sent', (_name, text) => {
    expect(nte3(text)).toBe(text);
  });

  it('reads the escapes of custom delimiters with that escape character', () => {
    const text = 'MSH!$*@#!A!B!C!D!20260101!!ORU$R01!C1!P!2.5.1\rNTE!1!L!@F@@S@@R@@T@@E@ @X41@ @.br@\r';
    const result = readHl7(text).messages[0]!;
    if (!result.ok) throw new Error('rejected');
    expect(result.message.segment('NTE')!.value(3)).toBe('!$*#@ A @.br@');
  });
});

describe('character sets', () => {
  const encoder = new TextEncoder();
  const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

  it('decodes bytes as UTF-8 by default', () => {
    const result = readHl7(
      encoder.encode(oruMessage({ body: ['PID|1||1^^^NDC^MR||Müller-Łukasiewicz^Zoë~山田^花子'] })),
    ).messages[0]!;
    if (!result.ok) throw new Error('rejected');
    const pid = result.message.segment('PID')!;
    expect(pid.value(5, 1)).toBe('Müller-Łukasiewicz');
    expect(pid.value(5, 1, 1, 2)).toBe('山田');
  });

  it.each([
    ['8859/1', 'Hernández^José'],
    ['ASCII', 'Hernández^José'],
    ['UNICODE UTF-8', 'Hernández^José'],
  ])('decodes per MSH-18 %s', (characterSet, name) => {
    const text = oruMessage({ characterSet, body: [`PID|1||1^^^NDC^MR||${name}`] });
    const bytes = characterSet === 'UNICODE UTF-8' ? encoder.encode(text) : latin1(text);
    const result = readHl7(bytes).messages[0]!;
    if (!result.ok) throw new Error('rejected');
    expect(result.message.segment('PID')!.value(5, 2)).toBe('José');
    expect(result.message.header.characterSet).toBe(characterSet);
  });

  it('follows MSH-18 even when the bytes also happen to be valid UTF-8', () => {
    // C3 A9 is "é" in UTF-8 but "Ã©" in ISO 8859-1: the declaration wins.
    const bytes = encoder.encode(
      oruMessage({ characterSet: '8859/1', body: ['PID|1||1^^^NDC^MR||Jos\u00e9'] }),
    );
    const result = readHl7(bytes).messages[0]!;
    if (!result.ok) throw new Error('rejected');
    expect(result.message.segment('PID')!.value(5)).toBe('Jos\u00c3\u00a9');
  });

  it('decodes ISO 8859-2 (Central European) names', () => {
    // 0xA3 is Ł in 8859-2.
    const bytes = latin1(
      oruMessage({ characterSet: '8859/2', body: ['PID|1||1^^^NDC^MR||\u00a3ukasiewicz^Ewa'] }),
    );
    const result = readHl7(bytes).messages[0]!;
    if (!result.ok) throw new Error('rejected');
    expect(result.message.segment('PID')!.value(5, 1)).toBe('Łukasiewicz');
  });

  it('reads undeclared bytes that are not UTF-8 as Windows-1252 instead of losing them', () => {
    const result = readHl7(latin1(oruMessage({ body: ['PID|1||1^^^NDC^MR||Hernández^José'] }))).messages[0]!;
    if (!result.ok) throw new Error('rejected');
    expect(result.message.segment('PID')!.value(5, 2)).toBe('José');
  });

  it('decodes each message of a batch in its own character set', () => {
    const first = latin1(
      oruMessage({ controlId: 'L1', characterSet: '8859/1', body: ['PID|1||1||Jos\u00e9'] }),
    );
    const second = encoder.encode(oruMessage({ controlId: 'U1', body: ['PID|1||1||José'] }));
    const bytes = new Uint8Array([...first, ...second]);
    const names = readHl7(bytes).messages.map((m) =>
      m.ok ? m.message.segment('PID')!.value(5) : 'rejected',
    );
    expect(names).toEqual(['José', 'José']);
  });

  it('decodes UTF-16 input with a byte order mark', () => {
    const text = `\ufeff${oruMessage({ characterSet: 'UNICODE UTF-16', body: ['PID|1||1||Zoë'] })}`;
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      bytes[i * 2] = text.charCodeAt(i) & 0xff;
      bytes[i * 2 + 1] = text.charCodeAt(i) >> 8;
    }
    const result = readHl7(bytes).messages[0]!;
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.message.segment('PID')!.value(5)).toBe('Zoë');
  });

  it('rejects a character set Node cannot decode with 103 at MSH-18', () => {
    const result = readHl7(oruMessage({ characterSet: 'UNICODE UTF-32' })).messages[0]!;
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toEqual([
        expect.objectContaining({ ackCode: 'AR', code: '103', segment: 'MSH', sequence: 1, field: 18 }),
      ]);
    }
  });
});
