import { describe, expect, it } from 'vitest';
import type { Hl7Error, MessageReadResult } from '../../lambdas/hl7/index.js';
import { maxMessageBytesLimit, readHl7 } from '../../lambdas/hl7/index.js';
import { mshLine, oruMessage } from './messages.js';

function rejection(input: string | Uint8Array, maxBytes?: number): Extract<MessageReadResult, { ok: false }> {
  const read = readHl7(input, maxBytes === undefined ? {} : { maxBytes });
  expect(read.messages).toHaveLength(1);
  const result = read.messages[0]!;
  if (result.ok) throw new Error('expected a rejection');
  return result;
}

/** The ERR location and code of each error, as an ACK would carry them. */
const located = (errors: Hl7Error[]) =>
  errors.map(({ code, segment, sequence, field, component, ackCode }) => ({
    ackCode,
    code,
    segment,
    sequence,
    field,
    component,
  }));

describe('accepted message types and versions', () => {
  it.each([
    'ORU^R01^ORU_R01',
    'RDE^O11^RDE_O11',
    'RDS^O13^RDS_O13',
    'RAS^O17^RAS_O17',
    'OMP^O09^OMP_O09',
    'ADT^A01^ADT_A01',
    'ADT^A04^ADT_A01',
    'ADT^A08^ADT_A01',
    'ADT^A28^ADT_A05',
    'ADT^A31^ADT_A05',
    // v2.3 pharmacy (the v2.4+ O11/O13/O17 events were O01 before)
    'RDE^O01',
    'RDE^O01^RDE_O01',
    'RDS^O01',
    'RAS^O01',
    // ADT events the rules ignore: stored, acknowledged AA
    'ADT^A02^ADT_A02',
    'ADT^A03^ADT_A03',
    'ADT^A11^ADT_A09',
    'ADT^A13^ADT_A01',
    'ADT^A60^ADT_A60',
  ])('accepts %s', (type) => {
    expect(readHl7(oruMessage({ type })).messages[0]?.ok).toBe(true);
  });

  it.each(['2.3', '2.3.1', '2.4', '2.5', '2.5.1', '2.6', '2.7', '2.7.1', '2.8', '2.8.2'])(
    'accepts version %s',
    (version) => {
      expect(readHl7(oruMessage({ version })).messages[0]?.ok).toBe(true);
    },
  );
});

