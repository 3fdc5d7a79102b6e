/**
 * The scheduled sweep: first escalations and repeats of unacknowledged
 * critical alerts (the part that must not wait), then the time-based rules
 * for every cohort patient (overdue monitoring, thiosulfate not started, ...).
 * Each stage and each patient is isolated: a failure is recorded and counted,
 * everything else is still done, and the next run tries again.
 */

import { sweepAlerts } from '../alerts/lifecycle.js';
import type { Alert } from '../domain/alerts.js';
import { evaluatePatient } from '../rules/engine.js';
import {
  commitAndPublish,
  type Delivery,
  oneOffPublisher,
  type Publisher,
  publishPending,
  renderPending,
  settleOutcomes,
} from './notify.js';
import { patientRefOf, patientStateOf } from './patient.js';
import type {
  AlertPage,
  NotificationPorts,
  PatientKey,
  PatientPorts,
  PatientProfile,
  WorkflowSettings,
} from './ports.js';

export interface SweepPorts extends PatientPorts, NotificationPorts {
  listCohortPatients(): Promise<PatientProfile[]>;
  listActiveAlerts(page: { limit?: number; cursor?: string }): Promise<AlertPage>;
}

export interface SweepFailure {
  stage: 'escalation' | 'rules';
  /** The patient's log id (`patientLogId`), absent when the stage itself failed (a list could not be read). */
  patient?: string;
  /** The error's name only: messages may carry keys or values from the record. */
  error: string;
}

export interface SweepSummary {
  patientsSwept: number;
  alertChanges: number;
  published: number;
  /** Notifications that failed their last publish attempt and were parked. */
  parked: number;
  failures: SweepFailure[];
}

/**
 * How logs name a patient: a truncated SHA-256 of the patient key, never the
 * MRN. Whoever may look the patient up (with access to the table) can hash
 * the cohort's keys to find which one it is; the log alone does not say.
 */
export async function patientLogId(key: PatientKey): Promise<string> {
  const bytes = new TextEncoder().encode(`${key.namespace}\u001f${key.mrn}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `patient-${hex}`;
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'unknown');

export async function runSweep(
  ports: SweepPorts,
  settings: WorkflowSettings,
  clock: () => Date,
): Promise<SweepSummary> {
  const summary: SweepSummary = { patientsSwept: 0, alertChanges: 0, published: 0, parked: 0, failures: [] };
  // One claimant for the run: an entry an evaluation is publishing right now is left to it.
  const publisher = oneOffPublisher('sweep', clock);
  await sweepCriticalAlerts(ports, settings, publisher, summary);
  await sweepCohortRules(ports, settings, publisher, summary);
  return summary;
}

function count(summary: SweepSummary, delivery: Delivery): void {
  summary.published += delivery.published;
  summary.parked += delivery.parked;
}

/** Runs `work`; a failure is recorded against the stage (and the patient, when there is one). */
async function isolated(
  summary: SweepSummary,
  stage: SweepFailure['stage'],
  patient: PatientKey | undefined,
  work: () => Promise<void>,
): Promise<boolean> {
  try {
    await work();
    return true;
  } catch (error: unknown) {
    summary.failures.push({
      stage,
      ...(patient === undefined ? {} : { patient: await patientLogId(patient) }),
      error: errorName(error),
    });
    return false;
  }
}

async function sweepCriticalAlerts(
  ports: SweepPorts,
  settings: WorkflowSettings,
  publisher: Publisher,
  summary: SweepSummary,
): Promise<void> {
  const byPatient = new Map<string, Alert[]>();
  // Alerts listed before a failed page are still escalated; the rest wait for the next run.
  await isolated(summary, 'escalation', undefined, async () => {
    let cursor: string | undefined;
    do {
      const page = await ports.listActiveAlerts({ limit: 200, ...(cursor === undefined ? {} : { cursor }) });
      for (const alert of page.alerts) {
        const key = `${alert.patient.namespace}\u001f${alert.patient.mrn}`;
        byPatient.set(key, [...(byPatient.get(key) ?? []), alert]);
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  });
  for (const activeAlerts of byPatient.values()) {
    const patient = activeAlerts[0]!.patient;
    await isolated(summary, 'escalation', patient, () =>
      escalatePatient(patient, activeAlerts, ports, settings, publisher, summary),
    );
  }
}

async function escalatePatient(
  patient: PatientKey,
  activeAlerts: Alert[],
  ports: SweepPorts,
  settings: WorkflowSettings,
  publisher: Publisher,
  summary: SweepSummary,
): Promise<void> {
  const { config } = settings;
  const now = publisher.clock();
  const result = sweepAlerts({ activeAlerts, now, config });
  if (result.notifications.length === 0 && result.changes.length === 0) return;
  // The name is read only where the hospital allows it on pages.
  const profile =
    config.pagePhi === 'full' ? await ports.getPatientProfile(patient.namespace, patient.mrn) : undefined;
  const outbox = await renderPending(result, {
    config,
    ackLinks: settings.ackLinks,
    ...(profile?.name === undefined ? {} : { patientName: profile.name }),
    now,
  });
  summary.alertChanges += result.changes.length;
  count(summary, await commitAndPublish(result, outbox, ports, publisher));
}

async function sweepCohortRules(
  ports: SweepPorts,
  settings: WorkflowSettings,
  publisher: Publisher,
  summary: SweepSummary,
): Promise<void> {
  let cohort: PatientProfile[] = [];
  const listed = await isolated(summary, 'rules', undefined, async () => {
    cohort = await ports.listCohortPatients();
  });
  if (!listed) return;
  for (const profile of cohort) {
    const swept = await isolated(summary, 'rules', profile, () =>
      sweepPatientRules(profile, ports, settings, publisher, summary),
    );
    if (swept) summary.patientsSwept++;
  }
}

async function sweepPatientRules(
  profile: PatientProfile,
  ports: SweepPorts,
  settings: WorkflowSettings,
  publisher: Publisher,
  summary: SweepSummary,
): Promise<void> {
  const { config, historyDays } = settings;
  const now = publisher.clock();
  const history = await ports.loadPatient(profile.namespace, profile.mrn, { historyDays, now });
  count(summary, await publishPending(history.pendingNotifications, ports, publisher));
  const patient = patientRefOf(profile.namespace, profile.mrn, profile);
  const state = patientStateOf(patient, history, now);
  const { outcomes, shadowOutcomes } = evaluatePatient(state, { kind: 'sweep' }, config, now);
  const { live, committed, outbox } = await settleOutcomes(
    { patient, history, state, outcomes, shadowOutcomes },
    { config, ackLinks: settings.ackLinks, patientName: profile.name, now },
  );
  summary.alertChanges += live.changes.length;
  count(summary, await commitAndPublish(committed, outbox, ports, publisher));
}
