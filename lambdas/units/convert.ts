/**
 * Unit matching and conversion to an analyte's canonical unit. Units are
 * compared case-insensitively ignoring spaces (`MG/DL`, `mg / dl`, `mEq/L`).
 */
import type { Analyte, Quantity } from '../domain/records.js';
import { type AcceptedUnit, analyteDefinition } from './analytes.js';

/** The comparison key of a unit: lower case, no whitespace. */
export function normaliseUnit(unit: string): string {
  return unit.replace(/\s+/g, '').toLowerCase();
}

/** The accepted unit (with its factor) that `rawUnit` spells for the analyte, if any. */
export function acceptedUnitFor(analyte: Analyte, rawUnit: string): AcceptedUnit | undefined {
  const key = normaliseUnit(rawUnit);
  return analyteDefinition(analyte).acceptedUnits.find((accepted) => normaliseUnit(accepted.unit) === key);
}

/**
 * Rounds a converted value to 4 decimal places. The factors have at most
 * three decimals, so 4 places keep every clinically meaningful digit
 * (1.87 mmol/L × 4.008 = 7.49496 → 7.495, still below 7.5) while removing
 * binary floating-point noise (7.2 × 1 stays 7.2, never 7.199999). The
 * intermediate `toPrecision(15)` strips that noise before rounding, so a
 * product like 1.005 × 1e4 rounds as the decimal it stands for.
 */
export function roundConverted(value: number): number {
  const rounded = Math.round(Number((value * 1e4).toPrecision(15))) / 1e4;
  return Object.is(rounded, -0) ? 0 : rounded;
}

export type CanonicalResult = { ok: true; canonical: Quantity } | { ok: false; unitError: string };

/**
 * Why `rawUnit` cannot be used for the analyte (missing or not accepted), or
 * undefined when it can. INR alone accepts an empty unit.
 */
export function unitProblem(analyte: Analyte, rawUnit: string): string | undefined {
  if (acceptedUnitFor(analyte, rawUnit) !== undefined) return undefined;
  const definition = analyteDefinition(analyte);
  const expected = definition.acceptedUnits.map((u) => (u.unit === '' ? '(none)' : u.unit)).join(', ');
  const sent = rawUnit.trim() === '' ? 'no unit was sent' : `unit '${rawUnit}' is not accepted`;
  return `${sent} for ${definition.label} (accepted: ${expected})`;
}

/**
 * The quantity in the analyte's canonical unit, comparator kept (`<2.0 mmol/L`
 * calcium is `<8.016 mg/dL`). A missing or unaccepted unit is an error, never
 * a guess.
 */
export function toCanonical(analyte: Analyte, quantity: Quantity): CanonicalResult {
  const accepted = acceptedUnitFor(analyte, quantity.unit);
  if (accepted === undefined) {
    return { ok: false, unitError: unitProblem(analyte, quantity.unit) ?? 'unit not accepted' };
  }
  const canonical: Quantity = {
    value: roundConverted(quantity.value * accepted.factor),
    unit: analyteDefinition(analyte).canonicalUnit,
  };
  if (quantity.comparator !== undefined) canonical.comparator = quantity.comparator;
  return { ok: true, canonical };
}
