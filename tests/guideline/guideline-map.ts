/**
 * Every actionable statement of the calciphylaxis guideline seed, mapped to
 * the rules that implement it or to the reason it raises no alert. The
 * guideline walk (guideline-walk.test.ts) keeps this table and the seed in
 * step. A fragment is a literal piece of one statement, unique in the seed.
 */
import type { RuleId } from '../../lambdas/domain/alerts.js';

export type GuidelineMapping =
  | { fragment: string; ruleIds: readonly RuleId[]; note?: string }
  | { fragment: string; reason: string };

/** Why a statement raises no alert, for reasons that recur. */
const bedside = 'bedside care: no lab result or pharmacy order in the feed shows whether it was done';
const procedure = 'a procedure decided at the bedside; biopsies and imaging are not in the feed';
const noPhosphateAlert =
  'phosphate raises no alert: calcium and phosphate do not predict outcomes (clinical-rules.md keeps phosphate as evidence only)';
const outcomeReport = 'a reported outcome, not an instruction';

export const guidelineMap: readonly GuidelineMapping[] = [
  // Summary paragraph.
  {
    fragment: 'For dialysis patients with calciphylaxis, immediately initiate sodium thiosulfate',
    ruleIds: ['THIOSULFATE_NOT_STARTED', 'VKA_ACTIVE', 'PTH_SEVERE'],
  },

  // Clinical recognition.
  {
    fragment: 'Calciphylaxis presents as painful skin lesions',
    reason:
      'clinical presentation: the cohort is entered by a calciphylaxis diagnosis code or an enrolment, never inferred from findings',
  },
  { fragment: 'C-reactive protein is the single most helpful laboratory test', ruleIds: ['CRP_RISING'] },
  { fragment: 'Avoid skin biopsy due to variable sensitivity', reason: procedure },

  // Laboratory evaluation.
  { fragment: 'Serum calcium and phosphate levels are NOT predictive', reason: noPhosphateAlert },
  { fragment: 'Measure PTH levels to guide parathyroidectomy decisions', ruleIds: ['PTH_SEVERE'] },
  { fragment: 'Monitor inflammatory markers (C-reactive protein) regularly', ruleIds: ['CRP_RISING'] },

  // Risk factors.
  { fragment: 'Vitamin K antagonist use increases risk 11-fold', ruleIds: ['VKA_ACTIVE'] },
  {
    fragment: 'Adynamic bone disease with low PTH levels paradoxically increases risk',
    ruleIds: ['PTH_LOW'],
  },
  {
    fragment: 'Calcium-containing phosphate binders and high-dose active vitamin D derivatives',
    ruleIds: ['CALCIUM_BINDER_ACTIVE', 'ACTIVE_VITAMIN_D'],
  },
  {
    fragment: 'Dialysate calcium concentration creates diffusion gradients',
    ruleIds: ['DIALYSATE_CALCIUM_HIGH'],
  },

  // First-line treatment.
  {
    fragment: 'Sodium thiosulfate: 12.5-25g per dialysis session',
    ruleIds: ['THIOSULFATE_NOT_STARTED', 'THIOSULFATE_COURSE_REVIEW'],
  },
  { fragment: 'Discontinue warfarin and all vitamin K antagonists immediately', ruleIds: ['VKA_ACTIVE'] },
  { fragment: 'Aggressive pain control is essential', reason: bedside },
  {
    fragment: 'Implement meticulous wound care to prevent sepsis',
    ruleIds: ['CRP_RISING'],
    note: 'wound care itself is bedside care; the sepsis it guards against is what CRP_RISING watches (clinical-rules.md cites this sentence)',
  },

  // Mineral-bone disorder.
  {
    fragment:
      'Limit exposure to excess calcium and phosphate by reducing calcium-containing phosphate binders',
    ruleIds: ['CALCIUM_BINDER_ACTIVE'],
  },
  {
    fragment: 'Consider magnesium supplementation',
    reason: 'magnesium: the evidence is mixed and there is no order or result that should trigger it',
  },
  { fragment: 'Adjust dialysate calcium concentration', ruleIds: ['DIALYSATE_CALCIUM_HIGH'] },

  // Hyperparathyroidism.
  { fragment: 'Parathyroidectomy is recommended as it can be curative', ruleIds: ['PTH_SEVERE'] },
  { fragment: 'Surgical intervention should be considered early', ruleIds: ['PTH_SEVERE'] },
  {
    fragment: 'Initiate cinacalcet 30mg daily, titrating every 2-4 weeks',
    ruleIds: ['PTH_START_CINACALCET', 'PTH_TITRATE_CINACALCET'],
  },
  {
    fragment: 'Monitor serum calcium within 1 week after initiation or dose adjustment',
    ruleIds: ['CALCIUM_CHECK_AFTER_CINACALCET'],
  },
  {
    fragment: 'Cinacalcet can be combined with vitamin D sterols and phosphate binders',
    reason: 'a permission, not a check: the combination is allowed, so it raises nothing',
  },
  { fragment: 'Consider lower dialysate calcium (1.5-2.0 mEq/L) to stimulate PTH', ruleIds: ['PTH_LOW'] },

  // Hypocalcemia.
  { fragment: 'Monitor serum calcium weekly initially', ruleIds: ['CALCIUM_MONITORING_OVERDUE'] },
  { fragment: 'If calcium falls below 8.4 mg/dL but remains above 7.5 mg/dL', ruleIds: ['CALCIUM_LOW'] },
  { fragment: 'If calcium falls below 7.5 mg/dL: withhold cinacalcet', ruleIds: ['CALCIUM_CRITICAL_LOW'] },
  { fragment: 'Hypocalcemia may require individualized treatment', ruleIds: ['CALCIUM_LOW'] },

  // Ongoing surveillance.
  { fragment: 'Assess wound healing regularly', reason: bedside },
  { fragment: 'Monitor C-reactive protein to track inflammatory response', ruleIds: ['CRP_RISING'] },
  { fragment: 'Perform vascular surveillance for calcification progression', reason: procedure },
  { fragment: 'Check hemoglobin every 3 months', ruleIds: ['HEMOGLOBIN_LOW', 'QUARTERLY_LABS_OVERDUE'] },
  {
    fragment: 'Monitor serum bicarbonate every 3 months',
    ruleIds: ['BICARBONATE_LOW', 'QUARTERLY_LABS_OVERDUE'],
  },

  // Advanced options.
  {
    fragment: 'SNF472 (hexaphosphate phytate) shows promise',
    reason: 'an investigational drug in trials, not an instruction',
  },
  {
    fragment: 'Hyperbaric oxygen, skin grafting, and iloprost infusions',
    reason: 'optional adjuncts chosen at the bedside; nothing in the feed calls for them',
  },
  {
    fragment: 'Systemic glucocorticoids may prevent ulceration',
    reason: 'an optional treatment chosen at the bedside; nothing in the feed calls for it',
  },

  // Critical pitfalls.
  { fragment: 'Do not pursue aggressive phosphate-lowering', reason: noPhosphateAlert },
  { fragment: 'Never continue warfarin', ruleIds: ['VKA_ACTIVE'] },
  {
    fragment: 'Do not rely on calcium/phosphate levels for diagnosis or prognosis',
    reason:
      'no rule diagnoses or grades calciphylaxis from calcium or phosphate; the cohort comes from a diagnosis or enrolment',
  },
  { fragment: 'Avoid skin biopsy unless absolutely necessary', reason: procedure },
  {
    fragment: 'Recognize that prognosis remains poor with high mortality rates primarily from sepsis',
    ruleIds: ['CRP_RISING'],
    note: 'early recognition of sepsis: a rising CRP is the signal in the feed',
  },

  // Combination therapy.
  {
    fragment: 'The combination of sodium thiosulfate, cinacalcet, and non-calcium-based',
    reason: outcomeReport,
  },
  {
    fragment: 'Long-term sodium thiosulfate administration (up to 52 months)',
    ruleIds: ['THIOSULFATE_COURSE_REVIEW'],
  },
  { fragment: 'One and two-year survival rates', reason: outcomeReport },
];

/**
 * Rule ids no guideline statement needs to name. RESULT_UNREADABLE is
 * operational: it tells the interface team a result could not be read (bad
 * unit or value); it implements no clinical statement.
 */
export const operationalRuleIds: readonly RuleId[] = ['RESULT_UNREADABLE'];
