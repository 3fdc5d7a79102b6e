/**
 * PTH bands (seed: "For PTH 100-500 pg/mL ... to target PTH 150-300 pg/mL"; "For PTH >500 pg/mL"), as the
 * hospital's configuration sets them (`pth`, within the catalogue's ranges; the defaults are the seed's).
 */
import type { RulesConfig } from '../../config/rules-config.js';
import type { Quantity } from '../../domain/records.js';
import { formatThreshold, meetsAbove, meetsAtMost } from './quantity.js';

export type PthBands = RulesConfig['pth'];

/** Above the target band, not yet a parathyroidectomy referral (300 < PTH ≤ 500 pg/mL by default). */
export const isAboveTargetBand = (pth: Quantity, bands: PthBands): boolean =>
  meetsAbove(pth, bands.targetUpperPgMl) && meetsAtMost(pth, bands.severeAbovePgMl);

/** `150–300 pg/mL`. */
export const targetBandInWords = (bands: PthBands): string =>
  `${formatThreshold(bands.targetLowerPgMl)}–${formatThreshold(bands.targetUpperPgMl)} pg/mL`;
