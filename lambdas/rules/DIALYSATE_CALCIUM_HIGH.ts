/**
 * DIALYSATE_CALCIUM_HIGH (advisory): dialysate calcium > 2.0 mEq/L (local default; the analyte comes
 * from the hospital's local code map). Resolves on a newer value ≤ 2.0.
 */
import { describeResult } from './support/observations.js';
import { formatNumber, meetsAbove, meetsAtMost } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

export const DIALYSATE_CALCIUM_HIGH = resultRule({
  id: 'DIALYSATE_CALCIUM_HIGH',
  version: 1,
  severity: 'advisory',
  seed: [
    'Dialysate calcium concentration creates diffusion gradients that may promote positive calcium balance',
    'Adjust dialysate calcium concentration—lower concentrations (1.5-2.0 mEq/L) may be appropriate to avoid positive calcium balance',
  ],
  analyte: 'dialysateCalcium',
  fires: ({ observation }, { config }) => meetsAbove(observation.canonical, config.dialysateCalciumMaxMEqL),
  resolves: ({ observation }, { config }) =>
    meetsAtMost(observation.canonical, config.dialysateCalciumMaxMEqL),
  finding: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [config.dialysateCalciumMaxMEqL])} is above ${formatNumber(config.dialysateCalciumMaxMEqL)} mEq/L.`,
  recommendation: () => 'Consider dialysate calcium 1.5–2.0 mEq/L to avoid positive calcium balance.',
  resolveReason: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [config.dialysateCalciumMaxMEqL])} is ${formatNumber(config.dialysateCalciumMaxMEqL)} mEq/L or below.`,
});
