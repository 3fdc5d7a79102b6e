/**
 * Dose arithmetic for medication orders: the give amount in mg and the number
 * of doses per day from an HL7 frequency code (table 0335 style). Fractional
 * frequencies are kept as fractions of a day: thrice weekly is 3/7 per day,
 * so a daily dose stays comparable across schedules.
 */

const massFactorsToMg: Readonly<Record<string, number>> = {
  mg: 1,
  milligram: 1,
  milligrams: 1,
  g: 1000,
  gm: 1000,
  gram: 1000,
  grams: 1000,
  mcg: 0.001,
  ug: 0.001,
  µg: 0.001, // micro sign
  μg: 0.001, // Greek mu
  microgram: 0.001,
  micrograms: 0.001,
};

const decimalPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Removes floating-point noise (0.25 × 0.001) without losing small doses (0.00025 mg). */
export function roundDose(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * The give amount in mg, or undefined when the amount is not a number or the
 * unit is not a mass (tablets, international units, mL: no mg is guessed).
 */
export function doseInMg(amount: string, unit: string): number | undefined {
  const trimmed = amount.trim();
  if (!decimalPattern.test(trimmed)) return undefined;
  const factor = massFactorsToMg[unit.replace(/\s+/g, '').toLowerCase()];
  return factor === undefined ? undefined : roundDose(Number(trimmed) * factor);
}

const namedFrequencies: Readonly<Record<string, number>> = {
  QD: 1,
  DAILY: 1,
  QAM: 1,
  QPM: 1,
  QHS: 1,
  ONCE: 1,
  BID: 2,
  TID: 3,
  QID: 4,
  QOD: 0.5,
  QW: 1 / 7,
  WEEKLY: 1 / 7,
  BIW: 2 / 7,
  TIW: 3 / 7,
};

// Units of Q<n><unit> in table 0335: hours and days (minutes and seconds do not occur for these drugs).
const perDayByIntervalUnit: Readonly<Record<string, (n: number) => number>> = {
  H: (n) => 24 / n,
  D: (n) => 1 / n,
  W: (n) => 1 / (7 * n),
};

export interface Frequency {
  /** The code as sent, upper-cased and trimmed; undefined when none was sent. */
  code?: string;
  dosesPerDay: number;
  /** False when a code was sent but not understood (dosesPerDay then defaults to 1). */
  understood: boolean;
}

/**
 * Doses per day for a frequency code: QD/DAILY/Q24H 1, BID/Q12H 2, TID/Q8H 3,
 * QID/Q6H 4, QOD 0.5, Q<n>H, Q<n>D, Q<n>W, <n>XW (times a week), TIW/BIW/QW,
 * and Q<n>J<days> (on weekdays 1-7 every n weeks: Q1J135 is 3/7 per day).
 * No code means once daily (clinical-rules.md); an unknown code also gives 1,
 * with `understood: false` so the code is kept for people to read.
 */
export function dosesPerDayFor(rawCode: string): Frequency {
  const code = rawCode.trim().toUpperCase();
  if (code === '') return { dosesPerDay: 1, understood: true };
  const named = namedFrequencies[code];
  if (named !== undefined) return { code, dosesPerDay: named, understood: true };

  const interval = /^Q(\d+)([HDW])$/.exec(code);
  if (interval !== null) {
    const n = Number(interval[1]);
    const perDay = perDayByIntervalUnit[interval[2] ?? ''];
    if (n > 0 && perDay !== undefined) return { code, dosesPerDay: perDay(n), understood: true };
  }
  const timesPerDay = /^(\d+)(?:ID|XD)$/.exec(code);
  if (timesPerDay !== null && Number(timesPerDay[1]) > 0) {
    return { code, dosesPerDay: Number(timesPerDay[1]), understood: true };
  }
  const timesPerWeek = /^(\d+)X(?:W|WK)$/.exec(code);
  if (timesPerWeek !== null && Number(timesPerWeek[1]) > 0) {
    return { code, dosesPerDay: Number(timesPerWeek[1]) / 7, understood: true };
  }
  const weekdays = /^Q(\d*)J([1-7]+)$/.exec(code);
  if (weekdays !== null) {
    const everyWeeks = weekdays[1] === '' ? 1 : Number(weekdays[1]);
    const days = new Set(weekdays[2]);
    if (everyWeeks > 0) return { code, dosesPerDay: days.size / (7 * everyWeeks), understood: true };
  }
  return { code, dosesPerDay: 1, understood: false };
}
