/**
 * PTH_START_CINACALCET (advisory): 300 < PTH ≤ 500 pg/mL and no active calcimimetic (started only
 * above the 150–300 target band). Resolves when a calcimimetic order becomes active, or on a newer
 * PTH ≤ 300. The bands are the hospital's `pth` settings (defaults the seed's).
 */

import { describeResult } from './support/observations.js';
import { activeOrdersOf, describeOrder, listInWords, orderEvidence } from './support/orders.js';
import { isAboveTargetBand, targetBandInWords } from './support/pth.js';
import { formatThreshold, meetsAtMost } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

export const PTH_START_CINACALCET = resultRule({
  id: 'PTH_START_CINACALCET',
  version: 1,
  severity: 'advisory',
  seed: [
    'For PTH 100-500 pg/mL:',
    'Initiate cinacalcet 30mg daily, titrating every 2-4 weeks through sequential doses (30,60,90,120, 180mg daily) to target PTH 150-300 pg/mL',
  ],
  analyte: 'pth',
  fires: ({ observation }, { state, now, config }) =>
    isAboveTargetBand(observation.canonical, config.pth) &&
    activeOrdersOf(state, 'calcimimetic', now.getTime()).length === 0,
  resolves: ({ observation }, { config }) => meetsAtMost(observation.canonical, config.pth.targetUpperPgMl),
  resolvesOtherwise: ({ state, now, config }) => {
    const calcimimetics = activeOrdersOf(state, 'calcimimetic', now.getTime());
    if (calcimimetics.length === 0) return undefined;
    const orders = listInWords(calcimimetics.map((order) => describeOrder(order, config.timeZone)));
    return { reason: `A calcimimetic is active: ${orders}.`, evidence: calcimimetics.map(orderEvidence) };
  },
  finding: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [config.pth.targetUpperPgMl])} is above the ${targetBandInWords(config.pth)} target with no active calcimimetic.`,
  recommendation: (_entry, { config }) =>
    `Start cinacalcet 30 mg daily; titrate every 2–4 weeks (30, 60, 90, 120, 180 mg) to PTH ${targetBandInWords(config.pth)}; check calcium within 1 week.`,
  resolveReason: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [config.pth.targetUpperPgMl])} is ${formatThreshold(config.pth.targetUpperPgMl)} pg/mL or below.`,
});
