/**
 * Comparator-aware threshold tests (clinical-rules.md, "Values"): a value sent as `<7.0` counts as
 * "below 7.0", so it proves `< 7.5`; it proves nothing about `>= 8.0`. Each test answers "does the
 * value as sent prove this?", so an uncertain value never fires or resolves by accident.
 */
import type { Quantity } from '../../domain/records.js';

/**
 * Canonical values come from unit factors (120 g/L × 0.1 = 12.000000000000002 g/dL): values this
 * close to a threshold count as equal to it, so boundaries hold whatever unit was sent.
 */
function compare(value: number, threshold: number): -1 | 0 | 1 {
  const tolerance = 1e-9 * Math.max(1, Math.abs(value), Math.abs(threshold));
  if (Math.abs(value - threshold) <= tolerance) return 0;
  return value < threshold ? -1 : 1;
}

/** Proves quantity < threshold. */
export function meetsBelow(quantity: Quantity, threshold: number): boolean {
  const order = compare(quantity.value, threshold);
  switch (quantity.comparator) {
    case undefined:
    case '<=':
      return order < 0;
    case '<':
      return order <= 0;
    default:
      return false;
  }
}

/** Proves quantity ≤ threshold. */
export function meetsAtMost(quantity: Quantity, threshold: number): boolean {
  return (
    quantity.comparator !== '>' && quantity.comparator !== '>=' && compare(quantity.value, threshold) <= 0
  );
}

/** Proves quantity > threshold. */
export function meetsAbove(quantity: Quantity, threshold: number): boolean {
  const order = compare(quantity.value, threshold);
  switch (quantity.comparator) {
    case undefined:
    case '>=':
      return order > 0;
    case '>':
      return order >= 0;
    default:
      return false;
  }
}

/** Proves quantity ≥ threshold. */
export function meetsAtLeast(quantity: Quantity, threshold: number): boolean {
  return (
    quantity.comparator !== '<' && quantity.comparator !== '<=' && compare(quantity.value, threshold) >= 0
  );
}

/** A number as a clinician reads it: at most three decimals, no trailing zeros. */
export function formatNumber(value: number): string {
  return String(Number(value.toFixed(3)));
}

/**
 * A threshold as the catalogue writes it: at least `decimals` places (calcium lines read `8.0 mg/dL`,
 * never `8 mg/dL`), more when the hospital set a finer one (7.75).
 */
export function formatThreshold(value: number, decimals = 0): string {
  const shown = formatNumber(value);
  const places = shown.split('.')[1]?.length ?? 0;
  return places >= decimals ? shown : value.toFixed(decimals);
}

/** Canonical values carry at most 4 decimals (units/convert.ts): with 4 the shown value is the value. */
const maxShownDecimals = 4;

/** `value` rounded to `decimals` places; a bound rounds outward, so `<8.016` becomes `<8.1`, still true. */
function roundShown(quantity: Quantity, decimals: number): number {
  const scaled = Number((quantity.value * 10 ** decimals).toPrecision(15));
  const comparator = quantity.comparator;
  const rounded =
    comparator === '<' || comparator === '<='
      ? Math.ceil(scaled)
      : comparator === '>' || comparator === '>='
        ? Math.floor(scaled)
        : Math.round(scaled);
  return rounded / 10 ** decimals;
}

/**
 * A quantity as a page shows it (`7.2 mg/dL`, `<8.1 mg/dL`, `7.20 mg/dL` when sent so): `decimals`
 * places, trailing zeros kept, and more places where rounding would move the value onto or across a
 * threshold the sentence states (7.495 against "below 7.5" shows 7.495, not 7.5). Display only.
 */
export function formatShown(quantity: Quantity, decimals: number, stated: readonly number[] = []): string {
  let places = Math.max(0, Math.trunc(decimals));
  let shown = roundShown(quantity, places);
  while (
    places < maxShownDecimals &&
    stated.some((threshold) => compare(shown, threshold) !== compare(quantity.value, threshold))
  ) {
    places++;
    shown = roundShown(quantity, places);
  }
  return `${quantity.comparator ?? ''}${shown.toFixed(places)} ${quantity.unit}`.trimEnd();
}
