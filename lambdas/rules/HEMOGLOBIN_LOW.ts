/**
 * HEMOGLOBIN_LOW (advisory): hemoglobin ≤ 12 g/dL (female) or ≤ 13 g/dL (male); sex unknown: ≤ 12,
 * and the finding says so. Resolves on a newer value above the target.
 */
import type { Sex } from '../domain/records.js';
import type { RuleContext } from './rule.js';
import { describeResult } from './support/observations.js';
import { meetsAbove, meetsAtMost } from './support/quantity.js';
import { resultRule } from './support/result-rule.js';

const targetAboveGDl: Readonly<Record<Sex, number>> = { F: 12, M: 13, unknown: 12 };
const whose: Readonly<Record<Sex, string>> = {
  F: 'the target for women',
  M: 'the target for men',
  unknown: "sex unknown: the women's target is used",
};

// PID-8 other than F or M is unknown (clinical-rules.md), whatever the record carries.
const sexOf = ({ state }: RuleContext): Sex =>
  state.patient.sex === 'F' || state.patient.sex === 'M' ? state.patient.sex : 'unknown';
const targetFor = (context: RuleContext): number => targetAboveGDl[sexOf(context)];

export const HEMOGLOBIN_LOW = resultRule({
  id: 'HEMOGLOBIN_LOW',
  version: 1,
  severity: 'advisory',
  seed: ['Check hemoglobin every 3 months (target >12 g/dL for women, >13 g/dL for men)'],
  analyte: 'hemoglobin',
  fires: ({ observation }, context) => meetsAtMost(observation.canonical, targetFor(context)),
  resolves: ({ observation }, context) => meetsAbove(observation.canonical, targetFor(context)),
  finding: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [targetFor(context)])} is at or below ${targetFor(context)} g/dL (${whose[sexOf(context)]}).`,
  recommendation: () => 'Below target (> 12 g/dL women, > 13 g/dL men).',
  resolveReason: (entry, context) =>
    `${describeResult(entry, context.config.timeZone, [targetFor(context)])} is above ${targetFor(context)} g/dL (${whose[sexOf(context)]}).`,
});
