/**
 * A stream batch in parallel across patients, in order within a patient, and
 * a partial-batch answer Lambda can retry from exactly (it retries from the
 * lowest sequence number reported).
 */
import { describe, expect, it } from 'vitest';
import { runInPatientOrder } from '../../lambdas/workflows/patient-order.js';

interface Entry {
  seq: number;
  patient: string;
}

const batch = (...patients: string[]): Entry[] => patients.map((patient, seq) => ({ seq, patient }));
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** One step per entry; `failing` sequence numbers throw; every start and end is logged. */
function oneStepEach(failing: readonly number[], log: string[]) {
  return (entries: readonly Entry[]) =>
    entries.map((entry) => ({
      entries: [entry],
      async run() {
        log.push(`start ${entry.seq}`);
        await tick();
        if (failing.includes(entry.seq)) throw new Error(`fails ${entry.seq}`);
        log.push(`end ${entry.seq}`);
      },
    }));
}

const patientOf = (entry: Entry) => entry.patient;

describe('runInPatientOrder', () => {
  it('runs patients at the same time, up to the bound, and each patient’s entries one after another', async () => {
    const running = new Map<string, number>();
    let mostAtOnce = 0;
    let mostForOnePatient = 0;
    const order: number[] = [];
    const entries = batch('A', 'B', 'C', 'A', 'D', 'B', 'A', 'E', 'C', 'F');

    const outcome = await runInPatientOrder(entries, {
      patientOf,
      concurrency: 3,
      stepsOf: (group) =>
        group.map((entry) => ({
          entries: [entry],
          async run() {
            running.set(entry.patient, (running.get(entry.patient) ?? 0) + 1);
            const total = [...running.values()].reduce((sum, count) => sum + count, 0);
            mostAtOnce = Math.max(mostAtOnce, total);
            mostForOnePatient = Math.max(mostForOnePatient, running.get(entry.patient) ?? 0);
            await tick();
            order.push(entry.seq);
            running.set(entry.patient, (running.get(entry.patient) ?? 1) - 1);
          },
        })),
    });

    expect(outcome).toEqual({ failures: [] });
    expect(mostAtOnce).toBe(3);
    expect(mostForOnePatient).toBe(1);
    const positionsOf = (patient: string) =>
      order.filter((seq) => entries[seq]?.patient === patient).map((seq) => seq);
    expect(positionsOf('A')).toEqual([0, 3, 6]);
    expect(positionsOf('B')).toEqual([1, 5]);
    expect(positionsOf('C')).toEqual([2, 8]);
  });

  it('stops a patient at its failed entry and goes on with every other patient', async () => {
    const log: string[] = [];
    const entries = batch('A', 'B', 'A', 'B', 'A', 'B');

    const outcome = await runInPatientOrder(entries, {
      patientOf,
      concurrency: 8,
      stepsOf: oneStepEach([2], log),
    });

    expect(outcome.retryFrom?.entry).toBe(entries[2]);
    // A's entry after the failure never started; B went to its end.
    expect(log).not.toContain('start 4');
    expect(log).toEqual(expect.arrayContaining(['end 1', 'end 3', 'end 5', 'end 0']));
  });

  it('reports the earliest failed entry of the batch when several patients fail, whichever failed first in time', async () => {
    const log: string[] = [];
    // B fails at entry 1 only after a slow first step; A fails at entry 3 at once.
    const entries = batch('B', 'B', 'A', 'A');
    const outcome = await runInPatientOrder(entries, {
      patientOf,
      concurrency: 8,
      stepsOf: (group) =>
        group.map((entry) => ({
          entries: [entry],
          async run() {
            if (entry.seq === 0) await new Promise((resolve) => setTimeout(resolve, 20));
            if (entry.seq === 1 || entry.seq === 3) throw new Error(`fails ${entry.seq}`);
            log.push(`end ${entry.seq}`);
          },
        })),
    });

    expect(outcome.retryFrom?.entry).toBe(entries[1]);
    expect(outcome.failures.map((failure) => failure.entry.seq)).toEqual([1, 3]);
  });

  it('names the first entry of a step that covers several (a message with several results)', async () => {
    const entries = batch('A', 'A', 'A', 'B');
    const outcome = await runInPatientOrder(entries, {
      patientOf,
      concurrency: 2,
      stepsOf: (group) =>
        group[0]?.patient === 'A'
          ? [
              { entries: group.slice(0, 1), run: async () => {} },
              { entries: group.slice(1), run: () => Promise.reject(new Error('x')) },
            ]
          : [{ entries: group, run: async () => {} }],
    });
    expect(outcome.retryFrom?.entry).toBe(entries[1]);
  });
});