describe('rejections (AR) with their ERR location', () => {
  it.each([
    ['missing MSH-9', { type: '' }, [{ code: '101', field: 9, component: undefined }]],
    ['missing MSH-9.1', { type: '^R01' }, [{ code: '101', field: 9, component: 1 }]],
    ['missing MSH-9.2', { type: 'ORU' }, [{ code: '101', field: 9, component: 2 }]],
    ['unsupported message type', { type: 'MDM^T02^MDM_T02' }, [{ code: '200', field: 9, component: 1 }]],
    ['ACK sent to us', { type: 'ACK^R01^ACK' }, [{ code: '200', field: 9, component: 1 }]],
    ['unsupported event', { type: 'ADT^A99^ADT_A01' }, [{ code: '201', field: 9, component: 2 }]],
    ['ADT that swaps two patients', { type: 'ADT^A17^ADT_A17' }, [{ code: '201', field: 9, component: 2 }]],
    ['v2.3 general order', { type: 'ORM^O01' }, [{ code: '200', field: 9, component: 1 }]],
    ['scheduling', { type: 'SIU^S12^SIU_S12' }, [{ code: '200', field: 9, component: 1 }]],
    ['v2.3 event on results', { type: 'ORU^O01' }, [{ code: '201', field: 9, component: 2 }]],
    ['missing MSH-10', { controlId: '' }, [{ code: '101', field: 10, component: undefined }]],
    ['missing MSH-12', { version: '' }, [{ code: '101', field: 12, component: undefined }]],
    ['version 2.2', { version: '2.2' }, [{ code: '203', field: 12, component: 1 }]],
    ['version 2.9', { version: '2.9' }, [{ code: '203', field: 12, component: 1 }]],
    ['version 3.0', { version: '3.0' }, [{ code: '203', field: 12, component: 1 }]],
    [
      'several problems at once',
      { controlId: '', version: '2.1' },
      [
        { code: '101', field: 10, component: undefined },
        { code: '203', field: 12, component: 1 },
      ],
    ],
  ])('%s', (_name, options, expected) => {
    const result = rejection(oruMessage(options));
    expect(located(result.errors)).toEqual(
      expected.map((e) => ({ ackCode: 'AR', segment: 'MSH', sequence: 1, ...e })),
    );
    expect(result.errors.every((e) => e.text.length > 0)).toBe(true);
    expect(result.header?.sendingApplication).toBe('LAB^2.16.840.1.113883.19.4.6^ISO');
  });

  it('keeps the header and delimiters of a rejected message so its ACK can be addressed', () => {
    const result = rejection(oruMessage({ type: 'MDM^T02', controlId: 'X77' }));
    expect(result.header).toMatchObject({
      controlId: 'X77',
      triggerEvent: 'T02',
      receivingFacility: 'NORTHSIDE DIALYSIS',
    });
    expect(result.delimiters?.component).toBe('^');
  });

  it.each([
    ['field separator is a letter', 'MSHA^~\\&A', 1],
    ['field separator is a space', 'MSH ^~\\& ', 1],
    ['three encoding characters', 'MSH|^~\\|', 2],
    ['six encoding characters', 'MSH|^~\\&#!|', 2],
    ['an encoding character repeated', 'MSH|^~^&|', 2],
    ['an encoding character equal to the field separator', 'MSH|^~|&|', 2],
    ['a digit as encoding character', 'MSH|^~\\1|', 2],
  ])('rejects malformed delimiters: %s (102 at MSH-%i)', (_name, start, field) => {
    const result = rejection(`${start}A|B|C|D|20260101||ORU^R01|C9|P|2.5.1\rPID|1\r`);
    expect(located(result.errors)).toEqual([
      { ackCode: 'AR', code: '102', segment: 'MSH', sequence: 1, field, component: undefined },
    ]);
    expect(result.errors[0]?.severity).toBe('F');
  });

  it('still reads the raw header when only the encoding characters are bad', () => {
    const result = rejection('MSH|^~|APP|FAC|US|OURS|20260101||ORU^R01|C9|P|2.5.1\r');
    expect(result.header).toMatchObject({
      sendingApplication: 'APP',
      receivingFacility: 'OURS',
      controlId: 'C9',
    });
    expect(result.delimiters).toBeUndefined();
  });

  it.each([
    ['a 2-character segment id', 'PI|1', 'PI|'],
    ['a symbol in the id', 'P-D|1', 'P-D'],
    ['a 4-character segment id', 'PIDX|1', 'PID'],
    ['leading whitespace', ' PID|1', ' PI'],
  ])('rejects a segment with %s (100 at that segment)', (_name, line, segment) => {
    const result = rejection(oruMessage({ body: ['PID|1||1^^^NDC^MR', line] }));
    expect(located(result.errors)).toEqual([
      {
        ackCode: 'AR',
        code: '100',
        segment,
        sequence: segment === 'PID' ? 2 : 1,
        field: undefined,
        component: undefined,
      },
    ]);
  });

  it('counts the sequence of a bad segment among the segments with the same first three characters', () => {
    const result = rejection(oruMessage({ body: ['PIDX|1', 'PID|1||1^^^NDC^MR', 'PIDX|2'] }));
    expect(result.errors.map((e) => [e.segment, e.sequence])).toEqual([
      ['PID', 1],
      ['PID', 3],
    ]);
  });

  it('lists at most 20 malformed segments and counts the rest', () => {
    const body = Array.from({ length: 25 }, (_, i) => `B-D|${i}`);
    const result = rejection(oruMessage({ body }));
    expect(result.errors).toHaveLength(21);
    expect(result.errors[19]?.sequence).toBe(20);
    expect(result.errors[20]?.text).toBe('5 further malformed segments not listed');
  });

  it('rejects segments before MSH (100), still addressed by the header', () => {
    const result = rejection(`PID|1||1\r${oruMessage({ controlId: 'LATE1' })}`);
    expect(located(result.errors)).toEqual([
      { ackCode: 'AR', code: '100', segment: 'MSH', sequence: 1, field: undefined, component: undefined },
    ]);
    expect(result.header?.controlId).toBe('LATE1');
  });
});

