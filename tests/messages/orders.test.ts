import { describe, expect, it } from 'vitest';
import type { MedicationOrderEvent } from '../../lambdas/domain/records.js';
import { fixture, hospitalConfig, messageOf, modelled, orders } from './support.js';

const only = (name: string): MedicationOrderEvent => {
  const events = orders(modelled(fixture(name)));
  expect(events).toHaveLength(1);
  return events[0] as MedicationOrderEvent;
};

describe('Rule inputs for VKA_ACTIVE: warfarin orders', () => {
  it('RDE NW (rde-warfarin-nw.hl7): every field of the event', () => {
    expect(only('rde-warfarin-nw.hl7')).toEqual({
      kind: 'medicationOrder',
      source: {
        facility: 'NORTHSIDE DIALYSIS',
        controlId: 'RX40001',
        messageType: 'RDE^O11',
        sentAt: '2026-03-02T15:30:00.000Z',
      },
      segment: 'RXE',
      orderControl: 'NW',
      orderStatus: 'IP',
      placerOrderNumber: 'ORD50001',
      fillerOrderNumber: 'RXF50001',
      drugCode: '855332',
      drugCodeSystem: 'RXNORM',
      drugText: 'Warfarin Sodium 5 MG Oral Tablet',
      medicationClass: 'vitaminKAntagonist',
      ingredient: 'warfarin',
      doseMg: 5,
      dosesPerDay: 1,
      dailyDoseMg: 5,
      frequency: 'QD',
      startAt: '2026-03-03T00:00:00.000Z',
      eventAt: '2026-03-02T15:25:00.000Z',
    });
  });

  it('RDE DC (rde-warfarin-dc.hl7) ends the same order: ORC-1 kept as sent, TQ1-8 end time', () => {
    expect(only('rde-warfarin-dc.hl7')).toMatchObject({
      orderControl: 'DC',
      orderStatus: 'DC',
      placerOrderNumber: 'ORD50001',
      fillerOrderNumber: 'RXF50001',
      ingredient: 'warfarin',
      endAt: '2026-03-05T20:05:00.000Z',
      eventAt: '2026-03-05T20:05:00.000Z',
    });
  });

  it('an RxNorm ingredient code in the alternate triplet is matched', () => {
    const message = messageOf(
      'RDE^O11^RDE_O11',
      'ORC|NW|ORD1|||||||20260301100000-0600\rRXE||LOC-1^ANTICOAG TAB^LOCALRX^11289^^RXNORM|2||mg',
    );
    expect(orders(modelled(message))[0]).toMatchObject({
      drugCode: 'LOC-1',
      drugCodeSystem: 'LOCALRX',
      drugText: 'ANTICOAG TAB',
      medicationClass: 'vitaminKAntagonist',
      ingredient: 'warfarin',
    });
  });
});

describe('Rule inputs for PTH_TITRATE_CINACALCET: cinacalcet doses', () => {
  it('NW 30 mg QD by the hospital local drug code (rde-cinacalcet-nw.hl7)', () => {
    expect(only('rde-cinacalcet-nw.hl7')).toMatchObject({
      orderControl: 'NW',
      drugCode: 'PH-7731',
      drugCodeSystem: 'LOCALRX',
      medicationClass: 'calcimimetic',
      ingredient: 'cinacalcet',
      doseMg: 30,
      dosesPerDay: 1,
      dailyDoseMg: 30,
      frequency: 'QD',
      startAt: '2026-01-16T14:00:00.000Z',
      eventAt: '2026-01-15T16:25:00.000Z',
    });
  });

  it('XO 60 mg with v2.3 RXE-1 quantity/timing (rde-cinacalcet-xo.hl7)', () => {
    expect(only('rde-cinacalcet-xo.hl7')).toMatchObject({
      orderControl: 'XO',
      placerOrderNumber: 'ORD50003',
      ingredient: 'cinacalcet',
      doseMg: 60,
      dailyDoseMg: 60,
      frequency: 'QD',
      startAt: '2026-02-13T14:00:00.000Z',
    });
  });

  it.each([
    ['BID', 2, 60],
    ['Q12H', 2, 60],
    ['TID', 3, 90],
    ['QOD', 0.5, 15],
    ['PRN', 1, 30], // unknown: once daily, code kept
  ])('TQ1-3 %s gives %d doses a day, %d mg a day', (code, perDay, daily) => {
    const message = messageOf(
      'RDE^O11^RDE_O11',
      `ORC|NW|ORD1|||||||20260301100000-0600\rRXE||^cinacalcet 30 MG Oral Tablet|30||mg\rTQ1|1||${code}`,
    );
    expect(orders(modelled(message))[0]).toMatchObject({
      frequency: code,
      dosesPerDay: perDay,
      dailyDoseMg: daily,
    });
  });

  it('without a frequency the order counts once daily', () => {
    const message = messageOf(
      'RDE^O11^RDE_O11',
      'ORC|NW|ORD1|||||||20260301100000-0600\rRXE||^cinacalcet 90 MG|90||mg',
    );
    const [event] = orders(modelled(message));
    expect(event).toMatchObject({ dosesPerDay: 1, dailyDoseMg: 90 });
    expect(event?.frequency).toBeUndefined();
  });

  it('a give unit that is not a mass (TAB) gives no dose in mg', () => {
    const message = messageOf(
      'RDE^O11^RDE_O11',
      'ORC|NW|ORD1|||||||20260301100000-0600\rRXE||^cinacalcet 30 MG|1||TAB',
    );
    const [event] = orders(modelled(message));
    expect(event?.doseMg).toBeUndefined();
    expect(event?.dailyDoseMg).toBeUndefined();
  });
});

