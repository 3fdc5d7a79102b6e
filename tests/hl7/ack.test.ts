import { describe, expect, it, vi } from 'vitest';
import type { Hl7Message, MessageReadResult } from '../../lambdas/hl7/index.js';
import { buildAck, buildBatchAck, readHl7 } from '../../lambdas/hl7/index.js';
import { oruMessage } from './messages.js';

const now = new Date('2026-07-27T04:44:14.123Z');

/**
 * Reads our own ACK back with the reader, so every field is checked through
 * the spec's numbering (MSH-9/12 rewritten: the reader accepts no ACK type).
 */
function readAck(ack: string): Hl7Message {
  const [msh, ...rest] = ack.split('\r');
  const fields = msh!.split('|');
  fields[8] = 'ORU^R01^ORU_R01';
  fields[11] = '2.5.1';
  const read = readHl7([fields.join('|'), ...rest].join('\r'));
  const result = read.messages[0]!;
  if (!result.ok) throw new Error(`unreadable ACK: ${JSON.stringify(result.errors)}`);
  return result.message;
}

function first(input: string): MessageReadResult {
  return readHl7(input).messages[0]!;
}

describe('buildAck', () => {
  it('answers an accepted message: swapped sender/receiver, MSH-9 ACK^R01^ACK, MSA AA with its control id', () => {
    const ack = buildAck(first(oruMessage({ controlId: 'LAB1014' })), { code: 'AA' }, now);
    const lines = ack.split('\r');
    expect(lines.at(-1)).toBe(''); // ends with a segment terminator
    expect(lines[0]).toMatch(
      /^MSH\|\^~\\&\|DIALYSIS_INGEST\|NORTHSIDE DIALYSIS\|LAB\^2\.16\.840\.1\.113883\.19\.4\.6\^ISO\|CENTRAL LAB\|/,
    );
    const msh = lines[0]!.split('|');
    expect(msh[6]).toBe('20260727044414.123+0000'); // MSH-7 now, in UTC
    expect(msh[8]).toBe('ACK^R01^ACK'); // MSH-9
    expect(msh[9]).toMatch(/^[0-9A-Z]{1,20}$/); // MSH-10 fresh
    expect(msh[9]).not.toBe('LAB1014');
    expect(msh.slice(10)).toEqual(['P', '2.5.1']); // MSH-11/12 echoed
    expect(lines[1]).toBe('MSA|AA|LAB1014');
    expect(lines).toHaveLength(3);
  });

  it('writes the ACK in the original delimiters, MSH-9 with its component separator', () => {
    const input = 'MSH!$*@#!LAB!CENTRAL LAB!INGEST!NORTH!20260101!!ORU$R01$ORU_R01!C@F@1!T!2.5.1\r';
    const ack = buildAck(first(input), { code: 'AE', text: 'Storage busy! retry' }, now);
    const [msh, msa] = ack.split('\r');
    expect(msh).toMatch(
      /^MSH!\$\*@#!INGEST!NORTH!LAB!CENTRAL LAB!20260727044414\.123\+0000!!ACK\$R01\$ACK![0-9A-Z]+!T!2\.5\.1$/,
    );
    expect(msa).toBe('MSA!AE!C@F@1!Storage busy@F@ retry'); // control id and text escaped in the sender's syntax
  });

  it('keeps a v2.7 truncation character in MSH-2', () => {
    const input = oruMessage({ version: '2.7.1' }).replace('^~\\&', '^~\\&#');
    expect(buildAck(first(input), { code: 'AA' }, now)).toMatch(/^MSH\|\^~\\&#\|/);
  });

  it('adds one ERR per error: location, 0357 code, severity, escaped text', () => {
    const result = first(oruMessage({ type: 'MDM^T02', version: '2.9', controlId: 'X1' }));
    const ack = readAck(buildAck(result, { code: 'AR' }, now));
    expect(ack.segment('MSA')!.value(1)).toBe('AR');
    expect(ack.segment('MSA')!.value(2)).toBe('X1');
    const errs = ack.segmentsNamed('ERR');
    expect(errs).toHaveLength(2);
    expect(errs.map((e) => e.raw(2))).toEqual(['MSH^1^9^1^1', 'MSH^1^12^1^1']);
    expect(errs.map((e) => [e.value(3, 1), e.value(3, 2), e.value(3, 3)])).toEqual([
      ['200', 'Unsupported message type', 'HL70357'],
      ['203', 'Unsupported version id', 'HL70357'],
    ]);
    expect(errs.map((e) => e.value(4))).toEqual(['E', 'E']);
    expect(errs[0]!.value(8)).toBe(
      'Message type MDM is not accepted here (accepted: ORU, RDE, RDS, RAS, OMP, ADT)',
    );
  });

  it('uses the errors given by the caller, escaping delimiters in their text', () => {
    const ack = buildAck(
      first(oruMessage()),
      {
        code: 'AE',
        errors: [
          {
            ackCode: 'AE',
            code: '207',
            severity: 'E',
            segment: 'OBX',
            sequence: 3,
            field: 5,
            text: 'bad | value ^ here & ~ \\',
          },
        ],
      },
      now,
    );
    const err = ack.split('\r')[2]!;
    expect(err).toBe(
      'ERR||OBX^3^5^1|207^Application internal error^HL70357|E||||bad \\F\\ value \\S\\ here \\T\\ \\R\\ \\E\\',
    );
    expect(readAck(ack).segment('ERR')!.value(8)).toBe('bad | value ^ here & ~ \\');
  });

  it('fills ERR-1 too for v2.3/v2.4 senders, which do not know ERR-2..8', () => {
    const result = first(oruMessage({ version: '2.3', controlId: '' }));
    const err = buildAck(result, { code: 'AR' }, now).split('\r')[2]!;
    expect(err.split('|')[1]).toBe('MSH^1^10^101&Required field missing&HL70357');
  });

  it('answers a message that could not be read at all with defaults', () => {
    const ack = buildAck(first('garbage'), { code: 'AR' }, now);
    const lines = ack.split('\r');
    expect(lines[0]).toMatch(
      /^MSH\|\^~\\&\|\|\|\|\|20260727044414\.123\+0000\|\|ACK\^\^ACK\|[0-9A-Z]+\|P\|2\.5\.1$/,
    );
    expect(lines[1]).toBe('MSA|AR'); // no control id to quote
    expect(lines[2]).toBe(
      'ERR||MSH^1|100^Segment sequence error^HL70357|F||||No message found: a message must start with an MSH segment',
    );
  });

  it('escapes the raw header of a message whose encoding characters were unusable', () => {
    const result = first('MSH#^~#A|PP#FAC#US#OURS#20260101##ORU^R01#C9#P#2.5.1\r');
    expect(result.ok).toBe(false);
    const msh = buildAck(result, { code: 'AR' }, now).split('\r')[0]!;
    expect(msh.startsWith('MSH|^~\\&|US|OURS|A\\F\\PP|FAC|')).toBe(true);
  });

  it('never repeats MSH-10 within one millisecond or when the clock steps back', () => {
    const result = first(oruMessage());
    const clock = vi.spyOn(Date, 'now');
    try {
      clock.mockReturnValue(1_785_000_000_000);
      const sameMillisecond = Array.from(
        { length: 2_000 },
        () => buildAck(result, { code: 'AA' }, now).split('|')[9]!,
      );
      clock.mockReturnValue(1_784_999_999_000); // NTP stepped the clock back a second
      const afterStepBack = Array.from(
        { length: 10 },
        () => buildAck(result, { code: 'AA' }, now).split('|')[9]!,
      );
      expect(new Set([...sameMillisecond, ...afterStepBack]).size).toBe(2_010);
    } finally {
      clock.mockRestore();
    }
  });

  it('never repeats MSH-10 over a long run', () => {
    const result = first(oruMessage());
    const ids = Array.from({ length: 20_000 }, () => buildAck(result, { code: 'AA' }, now).split('|')[9]!);
    expect(new Set(ids).size).toBe(20_000);
    expect(Math.max(...ids.map((id) => id.length))).toBeLessThanOrEqual(20); // MSH-10 is ST(20) up to v2.6
  });
});

describe('buildBatchAck', () => {
  const fhs =
    'FHS|^~\\&|LAB|CENTRAL LAB|DIALYSIS_INGEST|NORTHSIDE DIALYSIS|20260509122831-0500||labs.hl7||F0001';
  const bhs = 'BHS|^~\\&|LAB|CENTRAL LAB|DIALYSIS_INGEST|NORTHSIDE DIALYSIS|20260509122831-0500||||B0001';
  const input = `${fhs}\r${bhs}\r${oruMessage({ controlId: 'M1' })}${oruMessage({ controlId: '' })}${oruMessage({ controlId: 'M3' })}BTS|3\rFTS|1\r`;

  it('wraps one ACK per message, in order, in FHS/BHS ... BTS/FTS with counts', () => {
    const read = readHl7(input);
    const acks = read.messages.map((m) => buildAck(m, { code: m.ok ? 'AA' : 'AR' }, now));
    const batch = buildBatchAck(acks, read, now);
    const lines = batch.split('\r');
    expect(lines[0]).toMatch(
      /^FHS\|\^~\\&\|DIALYSIS_INGEST\|NORTHSIDE DIALYSIS\|LAB\|CENTRAL LAB\|20260727044414\.123\+0000\|\|\|\|[0-9A-Z]+\|F0001$/,
    );
    expect(lines[1]).toMatch(
      /^BHS\|\^~\\&\|DIALYSIS_INGEST\|NORTHSIDE DIALYSIS\|LAB\|CENTRAL LAB\|.*\|[0-9A-Z]+\|B0001$/,
    );
    expect(lines.slice(-3)).toEqual(['BTS|3', 'FTS|1', '']);

    // Read back: three ACKs answering M1, the message without MSH-10, and M3, in order.
    const back = readHl7(batch.replaceAll('ACK^R01^ACK', 'ORU^R01^ORU_R01'));
    expect(back.batch?.trailerCount).toBe(3);
    expect(back.messages.map((m) => (m.ok ? m.message.segment('MSA')!.value(1) : 'unreadable'))).toEqual([
      'AA',
      'AR',
      'AA',
    ]);
    expect(back.messages.map((m) => (m.ok ? m.message.segment('MSA')!.value(2) : 'unreadable'))).toEqual([
      'M1',
      '',
      'M3',
    ]);
  });

  it('wraps ACKs of a non-batch input too, addressed like the first message', () => {
    const read = readHl7(oruMessage({ controlId: 'S1' }));
    const batch = buildBatchAck([buildAck(read.messages[0]!, { code: 'AA' }, now)], read, now);
    expect(batch.split('\r')[0]).toMatch(/^FHS\|\^~\\&\|DIALYSIS_INGEST\|NORTHSIDE DIALYSIS\|LAB\^/);
    expect(batch).toContain('\rMSA|AA|S1\r');
    expect(batch.endsWith('BTS|1\rFTS|1\r')).toBe(true);
  });
});
