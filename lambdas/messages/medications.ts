/**
 * The medication catalogue (clinical-rules.md, "Medication orders"): which
 * ingredients belong to which class, and how an order's drug is matched to
 * one: by the hospital's local drug codes, by RxNorm ingredient code, or by
 * the ingredient's name as a whole word in the drug text.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { MedicationClass } from '../domain/records.js';

export interface CatalogueIngredient {
  readonly ingredient: string;
  readonly medicationClass: MedicationClass;
  /**
   * Other names that mean only this ingredient: brand names and spelling
   * variants as they appear in drug texts (`Coumadin 5 MG Oral Tablet`).
   */
  readonly synonyms: readonly string[];
}

// Order matters where a text names two ingredients: the first match wins, so
// the classes the rules act on come before the context-only ones.
export const medicationCatalogue: readonly CatalogueIngredient[] = [
  { ingredient: 'warfarin', medicationClass: 'vitaminKAntagonist', synonyms: ['Coumadin', 'Jantoven'] },
  { ingredient: 'acenocoumarol', medicationClass: 'vitaminKAntagonist', synonyms: ['Sintrom'] },
  { ingredient: 'phenprocoumon', medicationClass: 'vitaminKAntagonist', synonyms: ['Marcumar'] },
  { ingredient: 'fluindione', medicationClass: 'vitaminKAntagonist', synonyms: ['Previscan'] },
  { ingredient: 'cinacalcet', medicationClass: 'calcimimetic', synonyms: ['Sensipar', 'Mimpara'] },
  { ingredient: 'etelcalcetide', medicationClass: 'calcimimetic', synonyms: ['Parsabiv'] },
  {
    ingredient: 'sodium thiosulfate',
    medicationClass: 'sodiumThiosulfate',
    synonyms: ['sodium thiosulphate'],
  },
  { ingredient: 'calcium acetate', medicationClass: 'calciumBinder', synonyms: ['PhosLo'] },
  { ingredient: 'calcium carbonate', medicationClass: 'calciumBinder', synonyms: [] },
  { ingredient: 'calcitriol', medicationClass: 'activeVitaminD', synonyms: ['Rocaltrol'] },
  { ingredient: 'paricalcitol', medicationClass: 'activeVitaminD', synonyms: ['Zemplar'] },
  { ingredient: 'doxercalciferol', medicationClass: 'activeVitaminD', synonyms: ['Hectorol'] },
  { ingredient: 'alfacalcidol', medicationClass: 'activeVitaminD', synonyms: ['alphacalcidol', 'One-Alpha'] },
  { ingredient: 'sevelamer', medicationClass: 'nonCalciumBinder', synonyms: ['Renvela', 'Renagel'] },
  { ingredient: 'lanthanum', medicationClass: 'nonCalciumBinder', synonyms: ['Fosrenol'] },
  { ingredient: 'ferric citrate', medicationClass: 'nonCalciumBinder', synonyms: ['Auryxia'] },
  { ingredient: 'sucroferric oxyhydroxide', medicationClass: 'nonCalciumBinder', synonyms: ['Velphoro'] },
  { ingredient: 'apixaban', medicationClass: 'doac', synonyms: ['Eliquis'] },
  { ingredient: 'rivaroxaban', medicationClass: 'doac', synonyms: ['Xarelto'] },
  { ingredient: 'edoxaban', medicationClass: 'doac', synonyms: ['Savaysa', 'Lixiana'] },
  { ingredient: 'dabigatran', medicationClass: 'doac', synonyms: ['Pradaxa'] },
];

/**
 * RxNorm ingredient CUIs (term type IN). Only codes confirmed against more
 * than one independent source are listed; every other ingredient is matched
 * by name (RxNorm product texts always name the ingredient) or by the
 * hospital's `localDrugCodes`. A wrong CUI here would misclassify orders, so
 * add one only when checked in RxNav.
 */
export const rxNormIngredientCodes: Readonly<Record<string, string>> = {
  '11289': 'warfarin',
  '1364430': 'apixaban',
  '1114195': 'rivaroxaban',
};

export interface MedicationMatch {
  medicationClass: MedicationClass;
  ingredient: string;
  /** How it was matched, so a surprising class can be traced. */
  matchedBy: 'localCode' | 'rxnormCode' | 'name';
}

const byIngredient = new Map<string, CatalogueIngredient>(
  medicationCatalogue.map((entry) => [entry.ingredient, entry]),
);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Whole word: no letter or digit either side, so `warfarinase` and
// `calciumacetate` do not match; spaces and hyphens inside a name are
// interchangeable (`sodium-thiosulfate`, `One Alpha`).
function wholeWordPattern(name: string): RegExp {
  const body = name
    .trim()
    .split(/[\s-]+/)
    .map(escapeRegExp)
    .join('[\\s-]+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'iu');
}

const namePatterns: ReadonlyArray<{ entry: CatalogueIngredient; patterns: RegExp[] }> =
  medicationCatalogue.map((entry) => ({
    entry,
    patterns: [entry.ingredient, ...entry.synonyms].map(wholeWordPattern),
  }));

function fromCatalogue(
  ingredient: string,
  matchedBy: MedicationMatch['matchedBy'],
): MedicationMatch | undefined {
  const entry = byIngredient.get(ingredient.trim().toLowerCase());
  return entry === undefined
    ? undefined
    : { medicationClass: entry.medicationClass, ingredient: entry.ingredient, matchedBy };
}

/** The ingredient named in a drug text, as a whole word, case-insensitive. */
export function matchMedicationName(text: string): MedicationMatch | undefined {
  if (text.trim() === '') return undefined;
  const found = namePatterns.find(({ patterns }) => patterns.some((pattern) => pattern.test(text)));
  return found === undefined
    ? undefined
    : { medicationClass: found.entry.medicationClass, ingredient: found.entry.ingredient, matchedBy: 'name' };
}

/**
 * Matches one coded drug (identifier, coding system, text) to a catalogue
 * ingredient: first the hospital's `localDrugCodes` (keyed by the code as
 * sent, whatever the system), then RxNorm ingredient CUIs (system `RXNORM`),
 * then the name in the text. Undefined for drugs the rules do not know.
 */
export function matchMedication(
  code: string,
  codeSystem: string,
  text: string,
  config: Pick<RulesConfig, 'localDrugCodes'>,
): MedicationMatch | undefined {
  const trimmedCode = code.trim();
  if (trimmedCode !== '') {
    const localIngredient = Object.hasOwn(config.localDrugCodes, trimmedCode)
      ? config.localDrugCodes[trimmedCode]
      : undefined;
    if (localIngredient !== undefined) {
      const local = fromCatalogue(localIngredient, 'localCode');
      if (local !== undefined) return local;
    }
    if (codeSystem.trim().toUpperCase() === 'RXNORM' && Object.hasOwn(rxNormIngredientCodes, trimmedCode)) {
      const ingredient = rxNormIngredientCodes[trimmedCode];
      const coded = ingredient === undefined ? undefined : fromCatalogue(ingredient, 'rxnormCode');
      if (coded !== undefined) return coded;
    }
  }
  return matchMedicationName(text);
}

/** True when `ingredient` names a catalogue entry (for checking a hospital's `localDrugCodes`). */
export function isCatalogueIngredient(ingredient: string): boolean {
  return byIngredient.has(ingredient.trim().toLowerCase());
}
