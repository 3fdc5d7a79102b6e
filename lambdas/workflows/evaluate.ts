/**
 * Evaluate what a message (or an enrolment) changed for its patient (a patient
 * merge is applied first, then judged as a cohort entry): a small
 * triage read, then one bounded history read, the rules, the alert lifecycle,
 * a conditional commit, then the pages. Idempotent: a retried or concurrent
 * evaluation changes nothing twice and pages nothing twice (the lifecycle
 * dedups by evidence, the store's writes are conditional, and notifications
 * go through the outbox, claimed before each publish).
 */

import type { Alert, RuleOutcome } from '../domain/alerts.js';
import type { CohortEnrolment, StoredRecord } from '../domain/records.js';
import { matchesCohortCode } from '../patient/cohort.js';
import { latestResultsOf } from '../patient/latest-results.js';
import { evaluatePatient, type RuleError, type Trigger } from '../rules/engine.js';
import { applyPatientMerge, type MergePorts } from './merge.js';
import {
  addDelivery,
  commitAndPublish,
  oneOffPublisher,
  type Publisher,
  publishPending,
  settleOutcomes,
} from './notify.js';
import { patientRefOf, patientStateOf } from './patient.js';
import { type PatientOrderOutcome, type PatientStep, runInPatientOrder } from './patient-order.js';
import {
  ConcurrentAlertChangeError,
  type LatestResults,
  type PatientKey,
  type StoredEnrolment,
  type TriggeringItem,
  type WorkflowSettings,
} from './ports.js';

/**
 * What an evaluation reads and writes: the patient, the notifications, what a merge moves, and a
 * cohort member's latest results (the console's cohort list).
 */
export interface EvaluationPorts extends MergePorts {
  recordLatestResults(patient: PatientKey, latest: LatestResults, at: string): Promise<void>;
}

/**
 * What one evaluation is about: an administrator's enrolment or removal, or
 * the stored records of one message about one patient (several results of
 * one message are evaluated once, not once per OBX).
 */
export type EvaluationUnit =
  | { kind: 'enrolment'; patient: PatientKey; stored: StoredEnrolment }
  | {
      kind: 'records';
      patient: PatientKey;
      stored: readonly StoredRecord[];
      /** Every record was stored with the patient in the cohort (the ingest knew): no triage read. */
      insideCohortAtIngest?: boolean;
    };

/** Where the time of one evaluation went, in milliseconds (port calls by stage, and the rules). */
export type StageTimings = Partial<
  Record<'triage' | 'read' | 'rules' | 'commit' | 'claim' | 'publish' | 'markSent' | 'release', number>
>;

export interface EvaluationSummary {
  trigger: Trigger['kind'] | 'cohortRemoved' | 'outsideCohort';
  inCohort: boolean;
  alertChanges: number;
  published: number;
  parked: number;
  ruleErrors: RuleError[];
  timings: StageTimings;
}

/** Conditional-write conflicts are retried this many times with a fresh read before giving up. */
const maxAttempts = 3;

/**
 * The units of one patient's stream records, in order: consecutive records
 * of one message merge into one unit. A diagnosis that enters the cohort
 * stays a unit of its own (it evaluates every rule as a cohort entry), and so
 * does each enrolment.
 */
export function evaluationUnits(
  items: readonly TriggeringItem[],
  config: WorkflowSettings['config'],
): EvaluationUnit[] {
  const units: EvaluationUnit[] = [];
  let open:
    | { kind: 'records'; patient: PatientKey; stored: StoredRecord[]; insideCohortAtIngest: boolean }
    | undefined;
  for (const item of items) {
    if (item.kind === 'enrolment' || entersCohort(item.stored, config)) {
      open = undefined;
      units.push(
        item.kind === 'enrolment' ? item : { kind: 'records', patient: item.patient, stored: [item.stored] },
      );
      continue;
    }
    const inside = item.insideCohortAtIngest === true;
    const previous = open?.stored.at(-1);
    if (open !== undefined && previous !== undefined && sameMessage(previous, item.stored)) {
      open.stored.push(item.stored);
      open.insideCohortAtIngest &&= inside;
    } else {
      open = { kind: 'records', patient: item.patient, stored: [item.stored], insideCohortAtIngest: inside };
      units.push(open);
    }
  }
  return units;
}

function sameMessage(left: StoredRecord, right: StoredRecord): boolean {
  return (
    left.receivedAt === right.receivedAt &&
    left.record.source.facility === right.record.source.facility &&
    left.record.source.controlId === right.record.source.controlId
  );
}

/** A diagnosis that enters the cohort, or a merge that brings another record in: judged on everything stored. */
function entersCohort(stored: StoredRecord, config: WorkflowSettings['config']): boolean {
  return (
    stored.record.kind === 'patientMerge' ||
    (stored.record.kind === 'diagnosis' && matchesCohortCode(stored.record, config))
  );
}