describe('Rule inputs for THIOSULFATE_NOT_STARTED: sodium thiosulfate', () => {
  it('25 g on Monday, Wednesday and Friday is 3/7 of a dose per day (rde-thiosulfate.hl7)', () => {
    const event = only('rde-thiosulfate.hl7');
    expect(event).toMatchObject({
      medicationClass: 'sodiumThiosulfate',
      ingredient: 'sodium thiosulfate',
      doseMg: 25000,
      frequency: 'Q1J135',
      startAt: '2026-03-04T14:00:00.000Z',
      endAt: '2026-08-31T13:00:00.000Z',
    });
    expect(event.dosesPerDay).toBeCloseTo(3 / 7, 12);
    expect(event.dailyDoseMg).toBeCloseTo((25000 * 3) / 7, 6);
  });

  it('an administration (RAS^O17, ras-thiosulfate.hl7) takes its time from RXA-3 when ORC-9 is empty', () => {
    expect(only('ras-thiosulfate.hl7')).toMatchObject({
      segment: 'RXA',
      orderControl: 'RE',
      placerOrderNumber: 'ORD50005',
      fillerOrderNumber: 'RXF50005',
      ingredient: 'sodium thiosulfate',
      doseMg: 25000,
      dosesPerDay: 1,
      eventAt: '2026-03-04T20:00:00.000Z',
    });
  });
});

describe('Rule inputs for CALCIUM_BINDER_ACTIVE and ACTIVE_VITAMIN_D (rde-binder-vitamin-d.hl7)', () => {
  const [binder, vitaminD] = orders(modelled(fixture('rde-binder-vitamin-d.hl7')));

  it('two order groups give two events', () => {
    expect([binder?.placerOrderNumber, vitaminD?.placerOrderNumber]).toEqual(['ORD50006', 'ORD50007']);
  });

  it('calcium acetate 1334 mg TID is a calcium-based binder, 4002 mg a day', () => {
    expect(binder).toMatchObject({
      medicationClass: 'calciumBinder',
      ingredient: 'calcium acetate',
      doseMg: 1334,
      dosesPerDay: 3,
      dailyDoseMg: 4002,
    });
  });

  it('calcitriol 0.25 ug every other day is active vitamin D, 0.00025 mg a dose', () => {
    expect(vitaminD).toMatchObject({
      medicationClass: 'activeVitaminD',
      ingredient: 'calcitriol',
      doseMg: 0.00025,
      dosesPerDay: 0.5,
      dailyDoseMg: 0.000125,
    });
  });
});

