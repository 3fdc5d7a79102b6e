/**
 * A patient merge (ADT A40/A34/A18), applied when its record reaches evaluation: the retired
 * identifier's records and enrolments are copied to the survivor, the survivor's durable clinical
 * state is rebuilt from the combined record, the retired identifier leaves the cohort (so the sweep
 * no longer follows it), and its open alerts move to the survivor without a page. Every step is
 * idempotent, so a retried evaluation completes a merge that stopped half-way. The caller then
 * evaluates the survivor on everything.
 */
import { moveAlertsOnMerge } from '../alerts/merge.js';
import type { RulesConfig } from '../config/rules-config.js';
import type { PatientMerge } from '../domain/records.js';
import { type BackfillPorts, rebuildStoredState, updateClinicalState } from './backfill.js';
import { commitAndPublish, type Publisher } from './notify.js';
import type { NotificationPorts, PatientKey, PatientPorts } from './ports.js';

export interface MergePorts
  extends PatientPorts,
    NotificationPorts,
    Pick<BackfillPorts, 'readWholeRecord' | 'readClinicalState' | 'replaceClinicalState'> {
  copyPatientRecords(prior: PatientKey, survivor: PatientKey): Promise<number>;
}

export interface MergeSummary {
  recordsCopied: number;
  alertsMoved: number;
}

export async function applyPatientMerge(
  merge: PatientMerge,
  survivor: PatientKey & { facility: string; location?: string },
  ports: MergePorts,
  settings: { config: RulesConfig; historyDays: number },
  publisher: Publisher,
): Promise<MergeSummary> {
  const { clock } = publisher;
  const prior: PatientKey = merge.prior;
  if (prior.namespace === survivor.namespace && prior.mrn === survivor.mrn) {
    return { recordsCopied: 0, alertsMoved: 0 };
  }
  const recordsCopied = await ports.copyPatientRecords(prior, survivor);

  const survivorState = await rebuildStoredState('patientMerge', survivor, ports, settings.config, clock);
  const priorState = await updateClinicalState('patientMerge', prior, ports, clock, (current) =>
    current.cohort.inCohort
      ? { ...current, cohort: { inCohort: false, removedAt: merge.mergedAt } }
      : current,
  );
  if (survivorState === 'contended' || priorState === 'contended') {
    throw new Error('the clinical state kept changing during the merge; the evaluation is retried');
  }

  const now = clock();
  const window = { historyDays: settings.historyDays, now };
  const [priorHistory, survivorHistory] = await Promise.all([
    ports.loadPatient(prior.namespace, prior.mrn, window),
    ports.loadPatient(survivor.namespace, survivor.mrn, window),
  ]);
  const moved = moveAlertsOnMerge({
    priorAlerts: priorHistory.activeAlerts,
    survivorAlerts: survivorHistory.activeAlerts,
    survivor: {
      facility: survivor.facility,
      namespace: survivor.namespace,
      mrn: survivor.mrn,
      ...(survivor.location === undefined ? {} : { location: survivor.location }),
    },
    now,
  });
  // Nothing to publish: the findings have not changed, only whose record holds them.
  await commitAndPublish(moved, [], ports, publisher);
  return { recordsCopied, alertsMoved: priorHistory.activeAlerts.length };
}
