/** PTH_LOW (advisory): PTH < 100 pg/mL (adynamic bone disease). Resolves on a newer PTH ≥ 100. */
import { describeResult } from './support/observations.js';
import { pthLowBelowPgMl } from './support/pth.js';
import { meetsAtLeast, meetsBelow } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

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
  fires: ({ observation }) => meetsBelow(observation.canonical, pthLowBelowPgMl),
  resolves: ({ observation }) => meetsAtLeast(observation.canonical, pthLowBelowPgMl),
  finding: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [pthLowBelowPgMl])} is below 100 pg/mL.`,
  recommendation: () =>
    'Low PTH suggests adynamic bone disease, which raises risk: consider dialysate calcium 1.5–2.0 mEq/L so PTH can rise to ≥ 100.',
  resolveReason: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [pthLowBelowPgMl])} is 100 pg/mL or above.`,
});
