import { describe, expect, it } from 'vitest';
import { parseHl7Timestamp } from '../../lambdas/hl7/index.js';

const iso = (raw: string, zone = 'UTC'): string => {
  const reading = parseHl7Timestamp(raw, zone);
  if (!reading.ok) throw new Error(reading.reason);
  return reading.iso;
};

describe('parseHl7Timestamp', () => {
  it.each([
    ['20260726184414-0500', '2026-07-26T23:44:14.000Z'],
    ['20260522172507+0100', '2026-05-22T16:25:07.000Z'],
    ['20260125200637-0330', '2026-01-25T23:36:37.000Z'],
    ['20260101000000+1400', '2025-12-31T10:00:00.000Z'],
    ['20260726184414+0000', '2026-07-26T18:44:14.000Z'],
  ])('applies the offset of %s', (raw, expected) => {
    // The zone argument must not matter when the value carries an offset.
    expect(iso(raw, 'Asia/Tokyo')).toBe(expected);
  });

  it.each([
    ['20260726184414.1', '2026-07-26T18:44:14.100Z'],
    ['20260726184414.12', '2026-07-26T18:44:14.120Z'],
    ['20260726184414.1234', '2026-07-26T18:44:14.123Z'],
    ['20260726184414.9999+0100', '2026-07-26T17:44:14.999Z'],
  ])('reads fractional seconds of %s (truncated to ms)', (raw, expected) => {
    expect(iso(raw)).toBe(expected);
  });

  it.each([
    ['2026', '2026-01-01T00:00:00.000Z'],
    ['202607', '2026-07-01T00:00:00.000Z'],
    ['20260726', '2026-07-26T00:00:00.000Z'],
    ['2026072618', '2026-07-26T18:00:00.000Z'],
    ['202607261844', '2026-07-26T18:44:00.000Z'],
    ['202607261844-0500', '2026-07-26T23:44:00.000Z'],
    ['20240229', '2024-02-29T00:00:00.000Z'],
  ])('reads the reduced precision %s as its first instant', (raw, expected) => {
    expect(iso(raw)).toBe(expected);
  });

  describe('values without offset, in the hospital zone', () => {
    it.each([
      ['20260115083000', 'America/Chicago', '2026-01-15T14:30:00.000Z'], // CST, -6
      ['20260715083000', 'America/Chicago', '2026-07-15T13:30:00.000Z'], // CDT, -5
      ['20260715083000', 'Europe/Berlin', '2026-07-15T06:30:00.000Z'], // CEST, +2
      ['20260715083000', 'Asia/Kolkata', '2026-07-15T03:00:00.000Z'], // +5:30, no DST
      ['20260715083000', 'UTC', '2026-07-15T08:30:00.000Z'],
      ['20260308015959', 'America/Chicago', '2026-03-08T07:59:59.000Z'], // last second of CST
      ['20260308030000', 'America/Chicago', '2026-03-08T08:00:00.000Z'], // first second of CDT
    ])('%s in %s', (raw, zone, expected) => {
      expect(iso(raw, zone)).toBe(expected);
    });

    it('moves a time skipped by spring-forward ahead by the gap (02:30 does not exist on 8 March 2026)', () => {
      expect(iso('20260308023000', 'America/Chicago')).toBe('2026-03-08T08:30:00.000Z'); // = 03:30 CDT
    });

    it('takes the earlier of a time that occurs twice at fall-back (01:30 on 1 November 2026)', () => {
      expect(iso('20261101013000', 'America/Chicago')).toBe('2026-11-01T06:30:00.000Z'); // CDT
      expect(iso('20261101023000', 'America/Chicago')).toBe('2026-11-01T08:30:00.000Z'); // after the repeat: CST
    });

    it('handles a 30-minute DST shift (Lord Howe Island)', () => {
      expect(iso('20260115120000', 'Australia/Lord_Howe')).toBe('2026-01-15T01:00:00.000Z'); // +11
      expect(iso('20260715120000', 'Australia/Lord_Howe')).toBe('2026-07-15T01:30:00.000Z'); // +10:30
    });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'not an HL7 timestamp'],
    ['202', 'not an HL7 timestamp'],
    ['2026072', 'not an HL7 timestamp'],
    ['20261301', 'month'],
    ['20260001', 'month'],
    ['20260230', 'day'],
    ['20250229', 'day'],
    ['2026072624', 'hour'],
    ['202607261860', 'minute'],
    ['20260726184460', 'second'],
    ['20260726184414+1500', 'offset'],
    ['20260726184414-0560', 'offset'],
    ['20260726184414+05', 'not an HL7 timestamp'],
    ['20260726184414.', 'not an HL7 timestamp'],
    ['2026-07-26T18:44:14Z', 'not an HL7 timestamp'],
  ])('fails on %j without throwing (%s)', (raw, reason) => {
    const reading = parseHl7Timestamp(raw, 'America/Chicago');
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.reason).toContain(reason);
  });

  it('fails on an unknown zone only when the zone is needed', () => {
    const reading = parseHl7Timestamp('20260715083000', 'Mars/Olympus_Mons');
    expect(reading).toEqual({ ok: false, reason: 'unknown time zone Mars/Olympus_Mons' });
    expect(iso('20260715083000-0500', 'Mars/Olympus_Mons')).toBe('2026-07-15T13:30:00.000Z');
  });
});
