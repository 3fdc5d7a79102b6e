/**
 * HEMOGLOBIN_LOW (advisory): hemoglobin ≤ 12 g/dL (female) or ≤ 13 g/dL (male); sex unknown: ≤ 12,
 * and the finding says so. Resolves on a newer value above the target. The targets are the
 * hospital's `hemoglobin` settings (defaults the seed's).
 */
import type { Sex } from '../domain/records.js';
import type { RuleContext } from './rule.js';
import { describeResult } from './support/observations.js';
import { formatThreshold, meetsAbove, meetsAtMost } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

const whose: Readonly<Record<Sex, string>> = {
  F: 'the target for women',
  M: 'the target for men',
  unknown: "sex unknown: the women's target is used",
};

// PID-8 other than F or M is unknown (clinical-rules.md), whatever the record carries.
const sexOf = ({ state }: RuleContext): Sex =>
  state.patient.sex === 'F' || state.patient.sex === 'M' ? state.patient.sex : 'unknown';
const targetFor = (context: RuleContext): number => {
  const { womenTargetAboveGDl, menTargetAboveGDl } = context.config.hemoglobin;
  return sexOf(context) === 'M' ? menTargetAboveGDl : womenTargetAboveGDl;
};

export const HEMOGLOBIN_LOW = resultRule({
  id: 'HEMOGLOBIN_LOW',
  version: 1,
  severity: 'advisory',
  seed: ['Check hemoglobin every 3 months (target >12 g/dL for women, >13 g/dL for men)'],
  analyte: 'hemoglobin',
  fires: ({ observation }, context) => meetsAtMost(observation.canonical, targetFor(context)),
  resolves: ({ observation }, context) => meetsAbove(observation.canonical, targetFor(context)),
  finding: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [targetFor(context)])} is at or below ${formatThreshold(targetFor(context))} g/dL (${whose[sexOf(context)]}).`,
  recommendation: (_entry, { config }) =>
    `Below target (> ${formatThreshold(config.hemoglobin.womenTargetAboveGDl)} g/dL women, > ${formatThreshold(config.hemoglobin.menTargetAboveGDl)} g/dL men).`,
  resolveReason: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [targetFor(context)])} is above ${formatThreshold(targetFor(context))} g/dL (${whose[sexOf(context)]}).`,
});
