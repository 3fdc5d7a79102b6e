/** BICARBONATE_LOW (advisory): bicarbonate < 22 mmol/L. Resolves on a newer value ≥ 22 (22 exactly is on target). */
import { describeResult } from './support/observations.js';
import { meetsAtLeast, meetsBelow } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

const targetAtLeastMmolL = 22;

export const BICARBONATE_LOW = resultRule({
  id: 'BICARBONATE_LOW',
  version: 1,
  severity: 'advisory',
  seed: ['Monitor serum bicarbonate every 3 months (target ≥22 mmol/L)'],
  analyte: 'bicarbonate',
  fires: ({ observation }) => meetsBelow(observation.canonical, targetAtLeastMmolL),
  resolves: ({ observation }) => meetsAtLeast(observation.canonical, targetAtLeastMmolL),
  finding: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [targetAtLeastMmolL])} is below 22 mmol/L.`,
  recommendation: () => 'Below target (≥ 22 mmol/L).',
  resolveReason: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [targetAtLeastMmolL])} is 22 mmol/L or above.`,
});