/** A stream record as the evaluation sees it: its patient's partition and what was stored (or why it cannot be read). */
export interface StreamEntry {
  /** Names the claimant of the outbox entries this record's evaluation publishes (stable across retries). */
  eventId: string;
  /** The partition key: one patient. */
  patient: string;
  /** Undefined: not a triggering item (nothing to do); an Error: the image cannot be read (the record fails). */
  item: TriggeringItem | undefined | Error;
}

export interface StreamBatchOptions {
  clock: () => Date;
  /** Patients evaluated at the same time. */
  concurrency: number;
  onEvaluated?: (entries: readonly StreamEntry[], summary: EvaluationSummary) => void;
  onFailed?: (entries: readonly StreamEntry[], error: unknown) => void;
}

/**
 * A stream batch: patients in parallel, each patient's records in order, the
 * records of one message once (patient-order.ts says which record the batch
 * must then be retried from).
 */
export function evaluateStreamBatch<E extends StreamEntry>(
  entries: readonly E[],
  ports: EvaluationPorts,
  settings: WorkflowSettings,
  options: StreamBatchOptions,
): Promise<PatientOrderOutcome<E>> {
  const evaluate = async (unit: EvaluationUnit, covered: readonly E[]) => {
    // A retry of the same first record may take back its own outbox claims.
    const claimant = `evaluate:${covered[0]?.eventId ?? ''}`;
    try {
      const summary = await evaluateUnit(unit, ports, settings, { claimant, clock: options.clock });
      options.onEvaluated?.(covered, summary);
    } catch (error: unknown) {
      options.onFailed?.(covered, error);
      throw error;
    }
  };
  const stepsOf = (patientEntries: readonly E[]): PatientStep<E>[] => {
    const steps: PatientStep<E>[] = [];
    let pending: { entry: E; item: TriggeringItem }[] = [];
    const flush = () => {
      let next = 0;
      for (const unit of evaluationUnits(
        pending.map(({ item }) => item),
        settings.config,
      )) {
        const size = unit.kind === 'records' ? unit.stored.length : 1;
        const covered = pending.slice(next, next + size).map(({ entry }) => entry);
        next += size;
        steps.push({ entries: covered, run: () => evaluate(unit, covered) });
      }
      pending = [];
    };
    for (const entry of patientEntries) {
      const { item } = entry;
      if (item instanceof Error) {
        flush();
        steps.push({
          entries: [entry],
          run: () => {
            options.onFailed?.([entry], item);
            return Promise.reject(item);
          },
        });
      } else if (item !== undefined) {
        pending.push({ entry, item });
      }
    }
    flush();
    return steps;
  };
  return runInPatientOrder(entries, {
    patientOf: (entry) => entry.patient,
    stepsOf,
    concurrency: options.concurrency,
  });
}

/** One stored item on its own, outside a stream batch (tools and tests). */
export function evaluateItem(
  item: TriggeringItem,
  ports: EvaluationPorts,
  settings: WorkflowSettings,
  clock: () => Date,
): Promise<EvaluationSummary> {
  const [unit] = evaluationUnits([item], settings.config);
  if (unit === undefined) throw new Error('an item always makes one unit');
  return evaluateUnit(unit, ports, settings, oneOffPublisher('evaluate', clock));
}

export async function evaluateUnit(
  unit: EvaluationUnit,
  ports: EvaluationPorts,
  settings: WorkflowSettings,
  publisher: Publisher,
): Promise<EvaluationSummary> {
  const timings: StageTimings = {};
  const timed = timedPorts(ports, timings);
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await evaluateOnce(unit, timed, settings, publisher, timings)), timings };
    } catch (error: unknown) {
      if (!(error instanceof ConcurrentAlertChangeError) || attempt >= maxAttempts) throw error;
    }
  }
}

