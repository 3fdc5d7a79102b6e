/**
 * The timeline's medication bars (pure): one bar per order of a class the
 * timeline shows, in steps of one status and daily dose, so a cinacalcet
 * titration reads as 30 → 60 → 90 mg and a stop ends the bar.
 */
import { describe, expect, it } from 'vitest';
import type { MedicationOrderEvent, StoredRecord } from '../../lambdas/domain/records.js';
import { medicationBars } from '../../lambdas/workflows/console.js';
import { warfarinOrder } from '../support/synthetic-records.js';

const cinacalcet = (orderControl: string, eventAt: string, dailyDoseMg?: number): StoredRecord => {
  const record: MedicationOrderEvent = warfarinOrder({
    orderControl,
    eventAt,
    placerOrderNumber: 'C1',
    drugText: 'Cinacalcet 30 MG Oral Tablet',
    medicationClass: 'calcimimetic',
    ingredient: 'cinacalcet',
    startAt: undefined,
    ...(dailyDoseMg === undefined
      ? { dailyDoseMg: undefined, doseMg: undefined }
      : { dailyDoseMg, doseMg: dailyDoseMg }),
  });
  return { recordId: `HIST#${eventAt}#MED#X#${orderControl}#1`, receivedAt: eventAt, record };
};

const from = new Date('2026-01-01T00:00:00.000Z');
const to = new Date('2027-01-01T00:00:00.000Z');
const now = to;

describe('medicationBars', () => {
  it('steps cinacalcet through its doses and ends it on DC', () => {
    const bars = medicationBars(
      [
        cinacalcet('NW', '2026-02-01T00:00:00.000Z', 30),
        cinacalcet('XO', '2026-03-01T00:00:00.000Z', 60),
        cinacalcet('HD', '2026-03-20T00:00:00.000Z'),
        cinacalcet('RL', '2026-03-25T00:00:00.000Z'),
        cinacalcet('XO', '2026-04-01T00:00:00.000Z', 90),
        cinacalcet('DC', '2026-05-01T00:00:00.000Z'),
      ],
      [],
      from,
      to,
      now,
    );
    expect(bars).toHaveLength(1);
    expect(bars[0]?.medicationClass).toBe('calcimimetic');
    expect(bars[0]?.steps).toEqual([
      { from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z', status: 'active', dailyDoseMg: 30 },
      { from: '2026-03-01T00:00:00.000Z', to: '2026-03-20T00:00:00.000Z', status: 'active', dailyDoseMg: 60 },
      { from: '2026-03-20T00:00:00.000Z', to: '2026-03-25T00:00:00.000Z', status: 'held', dailyDoseMg: 60 },
      { from: '2026-03-25T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', status: 'active', dailyDoseMg: 60 },
      { from: '2026-04-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z', status: 'active', dailyDoseMg: 90 },
    ]);
  });

  it('draws an order placed before the period from its stored state, and leaves out other classes', () => {
    const bars = medicationBars(
      [],
      [
        {
          orderId: 'W0',
          medicationClass: 'vitaminKAntagonist',
          ingredient: 'warfarin',
          drugText: 'warfarin 5 MG',
          status: 'active',
          dailyDoseMg: 5,
          startedAt: '2025-06-01T00:00:00.000Z',
        },
        {
          orderId: 'S0',
          medicationClass: 'nonCalciumBinder',
          drugText: 'sevelamer 800 MG',
          status: 'active',
          startedAt: '2025-06-01T00:00:00.000Z',
        },
      ],
      from,
      to,
      now,
    );
    expect(bars).toEqual([
      {
        orderId: 'W0',
        medicationClass: 'vitaminKAntagonist',
        ingredient: 'warfarin',
        drugText: 'warfarin 5 MG',
        steps: [{ from: '2025-06-01T00:00:00.000Z', status: 'active', dailyDoseMg: 5 }],
      },
    ]);
  });

  it('ends a bar at the order end time once it has passed', () => {
    const course = warfarinOrder({
      placerOrderNumber: 'T1',
      drugText: 'Sodium Thiosulfate 25 G',
      medicationClass: 'sodiumThiosulfate',
      ingredient: 'sodium thiosulfate',
      eventAt: '2026-06-01T00:00:00.000Z',
      startAt: '2026-06-01T00:00:00.000Z',
      endAt: '2026-08-01T00:00:00.000Z',
    });
    const bars = medicationBars(
      [{ recordId: 'HIST#T1', receivedAt: course.eventAt, record: course }],
      [],
      from,
      to,
      now,
    );
    expect(bars[0]?.steps).toEqual([
      { from: '2026-06-01T00:00:00.000Z', to: '2026-08-01T00:00:00.000Z', status: 'active', dailyDoseMg: 5 },
    ]);
  });
});
