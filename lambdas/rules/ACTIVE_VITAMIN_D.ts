/** ACTIVE_VITAMIN_D (advisory): an active vitamin D sterol order. Resolves when it ends. */

import { orderRule } from './support/order-rule.js';
import { describeOrder, listInWords } from './support/orders.js';

export const ACTIVE_VITAMIN_D = orderRule({
  id: 'ACTIVE_VITAMIN_D',
  version: 1,
  severity: 'advisory',
  seed: [
    'Calcium-containing phosphate binders and high-dose active vitamin D derivatives contribute to calcium loading',
  ],
  medicationClass: 'activeVitaminD',
  finding: (active, { config }) =>
    `Active vitamin D sterol ordered: ${listInWords(active.map((order) => describeOrder(order, config.timeZone)))}.`,
  recommendation: () => 'High-dose active vitamin D adds to calcium loading: review the dose.',
});
