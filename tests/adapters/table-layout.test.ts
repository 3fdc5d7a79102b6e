/** Key shapes other functions and tools rely on (the shared single-table contract). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alertSk,
  auditSk,
  diagnosisSk,
  enrolmentSk,
  historyRange,
  keyPart,
  medicationOrderSk,
  messagePk,
  notificationSk,
  observationSk,
  outboxSk,
  patientPk,
  profileSk,
  unescapeKeyPart,
} from '../../lambdas/table/layout.js';

describe('table keys', () => {
  it('builds the contract keys unchanged for ordinary identifiers', () => {
    expect(patientPk({ namespace: 'SYNTH_HOSP', mrn: 'SYN123' })).toBe('PATIENT#SYNTH_HOSP#SYN123');
    expect(observationSk('2026-07-26T23:44:14.000Z', 'LAB', 'CTL1', '3')).toBe(
      'HIST#2026-07-26T23:44:14.000Z#OBS#LAB#CTL1#3',
    );
    expect(medicationOrderSk('2026-07-01T09:00:00.000Z', 'PHARM', 'CTL2', 2)).toBe(
      'HIST#2026-07-01T09:00:00.000Z#MED#PHARM#CTL2#2',
    );
    expect(diagnosisSk('2026-07-20T10:00:00.000Z', 'ADT', 'CTL3', '1')).toBe(
      'HIST#2026-07-20T10:00:00.000Z#DX#ADT#CTL3#1',
    );
    expect(enrolmentSk('2026-07-28T09:00:00.000Z')).toBe('STATE#ENROL#2026-07-28T09:00:00.000Z');
    expect(profileSk).toBe('STATE#PROFILE');
    expect(outboxSk('CALCIUM_LOW-abc:opened')).toBe('STATE#OUTBOX#CALCIUM_LOW-abc:opened');
    expect(auditSk('2026-07-27T00:00:00.000Z', 'CALCIUM_LOW-abc')).toBe(
      'EVENT#AUDIT#2026-07-27T00:00:00.000Z#CALCIUM_LOW-abc',
    );
    expect(notificationSk('CALCIUM_LOW-abc:opened')).toBe('EVENT#NOTIFY#CALCIUM_LOW-abc:opened');
    expect(messagePk('LAB', 'CENTRAL', 'CTL1')).toBe('MSG#LAB#CENTRAL#CTL1');
    expect(messagePk('', 'CENTRAL', 'CTL1')).not.toBe(messagePk('CENTRAL', '', 'CTL1'));
    expect(alertSk('RESULT_UNREADABLE', 'HIST#x')).toBe('STATE#ALERT#RESULT_UNREADABLE#HIST%23x');
  });

  it('keeps an MRN containing # from colliding with another namespace', () => {
    expect(patientPk({ namespace: 'A#B', mrn: 'C' })).not.toBe(patientPk({ namespace: 'A', mrn: 'B#C' }));
    expect(unescapeKeyPart(keyPart('50%#x'))).toBe('50%#x');
  });
});

describe('the history range (the one Query of loadPatient)', () => {
  const since = '2025-06-27T00:00:00.000Z';
  const sinceMs = Date.parse(since);
  const { from, to } = historyRange(since);
  const inRange = (sk: string) => from <= sk && sk <= to;

  // Any identifier a sender may put in MSH-4, MSH-10 or a set id, escaped as the store escapes it.
  const identifier = fc.string({ minLength: 1, maxLength: 12, unit: 'binary' });
  // Record times within ten years either side of the window start, to the millisecond.
  const recordTime = fc
    .integer({ min: sinceMs - 3_650 * 86_400_000, max: sinceMs + 3_650 * 86_400_000 })
    .map((ms) => new Date(ms).toISOString());
  const recordKey = fc.oneof(
    fc.tuple(recordTime, identifier, identifier, identifier).map(([at, facility, control, set]) => ({
      at,
      sk: observationSk(at, facility, control, set),
    })),
    fc.tuple(recordTime, identifier, identifier, fc.nat(99)).map(([at, facility, control, n]) => ({
      at,
      sk: medicationOrderSk(at, facility, control, n),
    })),
    fc.tuple(recordTime, identifier, identifier, identifier).map(([at, facility, control, set]) => ({
      at,
      sk: `${diagnosisSk(at, facility, control, set)}#2`,
    })),
  );

  it('holds a record exactly when its time is at or after the window start', () => {
    fc.assert(
      fc.property(recordKey, ({ at, sk }) => {
        expect(inRange(sk)).toBe(Date.parse(at) >= sinceMs);
      }),
    );
    expect(inRange(observationSk(since, 'LAB', 'C', '1'))).toBe(true);
    expect(inRange(observationSk(new Date(sinceMs - 1).toISOString(), 'LAB', 'C', '1'))).toBe(false);
  });

  it('holds every state item, however old, and no audit event or sent mark', () => {
    fc.assert(
      fc.property(identifier, identifier, recordTime, (ruleId, scope, at) => {
        expect(inRange(alertSk(ruleId, scope))).toBe(true);
        expect(inRange(enrolmentSk(at))).toBe(true);
        expect(inRange(outboxSk(scope))).toBe(true);
        expect(inRange(auditSk(at, scope))).toBe(false);
        expect(inRange(notificationSk(scope))).toBe(false);
      }),
    );
    expect(inRange(profileSk)).toBe(true);
  });
});
