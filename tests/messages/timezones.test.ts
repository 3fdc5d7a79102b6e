import { describe, expect, it } from 'vitest';
import { hospitalConfig, modelled, observations, oruMessage } from './support.js';

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
