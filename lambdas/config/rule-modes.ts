/**
 * Per-rule modes in the hospital's rules configuration (`modes`): `live` (the default) pages as the
 * catalogue says; `shadow` evaluates the rule and records what it would have raised, paging nothing;
 * `off` does not evaluate it. A critical rule (it pages the on-call) may be set to `shadow` or `off`
 * only with `criticalOverride: { reason, approvedBy }`, so taking a critical page away is always a
 * recorded, named decision. Pure: no AWS import.
 */
import { z } from 'zod';
import { criticalRuleIds, ruleIds } from '../domain/alerts.js';
import { ruleModeNames } from './rule-mode.js';

const criticalOverride = z
  .object({
    /** Why this critical rule does not page (e.g. a unit-wide protocol pages it another way). */
    reason: z.string().trim().min(10, 'say why, in at least 10 characters'),
    /** Who approved it: a named clinician and role, as the hospital's governance records it. */
    approvedBy: z.string().trim().min(3),
  })
  .strict();

const ruleSetting = z
  .object({
    mode: z.enum(ruleModeNames),
    criticalOverride: criticalOverride.optional(),
  })
  .strict();

const isCritical = (ruleId: string): boolean => (criticalRuleIds as readonly string[]).includes(ruleId);

export const ruleModes = z
  .partialRecord(z.enum(ruleIds), ruleSetting)
  .superRefine((modes, context) => {
    for (const [ruleId, setting] of Object.entries(modes)) {
      if (setting === undefined) continue;
      const paging = setting.mode === 'live';
      if (isCritical(ruleId) && !paging && setting.criticalOverride === undefined) {
        context.addIssue({
          code: 'custom',
          path: [ruleId, 'criticalOverride'],
          message: `${ruleId} is a critical rule: mode ${setting.mode} needs criticalOverride { reason, approvedBy }`,
        });
      }
      if (setting.criticalOverride !== undefined && (!isCritical(ruleId) || paging)) {
        context.addIssue({
          code: 'custom',
          path: [ruleId, 'criticalOverride'],
          message: 'only for a critical rule set to shadow or off: it would override nothing',
        });
      }
    }
  })
  .default({});
