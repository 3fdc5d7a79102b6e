/**
 * Property: evaluating a stream batch in parallel across patients (in order
 * within each, the records of one message at once) ends exactly where
 * evaluating every record one after another ends: the same alerts, the same
 * audit trail, the same notifications (each alert's in the same order), none
 * twice. Random patients, messages, interleavings, batch cuts and call
 * timings; the ports are in memory with the store's conditional semantics
 * (tests/support/memory-ports.ts), the real store is covered by the e2e tests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { ClinicalRecord, Observation } from '../../lambdas/domain/records.js';
import { evaluateItem, evaluateStreamBatch, type StreamEntry } from '../../lambdas/workflows/evaluate.js';
import type { WorkflowSettings } from '../../lambdas/workflows/ports.js';
import { MemoryPorts } from '../support/memory-ports.js';
import { calciphylaxisDiagnosis, calciumObservation, warfarinOrder } from '../support/synthetic-records.js';

const settings: WorkflowSettings = {
  config: parseRulesConfig({ timeZone: 'America/Chicago' }),
  historyDays: 400,
};

type Message =
  | { kind: 'calcium'; values: number[]; unreadable: boolean }
  | { kind: 'diagnosis' }
  | { kind: 'enrol' | 'remove' }
  | { kind: 'warfarin'; control: 'NW' | 'DC' };

const message: fc.Arbitrary<Message> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('calcium' as const),
      // Across the thresholds: critical < 7.5, low < 8.4, resolved at ≥ 8.0 / normal.
      values: fc.array(fc.constantFrom(6.9, 7.3, 7.9, 8.2, 9.4), { minLength: 1, maxLength: 3 }),
      unreadable: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'diagnosis' as const }) },
  { weight: 1, arbitrary: fc.constantFrom({ kind: 'enrol' as const }, { kind: 'remove' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('NW' as const, 'DC' as const)
      .map((control) => ({ kind: 'warfarin' as const, control })),
  },
);

const scenario = fc.record({
  patients: fc.array(fc.array(message, { minLength: 1, maxLength: 6 }), { minLength: 2, maxLength: 6 }),
  picks: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
  pauses: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 16 }),
});

const base = Date.UTC(2026, 6, 27, 8, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function recordsOf(sent: Message, controlId: string, at: number): ClinicalRecord[] {
  switch (sent.kind) {
    case 'calcium':
      return sent.values.map((calciumMgDl, index) => {
        const observation = calciumObservation({
          calciumMgDl,
          controlId,
          setId: String(index + 1),
          observedAt: iso(at - 600_000),
        });
        if (!sent.unreadable || index !== sent.values.length - 1) return observation;
        const { value: _value, canonical: _canonical, ...unreadable } = observation;
        return { ...unreadable, rawUnit: 'mg/XX', unitError: 'unit mg/XX is not accepted' } as Observation;
      });
    case 'diagnosis':
      return [calciphylaxisDiagnosis({ controlId, diagnosedAt: iso(at - 600_000) })];
    case 'warfarin':
      return [
        warfarinOrder({
          controlId,
          orderControl: sent.control,
          eventAt: iso(at),
          startAt: iso(at - 86_400_000),
        }),
      ];
    default:
      return [];
  }
}

interface Sent {
  patient: number;
  message: Message;
  at: number;
  controlId: string;
}

/** The patients' messages interleaved (each patient's in its order), as the feed sends them. */
function interleave(patients: Message[][], picks: number[]): Sent[] {
  const queues = patients.map((messages, patient) => messages.map((sent) => ({ patient, sent })));
  const sent: Sent[] = [];
  let pick = 0;
  while (queues.some((queue) => queue.length > 0)) {
    const open = queues.filter((queue) => queue.length > 0);
    const queue = open[(picks[pick++ % picks.length] ?? 0) % open.length];
    const next = queue?.shift();
    if (next === undefined) break;
    const index = sent.length;
    sent.push({
      patient: next.patient,
      message: next.sent,
      at: base + index * 60_000,
      controlId: `CTL-${index}`,
    });
  }
  return sent;
}

