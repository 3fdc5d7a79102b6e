/**
 * Alerts when two patient records are merged (ADT A40/A34/A18): every open or acknowledged alert of
 * the retired identifier moves to the survivor, keeping its state (an acknowledged alert stays
 * acknowledged, by whom and when), its evidence and its timeliness marks; the retired one is closed
 * as superseded. Nothing is paged: the finding has not changed, only whose record it is in. Where
 * the survivor already has an alert for the same rule and scope, that one stands and the retired
 * one's evidence is added to it. Every step is audited.
 */
import type { Alert } from '../domain/alerts.js';
import { Changeset, type LifecycleResult } from './changeset.js';
import { alertIdFor } from './ids.js';
import { isActive } from './states.js';

export interface MergeAlertsInput {
  /** The retired identifier's alerts (any state; only active ones move). */
  priorAlerts: readonly Alert[];
  /** The survivor's active alerts. */
  survivorAlerts: readonly Alert[];
  survivor: Alert['patient'];
  now: Date;
}

const mergeActor = 'patient merge';

export function moveAlertsOnMerge({
  priorAlerts,
  survivorAlerts,
  survivor,
  now,
}: MergeAlertsInput): LifecycleResult {
  const at = now.toISOString();
  const changes = new Changeset(at);
  const slotOf = (alert: Pick<Alert, 'ruleId' | 'alertScope'>) => `${alert.ruleId}\u001f${alert.alertScope}`;
  const survivorBySlot = new Map(survivorAlerts.filter(isActive).map((alert) => [slotOf(alert), alert]));
  const survivorName = `${survivor.namespace} ${survivor.mrn}`;

  for (const prior of priorAlerts.filter(isActive)) {
    const existing = survivorBySlot.get(slotOf(prior));
    let movedTo: Alert;
    if (existing !== undefined) {
      const known = new Set(existing.evidence.map((evidence) => evidence.recordId));
      movedTo = changes.update(
        existing,
        {
          evidence: [
            ...existing.evidence,
            ...prior.evidence.filter((evidence) => !known.has(evidence.recordId)),
          ],
        },
        `evidence of merged alert ${prior.alertId} added`,
        mergeActor,
      );
    } else {
      const { acknowledgedAt, acknowledgedBy, acknowledgedByName, ...rest } = prior;
      const opened = changes.create(
        {
          ...rest,
          alertId: alertIdFor({
            ...survivor,
            ruleId: prior.ruleId,
            alertScope: prior.alertScope,
            openedAt: prior.openedAt,
          }),
          patient: { ...survivor },
          state: 'open',
        },
        `moved from merged alert ${prior.alertId}`,
        mergeActor,
      );
      movedTo =
        prior.state === 'acknowledged'
          ? changes.update(
              opened,
              {
                state: 'acknowledged',
                ...(acknowledgedAt === undefined ? {} : { acknowledgedAt }),
                ...(acknowledgedBy === undefined ? {} : { acknowledgedBy }),
                ...(acknowledgedByName === undefined ? {} : { acknowledgedByName }),
              },
              `acknowledged before the merge by ${acknowledgedBy ?? 'unknown'}`,
              mergeActor,
            )
          : opened;
    }
    survivorBySlot.set(slotOf(prior), movedTo);
    changes.update(
      prior,
      {
        state: 'superseded',
        resolvedAt: at,
        resolution: `Patient record merged into ${survivorName}; alert ${movedTo.alertId} carries it on.`,
      },
      `merged into ${movedTo.alertId}`,
      mergeActor,
    );
  }
  return changes.result();
}
