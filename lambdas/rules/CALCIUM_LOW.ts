/**
 * CALCIUM_LOW (urgent): 7.5 ≤ calcium < 8.4 mg/dL (the hospital's `calcium.criticalBelowMgDl` and
 * `calcium.lowBelowMgDl`). Resolves on a newer calcium ≥ 8.4. Stands aside
 * while CALCIUM_CRITICAL_LOW holds or stays open (it supersedes this alert; clinical-rules.md): a
 * calcium of 7.5–8.0 then opens nothing, and once a calcium ≥ 8.0 resolves the critical alert this
 * one may open if still < 8.4.
 */
import { CALCIUM_CRITICAL_LOW } from './CALCIUM_CRITICAL_LOW.js';
import type { RuleContext } from './rule.js';
import { describeResult } from './support/observations.js';
import { openAlertFor } from './support/outcomes.js';
import { formatThreshold, meetsAtLeast, meetsBelow } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

const lowBelow = ({ config }: RuleContext): number => config.calcium.lowBelowMgDl;
const lowBelowInWords = (context: RuleContext): string => `${formatThreshold(lowBelow(context), 1)} mg/dL`;

function criticalLowStands(context: RuleContext): boolean {
  const critical = CALCIUM_CRITICAL_LOW.evaluate(context).find((outcome) => outcome.kind !== 'noChange');
  if (critical?.kind === 'fire') return true;
  return critical?.kind !== 'resolve' && openAlertFor(context.state, 'CALCIUM_CRITICAL_LOW') !== undefined;
}

export const CALCIUM_LOW = resultRule({
  id: 'CALCIUM_LOW',
  version: 1,
  severity: 'urgent',
  seed: [
    'If calcium falls below 8.4 mg/dL but remains above 7.5 mg/dL: increase calcium-containing phosphate binders and/or vitamin D sterols',
    'Hypocalcemia may require individualized treatment rather than routine correction in all calciphylaxis patients',
  ],
  analyte: 'calcium',
  standsAside: criticalLowStands,
  // A value like `<8.0` proves < 8.4 without proving < 7.5: it is low, not shown to be critical.
  fires: ({ observation }, context) =>
    meetsBelow(observation.canonical, lowBelow(context)) &&
    !meetsBelow(observation.canonical, context.config.calcium.criticalBelowMgDl),
  resolves: ({ observation }, context) => meetsAtLeast(observation.canonical, lowBelow(context)),
  finding: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [lowBelow(context)])} is below ${lowBelowInWords(context)}.`,
  recommendation: () =>
    'Increase calcium-containing binders and/or vitamin D sterols, individualised in calciphylaxis (calcium loading promotes calcification).',
  resolveReason: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [lowBelow(context)])} is at least ${lowBelowInWords(context)}.`,
});
