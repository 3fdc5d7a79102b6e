/**
 * Evaluate one new stored item (a result, an order, a diagnosis, a patient
 * merge or a cohort enrolment) for its patient (a merge is applied first): one bounded history read, the rules, the alert
 * lifecycle, a conditional commit, then the pages. Idempotent: a retried or
 * concurrent evaluation of the same item changes nothing twice and pages
 * nothing twice (the lifecycle dedups by evidence, the store's writes are
 * conditional, and notifications go through the outbox).
 */

import type { TriggeringItem } from '../adapters/store.js';
import { ConcurrentAlertChangeError } from '../adapters/store-errors.js';
import { applyOutcomes } from '../alerts/lifecycle.js';
import type { RuleOutcome } from '../domain/alerts.js';
import type { CohortEnrolment } from '../domain/records.js';
import { matchesCohortCode } from '../patient/cohort.js';
import { evaluatePatient, type RuleError, type Trigger } from '../rules/engine.js';
import { applyPatientMerge, type MergePorts } from './merge.js';
import { commitAndPublish, publishPending, renderPending } from './notify.js';
import { patientRefOf, patientStateOf } from './patient.js';
import type { WorkflowSettings } from './ports.js';

/** What an evaluation reads and writes: the patient, the notifications, and what a merge moves. */
export type EvaluationPorts = MergePorts;

export interface EvaluationSummary {
  trigger: Trigger['kind'] | 'cohortRemoved';
  inCohort: boolean;
  alertChanges: number;
  published: number;
  ruleErrors: RuleError[];
}

/** Conditional-write conflicts are retried this many times with a fresh read before giving up. */
const maxAttempts = 3;

export async function evaluateItem(
  item: TriggeringItem,
  ports: EvaluationPorts,
  settings: WorkflowSettings,
  clock: () => Date,
): Promise<EvaluationSummary> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await evaluateOnce(item, ports, settings, clock);
    } catch (error: unknown) {
      if (!(error instanceof ConcurrentAlertChangeError) || attempt >= maxAttempts) throw error;
    }
  }
}

async function evaluateOnce(
  item: TriggeringItem,
  ports: EvaluationPorts,
  settings: WorkflowSettings,
  clock: () => Date,
): Promise<EvaluationSummary> {
  const { config, historyDays } = settings;
  const { namespace, mrn } = item.patient;
  const merge =
    item.kind === 'record' && item.stored.record.kind === 'patientMerge' ? item.stored.record : undefined;
  if (merge !== undefined) {
    await applyPatientMerge(
      merge,
      { ...item.patient, facility: merge.source.facility },
      ports,
      settings,
      clock,
    );
  }
  const now = clock();
  const history = await ports.loadPatient(namespace, mrn, { historyDays, now });
  // A page committed by an earlier attempt whose publish failed goes out first, once.
  let published = await publishPending(history.pendingNotifications, ports, clock);

  const patient = patientRefOf(namespace, mrn, history.profile);
  const state = patientStateOf(patient, history, now);

  let trigger: EvaluationSummary['trigger'];
  let outcomes: RuleOutcome[];
  let ruleErrors: RuleError[] = [];
  if (item.kind === 'enrolment' && item.stored.enrolment.action === 'remove') {
    // Leaving the cohort is an admin decision: its alerts close naming it, its reason and who made it.
    trigger = 'cohortRemoved';
    const reason = removalReason(item.stored.enrolment);
    outcomes = history.activeAlerts.map((alert) => ({
      kind: 'resolve',
      ruleId: alert.ruleId,
      alertScope: alert.alertScope,
      reason,
      evidence: [],
    }));
  } else {
    const ruleTrigger = triggerFor(item, settingsCohortMatch(item, config));
    trigger = ruleTrigger.kind;
    const evaluation = evaluatePatient(state, ruleTrigger, config, now);
    outcomes = evaluation.outcomes;
    ruleErrors = evaluation.errors;
  }

  const result = applyOutcomes({ patient, activeAlerts: history.activeAlerts, outcomes, now, config });
  const outbox = await renderPending(result, {
    config,
    ackLinks: settings.ackLinks,
    ...(history.profile?.name === undefined ? {} : { patientName: history.profile.name }),
    now,
  });
  published += await commitAndPublish(result, outbox, ports, clock);
  return {
    trigger,
    inCohort: state.cohort.inCohort,
    alertChanges: result.changes.length,
    published,
    ruleErrors,
  };
}

/** The reason first: an SMS cut at 160 characters still says why; then the name given and the identity. */
function removalReason(enrolment: CohortEnrolment): string {
  const who = enrolment.byName === undefined ? enrolment.by : `${enrolment.byName} (${enrolment.by})`;
  const why = enrolment.reason === undefined ? '' : ` (${enrolment.reason})`;
  return `patient removed from the cohort${why} by ${who}`;
}

function settingsCohortMatch(item: TriggeringItem, config: WorkflowSettings['config']): boolean {
  return (
    item.kind === 'record' &&
    item.stored.record.kind === 'diagnosis' &&
    matchesCohortCode(item.stored.record, config)
  );
}

/**
 * Entering the cohort (a matching diagnosis or an enrolment) and a merge (a record that now holds
 * another's history) evaluate every rule on what is stored.
 */
function triggerFor(item: TriggeringItem, entersCohort: boolean): Trigger {
  if (item.kind === 'enrolment' || entersCohort || item.stored.record.kind === 'patientMerge') {
    return { kind: 'cohortEntered' };
  }
  return { kind: 'record', stored: item.stored };
}
