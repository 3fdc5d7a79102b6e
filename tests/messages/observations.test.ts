import { describe, expect, it } from 'vitest';
import type { MessageSource } from '../../lambdas/domain/records.js';
import { fixture, hospitalConfig, modelled, observations, oruMessage } from './support.js';

describe('ORU^R01: a monthly dialysis panel (oru-dialysis-monthly.hl7)', () => {
  const result = modelled(fixture('oru-dialysis-monthly.hl7'));
  const source: MessageSource = {
    facility: 'CENTRAL LAB',
    controlId: 'LAB20001',
    messageType: 'ORU^R01',
    sentAt: '2026-03-10T14:15:00.000Z',
  };
  const [calcium, phosphate, pth, crp, hemoglobin, bicarbonate, potassium, pthPmol] = observations(result);

  it('keeps the message source and the patient', () => {
    expect(result.source).toEqual(source);
    expect(result.patient).toEqual({
      facility: 'CENTRAL LAB',
      namespace: 'NDC',
      mrn: '990011',
      sex: 'F',
      location: 'HD^CHAIR07^^NDC',
      name: { family: 'TEST', given: 'PATIENT' },
    });
  });

  it('makes one observation per OBX across both order groups', () => {
    expect(result.records).toHaveLength(8);
    expect(observations(result).map((o) => o.analyte)).toEqual([
      'calcium',
      'phosphate',
      'pth',
      'crp',
      'hemoglobin',
      'bicarbonate',
      undefined,
      'pth',
    ]);
  });

  it('CALCIUM_CRITICAL_LOW input: calcium 7.2 mg/dL with every field the store keeps', () => {
    expect(calcium).toEqual({
      kind: 'observation',
      source,
      code: '17861-6',
      codeSystem: 'LN',
      codeText: 'Calcium [Mass/volume] in Serum or Plasma',
      loinc: '17861-6',
      analyte: 'calcium',
      valueType: 'NM',
      rawValue: '7.2',
      rawUnit: 'mg/dL',
      value: { value: 7.2, unit: 'mg/dL' },
      canonical: { value: 7.2, unit: 'mg/dL' },
      abnormalFlags: ['LL'],
      referenceRange: '8.4-10.2',
      status: 'F',
      observedAt: '2026-03-10T12:15:00.000Z',
      fillerOrderNumber: 'FIL30001',
      placerOrderNumber: 'PLC30001',
      setId: '1',
      subId: '',
    });
  });

  it('phosphate 5.7 mg/dL is kept as evidence', () => {
    expect(phosphate?.canonical).toEqual({ value: 5.7, unit: 'mg/dL' });
  });

  it('PTH_SEVERE input: SN >^2500 keeps its comparator, with the NTEs that follow it as notes', () => {
    expect(pth).toMatchObject({
      valueType: 'SN',
      rawValue: '>^2500',
      value: { value: 2500, comparator: '>', unit: 'pg/mL' },
      canonical: { value: 2500, comparator: '>', unit: 'pg/mL' },
      notes: ['Above the upper limit of the assay.', 'Dilution not performed.'],
    });
    expect(pth?.unitError).toBeUndefined();
    expect(pth?.valueError).toBeUndefined();
  });

  it('CRP_RISING input: a corrected CRP of 2.4 mg/dL is 24 mg/L', () => {
    expect(crp).toMatchObject({ status: 'C', canonical: { value: 24, unit: 'mg/L' } });
  });

  it('a preliminary hemoglobin keeps status P', () => {
    expect(hemoglobin).toMatchObject({ status: 'P', canonical: { value: 11.9, unit: 'g/dL' } });
  });

  it('BICARBONATE_LOW input: ST "< 10" is below 10 mmol/L', () => {
    expect(bicarbonate).toMatchObject({
      valueType: 'ST',
      rawValue: '< 10',
      canonical: { value: 10, comparator: '<', unit: 'mmol/L' },
    });
  });

  it('an unwatched test (potassium) is stored for history with no analyte and no errors', () => {
    expect(potassium).toMatchObject({
      code: '2823-3',
      loinc: '2823-3',
      value: { value: 4.1, unit: 'mmol/L' },
    });
    expect(potassium?.analyte).toBeUndefined();
    expect(potassium?.canonical).toBeUndefined();
    expect(potassium?.unitError).toBeUndefined();
    expect(potassium?.valueError).toBeUndefined();
  });

  it('without OBX-14 the time is OBR-7, a no-offset time read in America/Chicago (CST in early March)', () => {
    expect(pthPmol?.observedAt).toBe('2026-03-01T13:15:00.000Z');
  });

  it('without OBR-3 the filler order number is ORC-3', () => {
    expect(pthPmol).toMatchObject({ fillerOrderNumber: 'FIL30002', placerOrderNumber: 'PLC30002' });
  });

  it('PTH_SEVERE boundary: 53 pmol/L is 499.79 pg/mL (not above 500)', () => {
    expect(pthPmol?.canonical).toEqual({ value: 499.79, unit: 'pg/mL' });
  });
});

