/**
 * The pure half of `npm run bench -- load`: the HL7 messages a load run
 * posts, the mix they are drawn from (seeded, so a run can be repeated), and
 * the percentile summary. No I/O.
 *
 * Every critical result goes to its own cohort patient (enrolled before the
 * measured phase), so each one that is accepted must page exactly once: the
 * expected pages are known without reading the table.
 */

export type PlannedKind = 'critical' | 'normal' | 'cohortAdt' | 'resend';

export interface PlannedMessage {
  kind: PlannedKind;
  mrn: string;
  controlId: string;
  body: string;
  /** For a resend: the index of the message sent again (same bytes, same MSH-10). */
  resendOf?: number;
}

export interface MixShares {
  /** Critical calcium results for cohort patients (each pages once). */
  critical: number;
  /** Resends of an earlier message of the run (duplicates: AA, nothing new). */
  resend: number;
  /** ADTs with a calciphylaxis diagnosis for new patients (cohort entry, no page). */
  cohortAdt: number;
  /** The rest: normal calcium results for patients outside the cohort. */
}

export const defaultShares: MixShares = { critical: 0.2, resend: 0.1, cohortAdt: 0.1 };

export const loadFacility = 'LOAD DIALYSIS';
const namespace = 'LOAD';

/** mulberry32: a small seeded generator, so a mix can be drawn again. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function hl7Time(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;
}

const header = (type: string, controlId: string, at: string) =>
  `MSH|^~\\&|LAB|${loadFacility}|CALCIPHYLAXIS_ALERTING|${loadFacility}|${at}||${type}|${controlId}|P|2.5.1`;
const pid = (mrn: string) => `PID|1||${mrn}^^^${namespace}^MR||TESTPATIENT^LOAD||19600101|F`;
const pv1 = 'PV1|1|O|HD^CHAIR01^^LOAD';

/** An ADT A08 with a calciphylaxis diagnosis: the patient enters the cohort. */
export function cohortAdt(mrn: string, controlId: string, at: string): string {
  return [
    header('ADT^A08^ADT_A01', controlId, at),
    pid(mrn),
    pv1,
    `DG1|1||237900002^Calciphylaxis^SCT||${at}|F`,
  ].join('\r');
}

/** An ORU with one calcium OBX (mg/dL). */
export function calciumResult(mrn: string, controlId: string, at: string, value: string): string {
  return [
    header('ORU^R01^ORU_R01', controlId, at),
    pid(mrn),
    pv1,
    `OBR|1|P${controlId}|F${controlId}|17861-6^Calcium^LN|||${at}`,
    `OBX|1|NM|17861-6^Calcium^LN||${value}|mg/dL|8.4-10.2|${Number(value) < 8.4 ? 'L' : 'N'}|||F|||${at}`,
  ].join('\r');
}

export const criticalCalcium = '7.1';
export const normalCalcium = '9.2';

export interface MixPlan {
  /** The cohort ADTs to send before the measured phase, one per patient a critical result goes to. */
  enrolments: PlannedMessage[];
  messages: PlannedMessage[];
}

/**
 * `count` messages drawn from `shares`. `runId` keeps MRNs and control ids
 * apart from earlier runs against the same stack.
 */
export function planMix(options: {
  count: number;
  shares: MixShares;
  seed: number;
  runId: string;
  at: Date;
}): MixPlan {
  const { count, shares, runId } = options;
  const random = seededRandom(options.seed);
  const at = hl7Time(options.at);
  const enrolments: PlannedMessage[] = [];
  const messages: PlannedMessage[] = [];
  const id = (prefix: string, index: number) => `${prefix}${runId}${String(index).padStart(6, '0')}`;
  for (let index = 0; index < count; index += 1) {
    const draw = random();
    if (draw < shares.resend && messages.length > 0) {
      const resendOf = Math.floor(random() * messages.length);
      const original = messages[resendOf];
      // A resend of a resend is the same bytes as the first: point at the first.
      const first = original?.resendOf === undefined ? original : messages[original.resendOf];
      if (first !== undefined) {
        messages.push({ ...first, kind: 'resend', resendOf: messages.indexOf(first) });
        continue;
      }
    }
    const mrn = id('L', index);
    const controlId = id('C', index);
    if (draw < shares.resend + shares.critical) {
      enrolments.push({
        kind: 'cohortAdt',
        mrn,
        controlId: id('E', index),
        body: cohortAdt(mrn, id('E', index), at),
      });
      messages.push({
        kind: 'critical',
        mrn,
        controlId,
        body: calciumResult(mrn, controlId, at, criticalCalcium),
      });
    } else if (draw < shares.resend + shares.critical + shares.cohortAdt) {
      messages.push({ kind: 'cohortAdt', mrn, controlId, body: cohortAdt(mrn, controlId, at) });
    } else {
      messages.push({
        kind: 'normal',
        mrn,
        controlId,
        body: calciumResult(mrn, controlId, at, normalCalcium),
      });
    }
  }
  return { enrolments, messages };
}

/** `count` critical results, each for its own cohort patient (the burst case). */
export function planBurst(options: { count: number; runId: string; at: Date }): MixPlan {
  return planMix({
    count: options.count,
    shares: { critical: 1, resend: 0, cohortAdt: 0 },
    seed: 1,
    runId: options.runId,
    at: options.at,
  });
}

/** Nearest-rank percentile of an ascending list; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((left, right) => left - right);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

/** `12 ms` below a second, `1.23 s` above; `-` for none. */
export function formatMs(ms: number): string {
  if (Number.isNaN(ms)) return '-';
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
