import { describe, expect, it } from 'vitest';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { MedicationClass } from '../../lambdas/domain/records.js';
import {
  isCatalogueIngredient,
  matchMedication,
  medicationCatalogue,
} from '../../lambdas/messages/medications.js';

const config = parseRulesConfig({ timeZone: 'America/Chicago', localDrugCodes: { 'PH-7731': 'Cinacalcet' } });

describe('matchMedication: by ingredient name (whole word, any case)', () => {
  it.each([
    ['Warfarin Sodium 5 MG Oral Tablet', 'warfarin', 'vitaminKAntagonist'],
    ['WARFARIN 2MG TAB', 'warfarin', 'vitaminKAntagonist'],
    ['warfarin sodium 5 MG Oral Tablet [Coumadin]', 'warfarin', 'vitaminKAntagonist'],
    ['Jantoven 3 MG Oral Tablet', 'warfarin', 'vitaminKAntagonist'],
    ['acenocoumarol 4 MG', 'acenocoumarol', 'vitaminKAntagonist'],
    ['Phenprocoumon 3 MG', 'phenprocoumon', 'vitaminKAntagonist'],
    ['fluindione 20 mg', 'fluindione', 'vitaminKAntagonist'],
    ['cinacalcet 30 MG Oral Tablet', 'cinacalcet', 'calcimimetic'],
    ['Sensipar 60 MG Oral Tablet', 'cinacalcet', 'calcimimetic'],
    ['etelcalcetide 5 MG/ML Injectable Solution', 'etelcalcetide', 'calcimimetic'],
    ['Sodium Thiosulfate 250 MG/ML Injectable Solution', 'sodium thiosulfate', 'sodiumThiosulfate'],
    ['sodium  thiosulfate 25 g IV', 'sodium thiosulfate', 'sodiumThiosulfate'],
    ['Calcium Acetate 667 MG', 'calcium acetate', 'calciumBinder'],
    ['calcium carbonate 1250 MG Chewable Tablet', 'calcium carbonate', 'calciumBinder'],
    ['calcitriol 0.25 MCG Oral Capsule', 'calcitriol', 'activeVitaminD'],
    ['Paricalcitol 5 MCG/ML Injectable Solution', 'paricalcitol', 'activeVitaminD'],
    ['doxercalciferol 4 MCG/2ML', 'doxercalciferol', 'activeVitaminD'],
    ['Alfacalcidol 1 MCG', 'alfacalcidol', 'activeVitaminD'],
    ['sevelamer carbonate 800 MG Oral Tablet', 'sevelamer', 'nonCalciumBinder'],
    ['lanthanum carbonate 1000 MG Chewable Tablet', 'lanthanum', 'nonCalciumBinder'],
    ['Ferric Citrate 210 MG', 'ferric citrate', 'nonCalciumBinder'],
    ['sucroferric oxyhydroxide 500 MG', 'sucroferric oxyhydroxide', 'nonCalciumBinder'],
    ['apixaban 2.5 MG Oral Tablet', 'apixaban', 'doac'],
    ['rivaroxaban 15 MG', 'rivaroxaban', 'doac'],
    ['Edoxaban 30 MG', 'edoxaban', 'doac'],
    ['dabigatran etexilate 75 MG Oral Capsule', 'dabigatran', 'doac'],
  ] as Array<[string, string, MedicationClass]>)('%j -> %s (%s)', (text, ingredient, medicationClass) => {
    expect(matchMedication('', '', text, config)).toEqual({ ingredient, medicationClass, matchedBy: 'name' });
  });

  it.each([
    'warfarinase 1 unit', // not a substring match
    'nonwarfarin anticoagulant', // nor a word ending in the name
    'Calcium Gluconate 10% Injectable Solution',
    'calcium chloride',
    'calciumacetate', // not a word of its own
    'heparin 1000 UNT/ML',
    'epoetin alfa 4000 UNT/ML',
    'cholecalciferol 1000 UNT', // nutritional vitamin D is not an active sterol
    '',
  ])('%j matches nothing', (text) => {
    expect(matchMedication('', '', text, config)).toBeUndefined();
  });
});

describe('matchMedication: by code', () => {
  it('an RxNorm ingredient CUI matches without any text (warfarin 11289)', () => {
    expect(matchMedication('11289', 'RXNORM', '', config)).toEqual({
      ingredient: 'warfarin',
      medicationClass: 'vitaminKAntagonist',
      matchedBy: 'rxnormCode',
    });
  });

  it('an RxNorm CUI counts only under the RXNORM system', () => {
    expect(matchMedication('11289', 'NDC', '', config)).toBeUndefined();
  });

  it('a product-level RxNorm code falls back to the name in the text', () => {
    expect(matchMedication('855332', 'RXNORM', 'Warfarin Sodium 5 MG Oral Tablet', config)).toMatchObject({
      ingredient: 'warfarin',
      matchedBy: 'name',
    });
  });

  it('a hospital local drug code maps to a catalogue ingredient, whatever the system', () => {
    expect(matchMedication('PH-7731', 'LOCALRX', 'CINA 30 TAB', config)).toEqual({
      ingredient: 'cinacalcet',
      medicationClass: 'calcimimetic',
      matchedBy: 'localCode',
    });
  });

  it('every catalogue ingredient is known by name, including the context-only classes', () => {
    for (const entry of medicationCatalogue) {
      expect(isCatalogueIngredient(entry.ingredient)).toBe(true);
      expect(matchMedication('', '', `${entry.ingredient} 1 MG`, config)?.medicationClass).toBe(
        entry.medicationClass,
      );
    }
    expect(new Set(medicationCatalogue.map((e) => e.medicationClass)).size).toBe(7);
  });
});