describe('ORU^R01: SI units and a local code (oru-dialysis-si-units.hl7)', () => {
  const result = modelled(fixture('oru-dialysis-si-units.hl7'));
  const byCode = new Map(observations(result).map((o) => [o.code, o]));

  it.each([
    ['17861-6', 2.0, 'mmol/L', 8.016, 'mg/dL'],
    ['2000-8', 4.0, 'mEq/L', 8.016, 'mg/dL'],
    ['14879-1', 1.5, 'mmol/L', 4.6455, 'mg/dL'],
    ['14866-2', 31.8, 'pmol/L', 299.874, 'pg/mL'],
    ['2731-8', 299, 'ng/L', 299, 'pg/mL'],
    ['30522-7', 1.5, 'mg/dL', 15, 'mg/L'],
    ['718-7', 128, 'g/L', 12.8, 'g/dL'],
    ['59260-0', 7.4, 'mmol/L', 11.9214, 'g/dL'],
    ['2028-9', 21, 'MEQ/L', 21, 'mmol/L'],
    ['DIALCA', 1.25, 'mmol/L', 2.5, 'mEq/L'],
  ])('%s %d %s -> %d %s', (code, value, unit, canonicalValue, canonicalUnit) => {
    const observation = byCode.get(code);
    expect(observation?.value).toEqual({ value, unit });
    expect(observation?.canonical).toEqual({ value: canonicalValue, unit: canonicalUnit });
  });

  it('DIALYSATE_CALCIUM_HIGH input comes from the hospital local code, with no LOINC', () => {
    const dialysate = byCode.get('DIALCA');
    expect(dialysate).toMatchObject({ analyte: 'dialysateCalcium', codeSystem: '99NDC' });
    expect(dialysate?.loinc).toBeUndefined();
  });

  it('without the local-code map the dialysate result has no analyte', () => {
    const plain = modelled(fixture('oru-dialysis-si-units.hl7'), hospitalConfig({ localLabCodes: {} }));
    expect(observations(plain).find((o) => o.code === 'DIALCA')?.analyte).toBeUndefined();
  });

  it('no-offset times in July are CDT (UTC-5), including MSH-7', () => {
    expect(result.source.sentAt).toBe('2026-07-12T15:00:00.000Z');
    expect(byCode.get('17861-6')?.observedAt).toBe('2026-07-12T11:30:00.000Z');
  });
});

describe('ORU^R01: retractions (oru-retraction.hl7)', () => {
  const [calcium, hemoglobin, bicarbonate] = observations(modelled(fixture('oru-retraction.hl7')));

  it.each([
    ['X', calcium],
    ['W', hemoglobin],
  ])('status %s with no value carries no value and raises no unreadable error', (status, observation) => {
    expect(observation).toMatchObject({ status, rawValue: '', rawUnit: '', fillerOrderNumber: 'FIL30001' });
    expect(observation?.value).toBeUndefined();
    expect(observation?.canonical).toBeUndefined();
    expect(observation?.valueError).toBeUndefined();
    expect(observation?.unitError).toBeUndefined();
  });

  it('keeps the note on the retracted result and reads the corrected one', () => {
    expect(calcium?.notes).toEqual(['Specimen hemolysed: calcium cannot be reported.']);
    expect(bicarbonate).toMatchObject({ status: 'C', canonical: { value: 23, unit: 'mmol/L' } });
  });
});

