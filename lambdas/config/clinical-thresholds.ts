/**
 * The clinical thresholds a hospital may move, each within a safe range
 * (docs/clinical-rules.md, "Configurable thresholds"). The defaults are the
 * catalogue's numbers, so a hospital that sets none of them is evaluated
 * exactly as the catalogue says. A value outside its range fails synth naming
 * the key and the range: a threshold typed wrong must never quietly stop a page.
 *
 * Why each range (conservative on purpose: a hospital tunes alert fatigue,
 * it does not redefine the guideline):
 * - calcium critical line 7.0–8.0 mg/dL: the guideline withholds cinacalcet
 *   below 7.5; under 7.0 the page would come when symptoms (tetany, QT
 *   prolongation) may already be present, over 8.0 it would page for the
 *   urgent band and take the resolve line's place.
 * - calcium resolve line 7.5–8.5 mg/dL ("until calcium reaches 8"), above the
 *   critical line so one value can never both open and close the alert.
 * - calcium low band upper end 8.0–9.0 mg/dL: around the lower limit of
 *   normal total calcium (8.4–8.6 in most labs).
 * - PTH bands (guideline 100 / 150–300 / 500 pg/mL): low 50–150, target
 *   150 (100–200) to 300 (200–400), severe 400–800 (KDIGO's 2–9 × the upper
 *   normal limit is about 130–600 pg/mL; above 800 a referral comes too late),
 *   in increasing order.
 * - hemoglobin targets 10–13 g/dL (women) and 10–14 g/dL (men): units on the
 *   KDIGO anaemia target (10–11.5) may lower the guideline's 12 / 13; higher
 *   targets raise ESA risk.
 * - bicarbonate target 20–24 mmol/L around the guideline's 22.
 * - intervals: around the guideline's "within 1 week", "weekly, then
 *   monthly", "every 3 months", "titrating every 2–4 weeks", "3–6 months",
 *   never so long that the check stops meaning what the rule says.
 * Pure: no AWS import.
 */
import { z } from 'zod';

interface Range {
  min: number;
  max: number;
  unit: string;
  /** Decimals the clinic writes the number with (calcium `7.0`, not `7`). */
  decimals?: number;
}

/** `7.0–8.0 mg/dL`: how an error and the catalogue state a range. */
export function rangeInWords({ min, max, unit, decimals = 0 }: Range): string {
  return `${min.toFixed(decimals)}–${max.toFixed(decimals)} ${unit}`;
}

/** A threshold within its range; outside it the message names the value and the range (zod adds the key). */
function bounded(range: Range, fallback: number, { integer = false } = {}) {
  const outside = {
    error: (issue: { input?: unknown }) =>
      `${String(issue.input)} is outside the allowed range ${rangeInWords(range)}`,
  };
  const number = integer ? z.number().int() : z.number();
  return number.min(range.min, outside).max(range.max, outside).default(fallback);
}

/** Every bounded threshold: its key in the rules configuration, default and range (the catalogue lists them). */
export const thresholdRanges = {
  'calcium.criticalBelowMgDl': { default: 7.5, min: 7.0, max: 8.0, unit: 'mg/dL', decimals: 1 },
  'calcium.criticalResolvesAtMgDl': { default: 8.0, min: 7.5, max: 8.5, unit: 'mg/dL', decimals: 1 },
  'calcium.lowBelowMgDl': { default: 8.4, min: 8.0, max: 9.0, unit: 'mg/dL', decimals: 1 },
  'pth.lowBelowPgMl': { default: 100, min: 50, max: 150, unit: 'pg/mL' },
  'pth.targetLowerPgMl': { default: 150, min: 100, max: 200, unit: 'pg/mL' },
  'pth.targetUpperPgMl': { default: 300, min: 200, max: 400, unit: 'pg/mL' },
  'pth.severeAbovePgMl': { default: 500, min: 400, max: 800, unit: 'pg/mL' },
  'hemoglobin.womenTargetAboveGDl': { default: 12, min: 10, max: 13, unit: 'g/dL' },
  'hemoglobin.menTargetAboveGDl': { default: 13, min: 10, max: 14, unit: 'g/dL' },
  bicarbonateTargetAtLeastMmolL: { default: 22, min: 20, max: 24, unit: 'mmol/L' },
  dialysateCalciumMaxMEqL: { default: 2.0, min: 1.5, max: 3.0, unit: 'mEq/L', decimals: 1 },
  calciumCheckAfterCinacalcetDays: { default: 7, min: 3, max: 14, unit: 'days' },
  'calciumMonitoring.intensiveIntervalDays': { default: 7, min: 3, max: 14, unit: 'days' },
  'calciumMonitoring.stableIntervalDays': { default: 31, min: 14, max: 62, unit: 'days' },
  'calciumMonitoring.newCohortDays': { default: 56, min: 14, max: 180, unit: 'days' },
  'calciumMonitoring.recentLowCalciumDays': { default: 28, min: 7, max: 90, unit: 'days' },
  'calciumMonitoring.recentCinacalcetChangeDays': { default: 28, min: 7, max: 90, unit: 'days' },
  pthTitrateMinDaysSinceChange: { default: 14, min: 14, max: 28, unit: 'days' },
  'crpRising.minimumMgL': { default: 10, min: 5, max: 50, unit: 'mg/L' },
  'crpRising.ratio': { default: 1.5, min: 1.2, max: 3, unit: '× the previous CRP', decimals: 1 },
  'crpRising.lookbackDays': { default: 30, min: 7, max: 90, unit: 'days' },
  quarterlyLabsDays: { default: 92, min: 60, max: 120, unit: 'days' },
  thiosulfateNotStartedHours: { default: 48, min: 12, max: 168, unit: 'hours' },
  thiosulfateCourseReviewDays: { default: 183, min: 90, max: 365, unit: 'days' },
} as const satisfies Record<string, Range & { default: number }>;

