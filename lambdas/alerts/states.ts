/**
 * The alert state machine as data: which states follow which, where each
 * event is sent, which rule supersedes which, and the named reasons that land
 * in the audit trail (clinical-rules.md, "Alert lifecycle").
 */
import type {
  Alert,
  AlertState,
  EscalationStep,
  NotificationEvent,
  RuleId,
  Severity,
  Topic,
} from '../domain/alerts.js';

/**
 * open → acknowledged → resolved; open → resolved; open/acknowledged →
 * superseded. A self-transition is a change that keeps the state (new
 * evidence, escalation, a repeat). Resolved and superseded are final: a new
 * finding opens a new alert.
 */
export const allowedTransitions: Readonly<Record<AlertState | 'none', readonly AlertState[]>> = {
  none: ['open'],
  open: ['open', 'acknowledged', 'resolved', 'superseded'],
  acknowledged: ['acknowledged', 'resolved', 'superseded'],
  resolved: [],
  superseded: [],
};

export function canTransition(from: AlertState | 'none', to: AlertState): boolean {
  return allowedTransitions[from].includes(to);
}

/** Open and acknowledged alerts still hold their (patient, rule, scope) slot. */
export function isActive(alert: Pick<Alert, 'state'>): boolean {
  return alert.state === 'open' || alert.state === 'acknowledged';
}

/** clinical-rules.md, "Severities and where they go". */
export function topicForSeverity(severity: Severity): Topic {
  return severity === 'critical' ? 'pages' : 'notices';
}

/**
 * Escalations go to the escalation topic (the level picks which one, see
 * escalation.ts) and acknowledgements are a notice
 * for the care team; every other event follows the alert's severity, so a
 * resolved, superseded or worsened notice reaches the people who got the
 * opening (a worsened critical pages).
 */
export function topicFor(event: NotificationEvent, severity: Severity): Topic {
  if (event === 'escalated') return 'escalations';
  if (event === 'acknowledged') return 'notices';
  return topicForSeverity(severity);
}

/** A more severe rule for the same finding closes the milder one when it opens. */
export const supersedes: Readonly<Partial<Record<RuleId, readonly RuleId[]>>> = {
  CALCIUM_CRITICAL_LOW: ['CALCIUM_LOW'],
};

/** The named transition reasons of the audit trail. */
export const transitionReason = {
  firstNotification: 'first notification',
  newEvidence: 'new evidence',
  escalatedTo: ({ level, name }: EscalationStep) => `escalated to level ${level}: ${name}`,
  repeated: 'repeated',
  acknowledgedBy: (who: string) => `acknowledged by ${who}`,
  resolved: (reason: string) => `resolved: ${reason}`,
  supersededBy: (ruleId: RuleId) => `superseded by ${ruleId}`,
  /** `calcium 6.1 mg/dL, 7.2 mg/dL at acknowledgement (margin 0.5 mg/dL lower)`. */
  worsened: (values: string) => `worsened: ${values}`,
} as const;

/** Who the audit trail names for decisions the pipeline takes by itself. */
export const systemActor = 'system';
