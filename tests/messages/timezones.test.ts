import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  diagnoses,
  hospitalConfig,
  messageOf,
  modelled,
  observations,
  orders,
  oruMessage,
} from './support.js';

const observedAt = (obx14: string, timeZone = 'America/Chicago'): string | undefined => {
  const message = oruMessage({
    body: `OBR|1|P1|F1|24362-6^Renal panel^LN\rOBX|1|NM|17861-6^Calcium^LN||8.9|mg/dL|||||F|||${obx14}`,
  });
  return observations(modelled(message, hospitalConfig({ timeZone })))[0]?.observedAt;
};

describe('observation time: no-offset times are in the hospital zone', () => {
  it.each([
    ['20260115080000', '2026-01-15T14:00:00.000Z'], // CST, UTC-6
    ['20260715080000', '2026-07-15T13:00:00.000Z'], // CDT, UTC-5
    ['20260308013000', '2026-03-08T07:30:00.000Z'], // the DST day, before the 02:00 switch
    ['20260308033000', '2026-03-08T08:30:00.000Z'], // the DST day, after it
    ['20261101013000', '2026-11-01T06:30:00.000Z'], // fall back: the repeated hour is read as its first (CDT) pass
    ['202601150800', '2026-01-15T14:00:00.000Z'], // minutes precision
    ['20260115080000-0300', '2026-01-15T11:00:00.000Z'], // a sent offset wins over the zone
  ])('%s in America/Chicago is %s', (raw, iso) => {
    expect(observedAt(raw)).toBe(iso);
  });

  it('the same wall time elsewhere is another instant', () => {
    expect(observedAt('20260715080000', 'Europe/Berlin')).toBe('2026-07-15T06:00:00.000Z');
  });
});

/**
 * Every time the model reads, in one hospital zone (America/New_York): a sent
 * offset is honoured, a time without one is the hospital's wall clock, never
 * the server's (process.env.TZ is set to another zone for the whole block).
 */
describe('every clinical time honours a sent offset and reads a bare time in the hospital zone', () => {
  const newYork = hospitalConfig({ timeZone: 'America/New_York' });

  /** Each time field the model reads, all sent as `raw`, as the model read them. */
  function timesRead(raw: string): Record<string, string | undefined> {
    const result = modelled(
      oruMessage({
        sentAt: raw,
        body: `OBR|1|P1|F1|24362-6^Renal panel^LN|||${raw}\rOBX|1|NM|17861-6^Calcium^LN||8.9|mg/dL|||||F|||${raw}\rOBX|2|NM|2731-8^PTH^LN||300|pg/mL|||||F`,
      }),
      newYork,
    );
    const [withObx14, withObr7Only] = observations(result);
    const order = orders(
      modelled(
        messageOf(
          'RDE^O11^RDE_O11',
          `ORC|NW|ORD1|||||||${raw}\rRXE|1^QD^^${raw}^${raw}|^cinacalcet 30 MG Oral Tablet|30||mg`,
        ),
        newYork,
      ),
    )[0];
    const diagnosis = diagnoses(
      modelled(messageOf('ADT^A08^ADT_A01', `DG1|1||237900002^Calciphylaxis^SCT||${raw}|F`), newYork),
    )[0];
    return {
      'MSH-7': result.source.sentAt,
      'OBX-14': withObx14?.observedAt,
      'OBR-7': withObr7Only?.observedAt,
      'ORC-9': order?.eventAt,
      'RXE-1 start': order?.startAt,
      'RXE-1 end': order?.endAt,
      'DG1-5': diagnosis?.diagnosedAt,
    };
  }

  const allFields = (iso: string) => ({
    'MSH-7': iso,
    'OBX-14': iso,
    'OBR-7': iso,
    'ORC-9': iso,
    'RXE-1 start': iso,
    'RXE-1 end': iso,
    'DG1-5': iso,
  });

  const serverZone = process.env.TZ;
  beforeAll(() => {
    // A server far from the hospital: if anything read a bare time on the server's clock, it would show.
    process.env.TZ = 'Asia/Kolkata';
    expect(new Date(2026, 11, 3, 8, 30).toISOString()).toBe('2026-12-03T03:00:00.000Z');
  });
  afterAll(() => {
    if (serverZone === undefined) delete process.env.TZ;
    else process.env.TZ = serverZone;
  });

  it.each([
    ['20261203083000', '2026-12-03T13:30:00.000Z'], // no offset: EST, UTC-5
    ['20261203083000-0500', '2026-12-03T13:30:00.000Z'], // the same instant, said explicitly
    ['20261203083000+0100', '2026-12-03T07:30:00.000Z'], // a sender in Central Europe: its offset wins
    ['20260308013000', '2026-03-08T06:30:00.000Z'], // spring forward day, before 02:00: still EST
    ['20260308030000', '2026-03-08T07:00:00.000Z'], // the first minute of EDT, UTC-4
    ['20260308023000', '2026-03-08T07:30:00.000Z'], // 02:30 does not exist that day: read as 03:30 EDT
    ['20261101013000', '2026-11-01T05:30:00.000Z'], // fall back: the repeated 01:30 is its first (EDT) pass
    ['20261101013000-0500', '2026-11-01T06:30:00.000Z'], // the second pass, when the sender says so
  ])('%s is %s in every field', (raw, iso) => {
    expect(timesRead(raw)).toEqual(allFields(iso));
  });
});
