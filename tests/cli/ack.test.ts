/** Reading the ACKs POST /hl7 answers with (built here by the pipeline's own ACK builder). */
import { describe, expect, it } from 'vitest';
import { describeAckErrors, isAccepted, readAcks } from '../../bin/cli/ack.js';
import { buildAck, buildBatchAck, readHl7 } from '../../lambdas/hl7/index.js';

const now = new Date('2027-03-01T12:00:00Z');

function message(
  options: { type?: string; controlId?: string; version?: string; msh?: string } = {},
): string {
  const msh =
    options.msh ??
    `MSH|^~\\&|LAB|NDC|ALERTING|NDC|20270301060000-0600||${options.type ?? 'ORU^R01^ORU_R01'}|${options.controlId ?? 'LAB0001'}|P|${options.version ?? '2.5.1'}`;
  return `${msh}\rPID|1||900001^^^NDC^MR\rOBX|1|NM|17861-6^Calcium^LN||7.2|mg/dL|||||F|||20270301060000-0600\r`;
}

function ackFor(
  text: string,
  code: 'AA' | 'AR' | 'AE',
  errors?: Parameters<typeof buildAck>[1]['errors'],
): string {
  const read = readHl7(text).messages[0]!;
  return buildAck(read, errors === undefined ? { code } : { code, errors }, now);
}

describe('readAcks', () => {
  it('reads MSA-1 and MSA-2 of an accepting ACK', () => {
    const acks = readAcks(ackFor(message({ controlId: 'LAB0042' }), 'AA'));
    expect(acks).toEqual([{ code: 'AA', controlId: 'LAB0042', text: '', errors: [] }]);
    expect(isAccepted(acks[0]!)).toBe(true);
  });

  it('reads each ERR of a rejection: location, table 0357 code, severity and the reason', () => {
    const [ack] = readAcks(ackFor(message({ type: 'MDM^T02', version: '2.9', controlId: 'X1' }), 'AR'));
    expect(ack!.code).toBe('AR');
    expect(ack!.controlId).toBe('X1');
    expect(isAccepted(ack!)).toBe(false);
    expect(ack!.errors.map((e) => [e.location, e.code, e.severity])).toEqual([
      ['MSH-9.1', '200', 'E'],
      ['MSH-12.1', '203', 'E'],
    ]);
    expect(ack!.errors[0]!.text).toContain('MDM');
    expect(describeAckErrors(ack!)).toMatch(/^MSH-9\.1 Message type MDM .*; MSH-12\.1 HL7 version 2\.9 /);
  });

  it('unescapes the reason as the reader does (delimiters inside the text)', () => {
    const [ack] = readAcks(
      ackFor(message(), 'AE', [
        {
          ackCode: 'AE',
          code: '207',
          severity: 'E',
          segment: 'OBX',
          sequence: 2,
          field: 6,
          text: 'unit mg|dL ^ unknown',
        },
      ]),
    );
    expect(ack!.code).toBe('AE');
    expect(ack!.errors[0]).toMatchObject({ location: 'OBX[2]-6', code: '207', text: 'unit mg|dL ^ unknown' });
  });

  it('reads a v2.3 ACK, whose ERR-1 holds the location and code', () => {
    const legacy =
      'MSH|^~\\&|ALERTING|NDC|LAB|NDC|20270301120000||ACK^R01|A1|P|2.3\rMSA|AR|OLD1\rERR|PID^1^3^101&Required field missing&HL70357\r';
    const [ack] = readAcks(legacy);
    expect(ack).toEqual({
      code: 'AR',
      controlId: 'OLD1',
      text: '',
      errors: [
        {
          location: 'PID-3',
          code: '101',
          codeText: 'Required field missing',
          severity: '',
          text: 'Required field missing',
        },
      ],
    });
  });

  it("reads an ACK written in the sender's own delimiters", () => {
    const msh = 'MSH#$%\\!#LAB#NDC#ALERTING#NDC#20270301060000-0600##ORU$R01#C7#P#2.5.1';
    const text = `${msh}\rPID#1##900001$$$NDC$MR\r`;
    expect(readAcks(ackFor(text, 'AA'))).toMatchObject([{ code: 'AA', controlId: 'C7' }]);
  });

  it('reads a batch answer: one ACK per message, in order', () => {
    const batch = `FHS|^~\\&|LAB|NDC\rBHS|^~\\&|LAB|NDC\r${message({ controlId: 'M1' })}${message({ type: 'MDM^T02', controlId: 'M2' })}BTS|2\rFTS|1\r`;
    const read = readHl7(batch);
    const acks = read.messages.map((m) => buildAck(m, { code: m.ok ? 'AA' : 'AR' }, now));
    expect(readAcks(buildBatchAck(acks, read, now)).map((a) => [a.code, a.controlId])).toEqual([
      ['AA', 'M1'],
      ['AR', 'M2'],
    ]);
  });

  it('finds no ACK in a body that is not HL7', () => {
    expect(readAcks('{"message":"Missing Authentication Token"}')).toEqual([]);
    expect(readAcks('')).toEqual([]);
  });
});
