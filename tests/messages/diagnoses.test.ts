import { describe, expect, it } from 'vitest';
import { diagnoses, fixture, messageOf, modelled } from './support.js';

describe('ADT^A08 diagnoses: cohort entry inputs', () => {
  const result = modelled(fixture('adt-a08-calciphylaxis.hl7'));
  const [icd, snomed] = diagnoses(result);

  it('one diagnosis per DG1', () => {
    expect(result.records).toHaveLength(2);
    expect(result.source).toMatchObject({ messageType: 'ADT^A08', controlId: 'ADT60001' });
  });

  it('E83.59 with "calciphylaxis" in DG1-4: every field', () => {
    expect(icd).toEqual({
      kind: 'diagnosis',
      source: result.source,
      code: 'E83.59',
      codeSystem: 'I10',
      text: 'Other disorders of calcium metabolism',
      description: 'Calciphylaxis, both lower legs',
      diagnosedAt: '2026-02-28T06:00:00.000Z', // a date alone is midnight in America/Chicago
      setId: '1',
    });
  });

  it('SNOMED 237900002 with its alternate ICD-10 triplet', () => {
    expect(snomed).toMatchObject({
      code: '237900002',
      codeSystem: 'SCT',
      text: 'Calciphylaxis',
      alternateCode: 'E83.59',
      alternateCodeSystem: 'I10',
      alternateText: 'Calciphylaxis',
      diagnosedAt: '2026-02-28T20:30:00.000Z',
      setId: '2',
    });
    expect(snomed?.description).toBeUndefined();
  });

  it('E83.59 without the word is kept as sent; without DG1-5 its time is MSH-7', () => {
    const [other] = diagnoses(modelled(fixture('adt-a08-e8359-other.hl7')));
    expect(other).toMatchObject({
      code: 'E83.59',
      text: 'Other disorders of calcium metabolism',
      description: 'Hypercalciuria',
      diagnosedAt: '2026-03-02T17:15:00.000Z',
    });
    expect(`${other?.text} ${other?.description}`).not.toMatch(/calciphylaxis/i);
  });

  it.each(['ADT^A01^ADT_A01', 'ADT^A04^ADT_A01', 'ADT^A28^ADT_A05', 'ADT^A31^ADT_A05'])(
    '%s is read too',
    (type) => {
      const message = messageOf(type, 'DG1|1||237900002^Calciphylaxis^SCT||20260301|F');
      expect(diagnoses(modelled(message)).map((d) => d.code)).toEqual(['237900002']);
    },
  );

  it('an ADT without DG1 gives the patient and no records', () => {
    const result = modelled(messageOf('ADT^A08^ADT_A01', 'AL1|1||^PENICILLIN'));
    expect(result.records).toEqual([]);
    expect(result.patient.mrn).toBe('990099');
  });
});

describe('ADT events the rules ignore are read like A08: the patient, and diagnoses if any', () => {
  it('ADT^A03 (discharge) with a DG1 gives the patient and the diagnosis', () => {
    const result = modelled(
      messageOf('ADT^A03^ADT_A03', 'DG1|1||237900002^Calciphylaxis^SCT||20260301|F', '20260302101500-0600'),
    );
    expect(result.source.messageType).toBe('ADT^A03');
    expect(result.patient).toMatchObject({ namespace: 'NDC', mrn: '990099', location: 'HD^CHAIR01^^NDC' });
    expect(diagnoses(result)).toEqual([
      expect.objectContaining({
        code: '237900002',
        codeSystem: 'SCT',
        diagnosedAt: '2026-03-01T06:00:00.000Z',
      }),
    ]);
  });

  it.each(['A02', 'A03', 'A05', 'A06', 'A07', 'A11', 'A12', 'A13', 'A21', 'A22', 'A38'])(
    'ADT^%s without DG1 is the patient and no record',
    (event) => {
      const result = modelled(messageOf(`ADT^${event}`, `EVN|${event}|20260302101500-0600`));
      expect(result.patient.mrn).toBe('990099');
      expect(result.records).toEqual([]);
    },
  );
});
