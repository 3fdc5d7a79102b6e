/** Key shapes other functions and tools rely on (the shared single-table contract). */
import { describe, expect, it } from 'vitest';
import {
  alertSk,
  keyPart,
  messagePk,
  observationSk,
  patientPk,
  prefixUpperBound,
  unescapeKeyPart,
} from '../../lambdas/adapters/table-layout.js';

describe('table keys', () => {
  it('builds the contract keys unchanged for ordinary identifiers', () => {
    expect(patientPk({ namespace: 'SYNTH_HOSP', mrn: 'SYN123' })).toBe('PATIENT#SYNTH_HOSP#SYN123');
    expect(observationSk('2026-07-26T23:44:14.000Z', 'LAB', 'CTL1', '3')).toBe(
      'OBS#2026-07-26T23:44:14.000Z#LAB#CTL1#3',
    );
    expect(messagePk('LAB', 'CTL1')).toBe('MSG#LAB#CTL1');
    expect(alertSk('RESULT_UNREADABLE', 'OBS#x')).toBe('ALERT#RESULT_UNREADABLE#OBS%23x');
  });

  it('keeps an MRN containing # from colliding with another namespace', () => {
    expect(patientPk({ namespace: 'A#B', mrn: 'C' })).not.toBe(patientPk({ namespace: 'A', mrn: 'B#C' }));
    expect(unescapeKeyPart(keyPart('50%#x'))).toBe('50%#x');
  });

  it('bounds a prefix range above every key with that prefix and below the next kind', () => {
    const upper = prefixUpperBound('OBS#');
    expect('OBS#9999-12-31T23:59:59.999Z#~' < upper).toBe(true);
    expect(upper < 'PROFILE').toBe(true);
  });
});
