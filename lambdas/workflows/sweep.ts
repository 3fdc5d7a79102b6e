/**
 * The scheduled sweep: time-based rules for every cohort patient (overdue
 * monitoring, thiosulfate not started, ...), then escalations and repeats of
 * unacknowledged critical alerts. One patient's failure does not stop the
 * others; the sweep reports it and the next run tries again.
 */
import type { AlertPage, PatientProfile } from '../adapters/store.js';
import { applyOutcomes, sweepAlerts } from '../alerts/lifecycle.js';
import type { Alert } from '../domain/alerts.js';
import { evaluatePatient } from '../rules/engine.js';
import { commitAndPublish, publishPending, renderPending } from './notify.js';
import { patientRefOf, patientStateOf } from './patient.js';
import type { NotificationPorts, PatientPorts, WorkflowSettings } from './ports.js';

export interface SweepPorts extends PatientPorts, NotificationPorts {
  listCohortPatients(): Promise<PatientProfile[]>;
  listActiveAlerts(page: { limit?: number; cursor?: string }): Promise<AlertPage>;
}

export interface SweepFailure {
  /** `<namespace>#<mrn>`: ids only, never names. */
  patient: string;
  stage: 'rules' | 'escalation';
  error: string;
}

export interface SweepSummary {
  patientsSwept: number;
  alertChanges: number;
  published: number;
  failures: SweepFailure[];
}

const patientLabel = (key: { namespace: string; mrn: string }): string => `${key.namespace}#${key.mrn}`;
const errorName = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : 'unknown';

export async function runSweep(
  ports: SweepPorts,
  settings: WorkflowSettings,
  clock: () => Date,
): Promise<SweepSummary> {
  const summary: SweepSummary = { patientsSwept: 0, alertChanges: 0, published: 0, failures: [] };
  for (const profile of await ports.listCohortPatients()) {
    try {
      await sweepPatientRules(profile, ports, settings, clock, summary);
      summary.patientsSwept++;
    } catch (error: unknown) {
      summary.failures.push({ patient: patientLabel(profile), stage: 'rules', error: errorName(error) });
    }
  }
  await sweepCriticalAlerts(ports, settings, clock, summary);
  return summary;
}

async function sweepPatientRules(
  profile: PatientProfile,
  ports: SweepPorts,
  settings: WorkflowSettings,
  clock: () => Date,
  summary: SweepSummary,
): Promise<void> {
  const { config, historyDays } = settings;
  const now = clock();
  const history = await ports.loadPatient(profile.namespace, profile.mrn, { historyDays, now });
  summary.published += await publishPending(history.pendingNotifications, ports, clock);
  const patient = patientRefOf(profile.namespace, profile.mrn, profile);
  const state = patientStateOf(patient, history, now);
  const { outcomes } = evaluatePatient(state, { kind: 'sweep' }, config, now);
  const result = applyOutcomes({ patient, activeAlerts: history.activeAlerts, outcomes, now, config });
  const outbox = await renderPending(result, {
    config,
    ackLinks: settings.ackLinks,
    ...(profile.name === undefined ? {} : { patientName: profile.name }),
    now,
  });
  summary.alertChanges += result.changes.length;
  summary.published += await commitAndPublish(result, outbox, ports, clock);
}

async function sweepCriticalAlerts(
  ports: SweepPorts,
  settings: WorkflowSettings,
  clock: () => Date,
  summary: SweepSummary,
): Promise<void> {
  const { config } = settings;
  const byPatient = new Map<string, Alert[]>();
  let cursor: string | undefined;
  do {
    const page = await ports.listActiveAlerts({ limit: 200, ...(cursor === undefined ? {} : { cursor }) });
    for (const alert of page.alerts) {
      const key = patientLabel(alert.patient);
      byPatient.set(key, [...(byPatient.get(key) ?? []), alert]);
    }
    cursor = page.cursor;
  } while (cursor !== undefined);

  for (const [key, activeAlerts] of byPatient) {
    try {
      const now = clock();
      const result = sweepAlerts({ activeAlerts, now, config });
      if (result.notifications.length === 0 && result.changes.length === 0) continue;
      const first = activeAlerts[0]!.patient;
      // The name is read only where the hospital allows it on pages.
      const profile =
        config.pagePhi === 'full' ? await ports.getPatientProfile(first.namespace, first.mrn) : undefined;
      const outbox = await renderPending(result, {
        config,
        ackLinks: settings.ackLinks,
        ...(profile?.name === undefined ? {} : { patientName: profile.name }),
        now,
      });
      summary.alertChanges += result.changes.length;
      summary.published += await commitAndPublish(result, outbox, ports, clock);
    } catch (error: unknown) {
      summary.failures.push({ patient: key, stage: 'escalation', error: errorName(error) });
    }
  }
}
