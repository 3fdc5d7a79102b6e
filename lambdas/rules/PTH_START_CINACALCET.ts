/**
 * PTH_START_CINACALCET (advisory): 300 < PTH ≤ 500 pg/mL and no active calcimimetic (started only
 * above the 150–300 target band). Resolves when a calcimimetic order becomes active, or on a newer
 * PTH ≤ 300.
 */

import { describeResult } from './support/observations.js';
import { activeOrdersOf, describeOrder, listInWords, orderEvidence } from './support/orders.js';
import { isAboveTargetBand, pthTargetUpperPgMl } from './support/pth.js';
import { meetsAtMost } from './support/quantity.js';
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
  fires: ({ observation }, { state, now }) =>
    isAboveTargetBand(observation.canonical) &&
    activeOrdersOf(state, 'calcimimetic', now.getTime()).length === 0,
  resolves: ({ observation }) => meetsAtMost(observation.canonical, pthTargetUpperPgMl),
  resolvesOtherwise: ({ state, now, config }) => {
    const calcimimetics = activeOrdersOf(state, 'calcimimetic', now.getTime());
    if (calcimimetics.length === 0) return undefined;
    const orders = listInWords(calcimimetics.map((order) => describeOrder(order, config.timeZone)));
    return { reason: `A calcimimetic is active: ${orders}.`, evidence: calcimimetics.map(orderEvidence) };
  },
  finding: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [pthTargetUpperPgMl])} is above the 150–300 pg/mL target with no active calcimimetic.`,
  recommendation: () =>
    'Start cinacalcet 30 mg daily; titrate every 2–4 weeks (30, 60, 90, 120, 180 mg) to PTH 150–300 pg/mL; check calcium within 1 week.',
  resolveReason: (entry, { config }) =>
    `${describeResult(entry, config.timeZone, [pthTargetUpperPgMl])} is 300 pg/mL or below.`,
});