async function evaluateOnce(
  unit: EvaluationUnit,
  ports: EvaluationPorts,
  settings: WorkflowSettings,
  publisher: Publisher,
  timings: StageTimings,
): Promise<Omit<EvaluationSummary, 'timings'>> {
  const { config, historyDays } = settings;
  const now = publisher.clock();
  const { namespace, mrn } = unit.patient;
  const nothing = { alertChanges: 0, published: 0, parked: 0, ruleErrors: [] };

  const merge =
    unit.kind === 'records' ? unit.stored.find((stored) => stored.record.kind === 'patientMerge') : undefined;
  if (merge?.record.kind === 'patientMerge') {
    await applyPatientMerge(
      merge.record,
      { ...unit.patient, facility: merge.record.source.facility },
      ports,
      settings,
      publisher,
    );
  } else if (unit.kind === 'records' && unit.insideCohortAtIngest !== true) {
    // Outside the cohort every rule says noChange (rules/rule.ts, defineRule), so a result cannot
    // change an alert: one small read decides. Entering the cohort is written with the record that
    // enters it (a diagnosis) or is an enrolment, each its own trigger, so nothing is missed; an
    // unsent notification still sends the patient through the full evaluation, which publishes it.
    // Records the ingest stored inside the cohort skip this read (a patient who left since gets
    // noChange from every rule), and those it stored outside never reach here (the stream filter).
    const triage = await ports.triagePatient(namespace, mrn);
    if (!triage.inCohort && !triage.pendingNotifications) {
      return { trigger: 'outsideCohort', inCohort: false, ...nothing };
    }
  }

  const history = await ports.loadPatient(namespace, mrn, { historyDays, now });
  // A page committed by an earlier attempt whose publish failed goes out first, once.
  let delivery = await publishPending(history.pendingNotifications, ports, publisher);

  const patient = patientRefOf(namespace, mrn, history.profile);
  const rulesStarted = performance.now();
  const state = patientStateOf(patient, history, now);

  let trigger: EvaluationSummary['trigger'];
  let outcomes: RuleOutcome[];
  let shadowOutcomes: RuleOutcome[];
  let ruleErrors: RuleError[] = [];
  if (unit.kind === 'enrolment' && unit.stored.enrolment.action === 'remove') {
    // Leaving the cohort is an admin decision: its alerts close naming it, its reason and who made it.
    trigger = 'cohortRemoved';
    const reason = removalReason(unit.stored.enrolment);
    const closing = (alert: Alert): RuleOutcome => ({
      kind: 'resolve',
      ruleId: alert.ruleId,
      alertScope: alert.alertScope,
      reason,
      evidence: [],
    });
    outcomes = history.activeAlerts.map(closing);
    shadowOutcomes = state.shadowAlerts.map(closing);
  } else {
    const ruleTrigger = triggerFor(unit, config);
    trigger = ruleTrigger.kind;
    const evaluation = evaluatePatient(state, ruleTrigger, config, now);
    outcomes = evaluation.outcomes;
    shadowOutcomes = evaluation.shadowOutcomes;
    ruleErrors = evaluation.errors;
  }

  const { live, committed, outbox } = await settleOutcomes(
    { patient, history, state, outcomes, shadowOutcomes },
    { config, ackLinks: settings.ackLinks, patientName: history.profile?.name, now },
  );
  addTime(timings, 'rules', performance.now() - rulesStarted);
  delivery = addDelivery(delivery, await commitAndPublish(committed, outbox, ports, publisher));
  if (state.cohort.inCohort) {
    const latest = latestResultsOf(state);
    if (JSON.stringify(latest) !== JSON.stringify(history.profile?.latestResults ?? {})) {
      await ports.recordLatestResults(unit.patient, latest, now.toISOString());
    }
  }
  return {
    trigger,
    inCohort: state.cohort.inCohort,
    alertChanges: live.changes.length,
    ...delivery,
    ruleErrors,
  };
}

/** The reason first: an SMS cut at 160 characters still says why; then the name given and the identity. */
function removalReason(enrolment: CohortEnrolment): string {
  const who = enrolment.byName === undefined ? enrolment.by : `${enrolment.byName} (${enrolment.by})`;
  const why = enrolment.reason === undefined ? '' : ` (${enrolment.reason})`;
  return `patient removed from the cohort${why} by ${who}`;
}

/** Entering the cohort (a matching diagnosis, an enrolment) and a merge evaluate every rule on what is stored. */
function triggerFor(unit: EvaluationUnit, config: WorkflowSettings['config']): Trigger {
  if (unit.kind === 'enrolment' || unit.stored.some((stored) => entersCohort(stored, config))) {
    return { kind: 'cohortEntered' };
  }
  return { kind: 'records', stored: unit.stored };
}

function addTime(timings: StageTimings, stage: keyof StageTimings, ms: number): void {
  timings[stage] = Math.round(((timings[stage] ?? 0) + ms) * 100) / 100;
}

/** The ports, each call's time added to its stage. */
function timedPorts(ports: EvaluationPorts, timings: StageTimings): EvaluationPorts {
  const time =
    <A extends unknown[], R>(stage: keyof StageTimings, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await call(...args);
      } finally {
        addTime(timings, stage, performance.now() - started);
      }
    };
  return {
    ...ports,
    triagePatient: time('triage', (namespace, mrn) => ports.triagePatient(namespace, mrn)),
    loadPatient: time('read', (namespace, mrn, window) => ports.loadPatient(namespace, mrn, window)),
    getPatientProfile: (namespace, mrn) => ports.getPatientProfile(namespace, mrn),
    applyAlertChanges: time('commit', (input) => ports.applyAlertChanges(input)),
    recordLatestResults: time('commit', (patient, latest, at) =>
      ports.recordLatestResults(patient, latest, at),
    ),
    claimNotification: time('claim', (pending, claim) => ports.claimNotification(pending, claim)),
    publish: time('publish', (topic, rendered) => ports.publish(topic, rendered)),
    completeNotification: time('markSent', (pending, messageId, sentAt) =>
      ports.completeNotification(pending, messageId, sentAt),
    ),
    releaseNotification: time('release', (pending, release) => ports.releaseNotification(pending, release)),
  };
}
