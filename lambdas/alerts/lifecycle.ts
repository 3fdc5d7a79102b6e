/**
 * The alert lifecycle: takes the rules' outcomes, the clock and the alerts
 * already active for a patient, and returns explicit state changes, the
 * notifications to send and the audit trail. Pure: the store persists the
 * changes with conditional writes, the pager sends the notifications.
 *
 * Dedup is the first stage: one alert per (patient, rule, scope) at a time,
 * and a finding whose evidence is all known changes nothing, so a duplicate
 * message or a retried evaluation never pages twice. New evidence on an
 * acknowledged alert is absorbed quietly unless it is worse than the value at
 * acknowledgement by the rule's margin: then it pages `worsened` once
 * (worsening.ts) and the alert stays acknowledged.
 */

import { ruleModeOf } from '../config/rule-mode.js';
import type { RulesConfig } from '../config/rules-config.js';
import type { Alert, Evidence, Finding, RuleOutcome } from '../domain/alerts.js';
import type { PatientRef } from '../domain/records.js';
import { ruleSetVersion } from '../rules/rule-set-version.js';
import { Changeset, emptyResult, type LifecycleResult } from './changeset.js';
import { InvalidTimestampError, MissingAcknowledgerError } from './errors.js';
import { escalationChainOf, escalationLevelReached } from './escalation.js';
import { alertIdFor } from './ids.js';
import { isActive, supersedes, systemActor, transitionReason } from './states.js';
import { referenceAtAcknowledgement, worsenedBy } from './worsening.js';

export type { AlertChange, LifecycleResult } from './changeset.js';

export type AlertPatient = Pick<PatientRef, 'facility' | 'namespace' | 'mrn' | 'location'>;

export interface ApplyOutcomesInput {
  patient: AlertPatient;
  /** Open or acknowledged alerts of this patient, as read from the store. */
  activeAlerts: Alert[];
  outcomes: RuleOutcome[];
  now: Date;
  /**
   * `worsenedMargins`: how much worse than at acknowledgement pages `worsened`; the whole
   * configuration names the rule-set version stamped on every alert changed.
   */
  config: RulesConfig;
}

export interface SweepInput {
  activeAlerts: Alert[];
  now: Date;
  /** `modes`: an alert of a rule no longer live neither escalates nor repeats (evaluation resolves it). */
  config: Pick<RulesConfig, 'escalateAfterMinutes' | 'repeatMinutes' | 'escalationChain'> &
    Partial<Pick<RulesConfig, 'modes'>>;
}

export interface AcknowledgeInput {
  alert: Alert;
  /** The acknowledging clinician's user id, as the ack endpoint authenticated it. */
  by: string;
  /** A name the caller gave for themselves, recorded beside `by`. */
  byName?: string;
  now: Date;
}

const minuteMs = 60_000;

export function applyOutcomes(input: ApplyOutcomesInput): LifecycleResult {
  const at = instantOf(input.now);
  const changeset = new Changeset(at, ruleSetVersion(input.config));
  const active = activeSlots(input.patient, input.activeAlerts);
  const usedIds = new Set(input.activeAlerts.map((alert) => alert.alertId));

  for (const outcome of inEvaluationOrder(input.outcomes)) {
    if (outcome.kind === 'fire') {
      fire(outcome.finding, {
        patient: input.patient,
        at,
        active,
        usedIds,
        changeset,
        margins: input.config.worsenedMargins,
      });
    } else if (outcome.kind === 'resolve') {
      const key = slotKey(outcome.ruleId, outcome.alertScope);
      const current = active.get(key);
      // A resolve with nothing active is the common case (the value was normal before too).
      if (!current) continue;
      const closed = changeset.update(
        current,
        {
          state: 'resolved',
          resolvedAt: at,
          resolution: outcome.reason,
          evidence: withNewEvidence(current.evidence, outcome.evidence),
        },
        transitionReason.resolved(outcome.reason),
        systemActor,
      );
      changeset.notify(closed, 'resolved');
      active.delete(key);
    }
  }
  return changeset.result();
}

interface FireContext {
  patient: AlertPatient;
  at: string;
  active: Map<string, Alert>;
  usedIds: Set<string>;
  changeset: Changeset;
  margins: RulesConfig['worsenedMargins'];
}

