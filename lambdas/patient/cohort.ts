/**
 * Cohort membership (clinical-rules.md, "Who the rules apply to: the cohort"): a diagnosis on the
 * hospital's calciphylaxis code list puts a patient in; an administrator can enrol or remove them.
 */
import type { RulesConfig } from '../config/rules-config.js';
import type { CohortEnrolment, Diagnosis, StoredRecord } from '../domain/records.js';
import type { CohortMembership } from './patient-state.js';
import { instantMs } from './time.js';

type CohortCode = RulesConfig['cohortCodes'][number];

const sameText = (left: string, right: string): boolean =>
  left.trim().toUpperCase() === right.trim().toUpperCase();

function codeMatches(cohortCode: CohortCode, code: string | undefined, system: string | undefined): boolean {
  if (code === undefined || system === undefined) return false;
  return sameText(code, cohortCode.code) && cohortCode.systems.some((listed) => sameText(listed, system));
}

function mentions(diagnosis: Diagnosis, word: string): boolean {
  const wanted = word.toLowerCase();
  return [diagnosis.text, diagnosis.alternateText, diagnosis.description].some(
    (text) => text?.toLowerCase().includes(wanted) ?? false,
  );
}

/**
 * Whether a DG1 diagnosis is on the cohort code list: code and coding system in either triplet of
 * DG1-3, and, where the entry requires it (E83.59 also covers other disorders), the word in the
 * DG1-3 text, alternate text or DG1-4.
 */
export function matchesCohortCode(diagnosis: Diagnosis, config: Pick<RulesConfig, 'cohortCodes'>): boolean {
  return config.cohortCodes.some(
    (cohortCode) =>
      (codeMatches(cohortCode, diagnosis.code, diagnosis.codeSystem) ||
        codeMatches(cohortCode, diagnosis.alternateCode, diagnosis.alternateCodeSystem)) &&
      (cohortCode.textMustMention === undefined || mentions(diagnosis, cohortCode.textMustMention)),
  );
}

/** The record id an admin enrolment is cited by (enrolments are not stored records). */
export const enrolmentRecordId = (enrolment: CohortEnrolment): string => `cohortEnrolment:${enrolment.at}`;

/** What can change cohort membership: a qualifying diagnosis (at its receipt) or an admin action. */
export type CohortEvent =
  | { kind: 'diagnosis'; at: string; recordId: string }
  | { kind: 'enrol' | 'remove'; at: string; recordId: string; by: string };

export const notInCohort: CohortMembership = { inCohort: false };

/**
 * One step of membership. Leaving is by admin action only; after a removal, a diagnosis message
 * (ADT A08 re-sends every DG1) does not bring the patient back: only another admin enrolment does.
 */
export function applyCohortEvent(membership: CohortMembership, event: CohortEvent): CohortMembership {
  if (event.kind === 'remove') return { inCohort: false, removedAt: event.at };
  if (membership.inCohort || (event.kind === 'diagnosis' && membership.removedAt !== undefined)) {
    return membership;
  }
  return {
    inCohort: true,
    enteredAt: event.at,
    via: event.kind === 'enrol' ? 'admin' : 'diagnosis',
    ...(event.kind === 'enrol' ? { enteredBy: event.by } : {}),
    entryRecordId: event.recordId,
  };
}

/** The cohort events of stored records: the qualifying diagnoses, at their receipt. */
export function cohortEventsOf(
  records: readonly StoredRecord[],
  config: Pick<RulesConfig, 'cohortCodes'>,
): CohortEvent[] {
  const events: CohortEvent[] = [];
  for (const stored of records) {
    if (stored.record.kind === 'diagnosis' && matchesCohortCode(stored.record, config)) {
      events.push({ kind: 'diagnosis', at: stored.receivedAt, recordId: stored.recordId });
    }
  }
  return events;
}

export const enrolmentEvent = (enrolment: CohortEnrolment): CohortEvent => ({
  kind: enrolment.action,
  at: enrolment.at,
  recordId: enrolmentRecordId(enrolment),
  by: enrolment.by,
});

/**
 * Membership from a patient's whole record (rebuilding the stored state): qualifying diagnoses (by
 * receipt) and admin actions (by their time) replayed in time order.
 */
export function cohortMembership(
  records: readonly StoredRecord[],
  enrolments: readonly CohortEnrolment[],
  config: Pick<RulesConfig, 'cohortCodes'>,
): CohortMembership {
  const events = [...cohortEventsOf(records, config), ...enrolments.map(enrolmentEvent)];
  events.sort((left, right) => instantMs(left.at) - instantMs(right.at));
  return events.reduce(applyCohortEvent, notInCohort);
}