describe('RESULT_UNREADABLE inputs (oru-unreadable.hl7)', () => {
  const result = modelled(fixture('oru-unreadable.hl7'));
  const [calcium, pth, hemoglobin, inr, crp] = observations(result);

  it('a comma decimal 7,1 is a valueError, never 7.1', () => {
    expect(calcium?.valueError).toMatch(/'7,1' is not a decimal number/);
    expect(calcium?.value).toBeUndefined();
    expect(calcium?.canonical).toBeUndefined();
    expect(calcium?.unitError).toBeUndefined();
  });

  it('an unknown unit is a unitError; the value as sent is kept', () => {
    expect(pth?.unitError).toMatch(/unit 'pg\/dL' is not accepted for PTH/);
    expect(pth?.value).toEqual({ value: 412, unit: 'pg/dL' });
    expect(pth?.canonical).toBeUndefined();
  });

  it('a missing unit is a unitError', () => {
    expect(hemoglobin?.unitError).toMatch(/no unit was sent for hemoglobin/);
    expect(hemoglobin?.canonical).toBeUndefined();
  });

  it('INR alone may come without a unit', () => {
    expect(inr).toMatchObject({ analyte: 'inr', canonical: { value: 2.7, unit: 'ratio' } });
    expect(inr?.unitError).toBeUndefined();
  });

  it('a text (TX) result for a watched analyte is a valueError', () => {
    expect(crp?.valueError).toMatch(/value type TX is not numeric/);
  });

  it('sex U is unknown', () => {
    expect(result.patient.sex).toBe('unknown');
  });
});

describe('ORU^R01: codes and groups', () => {
  const obr = 'OBR|1|P1|F1|24362-6^Renal panel^LN|||20260310071500-0500';

  it('the alternate triplet (OBX-3.4-6) is checked for LOINC', () => {
    const message = oruMessage({
      body: `${obr}\rOBX|1|NM|CA^Calcium^99LAB^17861-6^Calcium^LN||8.9|mg/dL|||||F`,
    });
    expect(observations(modelled(message))[0]).toMatchObject({
      code: 'CA',
      codeSystem: '99LAB',
      loinc: '17861-6',
      analyte: 'calcium',
    });
  });

  it('a local code mapped to calcium by the hospital is calcium', () => {
    const message = oruMessage({ body: `${obr}\rOBX|1|NM|CA^Calcium^99LAB||8.9|mg/dL|||||F` });
    const config = hospitalConfig({ localLabCodes: { CA: 'calcium' } });
    expect(observations(modelled(message, config))[0]).toMatchObject({
      analyte: 'calcium',
      canonical: { value: 8.9 },
    });
  });

  it('OBX-14 unreadable falls back to OBR-7', () => {
    const message = oruMessage({ body: `${obr}\rOBX|1|NM|17861-6^Calcium^LN||8.9|mg/dL|||||F|||2026-03-10` });
    expect(observations(modelled(message))[0]?.observedAt).toBe('2026-03-10T12:15:00.000Z');
  });

  it('an NTE after the OBR (before any OBX) is not a note on a result', () => {
    const message = oruMessage({
      body: `${obr}\rNTE|1|L|Order note\rOBX|1|NM|17861-6^Calcium^LN||8.9|mg/dL|||||F\rNTE|1|L|Result note`,
    });
    expect(observations(modelled(message))[0]?.notes).toEqual(['Result note']);
  });

  it('each OBX takes the filler number of its own OBR', () => {
    const message = oruMessage({
      body: [
        obr,
        'OBX|1|NM|17861-6^Calcium^LN||8.9|mg/dL|||||F',
        'ORC|RE|P2|F2',
        'OBR|2|||2731-8^PTH^LN|||20260310071500-0500',
        'OBX|1|NM|2731-8^PTH^LN||350|pg/mL|||||F',
      ].join('\r'),
    });
    expect(observations(modelled(message)).map((o) => o.fillerOrderNumber)).toEqual(['F1', 'F2']);
  });
});
