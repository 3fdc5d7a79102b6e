/**
 * Worse after acknowledgement (clinical-rules.md, "Alert lifecycle"): an
 * acknowledged critical or urgent alert absorbs new results quietly unless one
 * is worse than the value at acknowledgement by the rule's margin; then it
 * pages `worsened` once, and that value becomes the one to beat.
 *
 * The value at acknowledgement is the worst value among the alert's evidence
 * when it was acknowledged (what the clinician saw), recorded on the alert.
 * A new result counts only when its value as sent proves it worse (a `<6.0`
 * proves a calcium at most 6.0; a `>6.0` proves nothing); the reference is
 * taken at its number.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { Alert, Evidence, RuleId, WorseningReference } from '../domain/alerts.js';
import type { Quantity } from '../domain/records.js';
import { formatShown, meetsAtLeast, meetsAtMost } from '../rules/support/quantity.js';
import { analyteDefinition } from '../units/analytes.js';

type Margins = RulesConfig['worsenedMargins'];

interface WorseningRule {
  /** Words for the audit trail (`calcium`, `PTH`). */
  label: string;
  /** The analyte's canonical unit: evidence in any other unit is not this rule's value. */
  unit: string;
  /** The analyte's usual display precision. */
  decimals: number;
  worseIs: 'lower' | 'higher';
  /** The value a new result must reach (at most, or at least) to be worse than `reference`. */
  threshold(reference: number, margins: Margins): number;
  marginText(margins: Margins): string;
}

const calciumDrop: WorseningRule = {
  label: 'calcium',
  unit: analyteDefinition('calcium').canonicalUnit,
  decimals: analyteDefinition('calcium').displayDecimals,
  worseIs: 'lower',
  threshold: (reference, margins) => reference - margins.calciumDropMgDl,
  marginText: (margins) => `${margins.calciumDropMgDl} mg/dL lower`,
};

const pthRise: WorseningRule = {
  label: 'PTH',
  unit: analyteDefinition('pth').canonicalUnit,
  decimals: analyteDefinition('pth').displayDecimals,
  worseIs: 'higher',
  threshold: (reference, margins) => reference * (1 + margins.pthRisePercent / 100),
  marginText: (margins) => `${margins.pthRisePercent}% higher`,
};

/** The rules whose alerts can get worse by a number; other alerts never page `worsened`. */
const worseningRules: Readonly<Partial<Record<RuleId, WorseningRule>>> = {
  CALCIUM_CRITICAL_LOW: calciumDrop,
  CALCIUM_LOW: calciumDrop,
  PTH_SEVERE: pthRise,
};

type Valued = Evidence & { value: Quantity };

function valuesOf(rule: WorseningRule, evidence: readonly Evidence[]): Valued[] {
  return evidence.filter(
    (item): item is Valued =>
      item.kind === 'observation' && item.value !== undefined && item.value.unit === rule.unit,
  );
}

function worstOf(rule: WorseningRule, evidence: readonly Evidence[]): Valued | undefined {
  let worst: Valued | undefined;
  for (const item of valuesOf(rule, evidence)) {
    const worse =
      rule.worseIs === 'lower'
        ? item.value.value < (worst?.value.value ?? Infinity)
        : item.value.value > (worst?.value.value ?? -Infinity);
    if (worse) worst = item;
  }
  return worst;
}

function referenceOf(item: Valued, setBy: WorseningReference['setBy'], pages: number): WorseningReference {
  return { value: { ...item.value }, recordId: item.recordId, at: item.at, setBy, pages };
}

/** What to record when `alert` is acknowledged: its worst value so far, or nothing for a rule without one. */
export function referenceAtAcknowledgement(alert: Alert): WorseningReference | undefined {
  const rule = worseningRules[alert.ruleId];
  if (rule === undefined || alert.severity === 'advisory') return undefined;
  const worst = worstOf(rule, alert.evidence);
  return worst === undefined ? undefined : referenceOf(worst, 'acknowledgement', 0);
}

export interface Worsened {
  was: WorseningReference;
  now: WorseningReference;
  /** For the audit reason: `calcium 6.1 mg/dL, 7.2 mg/dL at acknowledgement (margin 0.5 mg/dL lower)`. */
  values: string;
}

/**
 * Whether `incoming` (results not yet on the alert) holds one worse than the
 * alert's reference by the margin; the worst such result when it does.
 * Only acknowledged alerts with a recorded reference qualify: an open one
 * is still repeating with the newest value.
 */
export function worsenedBy(
  alert: Alert,
  incoming: readonly Evidence[],
  margins: Margins,
): Worsened | undefined {
  const rule = worseningRules[alert.ruleId];
  const was = alert.worsening;
  if (rule === undefined || was === undefined || alert.state !== 'acknowledged') return undefined;
  const worst = worstOf(rule, incoming);
  if (worst === undefined) return undefined;
  const threshold = rule.threshold(was.value.value, margins);
  const isWorse =
    rule.worseIs === 'lower' ? meetsAtMost(worst.value, threshold) : meetsAtLeast(worst.value, threshold);
  if (!isWorse) return undefined;
  const now = referenceOf(worst, 'worsened', was.pages + 1);
  return {
    was,
    now,
    values: `${rule.label} ${shown(now.value)}, ${shown(was.value)} ${sinceWords(was)} (margin ${rule.marginText(margins)})`,
  };
}

/** A value in its analyte's usual precision (the references are canonical values, often converted). */
function shown(quantity: Quantity): string {
  const rule = Object.values(worseningRules).find((candidate) => candidate?.unit === quantity.unit);
  return formatShown(quantity, rule?.decimals ?? 1);
}

const sinceWords = (was: WorseningReference): string =>
  was.setBy === 'acknowledgement' ? 'at acknowledgement' : 'at the last worsened page';

/** `was 7.2 mg/dL at acknowledgement, now 6.1 mg/dL`: both values, for the page. */
export function worsenedWords({ was, now }: { was: WorseningReference; now: WorseningReference }): string {
  return `was ${shown(was.value)} ${sinceWords(was)}, now ${shown(now.value)}`;
}
