/** PTH_SEVERE (urgent): PTH > 500 pg/mL. Resolves on a newer PTH ≤ 500 (500 exactly is not severe). */
import { describeResult } from './support/observations.js';
import { pthSevereAbovePgMl } from './support/pth.js';
import { meetsAbove, meetsAtMost } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

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
  fires: ({ observation }) => meetsAbove(observation.canonical, pthSevereAbovePgMl),
  resolves: ({ observation }) => meetsAtMost(observation.canonical, pthSevereAbovePgMl),
  finding: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [pthSevereAbovePgMl])} is above 500 pg/mL.`,
  recommendation: () =>
    'Refer for parathyroidectomy: can be curative; consider early when medical therapy fails.',
  resolveReason: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [pthSevereAbovePgMl])} is 500 pg/mL or below.`,
});
