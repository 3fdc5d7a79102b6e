/**
 * PTH_LOW (advisory): PTH < 100 pg/mL (adynamic bone disease; the hospital's `pth.lowBelowPgMl`).
 * Resolves on a newer PTH ≥ 100.
 */
import type { RuleContext } from './rule.js';
import { describeResult } from './support/observations.js';
import { formatThreshold, meetsAtLeast, meetsBelow } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

const lowBelow = ({ config }: RuleContext): number => config.pth.lowBelowPgMl;

export const PTH_LOW = resultRule({
  id: 'PTH_LOW',
  version: 1,
  severity: 'advisory',
  seed: [
    'Adynamic bone disease with low PTH levels paradoxically increases risk',
    'For low PTH (adynamic bone disease):',
    'Consider lower dialysate calcium (1.5-2.0 mEq/L) to stimulate PTH, allowing levels to rise to at least 100 pg/mL',
  ],
  analyte: 'pth',
  fires: ({ observation }, context) => meetsBelow(observation.canonical, lowBelow(context)),
  resolves: ({ observation }, context) => meetsAtLeast(observation.canonical, lowBelow(context)),
  finding: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [lowBelow(context)])} is below ${formatThreshold(lowBelow(context))} pg/mL.`,
  recommendation: (_entry, context) =>
    `Low PTH suggests adynamic bone disease, which raises risk: consider dialysate calcium 1.5–2.0 mEq/L so PTH can rise to ≥ ${formatThreshold(lowBelow(context))}.`,
  resolveReason: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [lowBelow(context)])} is ${formatThreshold(lowBelow(context))} pg/mL or above.`,
});
