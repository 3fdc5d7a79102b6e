/**
 * Per-hospital rule configuration: the numbers clinical-rules.md marks
 * "local default", code maps, the cohort code list, escalation timing and how
 * much PHI a page may carry. Validated with zod at synth, in the local stack
 * and in tests; a bad value fails with a message naming the key. The
 * functions read the validated result without zod (rules-config-shape.ts).
 * Pure: no AWS import.
 */
import { z } from 'zod';
import { describeIssues } from '../domain/validation-issues.js';
import {
  calciumMonitoringIntervals,
  calciumThresholds,
  crpRisingThresholds,
  hemoglobinTargets,
  pthThresholds,
  threshold,
} from './clinical-thresholds.js';
import { ruleModes } from './rule-modes.js';
import { analyteNames, ConfigError } from './rules-config-shape.js';

export { analyteNames, ConfigError };

const positiveInt = z.number().int().positive();

const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not an IANA time zone (e.g. America/Chicago)' },
);

const cohortCode = z
  .object({
    code: z.string().min(1),
    /** Coding systems (DG1-3.3) under which the code counts. */
    systems: z.array(z.string().min(1)).min(1),
    /** When set, the code counts only if DG1-3 text, alternate text or DG1-4 mentions this word. */
    textMustMention: z.string().min(1).optional(),
  })
  .strict();

/** Beyond five levels nobody is left to call; each level is an SNS topic in the stack. */
export const maxEscalationLevels = 5;

const escalationLevel = z
  .object({
    /** Who this level reaches, in the hospital's words; shown in audit events, e-mails and ack pages. */
    name: z.string().trim().min(1).max(40),
    /** Minutes after the alert opened (not after the previous level): the policy reads as a timetable. */
    afterMinutes: positiveInt,
  })
  .strict();

const escalationChain = z
  .array(escalationLevel)
  .min(1)
  .max(maxEscalationLevels)
  .refine(
    (levels) =>
      levels.every(
        (level, index) => index === 0 || level.afterMinutes > (levels[index - 1]?.afterMinutes ?? 0),
      ),
    {
      message:
        'afterMinutes must increase from one level to the next (each counts from when the alert opened)',
    },
  );

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The URL, or undefined; refinements run even after the url check failed, so they must not throw. */
function urlOf(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** Where ack links point: https, or http on the local machine only (the local stack). */
const ackLinkBaseUrl = z
  .url({ protocol: /^https?$/ })
  .refine(
    (text) => {
      const url = urlOf(text);
      return url === undefined || url.protocol === 'https:' || loopbackHosts.has(url.hostname);
    },
    { message: 'must be https (http only for localhost / 127.0.0.1)' },
  )
  .refine(
    (text) => {
      const url = urlOf(text);
      return (
        url === undefined ||
        (url.search === '' && url.hash === '' && url.username === '' && url.password === '')
      );
    },
    { message: 'no query, fragment or credentials: links are <base>/a/<token>' },
  );

export const defaultCohortCodes: z.input<typeof cohortCode>[] = [
  // E83.59 also covers other calcium-metabolism disorders: only with the word.
  { code: 'E83.59', systems: ['I10', 'I10C', 'ICD10CM', 'ICD-10-CM'], textMustMention: 'calciphylaxis' },
  { code: '237900002', systems: ['SCT', 'SNOMEDCT'] },
];

export const rulesConfigSchema = z
  .object({
    /** IANA zone for HL7 timestamps sent without an offset. */
    timeZone,
    /** `minimal`: facility, MRN and location only; `full`: the name too. */
    pagePhi: z.enum(['minimal', 'full']).default('minimal'),
    /** Escalation after this long without acknowledgement, when no escalationChain is given. */
    escalateAfterMinutes: positiveInt.default(15),
    repeatMinutes: positiveInt.default(30),
    /**
     * Ordered escalation levels; absent = one level (the `escalations` topic)
     * after escalateAfterMinutes. Resolve with escalationChainOf (alerts/escalation.ts).
     */
    escalationChain: escalationChain.optional(),
    /** How long a tap-to-acknowledge link works after it was sent. */
    ackLinkExpiryHours: positiveInt.max(7 * 24).default(24),
    /** Base of the ack links (`<base>/a/<token>`) when not the deployed API's own URL, e.g. a short custom domain. */
    ackLinkBaseUrl: ackLinkBaseUrl.optional(),
    /** Target from critical result to acknowledgement, for the timeliness report (many policies: 30; CLSI GP47: 60). */
    timelinessTargetMinutes: positiveInt.default(30),
    /** Assigning authorities or facilities that share one MRN namespace: alias -> namespace. */
    namespaceAliases: z.record(z.string(), z.string().min(1)).default({}),
    /** Local OBX-3 codes -> watched analyte (e.g. the dialysate calcium code). */
    localLabCodes: z.record(z.string(), z.enum(analyteNames)).default({}),
    /** Local drug codes -> ingredient name from the catalogue (e.g. `"12345": "warfarin"`). */
    localDrugCodes: z.record(z.string(), z.string().min(1)).default({}),
    cohortCodes: z.array(cohortCode).min(1).default(defaultCohortCodes),
    /**
     * Per rule id: `live` (default), `shadow` (evaluated and recorded, never paged) or `off`; a
     * critical rule needs `criticalOverride: { reason, approvedBy }` to leave `live` (rule-modes.ts).
     */
    modes: ruleModes,
    // The clinical thresholds and intervals a hospital may move, each within its safe range
    // (clinical-thresholds.ts says why each range); absent, the catalogue's number.
    calcium: calciumThresholds,
    pth: pthThresholds,
    hemoglobin: hemoglobinTargets,
    bicarbonateTargetAtLeastMmolL: threshold('bicarbonateTargetAtLeastMmolL'),
    calciumMonitoring: calciumMonitoringIntervals,
    calciumCheckAfterCinacalcetDays: threshold('calciumCheckAfterCinacalcetDays'),
    pthTitrateMinDaysSinceChange: threshold('pthTitrateMinDaysSinceChange'),
    crpRising: crpRisingThresholds,
    quarterlyLabsDays: threshold('quarterlyLabsDays'),
    thiosulfateNotStartedHours: threshold('thiosulfateNotStartedHours'),
    thiosulfateCourseReviewDays: threshold('thiosulfateCourseReviewDays'),
    dialysateCalciumMaxMEqL: threshold('dialysateCalciumMaxMEqL'),
    /**
     * How much worse than the value at acknowledgement a new result must be to
     * page `worsened` (clinical-rules.md, "Alert lifecycle"). Bounded: a
     * smaller margin pages on assay noise, a larger one misses real falls.
     */
    worsenedMargins: z
      .object({
        /** CALCIUM_CRITICAL_LOW and CALCIUM_LOW: this many mg/dL lower. */
        calciumDropMgDl: z.number().min(0.1).max(2.0).default(0.5),
        /** PTH_SEVERE: this many percent above the value at acknowledgement. */
        pthRisePercent: z.number().min(5).max(100).default(20),
      })
      .strict()
      .default({ calciumDropMgDl: 0.5, pthRisePercent: 20 }),
  })
  .strict();

export type RulesConfig = z.output<typeof rulesConfigSchema>;
export type RulesConfigInput = z.input<typeof rulesConfigSchema>;

export function parseRulesConfig(input: unknown, origin = 'rules configuration'): RulesConfig {
  const result = rulesConfigSchema.safeParse(input);
  if (!result.success) {
    const issues = describeIssues(result.error);
    throw new ConfigError(`${origin} is invalid:\n  ${issues.join('\n  ')}`, issues);
  }
  return result.data;
}
