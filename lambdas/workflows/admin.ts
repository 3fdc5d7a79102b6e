/**
 * What hospital staff do through the admin API: list open alerts,
 * acknowledge one (who and when, which stops repeats and escalation), and
 * enrol a patient in or remove them from the cohort. Who acted is always the
 * caller's authenticated identity; a name they give is kept beside it.
 */

import { acknowledgeAlert } from '../alerts/lifecycle.js';
import type { RulesConfig } from '../config/rules-config.js';
import type { Alert } from '../domain/alerts.js';
import type { AlertResolvedByRemoval, CohortEnrolment } from '../domain/records.js';
import { applyEnrolment, type ClinicalState } from '../patient/clinical-state.js';
import { commitAndPublish, oneOffPublisher, renderPending } from './notify.js';
import {
  type AlertPage,
  type CohortMembershipChange,
  ConcurrentAlertChangeError,
  type NotificationPorts,
  type PatientPorts,
  type StoredEnrolment,
} from './ports.js';

export interface AdminPorts extends NotificationPorts, Pick<PatientPorts, 'getPatientProfile'> {
  listActiveAlerts(page: { limit?: number; cursor?: string }): Promise<AlertPage>;
  getAlert(alertId: string): Promise<Alert | undefined>;
  /** The patient's open and acknowledged alerts. */
  activeAlertsOf(namespace: string, mrn: string): Promise<Alert[]>;
  setCohortMembership(
    namespace: string,
    mrn: string,
    change: CohortMembershipChange,
    updateClinicalState: (current: ClinicalState, enrolment: CohortEnrolment) => ClinicalState,
  ): Promise<StoredEnrolment>;
}

/** A removal without a reason: the clinical decision must be on record. */
export class RemovalReasonMissingError extends Error {
  constructor() {
    super('a reason is required to remove a patient from the cohort');
    this.name = 'RemovalReasonMissingError';
  }
}

export type MembershipRequest = Omit<CohortMembershipChange, 'resolvesAlerts'>;

/**
 * Enrols a patient in, or removes them from, the cohort: recorded, and the
 * membership stored with it. A removal needs a reason, and records the
 * alerts active when it is made: its evaluation resolves them (workflows/
 * evaluate.ts, `cohortRemoved`), and the answer names them.
 */
export async function changeCohortMembership(
  namespace: string,
  mrn: string,
  change: MembershipRequest,
  ports: Pick<AdminPorts, 'setCohortMembership' | 'activeAlertsOf'>,
): Promise<StoredEnrolment> {
  if (change.action === 'enrol') return ports.setCohortMembership(namespace, mrn, change, applyEnrolment);
  if (change.reason === undefined || change.reason.trim() === '') throw new RemovalReasonMissingError();
  const resolvesAlerts = (await ports.activeAlertsOf(namespace, mrn)).map(
    (alert): AlertResolvedByRemoval => ({
      alertId: alert.alertId,
      ruleId: alert.ruleId,
      severity: alert.severity,
      state: alert.state,
    }),
  );
  return ports.setCohortMembership(namespace, mrn, { ...change, resolvesAlerts }, applyEnrolment);
}

/** Who acknowledges: the authenticated identity, and the name they gave, if any. */
export interface Acknowledger {
  identity: string;
  name?: string;
}

export type AcknowledgeResult =
  | { outcome: 'acknowledged'; alert: Alert }
  | { outcome: 'alreadyAcknowledged' | 'closed'; alert: Alert }
  | { outcome: 'notFound' };

/**
 * A write that loses a race (a result added to the alert, another tap) is
 * retried this many times on the alert read afresh; as in evaluation, a
 * clinician's acknowledgement must not fail over a version bump.
 */
const maxAttempts = 3;

/**
 * Acknowledges the alert as it is stored now. When the conditional write
 * loses a race, the alert is read again: if it has meanwhile been
 * acknowledged or closed, that is the answer; if it is still open, the
 * acknowledgement is made again on the fresh version.
 */
export async function acknowledge(
  alertId: string,
  by: Acknowledger,
  ports: AdminPorts,
  config: RulesConfig,
  clock: () => Date,
): Promise<AcknowledgeResult> {
  for (let attempt = 1; ; attempt++) {
    const alert = await ports.getAlert(alertId);
    // Two people tapped at once, or a result resolved it meanwhile: say what happened first.
    const settled = settledOutcome(alert);
    if (settled !== undefined || alert === undefined) return settled ?? { outcome: 'notFound' };
    try {
      return await acknowledgeOnce(alert, by, ports, config, clock);
    } catch (error: unknown) {
      if (!(error instanceof ConcurrentAlertChangeError) || attempt >= maxAttempts) throw error;
    }
  }
}

async function acknowledgeOnce(
  alert: Alert,
  by: Acknowledger,
  ports: AdminPorts,
  config: RulesConfig,
  clock: () => Date,
): Promise<AcknowledgeResult> {
  const now = clock();
  const result = acknowledgeAlert({
    alert,
    by: by.identity,
    ...(by.name === undefined ? {} : { byName: by.name }),
    now,
  });
  const profile =
    config.pagePhi === 'full'
      ? await ports.getPatientProfile(alert.patient.namespace, alert.patient.mrn)
      : undefined;
  const outbox = await renderPending(result, {
    config,
    ...(profile?.name === undefined ? {} : { patientName: profile.name }),
    now,
  });
  await commitAndPublish(result, outbox, ports, oneOffPublisher('acknowledge', clock));
  const updated = result.changes.find((change) => change.alert.alertId === alert.alertId)?.alert ?? alert;
  return { outcome: 'acknowledged', alert: updated };
}

/** What acknowledging an alert in this state amounts to, when it is not open. */
function settledOutcome(alert: Alert | undefined): AcknowledgeResult | undefined {
  if (alert === undefined) return { outcome: 'notFound' };
  if (alert.state === 'acknowledged') return { outcome: 'alreadyAcknowledged', alert };
  if (alert.state !== 'open') return { outcome: 'closed', alert };
  return undefined;
}

/** The namespace of a facility's MRNs, after the hospital's aliases. */
export function namespaceOf(facility: string, config: Pick<RulesConfig, 'namespaceAliases'>): string {
  return config.namespaceAliases[facility] ?? facility;
}
