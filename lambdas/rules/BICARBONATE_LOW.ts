/**
 * BICARBONATE_LOW (advisory): bicarbonate < 22 mmol/L (the hospital's `bicarbonateTargetAtLeastMmolL`).
 * Resolves on a newer value ≥ 22 (22 exactly is on target).
 */
import type { RuleContext } from './rule.js';
import { describeResult } from './support/observations.js';
import { formatThreshold, meetsAtLeast, meetsBelow } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

const target = ({ config }: RuleContext): number => config.bicarbonateTargetAtLeastMmolL;

export const BICARBONATE_LOW = resultRule({
  id: 'BICARBONATE_LOW',
  version: 1,
  severity: 'advisory',
  seed: ['Monitor serum bicarbonate every 3 months (target ≥22 mmol/L)'],
  analyte: 'bicarbonate',
  fires: ({ observation }, context) => meetsBelow(observation.canonical, target(context)),
  resolves: ({ observation }, context) => meetsAtLeast(observation.canonical, target(context)),
  finding: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [target(context)])} is below ${formatThreshold(target(context))} mmol/L.`,
  recommendation: (_entry, context) => `Below target (≥ ${formatThreshold(target(context))} mmol/L).`,
  resolveReason: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [target(context)])} is ${formatThreshold(target(context))} mmol/L or above.`,
});