/** Stores the messages, returning one stream entry per stored item, in stream order. */
function store(ports: MemoryPorts, sent: readonly Sent[]): StreamEntry[] {
  const entries: StreamEntry[] = [];
  for (const { patient: index, message: sentMessage, at, controlId } of sent) {
    const patient = { namespace: 'SYNTH_ORDER', mrn: `P${index}` };
    const partition = `${patient.namespace}|${patient.mrn}`;
    if (sentMessage.kind === 'enrol' || sentMessage.kind === 'remove') {
      const stored = ports.storeEnrolment(patient, {
        kind: 'cohortEnrolment',
        action: sentMessage.kind,
        by: 'admin-7',
        at: iso(at),
      });
      entries.push({
        eventId: `ev-${controlId}`,
        patient: partition,
        item: { kind: 'enrolment', patient, stored },
      });
      continue;
    }
    ports.storeMessage(patient, recordsOf(sentMessage, controlId, at), iso(at)).forEach((stored, n) => {
      entries.push({
        eventId: `ev-${controlId}-${n}`,
        patient: partition,
        item: { kind: 'record', patient, stored },
      });
    });
  }
  return entries;
}

/**
 * The stream cut into batches: every message of a batch is stored before the
 * batch is evaluated, and the batch is evaluated at one time (the clock).
 * An enrolment or removal ends its batch: at one time, a removal and a
 * re-enrolment in one batch would reopen an alert under the id it had (ids
 * include the opening time), which a running clock never does.
 */
function batches(sent: readonly Sent[], sizes: readonly number[]): Sent[][] {
  const cut: Sent[][] = [];
  let current: Sent[] = [];
  let index = 0;
  for (const message of sent) {
    current.push(message);
    const membership = message.message.kind === 'enrol' || message.message.kind === 'remove';
    if (membership || current.length >= (sizes[index % sizes.length] ?? 1)) {
      cut.push(current);
      current = [];
      index++;
    }
  }
  if (current.length > 0) cut.push(current);
  return cut;
}

function outcome(ports: MemoryPorts) {
  const byPatient = [...ports.patients.entries()]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([key, patient]) => ({
      key,
      alerts: [...patient.alerts.entries()].sort(([left], [right]) => left.localeCompare(right)),
      audit: [...patient.audit].sort(
        (left, right) => left.alertId.localeCompare(right.alertId) || left.at.localeCompare(right.at),
      ),
      pending: [...patient.outbox.values()].filter((entry) => !entry.sent).length,
    }));
  // Each alert's notifications in the order published; across alerts publishing order is free.
  const perAlert = new Map<string, string[]>();
  for (const published of ports.published) {
    const alertId = published.notificationId.split(':')[0] ?? '';
    perAlert.set(alertId, [
      ...(perAlert.get(alertId) ?? []),
      `${published.notificationId} ${published.rendered.message.sms}`,
    ]);
  }
  return {
    byPatient,
    notifications: [...perAlert.entries()].sort(([left], [right]) => left.localeCompare(right)),
  };
}

describe('evaluation in parallel across patients, in order within a patient', () => {
  it('ends with the same alerts, audit and notifications as one record at a time, none published twice', async () => {
    let notificationsSeen = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ patients, picks, batchSizes, pauses }) => {
        const sent = interleave(patients, picks);
        const sequential = new MemoryPorts(settings.config);
        const parallel = new MemoryPorts(settings.config, pauses);

        for (const batch of batches(sent, batchSizes)) {
          const last = batch.at(-1);
          const clock = () => new Date((last?.at ?? base) + 30_000);
          for (const entry of store(sequential, batch)) {
            if (entry.item !== undefined && !(entry.item instanceof Error)) {
              await evaluateItem(entry.item, sequential, settings, clock);
            }
          }
          const entries = store(parallel, batch);
          const evaluated: StreamEntry[] = [];
          const result = await evaluateStreamBatch(entries, parallel, settings, {
            clock,
            concurrency: 8,
            onEvaluated: (covered) => evaluated.push(...covered),
          });
          expect(result.failures).toEqual([]);
          // Each patient's records were evaluated in stream order, each once.
          const inOrder = (list: readonly StreamEntry[], patient: string) =>
            list.filter((entry) => entry.patient === patient).map((entry) => entry.eventId);
          for (const patient of new Set(entries.map((entry) => entry.patient))) {
            expect(inOrder(evaluated, patient)).toEqual(inOrder(entries, patient));
          }
        }

        const expected = outcome(sequential);
        const actual = outcome(parallel);
        expect(actual).toEqual(expected);
        const ids = parallel.published.map((published) => published.notificationId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(actual.byPatient.every((patient) => patient.pending === 0)).toBe(true);
        notificationsSeen += ids.length;
      }),
      { numRuns: 80 },
    );
    // The property is about something: the scenarios page.
    expect(notificationsSeen).toBeGreaterThan(50);
  }, 120_000);
});
