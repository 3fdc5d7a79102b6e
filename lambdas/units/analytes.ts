/**
 * The analytes the rules watch, with their LOINC codes, canonical unit and the
 * units accepted for each (clinical-rules.md, "Laboratory results"). This table
 * is normative: a unit not listed here is never guessed.
 */
import type { Analyte } from '../domain/records.js';

export interface AcceptedUnit {
  /** UCUM spelling as the table gives it; matching ignores case and spaces. */
  readonly unit: string;
  /** Multiply a value in this unit by the factor to get the canonical unit. */
  readonly factor: number;
}

export interface AnalyteDefinition {
  readonly analyte: Analyte;
  /** Words for people: used in findings and notices. */
  readonly label: string;
  /** LOINC codes that identify the analyte; empty where only a hospital's local code does. */
  readonly loincCodes: readonly string[];
  readonly canonicalUnit: string;
  /**
   * Decimals a converted value is shown with in the canonical unit, as the clinic usually reads
   * it (calcium 7.2 mg/dL, PTH 566 pg/mL). Display only: the rules compare the exact value, and a
   * value sent in the canonical unit is shown with the digits it was sent with.
   */
  readonly displayDecimals: number;
  readonly acceptedUnits: readonly AcceptedUnit[];
}

export const analyteDefinitions: readonly AnalyteDefinition[] = [
  {
    analyte: 'calcium',
    label: 'calcium, total',
    loincCodes: ['17861-6', '2000-8'],
    canonicalUnit: 'mg/dL',
    displayDecimals: 1,
    acceptedUnits: [
      { unit: 'mg/dL', factor: 1 },
      { unit: 'mmol/L', factor: 4.008 },
      { unit: 'mEq/L', factor: 2.004 },
    ],
  },
  {
    analyte: 'phosphate',
    label: 'phosphate',
    loincCodes: ['2777-1', '14879-1'],
    canonicalUnit: 'mg/dL',
    displayDecimals: 1,
    acceptedUnits: [
      { unit: 'mg/dL', factor: 1 },
      { unit: 'mmol/L', factor: 3.097 },
    ],
  },
  {
    analyte: 'pth',
    label: 'PTH, intact',
    loincCodes: ['2731-8', '14866-2'],
    canonicalUnit: 'pg/mL',
    displayDecimals: 0,
    acceptedUnits: [
      { unit: 'pg/mL', factor: 1 },
      { unit: 'ng/L', factor: 1 },
      { unit: 'pmol/L', factor: 9.43 },
    ],
  },
  {
    analyte: 'crp',
    label: 'C-reactive protein',
    loincCodes: ['1988-5', '30522-7'],
    canonicalUnit: 'mg/L',
    displayDecimals: 1,
    acceptedUnits: [
      { unit: 'mg/L', factor: 1 },
      { unit: 'mg/dL', factor: 10 },
    ],
  },
  {
    analyte: 'hemoglobin',
    label: 'hemoglobin',
    loincCodes: ['718-7', '59260-0'],
    canonicalUnit: 'g/dL',
    displayDecimals: 1,
    acceptedUnits: [
      { unit: 'g/dL', factor: 1 },
      { unit: 'g/L', factor: 0.1 },
      { unit: 'mmol/L', factor: 1.611 },
    ],
  },
  {
    analyte: 'bicarbonate',
    label: 'bicarbonate',
    loincCodes: ['1963-8', '2028-9'],
    canonicalUnit: 'mmol/L',
    displayDecimals: 0,
    acceptedUnits: [
      { unit: 'mmol/L', factor: 1 },
      { unit: 'mEq/L', factor: 1 },
    ],
  },
  {
    analyte: 'inr',
    label: 'INR',
    loincCodes: ['6301-6', '34714-6'],
    canonicalUnit: 'ratio',
    displayDecimals: 1,
    // INR is a ratio: senders write it in any of these ways, or leave the unit empty.
    acceptedUnits: [
      { unit: '{INR}', factor: 1 },
      { unit: '{ratio}', factor: 1 },
      { unit: '1', factor: 1 },
      { unit: '', factor: 1 },
    ],
  },
  {
    analyte: 'dialysateCalcium',
    label: 'dialysate calcium',
    // No LOINC code: each hospital maps its own local code (RulesConfig.localLabCodes).
    loincCodes: [],
    canonicalUnit: 'mEq/L',
    displayDecimals: 1,
    acceptedUnits: [
      { unit: 'mEq/L', factor: 1 },
      { unit: 'mmol/L', factor: 2 },
    ],
  },
];

const byAnalyte = new Map<Analyte, AnalyteDefinition>(analyteDefinitions.map((d) => [d.analyte, d]));

const byLoinc = new Map<string, Analyte>(
  analyteDefinitions.flatMap((d) => d.loincCodes.map((loinc) => [loinc, d.analyte] as const)),
);

export function analyteDefinition(analyte: Analyte): AnalyteDefinition {
  const definition = byAnalyte.get(analyte);
  // Every Analyte has a row above; reaching this means the table and the type drifted apart.
  if (definition === undefined) throw new Error(`no analyte definition for ${analyte}`);
  return definition;
}

/** True for the LOINC coding system identifier (`LN`), however it is cased. */
export function isLoincSystem(codeSystem: string): boolean {
  return codeSystem.trim().toUpperCase() === 'LN';
}

/**
 * The watched analyte for a result code, or undefined for tests the rules do
 * not watch. A LOINC code (system `LN`) is looked up in the table; any code
 * (LOINC or local) may also be mapped by the hospital's `localLabCodes`, which
 * is the only way to reach dialysate calcium.
 */
export function analyteForCode(
  code: string,
  codeSystem: string,
  localLabCodes: Readonly<Record<string, Analyte>> = {},
): Analyte | undefined {
  const trimmed = code.trim();
  if (trimmed === '') return undefined;
  if (isLoincSystem(codeSystem)) {
    const analyte = byLoinc.get(trimmed);
    if (analyte !== undefined) return analyte;
  }
  return Object.hasOwn(localLabCodes, trimmed) ? localLabCodes[trimmed] : undefined;
}
