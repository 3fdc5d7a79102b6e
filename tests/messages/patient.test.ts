import { describe, expect, it } from 'vitest';
import { hospitalConfig, modelled, oruMessage } from './support.js';

const patientOf = (parts: Parameters<typeof oruMessage>[0], config = hospitalConfig()) =>
  modelled(oruMessage(parts), config).patient;

describe('Patient identity (clinical-rules.md, "Who the rules apply to")', () => {
  it('the MRN is the PID-3 repetition typed MR, wherever it stands', () => {
    const patient = patientOf({
      pid: 'PID|1||A77^^^HOSP^PI~990011^^^NDC^MR~900-00-0011^^^SSA^SS||TEST^PATIENT',
    });
    expect(patient).toMatchObject({ mrn: '990011', namespace: 'NDC' });
  });

  it('without an MR repetition it is the first one', () => {
    const patient = patientOf({ pid: 'PID|1||A77^^^HOSP^PI~990011^^^NDC^PT||TEST^PATIENT' });
    expect(patient).toMatchObject({ mrn: 'A77', namespace: 'HOSP' });
  });

  it('an empty repetition is skipped', () => {
    expect(patientOf({ pid: 'PID|1||~B55^^^HOSP^PI||TEST^PATIENT' }).mrn).toBe('B55');
  });

  it('the namespace is the first subcomponent of PID-3.4 (namespace&OID&ISO)', () => {
    const patient = patientOf({ pid: 'PID|1||990011^^^NDC&2.16.840.1.113883.19.5&ISO^MR||TEST^PATIENT' });
    expect(patient.namespace).toBe('NDC');
  });

  it('without PID-3.4 the sending facility MSH-4.1 stands for it', () => {
    const patient = patientOf({
      facility: 'SOUTH DIALYSIS^2.16.840.1.113883.19.6^ISO',
      pid: 'PID|1||990011^^^^MR||TEST^PATIENT',
    });
    expect(patient).toMatchObject({ facility: 'SOUTH DIALYSIS', namespace: 'SOUTH DIALYSIS', mrn: '990011' });
  });

  it('the hospital aliases authorities and facilities to one namespace', () => {
    const config = hospitalConfig({ namespaceAliases: { 'NDC-EAST': 'NDC', 'SOUTH DIALYSIS': 'NDC' } });
    expect(patientOf({ pid: 'PID|1||990011^^^NDC-EAST^MR||TEST^PATIENT' }, config).namespace).toBe('NDC');
    expect(
      patientOf({ facility: 'SOUTH DIALYSIS', pid: 'PID|1||990011^^^^MR||TEST^PATIENT' }, config),
    ).toMatchObject({
      facility: 'SOUTH DIALYSIS',
      namespace: 'NDC',
    });
    expect(patientOf({ pid: 'PID|1||990011^^^OTHER^MR||TEST^PATIENT' }, config).namespace).toBe('OTHER');
  });

  it.each([
    ['F', 'F'],
    ['M', 'M'],
    ['f', 'F'],
    ['U', 'unknown'],
    ['O', 'unknown'],
    ['', 'unknown'],
  ])('PID-8 %j is sex %s', (sent, sex) => {
    expect(patientOf({ pid: `PID|1||990011^^^NDC^MR||TEST^PATIENT||19600101|${sent}` }).sex).toBe(sex);
  });

  it('location is PV1-3 with trailing empty components dropped', () => {
    expect(patientOf({ pv1: 'PV1|1|O|HD^CHAIR07^^NDC^^^' }).location).toBe('HD^CHAIR07^^NDC');
    expect(patientOf({ pv1: 'PV1|1|O|' }).location).toBeUndefined();
  });

  it('the name is PID-5 family and given of the first repetition', () => {
    const patient = patientOf({ pid: 'PID|1||990011^^^NDC^MR||TEST&VAN^PATIENT^Q~ALIAS^OTHER' });
    expect(patient.name).toEqual({ family: 'TEST', given: 'PATIENT' });
  });
});
