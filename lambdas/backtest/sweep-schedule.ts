/**
 * Which cohort patients a simulated sweep must look at. The live sweep evaluates every cohort
 * patient at every run; over months of simulated time that is most of a backtest's work, and
 * nearly all of it finds nothing new. A patient's sweep can find something new only
 *
 * - at the first sweep after anything of theirs was written (a record, the clinical state, an
 *   alert), or
 * - when the clock crosses an instant the rules compare it with: the rules compare the clock only
 *   with a time held in the patient's state (a result, an order, cohort entry, an alert) shifted
 *   by a duration the configuration sets (a key naming `Days`, `Hours` or `Minutes`), by the history
 *   window, or by the rules' one fixed duration (a thiosulfate renewal gap of 7 days), either way.
 *
 * So each patient is swept at the first run after a change and at the first runs at and after
 * each such instant, and skipped otherwise; the outcome is that of sweeping everyone every time
 * (tests/backtest/sweep-schedule.test.ts replays a feed both ways). A rule that compares the clock
 * with another duration must add it here. Pure.
 */
import type { RulesConfig } from '../config/rules-config.js';

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

/** THIOSULFATE_COURSE_REVIEW: orders less than this apart are one course. */
const thiosulfateRenewalGapMs = 7 * dayMs;

const unitMs: Record<string, number> = { Days: dayMs, Hours: hourMs, Minutes: minuteMs };

/** Every duration the configuration sets, by the unit its key names, with the fixed ones. */
export function clockDurations(config: RulesConfig, historyDays: number): number[] {
  const durations = new Set<number>([0, thiosulfateRenewalGapMs, historyDays * dayMs]);
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key);
    } else if (value !== null && typeof value === 'object') {
      for (const [name, item] of Object.entries(value)) visit(item, name);
    } else if (typeof value === 'number') {
      // `pthTitrateMinDaysSinceChange` is days too: the unit may sit inside the key.
      const unit = /(Days|Hours|Minutes)/.exec(key)?.[1];
      if (unit !== undefined) durations.add(value * (unitMs[unit] as number));
    }
  };
  visit(config, '');
  return [...durations].sort((left, right) => left - right);
}

/** ISO UTC times as the store holds them (records, clinical state, alerts). */
const isoTime = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z/g;

export function timesIn(json: string): number[] {
  const times = new Set<number>();
  for (const match of json.matchAll(isoTime)) {
    const ms = Date.parse(match[0]);
    if (!Number.isNaN(ms)) times.add(ms);
  }
  return [...times];
}

interface PatientSchedule {
  /** Written since it was last swept. */
  changed: boolean;
  /** Sweep instants still to come, ascending; recomputed after a change. */
  instants: number[];
  next: number;
}

export class SweepSchedule {
  private readonly patients = new Map<string, PatientSchedule>();

  constructor(
    private readonly intervalMs: number,
    private readonly durations: readonly number[],
    /** The times in a patient's stored state. */
    private readonly timesOf: (patient: string) => number[],
  ) {}

  private scheduleOf(patient: string): PatientSchedule {
    let schedule = this.patients.get(patient);
    if (schedule === undefined) {
      schedule = { changed: true, instants: [], next: 0 };
      this.patients.set(patient, schedule);
    }
    return schedule;
  }

  changed(patient: string): void {
    this.scheduleOf(patient).changed = true;
  }

  forget(patient: string): void {
    this.patients.delete(patient);
  }

  /** The first sweep at or after `ms`. */
  private sweepAtOrAfter(ms: number): number {
    return Math.ceil(ms / this.intervalMs) * this.intervalMs;
  }

  /** The first sweep instant at or after `from` at which this patient is due; undefined for none. */
  dueFrom(patient: string, from: number): number | undefined {
    const schedule = this.scheduleOf(patient);
    if (schedule.changed) return from;
    while (schedule.next < schedule.instants.length && (schedule.instants[schedule.next] as number) < from) {
      schedule.next += 1;
    }
    return schedule.instants[schedule.next];
  }

  /** Before the patient is swept: whether it changed since; a write from here on is a change after this sweep. */
  takeChanged(patient: string): boolean {
    const schedule = this.scheduleOf(patient);
    const changed = schedule.changed;
    schedule.changed = false;
    return changed;
  }

  /**
   * After the patient was swept at `at`: where their state changed, before or during the sweep,
   * the instants to come are recomputed from it (a change during the sweep also makes them due at
   * the next run, as the live sweep would look again).
   */
  swept(patient: string, at: number, changedBefore: boolean): void {
    const schedule = this.scheduleOf(patient);
    if (!changedBefore && !schedule.changed) return;
    const instants = new Set<number>();
    for (const time of this.timesOf(patient)) {
      for (const duration of this.durations) {
        // Either side of each instant: a comparison may be strict or not.
        for (const instant of [time + duration, time - duration]) {
          for (const sweep of [this.sweepAtOrAfter(instant), this.sweepAtOrAfter(instant + 1)]) {
            if (sweep > at) instants.add(sweep);
          }
        }
      }
    }
    schedule.instants = [...instants].sort((left, right) => left - right);
    schedule.next = 0;
  }
}
