/**
 * Every rule, in the order of the catalogue (clinical-rules.md, "The rules"). Each lives in the file
 * named by its id, with the guideline sentence(s) it implements.
 */
import type { RuleId } from '../domain/alerts.js';
import { ACTIVE_VITAMIN_D } from './ACTIVE_VITAMIN_D.js';
import { BICARBONATE_LOW } from './BICARBONATE_LOW.js';
import { CALCIUM_BINDER_ACTIVE } from './CALCIUM_BINDER_ACTIVE.js';
import { CALCIUM_CHECK_AFTER_CINACALCET } from './CALCIUM_CHECK_AFTER_CINACALCET.js';
import { CALCIUM_CRITICAL_LOW } from './CALCIUM_CRITICAL_LOW.js';
import { CALCIUM_LOW } from './CALCIUM_LOW.js';
import { CALCIUM_MONITORING_OVERDUE } from './CALCIUM_MONITORING_OVERDUE.js';
import { CRP_RISING } from './CRP_RISING.js';
import { DIALYSATE_CALCIUM_HIGH } from './DIALYSATE_CALCIUM_HIGH.js';
import { HEMOGLOBIN_LOW } from './HEMOGLOBIN_LOW.js';
import { PTH_LOW } from './PTH_LOW.js';
import { PTH_SEVERE } from './PTH_SEVERE.js';
import { PTH_START_CINACALCET } from './PTH_START_CINACALCET.js';
import { PTH_TITRATE_CINACALCET } from './PTH_TITRATE_CINACALCET.js';
import { QUARTERLY_LABS_OVERDUE } from './QUARTERLY_LABS_OVERDUE.js';
import { RESULT_UNREADABLE } from './RESULT_UNREADABLE.js';
import type { Rule } from './rule.js';
import { THIOSULFATE_COURSE_REVIEW } from './THIOSULFATE_COURSE_REVIEW.js';
import { THIOSULFATE_NOT_STARTED } from './THIOSULFATE_NOT_STARTED.js';
import { VKA_ACTIVE } from './VKA_ACTIVE.js';

export const rules: readonly Rule[] = [
  CALCIUM_CRITICAL_LOW,
  CALCIUM_LOW,
  VKA_ACTIVE,
  PTH_SEVERE,
  PTH_START_CINACALCET,
  PTH_TITRATE_CINACALCET,
  PTH_LOW,
  CALCIUM_CHECK_AFTER_CINACALCET,
  CALCIUM_MONITORING_OVERDUE,
  HEMOGLOBIN_LOW,
  BICARBONATE_LOW,
  QUARTERLY_LABS_OVERDUE,
  CRP_RISING,
  CALCIUM_BINDER_ACTIVE,
  ACTIVE_VITAMIN_D,
  THIOSULFATE_NOT_STARTED,
  THIOSULFATE_COURSE_REVIEW,
  DIALYSATE_CALCIUM_HIGH,
  RESULT_UNREADABLE,
];

export const rulesById: ReadonlyMap<RuleId, Rule> = new Map(rules.map((rule) => [rule.id, rule]));
