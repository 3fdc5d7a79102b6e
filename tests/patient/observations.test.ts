import { describe, expect, it } from 'vitest';
import {
  calcium,
  correction,
  day,
  hemoglobin,
  hoursAfter,
  pth,
  result,
  retraction,
  stateOf,
} from '../rules/factories.js';

const values = (state: ReturnType<typeof stateOf>, analyte: 'calcium' | 'pth' = 'calcium') =>
  state.observations[analyte].map((entry) => entry.observation.canonical?.value);

describe('observation history', () => {
  it('keeps each watched analyte newest first by observation time, whatever the arrival order', () => {
    const state = stateOf({
      records: [
        calcium(8.1, { at: day(5) }),
        calcium(8.9, { at: day(1), receivedAt: day(6) }),
        calcium(9.3, { at: day(9) }),
        pth(250, { at: day(2) }),
      ],
    });
    expect(values(state)).toEqual([9.3, 8.1, 8.9]);
    expect(values(state, 'pth')).toEqual([250]);
    expect(state.observations.hemoglobin).toEqual([]);
  });

  it('a correction replaces the earlier result and takes its place in time', () => {
    const original = calcium(7.2, { at: day(3) });
    const corrected = correction(original, 8.2, { at: day(4), receivedAt: day(6) });
    const state = stateOf({
      records: [calcium(9.0, { at: day(1) }), original, calcium(8.5, { at: day(5) }), corrected],
    });
    expect(values(state)).toEqual([8.5, 8.2, 9.0]);
    const entry = state.observations.calcium[1];
    expect(entry).toMatchObject({
      recordId: corrected.recordId,
      observedAt: day(3),
      replacesRecordIds: [original.recordId],
    });
    expect(state.removedObservations.get(original.recordId)).toBe('replaced');
    expect(state.observationsByRecordId.has(original.recordId)).toBe(false);
  });

  it('a final after a preliminary with the same filler number, code and sub-id replaces it', () => {
    const preliminary = calcium(7.3, { at: day(1), status: 'P', filler: 'FIL-1' });
    const final = calcium(7.4, { at: day(1), receivedAt: hoursAfter(day(1), 4), filler: 'FIL-1' });
    expect(
      stateOf({ records: [preliminary, final] }).observations.calcium.map((entry) => entry.recordId),
    ).toEqual([final.recordId]);
  });

  it('results with a different sub-id or no filler number stand side by side', () => {
    const state = stateOf({
      records: [
        calcium(8.0, { filler: 'FIL-2', subId: '1' }),
        calcium(8.1, { filler: 'FIL-2', subId: '2' }),
        calcium(8.2, { filler: '' }),
        calcium(8.3, { filler: '' }),
      ],
    });
    expect(values(state).sort()).toEqual([8.0, 8.1, 8.2, 8.3]);
  });

  it.each(['X', 'D', 'W'] as const)(
    'a %s retraction removes every result of that filler number and code',
    (status) => {
      const first = calcium(7.1, { at: day(2), filler: 'FIL-3', subId: '1' });
      const second = calcium(7.2, { at: day(2), filler: 'FIL-3', subId: '2' });
      const sameOrderOtherTest = hemoglobin(10, { at: day(2), filler: 'FIL-3' });
      const state = stateOf({
        records: [calcium(8.8, { at: day(0) }), first, second, sameOrderOtherTest, retraction(first, status)],
      });
      expect(values(state)).toEqual([8.8]);
      expect(state.observations.hemoglobin).toHaveLength(1);
      expect(state.removedObservations.get(second.recordId)).toBe('retracted');
    },
  );

  it('applies records in receipt order: a retraction received before the result it names does not remove it', () => {
    const later = calcium(7.1, { at: day(2), filler: 'FIL-4', receivedAt: day(3) });
    const early = retraction(later, 'X', day(2.5));
    expect(values(stateOf({ records: [later, early] }))).toEqual([7.1]);
  });

  it('keeps unreadable results in the history without a value, and skips tests it does not watch', () => {
    const unreadable = result('calcium', undefined, { valueError: 'not a number' });
    const other = { ...calcium(1), record: { ...calcium(1).record, analyte: undefined } } as ReturnType<
      typeof calcium
    >;
    const state = stateOf({ records: [unreadable, other] });
    expect(state.observations.calcium.map((entry) => entry.recordId)).toEqual([unreadable.recordId]);
    expect(state.observations.calcium[0]?.observation.canonical).toBeUndefined();
  });

  it('builds a year of history for the bench shape within a few milliseconds', () => {
    const records = Array.from({ length: 200 }, (_, index) =>
      calcium(8 + (index % 10) / 10, { at: day(index * 1.8) }),
    );
    const started = performance.now();
    const state = stateOf({ records });
    expect(performance.now() - started).toBeLessThan(50);
    expect(state.observations.calcium).toHaveLength(200);
  });
});
