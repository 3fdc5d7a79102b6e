/** Unit normalisation for laboratory results: the analyte table, value reading and conversion. */
export {
  type AcceptedUnit,
  type AnalyteDefinition,
  analyteDefinition,
  analyteDefinitions,
  analyteForCode,
  isLoincSystem,
} from './analytes.js';
export {
  acceptedUnitFor,
  type CanonicalResult,
  normaliseUnit,
  roundConverted,
  toCanonical,
  unitProblem,
} from './convert.js';
export { readObservationValue, sentDecimals, type ValueReading } from './values.js';
