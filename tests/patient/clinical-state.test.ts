/**
 * The durable clinical state (cohort membership and medication orders) is folded forward one message
 * at a time and stored. Folding message by message must give exactly what a rebuild from the whole
 * record gives, and it must stay small however long the patient is followed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../lambdas/domain/records.js';
import {
  applyEnrolment,
  applyRecords,
  type ClinicalState,
  emptyClinicalState,
  rebuildClinicalState,
} from '../../lambdas/patient/clinical-state.js';
import { retainedDoseChanges } from '../../lambdas/patient/medication-orders.js';
import {
  cinacalcet,
  config,
  day,
  diagnosis,
  enrol,
  removal,
  thiosulfate,
  warfarin,
} from '../rules/factories.js';

const controls = ['NW', 'XO', 'RL', 'DC', 'CA', 'HD', 'RE'] as const;
const orderIds = ['ORD-A', 'ORD-B', 'ORD-C'] as const;

/** One order event, at a day of the timeline; the drug follows the order id so an order keeps its drug. */
const orderEvent = fc.record({
  orderIndex: fc.integer({ min: 0, max: orderIds.length - 1 }),
  control: fc.constantFrom(...controls),
  doseMg: fc.constantFrom(30, 60, 90),
  endInDays: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
});

function eventsOf(generated: { orderIndex: number; control: string; doseMg: number; endInDays?: number }[]) {
  return generated.map((event, index): StoredRecord => {
    const options = {
      id: orderIds[event.orderIndex],
      control: event.control,
      at: day(index * 7),
      ...(event.endInDays === undefined ? {} : { endAt: day(index * 7 + event.endInDays) }),
    };
    if (event.orderIndex === 0) return cinacalcet(event.doseMg, options);
    if (event.orderIndex === 1) return warfarin(options);
    return thiosulfate(options);
  });
}

describe('clinical state: folded per message equals rebuilt from the whole record', () => {
  it('holds for any order events split into any messages (property)', () => {
    fc.assert(
      fc.property(
        fc.array(orderEvent, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 40 }),
        (generated, messageSizes) => {
          const records = eventsOf(generated);
          let folded: ClinicalState = emptyClinicalState;
          let start = 0;
          for (let message = 0; start < records.length; message++) {
            const size = messageSizes[message % messageSizes.length] ?? 1;
            folded = applyRecords(folded, records.slice(start, start + size), config);
            start += size;
          }
          expect(folded).toEqual(rebuildClinicalState(records, [], config));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('does not change the state it is given (a retried write recomputes from the same read)', () => {
    const first = applyRecords(emptyClinicalState, [warfarin({ id: 'ORD-W', at: day(0) })], config);
    const snapshot = structuredClone(first);
    applyRecords(first, [warfarin({ id: 'ORD-W', control: 'DC', at: day(1) })], config);
    expect(first).toEqual(snapshot);
  });
});

describe('clinical state: cohort membership', () => {
  it('a diagnosis puts the patient in; a removal takes them out; a later diagnosis does not bring them back', () => {
    const dx = diagnosis({ receivedAt: day(0) });
    const entered = applyRecords(emptyClinicalState, [dx], config);
    expect(entered.cohort).toEqual({
      inCohort: true,
      enteredAt: day(0),
      via: 'diagnosis',
      entryRecordId: dx.recordId,
    });
    const removed = applyEnrolment(entered, removal(day(10)));
    expect(removed.cohort).toEqual({ inCohort: false, removedAt: day(10) });
    expect(applyRecords(removed, [diagnosis({ receivedAt: day(20) })], config).cohort.inCohort).toBe(false);
    expect(applyEnrolment(removed, enrol(day(30))).cohort).toMatchObject({
      inCohort: true,
      enteredAt: day(30),
      via: 'admin',
      enteredBy: 'admin-7',
    });
  });
});

describe('clinical state: stays small however long the patient is followed', () => {
  it('drops orders ended more than 400 days before the latest event, keeps active ones of any age', () => {
    const records = [
      warfarin({ id: 'ORD-OLD', at: day(0) }),
      warfarin({ id: 'ORD-OLD', control: 'DC', at: day(10) }),
      cinacalcet(30, { id: 'ORD-CIN', at: day(5) }),
      thiosulfate({ id: 'ORD-NEW', at: day(410.01) }),
    ];
    const state = rebuildClinicalState(records, [], config);
    expect(state.medications.orders.map((order) => order.orderId).sort()).toEqual(['ORD-CIN', 'ORD-NEW']);
    // What the rules need from the dropped order survives it.
    expect(state.medications.lastActiveAt.vitaminKAntagonist).toBe(day(10));
  });

  it('an order ended exactly 400 days before the latest event is kept', () => {
    const records = [
      warfarin({ id: 'ORD-W', at: day(0) }),
      warfarin({ id: 'ORD-W', control: 'DC', at: day(10) }),
      thiosulfate({ id: 'ORD-T', at: day(410) }),
    ];
    const kept = rebuildClinicalState(records, [], config).medications.orders.map((order) => order.orderId);
    expect(kept).toContain('ORD-W');
  });

  it(`keeps the last ${retainedDoseChanges} cinacalcet dose changes`, () => {
    const doses = [30, 60, 90];
    const records = Array.from({ length: 40 }, (_, index) =>
      cinacalcet(doses[index % 3], {
        id: 'ORD-CIN',
        control: index === 0 ? 'NW' : 'XO',
        at: day(index * 14),
      }),
    );
    const { cinacalcetDoses } = rebuildClinicalState(records, [], config).medications;
    expect(cinacalcetDoses).toHaveLength(retainedDoseChanges);
    expect(cinacalcetDoses.at(-1)).toMatchObject({ kind: 'change', at: day(39 * 14), dailyDoseMg: 30 });
  });
});