function fire(finding: Finding, context: FireContext): void {
  const { patient, at, active, changeset } = context;
  const key = slotKey(finding.ruleId, finding.alertScope);
  const current = active.get(key);

  if (current) {
    const evidence = withNewEvidence(current.evidence, finding.evidence);
    // All evidence already known: a duplicate or a re-run; changing nothing is what keeps it from re-paging.
    if (evidence.length === current.evidence.length) return;
    // Acknowledged, then worse by the margin: page once; it stays acknowledged (no escalation, no repeats).
    const worsened = worsenedBy(current, evidence.slice(current.evidence.length), context.margins);
    const updated = changeset.update(
      current,
      {
        evidence,
        ...(worsened === undefined ? {} : { worsening: worsened.now }),
        // The newest wording carries the newest value, which is what a repeat page should show.
        finding: finding.finding,
        recommendation: finding.recommendation,
        // The patient may have moved chairs since the alert opened; no location sent keeps the known one.
        patient:
          patient.location === undefined
            ? current.patient
            : { ...current.patient, location: patient.location },
      },
      worsened === undefined ? transitionReason.newEvidence : transitionReason.worsened(worsened.values),
      systemActor,
    );
    if (worsened !== undefined) {
      changeset.notify(updated, 'worsened', { worsened: { was: worsened.was, now: worsened.now } });
    }
    active.set(key, updated);
    return;
  }

  const opened = changeset.create(
    newAlert(finding, context),
    transitionReason.firstNotification,
    systemActor,
  );
  changeset.notify(opened, 'opened');
  active.set(key, opened);

  for (const milderRuleId of supersedes[finding.ruleId] ?? []) {
    for (const [milderKey, milder] of active) {
      if (milder.ruleId !== milderRuleId) continue;
      const closed = changeset.update(
        milder,
        {
          state: 'superseded',
          resolvedAt: at,
          resolution: `superseded by ${finding.ruleId}: ${finding.finding}`,
        },
        transitionReason.supersededBy(finding.ruleId),
        systemActor,
      );
      changeset.notify(closed, 'superseded');
      active.delete(milderKey);
    }
  }
}

function newAlert(finding: Finding, { patient, at, usedIds }: FireContext): Alert {
  const baseId = alertIdFor({
    namespace: patient.namespace,
    mrn: patient.mrn,
    ruleId: finding.ruleId,
    alertScope: finding.alertScope,
    openedAt: at,
  });
  // Only an alert opened, closed and reopened within one call can meet its own id.
  let alertId = baseId;
  for (let n = 2; usedIds.has(alertId); n++) alertId = `${baseId}-${n}`;
  usedIds.add(alertId);

  return {
    alertId,
    // Picked field by field: a full PatientRef carries the name, which an alert must never store.
    patient: {
      facility: patient.facility,
      namespace: patient.namespace,
      mrn: patient.mrn,
      ...(patient.location === undefined ? {} : { location: patient.location }),
    },
    ruleId: finding.ruleId,
    alertScope: finding.alertScope,
    severity: finding.severity,
    state: 'open',
    finding: finding.finding,
    recommendation: finding.recommendation,
    evidence: withNewEvidence([], finding.evidence),
    openedAt: at,
    lastNotifiedAt: at,
    repeatCount: 0,
    version: 1,
    ...timelinessOf(finding.evidence),
  };
}

/**
 * Where the timeliness clock starts: the record the rule fired on, which
 * rules list first (a result rule's observation, an order rule's order).
 * Evidence whose time cannot be read is skipped rather than guessed.
 */
function timelinessOf(evidence: Evidence[]): Pick<Alert, 'resultAt' | 'receivedAt'> {
  const trigger = evidence.find((item) => !Number.isNaN(Date.parse(item.at)));
  if (trigger === undefined) return {};
  return {
    resultAt: new Date(Date.parse(trigger.at)).toISOString(),
    ...(trigger.receivedAt === undefined || Number.isNaN(Date.parse(trigger.receivedAt))
      ? {}
      : { receivedAt: new Date(Date.parse(trigger.receivedAt)).toISOString() }),
  };
}

/**
 * Critical alerts that nobody acknowledged climb the escalation chain (each
 * level once, when its delay after openedAt has passed; never beyond the last
 * level) and repeat the page every `repeatMinutes`.
 *
 * A sweep that runs late sends every level that fell due, in order (each
 * level is other people, none may be skipped), but one repeat, not one per
 * missed interval: a burst of identical pages helps no one, and the next
 * repeat is counted from this one (`lastNotifiedAt` = now). Escalation does
 * not move `lastNotifiedAt`: it goes to other people and must not delay the
 * on-call's repeats. Acknowledgement (state ≠ open) stops both.
 */
