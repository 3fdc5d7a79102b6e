/**
 * PTH_SEVERE (urgent): PTH > 500 pg/mL (the hospital's `pth.severeAbovePgMl`). Resolves on a newer
 * PTH ≤ 500 (500 exactly is not severe).
 */
import type { RuleContext } from './rule.js';
import { describeResult } from './support/observations.js';
import { formatThreshold, meetsAbove, meetsAtMost } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

const severeAbove = ({ config }: RuleContext): number => config.pth.severeAbovePgMl;

export const PTH_SEVERE = resultRule({
  id: 'PTH_SEVERE',
  version: 1,
  severity: 'urgent',
  seed: [
    'For PTH >500 pg/mL:',
    'Parathyroidectomy is recommended as it can be curative and potentially life-saving',
    'Surgical intervention should be considered early when medical therapy fails',
  ],
  analyte: 'pth',
  fires: ({ observation }, context) => meetsAbove(observation.canonical, severeAbove(context)),
  resolves: ({ observation }, context) => meetsAtMost(observation.canonical, severeAbove(context)),
  finding: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [severeAbove(context)])} is above ${formatThreshold(severeAbove(context))} pg/mL.`,
  recommendation: () =>
    'Refer for parathyroidectomy: can be curative; consider early when medical therapy fails.',
  resolveReason: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [severeAbove(context)])} is ${formatThreshold(severeAbove(context))} pg/mL or below.`,
});
