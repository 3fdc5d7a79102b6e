/** CALCIUM_BINDER_ACTIVE (advisory): an active calcium-based phosphate binder. Resolves when it ends. */

import { orderRule } from './support/order-rule.js';
import { describeOrder, listInWords } from './support/orders.js';

export const CALCIUM_BINDER_ACTIVE = orderRule({
  id: 'CALCIUM_BINDER_ACTIVE',
  version: 1,
  severity: 'advisory',
  seed: [
    'Limit exposure to excess calcium and phosphate by reducing calcium-containing phosphate binders',
    'Calcium-containing phosphate binders and high-dose active vitamin D derivatives contribute to calcium loading',
  ],
  medicationClass: 'calciumBinder',
  finding: (active, { config }) =>
    `Calcium-based phosphate binder active: ${listInWords(active.map((order) => describeOrder(order, config.timeZone)))}.`,
  recommendation: () => 'Reduce calcium-containing binders; prefer a non-calcium binder such as sevelamer.',
});