describe('other pharmacy messages', () => {
  it('OMP^O09 reads the requested drug from RXO', () => {
    const message = messageOf(
      'OMP^O09^OMP_O09',
      'ORC|NW|ORD9|||||||20260301100000-0600\rTQ1|1||BID\rRXO|PH-7731^CINACALCET 30MG TAB^LOCALRX|30||mg',
    );
    expect(orders(modelled(message))[0]).toMatchObject({
      segment: 'RXE',
      ingredient: 'cinacalcet',
      doseMg: 30,
      dailyDoseMg: 60,
      eventAt: '2026-03-01T16:00:00.000Z',
    });
  });

  it('RDS^O13 reads the dispensed drug from RXD; tablets give no mg', () => {
    const message = messageOf(
      'RDS^O13^RDS_O13',
      'ORC|RE|ORD10|RXF10||||||20260301100000-0600\rRXD|1|855332^Warfarin Sodium 5 MG Oral Tablet^RXNORM|20260301|30|TAB^Tablet',
    );
    const [event] = orders(modelled(message));
    expect(event).toMatchObject({ segment: 'RXD', orderControl: 'RE', ingredient: 'warfarin' });
    expect(event?.doseMg).toBeUndefined();
  });

  it('without ORC-9 (and no RXA) the event time is MSH-7', () => {
    const message = messageOf(
      'RDE^O11^RDE_O11',
      'ORC|NW|ORD1\rRXE||^apixaban 2.5 MG|2.5||mg',
      '20260301100000-0600',
    );
    expect(orders(modelled(message))[0]).toMatchObject({
      ingredient: 'apixaban',
      eventAt: '2026-03-01T16:00:00.000Z',
    });
  });

  it('a drug the rules do not know is stored without a class', () => {
    const [event] = orders(modelled(fixtureLess('^heparin 1000 UNT/ML|2000||[iU]')));
    expect(event?.medicationClass).toBeUndefined();
    expect(event?.ingredient).toBeUndefined();
    expect(event?.drugText).toBe('heparin 1000 UNT/ML');
  });

  it('an unreadable end time is left out rather than rejecting the order', () => {
    const message = messageOf(
      'RDE^O11^RDE_O11',
      'ORC|NW|ORD1|||||||20260301100000-0600\rRXE||^warfarin 5 MG|5||mg\rTQ1|1||QD||||20260301|2026-04-01',
    );
    const [event] = orders(modelled(message, hospitalConfig()));
    expect(event?.startAt).toBe('2026-03-01T06:00:00.000Z');
    expect(event?.endAt).toBeUndefined();
  });
});

function fixtureLess(rxe: string) {
  return messageOf('RDE^O11^RDE_O11', `ORC|NW|ORD1|||||||20260301100000-0600\rRXE||${rxe}`);
}

describe('HL7 v2.3 pharmacy feeds: RDE^O01, RDS^O01 and RAS^O01 read as their v2.5 events', () => {
  it('a v2.3 RDE^O01 (RXE-1 timing, no TQ1, times without offset) gives the same order event as the v2.5 RDE^O11', () => {
    // The same warfarin order as rde-warfarin-nw.hl7, as a v2.3 pharmacy system sends it;
    // its times carry no offset, so they are read in the hospital's zone (America/Chicago, CST).
    const { source: v23Source, ...v23 } = only('rde-o01-v23-warfarin-nw.hl7');
    const { source: v25Source, ...v25 } = only('rde-warfarin-nw.hl7');
    expect(v23).toEqual(v25);
    expect(v23Source).toEqual({ ...v25Source, controlId: 'PS880123', messageType: 'RDE^O01' });
  });

  it('reads the timing from ORC-7 when RXE-1 is empty (v2.3 senders that fill only the order)', () => {
    const message = messageOf(
      'RDE^O01',
      'ORC|NW|ORD1|||||1^BID^^20260301080000-0600||20260301100000-0600\rRXE||^cinacalcet 30 MG Oral Tablet|30||mg',
    );
    expect(orders(modelled(message))[0]).toMatchObject({
      frequency: 'BID',
      dosesPerDay: 2,
      dailyDoseMg: 60,
      startAt: '2026-03-01T14:00:00.000Z',
    });
  });

  it('RXE-1 wins over ORC-7 and TQ1 when they differ (the give segment is the most specific)', () => {
    const message = messageOf(
      'RDE^O01',
      'ORC|NW|ORD1|||||1^BID||20260301100000-0600\rRXE|1^TID|^cinacalcet 30 MG Oral Tablet|30||mg\rTQ1|1||QD',
    );
    expect(orders(modelled(message))[0]).toMatchObject({ frequency: 'TID', dosesPerDay: 3 });
  });

  it('a v2.3 RDS^O01 reads the dispense (RXD) and a v2.3 RAS^O01 the administration (RXA)', () => {
    const dispensed = messageOf(
      'RDS^O01',
      'ORC|RE|ORD7|RXF7|||||20260301100000-0600\rRXE|1^QD|^cinacalcet 30 MG Oral Tablet|30||mg\rRXD|1|^cinacalcet 30 MG Oral Tablet|20260301100000-0600|30|mg',
    );
    expect(orders(modelled(dispensed))).toEqual([
      expect.objectContaining({ segment: 'RXD', ingredient: 'cinacalcet', doseMg: 30, frequency: 'QD' }),
    ]);
    const administered = messageOf(
      'RAS^O01',
      'ORC|RE|ORD8|RXF8\rRXA|0|1|20260304140000-0600|20260304144500-0600|^Sodium Thiosulfate 250 MG/ML Injectable Solution|25000|mg',
    );
    expect(orders(modelled(administered))).toEqual([
      expect.objectContaining({
        segment: 'RXA',
        ingredient: 'sodium thiosulfate',
        eventAt: '2026-03-04T20:00:00.000Z',
      }),
    ]);
  });
});
