import { describe, expect, it } from 'vitest';
import type { Hl7Message } from '../../lambdas/hl7/index.js';
import { modelMessage } from '../../lambdas/messages/index.js';
import { hl7, hospitalConfig, messageOf, oruMessage } from './support.js';

const errorsOf = (message: Hl7Message) => {
  const result = modelMessage(message, hospitalConfig());
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
};

const obr = 'OBR|1|P1|F1|24362-6^Renal panel^LN|||20260310071500-0500';

describe('structural problems reject the message (AR) naming segment, sequence and field', () => {
  it('no PID: 101', () => {
    const message = hl7(
      'MSH|^~\\&|LAB|CENTRAL LAB|INGEST|NDC|20260310091500-0500||ORU^R01^ORU_R01|T9|P|2.5.1\r' +
        `${obr}\rOBX|1|NM|17861-6^Calcium^LN||8.9|mg/dL|||||F`,
    );
    expect(errorsOf(message)).toEqual([
      expect.objectContaining({ ackCode: 'AR', code: '101', segment: 'PID', sequence: 1 }),
    ]);
  });

  it('an empty MRN (PID-3): 101 on PID-3', () => {
    const errors = errorsOf(oruMessage({ pid: 'PID|1||^^^NDC^MR||TEST^PATIENT' }));
    expect(errors).toEqual([expect.objectContaining({ code: '101', segment: 'PID', sequence: 1, field: 3 })]);
  });

  it('one patient per message: a second PID is 100', () => {
    const message = oruMessage({
      body: `${obr}\rOBX|1|NM|17861-6^Calcium^LN||8.9|mg/dL|||||F\rPID|2||990100^^^NDC^MR||TEST^OTHER\r${obr}\rOBX|1|NM|17861-6^Calcium^LN||7.0|mg/dL|||||F`,
    });
    expect(errorsOf(message)).toEqual([
      expect.objectContaining({
        code: '100',
        segment: 'PID',
        sequence: 2,
        text: expect.stringMatching(/one patient/),
      }),
    ]);
  });

  it('an ORU with no OBX: 101', () => {
    expect(errorsOf(oruMessage({ body: obr }))).toEqual([
      expect.objectContaining({ code: '101', segment: 'OBX' }),
    ]);
  });

  it('an OBX without OBX-3 or OBX-11: 101 on each, with its sequence', () => {
    const message = oruMessage({
      body: `${obr}\rOBX|1|NM|17861-6^Calcium^LN||8.9|mg/dL|||||F\rOBX|2|NM|||8.9|mg/dL|||||F\rOBX|3|NM|2731-8^PTH^LN||300|pg/mL`,
    });
    expect(errorsOf(message)).toEqual([
      expect.objectContaining({ code: '101', segment: 'OBX', sequence: 2, field: 3 }),
      expect.objectContaining({ code: '101', segment: 'OBX', sequence: 3, field: 11 }),
    ]);
  });

  it('an unreadable OBX-14 with no OBR-7 to fall back on: 102 on OBX-14', () => {
    const message = oruMessage({
      body: 'OBR|1|P1|F1|24362-6^Renal panel^LN\rOBX|1|NM|17861-6^Calcium^LN||8.9|mg/dL|||||F|||10/03/2026',
    });
    expect(errorsOf(message)).toEqual([
      expect.objectContaining({ code: '102', segment: 'OBX', sequence: 1, field: 14 }),
    ]);
  });

  it('no observation time at all: 101 on OBX-14', () => {
    const message = oruMessage({
      body: 'OBR|1|P1|F1|24362-6^Renal panel^LN\rOBX|1|NM|17861-6^Calcium^LN||8.9|mg/dL|||||F',
    });
    expect(errorsOf(message)).toEqual([expect.objectContaining({ code: '101', segment: 'OBX', field: 14 })]);
  });

  it.each([
    ['RDE^O11^RDE_O11', 'RXE'],
    ['RDS^O13^RDS_O13', 'RXD'],
    ['RAS^O17^RAS_O17', 'RXA'],
    ['OMP^O09^OMP_O09', 'RXO'],
  ])('%s with an order group but no %s: 101', (type, segment) => {
    const errors = errorsOf(messageOf(type, 'ORC|NW|ORD1|||||||20260301100000-0600\rRXR|PO'));
    expect(errors).toEqual([expect.objectContaining({ code: '101', segment, sequence: 1 })]);
  });

  it('an order message without any ORC: 101', () => {
    expect(errorsOf(messageOf('RDE^O11^RDE_O11', 'RXR|PO'))).toEqual([
      expect.objectContaining({ code: '101', segment: 'ORC' }),
    ]);
  });

  it('a drug segment before any ORC: 100', () => {
    expect(errorsOf(messageOf('RDE^O11^RDE_O11', 'RXE||^warfarin 5 MG|5||mg'))).toEqual([
      expect.objectContaining({ code: '100', segment: 'RXE', sequence: 1 }),
    ]);
  });

  it('an unreadable ORC-9 and no MSH-7 fallback: 102 on ORC-9', () => {
    const message = messageOf(
      'RDE^O11^RDE_O11',
      'ORC|NW|ORD1|||||||yesterday\rRXE||^warfarin 5 MG|5||mg',
      '',
    );
    expect(errorsOf(message)).toEqual([
      expect.objectContaining({ code: '102', segment: 'ORC', sequence: 1, field: 9 }),
    ]);
  });

  it('single-value problems are not rejections', () => {
    const message = oruMessage({ body: `${obr}\rOBX|1|NM|17861-6^Calcium^LN||7,1|furlongs|||||F` });
    expect(modelMessage(message, hospitalConfig()).ok).toBe(true);
  });

  it('error texts never carry the patient name', () => {
    const errors = errorsOf(oruMessage({ pid: 'PID|1||^^^NDC^MR||TESTNAME^GIVENNAME', body: obr }));
    expect(JSON.stringify(errors)).not.toMatch(/TESTNAME|GIVENNAME/);
  });

  it('no assigning authority and no sending facility: 101 on MSH-4', () => {
    const errors = errorsOf(oruMessage({ facility: '', pid: 'PID|1||990011^^^^MR||TEST^PATIENT' }));
    expect(errors).toEqual([expect.objectContaining({ code: '101', segment: 'MSH', field: 4 })]);
  });

  it.each([
    ['ORM', 'O01', '200'],
    ['SIU', 'S12', '200'],
    ['ADT', 'A99', '201'],
    ['ADT', 'A17', '201'], // swaps two patients' locations: two PIDs, not one patient
  ])(
    'a type the model does not read (%s^%s) is rejected %s even if the reader let it through',
    (code, event, error) => {
      const read = oruMessage({});
      const message: Hl7Message = {
        delimiters: read.delimiters,
        segments: read.segments,
        text: read.text,
        header: { ...read.header, messageCode: code, triggerEvent: event },
        segment: (name) => read.segment(name),
        segmentsNamed: (name) => read.segmentsNamed(name),
      };
      expect(errorsOf(message)).toEqual([expect.objectContaining({ code: error, segment: 'MSH', field: 9 })]);
    },
  );
});
