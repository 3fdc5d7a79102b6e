import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../lambdas/domain/records.js';
import {
  calcitriol,
  cinacalcet,
  day,
  medicationOrder,
  openAlert,
  stateOf,
  warfarin,
} from '../rules/factories.js';

const order = (state: ReturnType<typeof stateOf>, id: string) => state.medicationOrders.get(id);

describe('medication orders', () => {
  it.each([
    ['NW', 'active'],
    ['XO', 'active'],
    ['RL', 'active'],
    ['SC', 'active'],
    ['DC', 'ended'],
    ['CA', 'ended'],
    ['OD', 'ended'],
    ['HD', 'held'],
  ])('ORC-1 %s leaves the order %s', (control, status) => {
    const state = stateOf({
      records: [warfarin({ id: 'ORD1', at: day(0) }), warfarin({ id: 'ORD1', control, at: day(2) })],
    });
    expect(order(state, 'ORD1')?.status).toBe(status);
  });

  it('records start, end and last event of an order', () => {
    const state = stateOf({
      records: [warfarin({ id: 'ORD1', at: day(0) }), warfarin({ id: 'ORD1', control: 'DC', at: day(2) })],
    });
    expect(order(state, 'ORD1')).toMatchObject({
      orderId: 'ORD1',
      medicationClass: 'vitaminKAntagonist',
      ingredient: 'warfarin',
      dailyDoseMg: 5,
      startedAt: day(0),
      endedAt: day(2),
      lastEventAt: day(2),
      lastOrderControl: 'DC',
    });
  });

  it('a held order released (RL) is active again', () => {
    const records = [
      warfarin({ id: 'ORD1', at: day(0) }),
      warfarin({ id: 'ORD1', control: 'HD', at: day(1) }),
      warfarin({ id: 'ORD1', control: 'RL', at: day(2) }),
    ];
    expect(order(stateOf({ records }), 'ORD1')?.status).toBe('active');
  });

  it('an order whose end time has passed is ended; before that it is active', () => {
    const records = [warfarin({ id: 'ORD1', at: day(0), endAt: day(10) })];
    expect(order(stateOf({ records, now: day(9) }), 'ORD1')?.status).toBe('active');
    expect(order(stateOf({ records, now: day(10) }), 'ORD1')).toMatchObject({
      status: 'ended',
      endedAt: day(10),
    });
  });

  it('matches events by ORC-2, else by ORC-3', () => {
    const records = [
      warfarin({ id: 'ORD1', filler: 'PH-77', at: day(0) }),
      warfarin({ id: '', filler: 'PH-77', control: 'DC', at: day(1) }),
      warfarin({ id: '', filler: 'PH-88', at: day(2) }),
    ];
    const state = stateOf({ records });
    expect(order(state, 'ORD1')?.status).toBe('ended');
    expect(order(state, 'PH-88')?.status).toBe('active');
    expect(state.medicationOrders.size).toBe(2);
  });

  it('an event that neither starts, ends nor holds an order (RE on an administration) changes nothing', () => {
    const records = [
      warfarin({ id: 'ORD1', at: day(0) }),
      warfarin({ id: 'ORD1', control: 'RE', at: day(1) }),
    ];
    const state = stateOf({ records: [...records, warfarin({ id: 'ORD9', control: 'RE', at: day(1) })] });
    expect(order(state, 'ORD1')?.lastEventAt).toBe(day(0));
    expect(order(state, 'ORD9')).toBeUndefined();
  });

  it('an XO changes the dose; later events without drug details keep what is known', () => {
    const records = [
      calcitriol({ id: 'ORD5', at: day(0), doseMg: 0.25 }),
      calcitriol({ id: 'ORD5', control: 'XO', at: day(3), doseMg: 0.5 }),
      medicationOrder('', undefined, { id: 'ORD5', control: 'SC', at: day(4) }),
    ];
    expect(order(stateOf({ records }), 'ORD5')).toMatchObject({
      dailyDoseMg: 0.5,
      medicationClass: 'activeVitaminD',
    });
  });

  it('an order ordered again after it ended starts a new course', () => {
    const records = [
      warfarin({ id: 'ORD1', at: day(0) }),
      warfarin({ id: 'ORD1', control: 'DC', at: day(2) }),
      warfarin({ id: 'ORD1', at: day(9) }),
    ];
    expect(order(stateOf({ records }), 'ORD1')).toMatchObject({ status: 'active', startedAt: day(9) });
  });
});

