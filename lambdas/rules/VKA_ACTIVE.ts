/**
 * VKA_ACTIVE (critical): an active vitamin K antagonist order. Judged on every trigger (the order
 * arriving, cohort entry, every later result or order) so it holds while the order stays active; the
 * open alert keeps it from paging again. Resolves when no VKA order is active.
 */

import { orderRule } from './support/order-rule.js';
import { describeOrder, drugName, listInWords } from './support/orders.js';

export const VKA_ACTIVE = orderRule({
  id: 'VKA_ACTIVE',
  version: 1,
  severity: 'critical',
  seed: [
    'Vitamin K antagonist use increases risk 11-fold—warfarin must be discontinued immediately',
    'Discontinue warfarin and all vitamin K antagonists immediately—consider reduced-dose apixaban as safer alternative for atrial fibrillation',
  ],
  medicationClass: 'vitaminKAntagonist',
  finding: (active, { config }) =>
    `Vitamin K antagonist active: ${listInWords(active.map((order) => describeOrder(order, config.timeZone)))}.`,
  recommendation: (active) =>
    `Discontinue ${listInWords([...new Set(active.map(drugName))])} (vitamin K antagonist) now (11-fold risk); for atrial fibrillation consider reduced-dose apixaban.`,
});