describe('size limit', () => {
  const message = oruMessage({ controlId: 'BIG1' });

  it('accepts a message of exactly the limit', () => {
    expect(readHl7(message, { maxBytes: message.length }).messages[0]?.ok).toBe(true);
    expect(readHl7(new TextEncoder().encode(message), { maxBytes: message.length }).messages[0]?.ok).toBe(
      true,
    );
  });

  it.each([
    ['text', message],
    ['bytes', new TextEncoder().encode(message)],
  ])('rejects %s one byte over the limit with 104, header read cheaply', (_name, input) => {
    const result = rejection(input, message.length - 1);
    expect(located(result.errors)).toEqual([
      { ackCode: 'AR', code: '104', segment: 'MSH', sequence: 1, field: undefined, component: undefined },
    ]);
    expect(result.header?.controlId).toBe('BIG1');
    expect(result.text).toBe(mshLine({ controlId: 'BIG1' }));
  });

  it.each([
    ['a 2-byte character', 'Zoë'],
    ['a 3-byte character', '山田'],
    ['a 4-byte character (surrogate pair)', 'Ok 😀'],
  ])('counts UTF-8 bytes exactly for text with %s', (_name, name) => {
    const text = oruMessage({ body: [`NTE|1|L|${name}`] });
    const bytes = new TextEncoder().encode(text).length;
    expect(readHl7(text, { maxBytes: bytes }).messages[0]?.ok).toBe(true);
    expect(rejection(text, bytes - 1).errors[0]?.code).toBe('104');
  });

  it('counts UTF-8 bytes, not characters, for text', () => {
    const accented = oruMessage({ body: ['PID|1||1||Zoë'] });
    const bytes = new TextEncoder().encode(accented).length;
    expect(bytes).toBe(accented.length + 1);
    expect(readHl7(accented, { maxBytes: bytes }).messages[0]?.ok).toBe(true);
    expect(rejection(accented, bytes - 1).errors[0]?.code).toBe('104');
  });

  it('defaults to 4 MiB, the most the ingest function can be handed and answer', () => {
    expect(maxMessageBytesLimit).toBe(4 * 1024 * 1024);
    // API Gateway hands the body to Lambda base64-encoded (4/3 larger) inside a JSON event, and
    // Lambda refuses a synchronous event over 6 MB: the encoded limit leaves room for the rest.
    const lambdaPayloadLimit = 6 * 1024 * 1024;
    expect(Math.ceil(maxMessageBytesLimit / 3) * 4 + 256 * 1024).toBeLessThan(lambdaPayloadLimit);
    const padding = `NTE|1|L|${'x'.repeat(maxMessageBytesLimit)}`;
    const tooLarge = rejection(oruMessage({ body: [padding] })).errors[0];
    expect(tooLarge?.code).toBe('104');
    expect(tooLarge?.text).toBe('Message exceeds the size limit of 4194304 bytes (4 MiB)');
    const fits = `NTE|1|L|${'x'.repeat(maxMessageBytesLimit - 1000)}`;
    expect(readHl7(oruMessage({ body: [fits] })).messages[0]?.ok).toBe(true);
  });
});

describe('ADT events that change whom records belong to', () => {
  it.each(['A17', 'A24', 'A37', 'A43', 'A47'])(
    'ADT^%s is refused (201) saying why, not stored as a plain update',
    (event) => {
      const result = rejection(oruMessage({ type: `ADT^${event}` }));
      expect(result.errors).toEqual([
        expect.objectContaining({
          code: '201',
          field: 9,
          component: 2,
          text: expect.stringMatching(/which identifier a patient's records belong to/),
        }),
      ]);
    },
  );
});