export function sweepAlerts(input: SweepInput): LifecycleResult {
  const at = instantOf(input.now);
  const nowMs = input.now.getTime();
  const changeset = new Changeset(at);
  const chain = escalationChainOf(input.config);

  for (const alert of input.activeAlerts) {
    if (alert.state !== 'open' || alert.severity !== 'critical' || changeset.has(alert.alertId)) continue;
    if (alert.shadow === true || ruleModeOf(input.config, alert.ruleId) !== 'live') continue;
    let current = alert;

    const openedMs = timeOf(alert.openedAt, alert, 'openedAt');
    for (const step of chain) {
      if (step.level <= escalationLevelReached(current)) continue;
      if (openedMs + step.afterMinutes * minuteMs > nowMs) break;
      current = changeset.update(
        current,
        { escalationLevel: step.level, escalatedAt: current.escalatedAt ?? at },
        transitionReason.escalatedTo(step),
        systemActor,
      );
      changeset.notify(current, 'escalated', { escalation: { level: step.level, name: step.name } });
    }

    const repeatAtMs =
      timeOf(alert.lastNotifiedAt, alert, 'lastNotifiedAt') + input.config.repeatMinutes * minuteMs;
    if (repeatAtMs <= nowMs) {
      current = changeset.update(
        current,
        { lastNotifiedAt: at, repeatCount: current.repeatCount + 1 },
        transitionReason.repeated,
        systemActor,
      );
      changeset.notify(current, 'repeated');
    }
  }
  return changeset.result();
}

/**
 * Acknowledging stops escalation and repeats, and records the value a later
 * `worsened` page is measured against (alerts/worsening.ts). Acknowledging
 * again, or acknowledging an alert that has meanwhile closed, changes nothing
 * and sends nothing: two clinicians tapping the same link is normal.
 */
export function acknowledgeAlert(input: AcknowledgeInput): LifecycleResult {
  const at = instantOf(input.now);
  const by = input.by.trim();
  if (by === '') throw new MissingAcknowledgerError(input.alert.alertId);
  const byName = input.byName?.trim() || undefined;
  if (input.alert.state !== 'open') return emptyResult();

  const changeset = new Changeset(at);
  const reference = referenceAtAcknowledgement(input.alert);
  const acknowledged = changeset.update(
    input.alert,
    {
      state: 'acknowledged',
      acknowledgedAt: at,
      acknowledgedBy: by,
      ...(byName === undefined ? {} : { acknowledgedByName: byName }),
      ...(reference === undefined ? {} : { worsening: reference }),
    },
    transitionReason.acknowledgedBy(byName === undefined ? by : `${byName} (${by})`),
    by,
    byName,
  );
  changeset.notify(acknowledged, 'acknowledged');
  return changeset.result();
}

function slotKey(ruleId: string, alertScope: string): string {
  return `${ruleId}\u001f${alertScope}`;
}

/**
 * This patient's active alerts by (rule, scope). Should the store ever hold two
 * for one slot, the newest is used: failing the whole evaluation over it would
 * hold back every other alert of the patient.
 */
function activeSlots(patient: AlertPatient, alerts: Alert[]): Map<string, Alert> {
  const slots = new Map<string, Alert>();
  for (const alert of alerts) {
    if (!isActive(alert)) continue;
    if (alert.patient.namespace !== patient.namespace || alert.patient.mrn !== patient.mrn) continue;
    const key = slotKey(alert.ruleId, alert.alertScope);
    const held = slots.get(key);
    if (!held || held.openedAt < alert.openedAt) slots.set(key, alert);
  }
  return slots;
}

/**
 * Fires of superseding rules go first, so that a CALCIUM_CRITICAL_LOW opening
 * supersedes CALCIUM_LOW even if a resolve of CALCIUM_LOW comes earlier in
 * the list; otherwise the rules' order is kept.
 */
function inEvaluationOrder(outcomes: RuleOutcome[]): RuleOutcome[] {
  const supersedesOthers = (outcome: RuleOutcome) =>
    outcome.kind === 'fire' && supersedes[outcome.finding.ruleId] !== undefined;
  return [...outcomes.filter(supersedesOthers), ...outcomes.filter((outcome) => !supersedesOthers(outcome))];
}

/** `known` plus the records of `incoming` whose recordId is new, each once. */
function withNewEvidence(known: Evidence[], incoming: Evidence[]): Evidence[] {
  const seen = new Set(known.map((evidence) => evidence.recordId));
  const merged = [...known];
  for (const evidence of incoming) {
    if (seen.has(evidence.recordId)) continue;
    seen.add(evidence.recordId);
    merged.push({ ...evidence });
  }
  return merged;
}

function instantOf(now: Date): string {
  if (Number.isNaN(now.getTime())) throw new InvalidTimestampError('now', String(now));
  return now.toISOString();
}

function timeOf(value: string, alert: Alert, field: 'openedAt' | 'lastNotifiedAt'): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidTimestampError(`alert ${alert.alertId} ${field}`, value);
  return ms;
}
