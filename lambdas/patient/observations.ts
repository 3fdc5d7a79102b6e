/**
 * Result history (clinical-rules.md, "Laboratory results"): results are applied in the order they
 * were received; a later result with the same (OBR-3 filler number, OBX-3, OBX-4) replaces the
 * earlier one (a `C` correction keeps the original's place in time); `X`/`D`/`W` retract every
 * stored result with the same filler number and OBX-3.
 */
import { analyteNames } from '../config/rules-config-shape.js';
import type { Analyte, StoredRecord } from '../domain/records.js';
import type { ObservationEntry, ObservationHistory, RemovedObservation } from './patient-state.js';
import { instantMs } from './time.js';

const retractingStatuses = new Set(['X', 'D', 'W']);

export interface BuiltObservations {
  history: ObservationHistory;
  byRecordId: ReadonlyMap<string, ObservationEntry>;
  removed: ReadonlyMap<string, RemovedObservation>;
}

type BySubId = Map<string, ObservationEntry>;

/** Stored observations must already be in receipt order. */
export function buildObservationHistory(observations: readonly StoredRecord[]): BuiltObservations {
  // Every result in arrival order; those later retracted or replaced are marked, not spliced out.
  const arrived: ObservationEntry[] = [];
  const withdrawn = new Set<ObservationEntry>();
  // Results in force by filler number, then OBX-3, then OBX-4 (nested maps: no key strings to build).
  const inForce = new Map<string, Map<string, BySubId>>();
  const removed = new Map<string, RemovedObservation>();

  for (const stored of observations) {
    const observation = stored.record;
    if (observation.kind !== 'observation') continue;
    // Results without a filler number cannot be matched by a correction or retraction: each stands alone.
    const matchable = observation.fillerOrderNumber.trim() !== '';
    const status = observation.status.toUpperCase();

    if (retractingStatuses.has(status)) {
      const sameCode = matchable
        ? inForce.get(observation.fillerOrderNumber)?.get(observation.code)
        : undefined;
      if (sameCode === undefined) continue;
      for (const entry of sameCode.values()) {
        withdrawn.add(entry);
        removed.set(entry.recordId, 'retracted');
      }
      sameCode.clear();
      continue;
    }
    if (observation.analyte === undefined) continue;

    const ownTimeMs = instantMs(observation.observedAt, Number.NaN);
    const entry: ObservationEntry = {
      recordId: stored.recordId,
      receivedAt: stored.receivedAt,
      observedAt: observation.observedAt,
      observedAtMs: Number.isNaN(ownTimeMs) ? instantMs(stored.receivedAt) : ownTimeMs,
      observation,
      replacesRecordIds: [],
    };
    arrived.push(entry);
    if (!matchable) continue;

    let byCode = inForce.get(observation.fillerOrderNumber);
    if (byCode === undefined) {
      byCode = new Map();
      inForce.set(observation.fillerOrderNumber, byCode);
    }
    let bySubId = byCode.get(observation.code);
    if (bySubId === undefined) {
      bySubId = new Map();
      byCode.set(observation.code, bySubId);
    }
    const earlier = bySubId.get(observation.subId);
    if (earlier !== undefined) {
      withdrawn.add(earlier);
      removed.set(earlier.recordId, 'replaced');
      entry.replacesRecordIds = [...earlier.replacesRecordIds, earlier.recordId];
      if (status === 'C') {
        entry.observedAt = earlier.observedAt;
        entry.observedAtMs = earlier.observedAtMs;
      }
    }
    bySubId.set(observation.subId, entry);
  }

  const history = Object.fromEntries(
    analyteNames.map((analyte) => [analyte, [] as ObservationEntry[]]),
  ) as Record<Analyte, ObservationEntry[]>;
  const byRecordId = new Map<string, ObservationEntry>();
  for (const entry of arrived) {
    if (withdrawn.has(entry)) continue;
    // `analyte` is set: entries without one were skipped above.
    history[entry.observation.analyte as Analyte].push(entry);
    byRecordId.set(entry.recordId, entry);
  }
  for (const analyte of analyteNames) {
    // Newest first; for the same time, the later received first.
    history[analyte].sort(
      (left, right) =>
        right.observedAtMs - left.observedAtMs || instantMs(right.receivedAt) - instantMs(left.receivedAt),
    );
  }
  return { history, byRecordId, removed };
}
