/**
 * What hospital staff do through the admin API: list open alerts,
 * acknowledge one (who and when, which stops repeats and escalation), and
 * enrol a patient in or remove them from the cohort.
 */
import type { AlertPage, CohortMembershipChange, StoredEnrolment } from '../adapters/store.js';
import { acknowledgeAlert } from '../alerts/lifecycle.js';
import type { RulesConfig } from '../config/rules-config.js';
import type { Alert } from '../domain/alerts.js';
import { commitAndPublish, renderPending } from './notify.js';
import type { NotificationPorts, PatientPorts } from './ports.js';

export interface AdminPorts extends NotificationPorts, Pick<PatientPorts, 'getPatientProfile'> {
  listActiveAlerts(page: { limit?: number; cursor?: string }): Promise<AlertPage>;
  getAlert(alertId: string): Promise<Alert | undefined>;
  setCohortMembership(
    namespace: string,
    mrn: string,
    change: CohortMembershipChange,
  ): Promise<StoredEnrolment>;
}

export type AcknowledgeResult =
  | { outcome: 'acknowledged'; alert: Alert }
  | { outcome: 'alreadyAcknowledged' | 'closed'; alert: Alert }
  | { outcome: 'notFound' };

export async function acknowledge(
  alertId: string,
  by: string,
  ports: AdminPorts,
  config: RulesConfig,
  clock: () => Date,
): Promise<AcknowledgeResult> {
  const alert = await ports.getAlert(alertId);
  if (alert === undefined) return { outcome: 'notFound' };
  if (alert.state === 'acknowledged') return { outcome: 'alreadyAcknowledged', alert };
  if (alert.state !== 'open') return { outcome: 'closed', alert };
  const result = acknowledgeAlert({ alert, by, now: clock() });
  const profile =
    config.pagePhi === 'full'
      ? await ports.getPatientProfile(alert.patient.namespace, alert.patient.mrn)
      : undefined;
  await commitAndPublish(
    result,
    renderPending(result, (key) => key, config, profile?.name),
    ports,
    clock,
  );
  const updated = result.changes.find((change) => change.alert.alertId === alertId)?.alert ?? alert;
  return { outcome: 'acknowledged', alert: updated };
}

/** The namespace of a facility's MRNs, after the hospital's aliases. */
export function namespaceOf(facility: string, config: Pick<RulesConfig, 'namespaceAliases'>): string {
  return config.namespaceAliases[facility] ?? facility;
}
