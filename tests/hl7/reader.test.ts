import { describe, expect, it } from 'vitest';
import type { Hl7Message, MessageReadResult, ReadResult } from '../../lambdas/hl7/index.js';
import { readHl7 } from '../../lambdas/hl7/index.js';
import { oruMessage } from './messages.js';

function onlyMessage(read: ReadResult): Hl7Message {
  expect(read.messages).toHaveLength(1);
  return accepted(read.messages[0]!);
}

function accepted(result: MessageReadResult): Hl7Message {
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.errors)}`);
  return result.message;
}

describe('segment access', () => {
  const message = onlyMessage(
    readHl7(
      oruMessage({
        body: [
          'PID|1||100234^^^NDC&2.16.840.1.113883.19.5&ISO^MR~D20345^^^NDC_DIALYSIS^PI||Testpatient^Alex~Alias^Al||19600101|F|||',
          'OBX|1|NM|17861-6^Calcium^LN||7.2|mg/dL^mg/dL^UCUM|8.4-10.2|LL~A|||F',
        ],
      }),
    ),
  );
  const pid = message.segment('PID')!;
  const msh = message.segment('MSH')!;

  it('numbers fields, components, subcomponents and repetitions from 1 as the spec does', () => {
    expect(pid.value(3)).toBe('100234');
    expect(pid.value(3, 4)).toBe('NDC');
    expect(pid.value(3, 4, 2)).toBe('2.16.840.1.113883.19.5');
    expect(pid.value(3, 4, 3)).toBe('ISO');
    expect(pid.value(3, 1, 1, 2)).toBe('D20345');
    expect(pid.value(3, 5, 1, 2)).toBe('PI');
    expect(pid.value(5, 2, 1, 2)).toBe('Al');
  });

  it("answers '' for anything absent, never throws on odd positions", () => {
    expect(pid.value(3, 9)).toBe('');
    expect(pid.value(3, 1, 1, 3)).toBe('');
    expect(pid.value(3, 4, 4)).toBe('');
    expect(pid.value(40)).toBe('');
    expect(pid.value(-1)).toBe('');
    expect(pid.value(1.5)).toBe('');
    expect(pid.value(3, 0)).toBe('');
    expect(pid.value(Number.NaN)).toBe('');
    expect(pid.raw(99)).toBe('');
  });

  it('gives MSH-1 as the field separator and MSH-2 as the encoding characters, so MSH-n matches the spec', () => {
    expect(msh.value(1)).toBe('|');
    expect(msh.value(2)).toBe('^~\\&');
    expect(msh.value(3)).toBe('LAB');
    expect(msh.raw(3)).toBe('LAB^2.16.840.1.113883.19.4.6^ISO');
    expect(msh.value(9, 2)).toBe('R01');
    expect(msh.value(10)).toBe('LAB1001');
  });

  it('lists repetitions → components → subcomponents, [] for an empty field', () => {
    expect(pid.repetitions(3)).toEqual([
      [['100234'], [''], [''], ['NDC', '2.16.840.1.113883.19.5', 'ISO'], ['MR']],
      [['D20345'], [''], [''], ['NDC_DIALYSIS'], ['PI']],
    ]);
    expect(pid.repetitions(2)).toEqual([]);
    expect(message.segment('OBX')!.repetitions(8)).toEqual([[['LL']], [['A']]]);
  });

  it('counts fields up to the last non-empty one', () => {
    expect(pid.fieldCount).toBe(8);
    expect(msh.fieldCount).toBe(16); // MSH-15/16 AL^NE are the last fields sent
    expect(message.segment('OBX')!.fieldCount).toBe(11);
  });

  it('finds segments by name, in order', () => {
    expect(message.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'OBX']);
    expect(message.segmentsNamed('OBX')).toHaveLength(1);
    expect(message.segment('NTE')).toBeUndefined();
    expect(message.segmentsNamed('NTE')).toEqual([]);
  });

  it('exposes the header with raw sender/receiver fields and unescaped ids', () => {
    expect(message.header).toEqual({
      sendingApplication: 'LAB^2.16.840.1.113883.19.4.6^ISO',
      sendingFacility: 'CENTRAL LAB',
      receivingApplication: 'DIALYSIS_INGEST',
      receivingFacility: 'NORTHSIDE DIALYSIS',
      controlId: 'LAB1001',
      messageCode: 'ORU',
      triggerEvent: 'R01',
      messageStructure: 'ORU_R01',
      processingId: 'P',
      version: '2.5.1',
      characterSet: '',
      sentAtRaw: '20260726211114-0500',
    });
  });
});

describe('delimiters declared in MSH-1/MSH-2', () => {
  it('reads any legal set (field ! component $ repetition * escape @ subcomponent #)', () => {
    const text = [
      'MSH!$*@#!LAB!CENTRAL LAB!INGEST!NORTHSIDE!20260726211114-0500!!ORU$R01$ORU_R01!C1!P!2.5.1',
      'PID!1!!100234$$$NDC#2.16.840.1.113883.19.5#ISO$MR*D1$$$X$PI!!Testpatient$Alex',
      'NTE!1!L!Cost @F@ 5 @S@ 2 @R@ 3 @T@ 4 @E@ 6',
    ].join('\r');
    const message = onlyMessage(readHl7(text));
    expect(message.delimiters).toEqual({
      field: '!',
      component: '$',
      repetition: '*',
      escape: '@',
      subcomponent: '#',
    });
    const pid = message.segment('PID')!;
    expect(pid.value(3, 4, 2)).toBe('2.16.840.1.113883.19.5');
    expect(pid.value(3, 5, 1, 2)).toBe('PI');
    expect(pid.value(5, 2)).toBe('Alex');
    expect(message.segment('NTE')!.value(3)).toBe('Cost ! 5 $ 2 * 3 # 4 @ 6');
  });

  it('reads a v2.7 truncation character as the 5th encoding character and \\P\\ as that character', () => {
    const message = onlyMessage(
      readHl7(oruMessage({ version: '2.7.1', body: ['NTE|1|L|ward \\P\\3'] }).replace('^~\\&', '^~\\&#')),
    );
    expect(message.delimiters.truncation).toBe('#');
    expect(message.segment('MSH')!.value(2)).toBe('^~\\&#');
    expect(message.segment('NTE')!.value(3)).toBe('ward #3');
  });
});

describe('segment terminators', () => {
  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('reads %s-terminated segments alike', (_name, terminator) => {
    const message = onlyMessage(readHl7(oruMessage({ terminator })));
    expect(message.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'OBR', 'OBX']);
    expect(message.segment('OBX')!.value(14)).toBe('20260726184414-0500');
  });

  it('reads a last segment without terminator, blank lines and mixed endings', () => {
    const text = `${oruMessage().replace('\rPID', '\r\n\r\nPID').trimEnd()}`;
    const message = onlyMessage(readHl7(text));
    expect(message.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'OBR', 'OBX']);
    expect(message.segment('OBX')!.value(14)).toBe('20260726184414-0500');
  });

  it('keeps the text as received', () => {
    const text = oruMessage({ terminator: '\r\n' });
    expect(onlyMessage(readHl7(text)).text).toBe(text);
  });
});

describe('MLLP framing', () => {
  it('strips 0x0B ... 0x1C 0x0D', () => {
    const text = oruMessage();
    const message = onlyMessage(readHl7(`\x0b${text}\x1c\r`));
    expect(message.text).toBe(text);
    expect(message.segments.at(-1)!.value(14)).toBe('20260726184414-0500');
  });

  it('reads several frames in one input, in order', () => {
    const input = ['A1', 'A2', 'A3'].map((id) => `\x0b${oruMessage({ controlId: id })}\x1c\r`).join('');
    const read = readHl7(input);
    expect(read.messages.map((m) => accepted(m).header.controlId)).toEqual(['A1', 'A2', 'A3']);
    expect(read.batch).toBeUndefined();
  });

  it('tolerates a missing end block', () => {
    expect(onlyMessage(readHl7(`\x0b${oruMessage()}`)).header.controlId).toBe('LAB1001');
  });
});

describe('FHS/BHS batches', () => {
  const fhs =
    'FHS|^~\\&|LAB|CENTRAL LAB|DIALYSIS_INGEST|NORTHSIDE DIALYSIS|20260509122831-0500||labs.hl7||F0001';
  const bhs = 'BHS|^~\\&|LAB|CENTRAL LAB|DIALYSIS_INGEST|NORTHSIDE DIALYSIS|20260509122831-0500||||B0001';

  it('splits a batch into its messages and keeps the envelope', () => {
    const input = `${fhs}\r${bhs}\r${oruMessage({ controlId: 'M1' })}${oruMessage({ controlId: 'M2', type: 'RDE^O11^RDE_O11' })}BTS|2\rFTS|1\r`;
    const read = readHl7(input);
    expect(read.messages.map((m) => accepted(m).header.controlId)).toEqual(['M1', 'M2']);
    expect(read.batch).toEqual({ header: fhs, fileHeader: fhs, batchHeader: bhs, trailerCount: 2 });
    expect(accepted(read.messages[1]!).segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'OBR', 'OBX']);
  });

  it('reads a BHS-only batch in an MLLP frame, and sums BTS counts over several batches', () => {
    const input = `\x0b${bhs}\r${oruMessage({ controlId: 'M1' })}BTS|1\r${bhs}\r${oruMessage({ controlId: 'M2' })}BTS|1\r\x1c\r`;
    const read = readHl7(input);
    expect(read.messages).toHaveLength(2);
    expect(read.batch).toEqual({ header: bhs, batchHeader: bhs, trailerCount: 2 });
  });

  it('gives a rejection per bad message without losing the others', () => {
    const input = `${bhs}\r${oruMessage({ controlId: 'M1' })}${oruMessage({ controlId: '' })}${oruMessage({ controlId: 'M3' })}BTS|3\r`;
    const read = readHl7(input);
    expect(read.messages.map((m) => m.ok)).toEqual([true, false, true]);
  });

  it('reads an empty batch (BTS|0) as no messages', () => {
    const read = readHl7(`${fhs}\r${bhs}\rBTS|0\rFTS|1\r`);
    expect(read.messages).toEqual([]);
    expect(read.batch?.trailerCount).toBe(0);
  });
});

describe('inputs that hold no message', () => {
  it.each([
    ['empty string', ''],
    ['blank lines', '\r\n\r\n  \r'],
    ['an empty MLLP frame', '\x0b\x1c\r'],
    ['no MSH', 'PID|1||100234\rOBX|1|NM|17861-6||7.2'],
    ['binary noise', '\u0000\u0001\u00ff\u1234'],
  ])('answers %s with one AR rejection (100 at MSH)', (_name, input) => {
    const read = readHl7(input);
    expect(read.messages).toHaveLength(1);
    const [result] = read.messages;
    expect(result?.ok).toBe(false);
    if (result?.ok === false) {
      expect(result.errors).toEqual([
        expect.objectContaining({ ackCode: 'AR', code: '100', segment: 'MSH', sequence: 1 }),
      ]);
    }
  });

  it('answers AE 207 instead of throwing when handed neither text nor bytes (a caller bug)', () => {
    const read = readHl7(null as unknown as string);
    expect(read.messages).toEqual([
      expect.objectContaining({
        ok: false,
        errors: [
          expect.objectContaining({ ackCode: 'AE', code: '207', severity: 'F', segment: 'MSH', sequence: 1 }),
        ],
      }),
    ]);
  });

  it('answers an empty byte array like an empty string', () => {
    expect(readHl7(new Uint8Array()).messages).toEqual([expect.objectContaining({ ok: false })]);
  });
});
