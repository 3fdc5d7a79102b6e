/** PTH bands (seed: "For PTH 100-500 pg/mL ... to target PTH 150-300 pg/mL"; "For PTH >500 pg/mL"). */
import type { Quantity } from '../../domain/records.js';
import { meetsAbove, meetsAtMost } from './quantity.js';

export const pthSevereAbovePgMl = 500;
export const pthTargetUpperPgMl = 300;
export const pthLowBelowPgMl = 100;

/** 300 < PTH ≤ 500 pg/mL: above the target band, not yet a parathyroidectomy referral. */
export const isAboveTargetBand = (pth: Quantity): boolean =>
  meetsAbove(pth, pthTargetUpperPgMl) && meetsAtMost(pth, pthSevereAbovePgMl);