describe('cinacalcet dose history', () => {
  const doses = (records: StoredRecord[]) =>
    stateOf({ records }).cinacalcetDoses.map(({ kind, at, dailyDoseMg, previousDailyDoseMg }) => ({
      kind,
      at,
      dailyDoseMg,
      previousDailyDoseMg,
    }));

  it('records the start and each change of daily dose, by XO or by a new order', () => {
    expect(
      doses([
        cinacalcet(30, { id: 'C1', at: day(0) }),
        cinacalcet(60, { id: 'C1', control: 'XO', at: day(20) }),
        cinacalcet(60, { id: 'C1', control: 'SC', at: day(25) }),
        cinacalcet(90, { id: 'C2', at: day(40) }),
        cinacalcet(60, { id: 'C1', control: 'DC', at: day(40) }),
      ]),
    ).toEqual([
      { kind: 'start', at: day(0), dailyDoseMg: 30, previousDailyDoseMg: undefined },
      { kind: 'change', at: day(20), dailyDoseMg: 60, previousDailyDoseMg: 30 },
      { kind: 'change', at: day(40), dailyDoseMg: 90, previousDailyDoseMg: 60 },
    ]);
  });

  it('counts the daily dose, not the dose per administration', () => {
    expect(doses([cinacalcet(30, { at: day(0), dosesPerDay: 2 })])[0]?.dailyDoseMg).toBe(60);
  });

  it('a restart after a hold or a stop is a start; a renewal at the same dose is not a change', () => {
    expect(
      doses([
        cinacalcet(90, { id: 'C1', at: day(0) }),
        cinacalcet(90, { id: 'C1', control: 'HD', at: day(5) }),
        cinacalcet(60, { id: 'C2', at: day(9), startAt: day(10) }),
        cinacalcet(60, { id: 'C3', at: day(30) }),
      ]).map(({ kind, at }) => [kind, at]),
    ).toEqual([
      ['start', day(0)],
      ['start', day(10)],
    ]);
  });

  it('a release without drug details restarts the held cinacalcet order', () => {
    expect(
      doses([
        cinacalcet(60, { id: 'C1', at: day(0) }),
        cinacalcet(60, { id: 'C1', control: 'HD', at: day(3) }),
        medicationOrder('', undefined, { id: 'C1', control: 'RL', at: day(6) }),
      ]).map(({ kind, at }) => [kind, at]),
    ).toEqual([
      ['start', day(0)],
      ['start', day(6)],
    ]);
  });

  it('an order past its end time no longer holds the dose, so the next order is a start', () => {
    expect(
      doses([
        cinacalcet(30, { id: 'C1', at: day(0), endAt: day(5) }),
        cinacalcet(60, { id: 'C2', at: day(8) }),
      ]).map(({ kind }) => kind),
    ).toEqual(['start', 'start']);
  });

  it('ignores other calcimimetics and unknown doses', () => {
    expect(doses([medicationOrder('etelcalcetide', 'calcimimetic', { doseMg: 5 })])).toEqual([]);
    expect(
      doses([
        cinacalcet(undefined, { id: 'C1', at: day(0) }),
        cinacalcet(60, { id: 'C1', control: 'XO', at: day(3) }),
      ]).map(({ kind }) => kind),
    ).toEqual(['start']);
  });

  it('goes by the matched ingredient, not the drug text', () => {
    expect(
      doses([medicationOrder('Cinacalcet', 'calcimimetic', { doseMg: 30 })]).map(({ kind }) => kind),
    ).toEqual(['start']);
    expect(doses([medicationOrder('cinacalcet', undefined, { doseMg: 30 })])).toEqual([]);
  });
});

describe('open alerts', () => {
  it('keeps only open and acknowledged alerts', () => {
    const alerts = (['open', 'acknowledged', 'resolved', 'superseded'] as const).map((state) =>
      openAlert('VKA_ACTIVE', [], { state, openedAt: day(1) }),
    );
    expect(stateOf({ openAlerts: alerts }).openAlerts.map((alert) => alert.state)).toEqual([
      'open',
      'acknowledged',
    ]);
  });
});
