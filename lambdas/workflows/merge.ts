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
import { type ClinicalState, rebuildClinicalState } from '../patient/clinical-state.js';
import type { BackfillPorts } from './backfill.js';
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

const maxStateAttempts = 5;

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

  await updateClinicalState(
    survivor,
    ports,
    async () => {
      const { records, enrolments } = await ports.readWholeRecord(survivor);
      return rebuildClinicalState(records, enrolments, settings.config);
    },
    clock,
  );
  await updateClinicalState(
    prior,
    ports,
    async (current) =>
      current.cohort.inCohort
        ? { ...current, cohort: { inCohort: false, removedAt: merge.mergedAt } }
        : current,
    clock,
  );

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

/** Read, compute, write on condition of the version read; recomputed when another writer came first. */
async function updateClinicalState(
  patient: PatientKey,
  ports: MergePorts,
  next: (current: ClinicalState) => Promise<ClinicalState> | ClinicalState,
  clock: () => Date,
): Promise<void> {
  for (let attempt = 1; attempt <= maxStateAttempts; attempt++) {
    const current = await ports.readClinicalState('patientMerge', patient);
    const updated = await next(current.state);
    if (updated === current.state) return;
    if (await ports.replaceClinicalState(patient, updated, current.version, clock().toISOString())) return;
  }
  throw new Error('the clinical state kept changing during the merge; the evaluation is retried');
}