export type ThresholdKey = keyof typeof thresholdRanges;

const integerUnits = new Set(['days', 'hours']);

/** The schema of one threshold key, with its default and range. */
export function threshold(key: ThresholdKey) {
  const range = thresholdRanges[key];
  return bounded(range, range.default, { integer: integerUnits.has(range.unit) });
}

/** Each line must lie above the one before it, or a value could fire and resolve (or fall in two bands) at once. */
function increasing(order: readonly string[]) {
  return (values: Readonly<Record<string, number>>, context: z.core.$RefinementCtx) => {
    for (let index = 1; index < order.length; index++) {
      const lower = order[index - 1] ?? '';
      const upper = order[index] ?? '';
      if (!((values[upper] ?? 0) > (values[lower] ?? 0))) {
        context.addIssue({
          code: 'custom',
          path: [upper],
          message: `${values[upper]} must be above ${lower} (${values[lower]})`,
        });
      }
    }
  };
}

export const calciumThresholds = z
  .object({
    /** CALCIUM_CRITICAL_LOW fires below this line (guideline 7.5). */
    criticalBelowMgDl: threshold('calcium.criticalBelowMgDl'),
    /** CALCIUM_CRITICAL_LOW resolves at or above this line, where cinacalcet restarts (guideline 8.0). */
    criticalResolvesAtMgDl: threshold('calcium.criticalResolvesAtMgDl'),
    /** CALCIUM_LOW fires below this line and at or above the critical one (guideline 8.4). */
    lowBelowMgDl: threshold('calcium.lowBelowMgDl'),
  })
  .strict()
  .superRefine((values, context) => {
    increasing(['criticalBelowMgDl', 'criticalResolvesAtMgDl'])(values, context);
    increasing(['criticalBelowMgDl', 'lowBelowMgDl'])(values, context);
  })
  // Absent: every line at its default (prefault parses `{}`, so each key's default applies).
  .prefault({});

export const pthThresholds = z
  .object({
    /** PTH_LOW below this (guideline: let PTH rise to at least 100). */
    lowBelowPgMl: threshold('pth.lowBelowPgMl'),
    /** The lower end of the target band, as the findings state it (guideline 150). */
    targetLowerPgMl: threshold('pth.targetLowerPgMl'),
    /** Above this PTH_START_CINACALCET and PTH_TITRATE_CINACALCET fire; at or below it they resolve (guideline 300). */
    targetUpperPgMl: threshold('pth.targetUpperPgMl'),
    /** PTH_SEVERE above this (guideline 500). */
    severeAbovePgMl: threshold('pth.severeAbovePgMl'),
  })
  .strict()
  .superRefine(increasing(['lowBelowPgMl', 'targetLowerPgMl', 'targetUpperPgMl', 'severeAbovePgMl']))
  .prefault({});

export const hemoglobinTargets = z
  .object({
    /** HEMOGLOBIN_LOW at or below this for women and sex unknown (guideline > 12). */
    womenTargetAboveGDl: threshold('hemoglobin.womenTargetAboveGDl'),
    /** HEMOGLOBIN_LOW at or below this for men (guideline > 13). */
    menTargetAboveGDl: threshold('hemoglobin.menTargetAboveGDl'),
  })
  .strict()
  .prefault({});

export const calciumMonitoringIntervals = z
  .object({
    intensiveIntervalDays: threshold('calciumMonitoring.intensiveIntervalDays'),
    stableIntervalDays: threshold('calciumMonitoring.stableIntervalDays'),
    newCohortDays: threshold('calciumMonitoring.newCohortDays'),
    recentLowCalciumDays: threshold('calciumMonitoring.recentLowCalciumDays'),
    recentCinacalcetChangeDays: threshold('calciumMonitoring.recentCinacalcetChangeDays'),
  })
  .strict()
  .superRefine(increasing(['intensiveIntervalDays', 'stableIntervalDays']))
  .prefault({});

export const crpRisingThresholds = z
  .object({
    minimumMgL: threshold('crpRising.minimumMgL'),
    ratio: threshold('crpRising.ratio'),
    lookbackDays: threshold('crpRising.lookbackDays'),
  })
  .strict()
  .prefault({});
