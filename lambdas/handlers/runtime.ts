/**
 * What every handler reads once at cold start: the hospital's rule
 * configuration and settings from the environment (failing loudly, naming
 * the variable), Powertools' logger and metrics, and the ports wired to the
 * adapters. Logs carry ids, rule ids and codes, never names.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ackLinkBaseUrlOf, ackLinkBaseUrlVariable } from '../ack-links/links.js';
import { ackLinkKey } from '../adapters/ack-link-key.js';
import { positiveIntegerEnv, requiredEnv } from '../adapters/aws-clients.js';
import { publishNotification } from '../adapters/publisher.js';
import * as store from '../adapters/store.js';
import {
  escalationTopicArn,
  escalationTopicArnsVariable,
  parseEscalationTopicArns,
} from '../alerts/escalation.js';
import { parseRulesConfig, type RulesConfig } from '../config/rules-config.js';
import type { Topic } from '../domain/alerts.js';
import type { AdminPorts } from '../workflows/admin.js';
import type { NotificationPorts, PatientPorts, WorkflowSettings } from '../workflows/ports.js';

export const metricsNamespace = 'CalciphylaxisAlerting';

export const logger = new Logger();
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? metricsNamespace,
});

let rulesConfig: RulesConfig | undefined;
export function rulesConfigFromEnv(): RulesConfig {
  if (rulesConfig !== undefined) return rulesConfig;
  let json: unknown;
  try {
    json = JSON.parse(requiredEnv('RULES_CONFIG'));
  } catch (error: unknown) {
    if (error instanceof SyntaxError) throw new Error('RULES_CONFIG is not valid JSON');
    throw error;
  }
  rulesConfig = parseRulesConfig(json, 'RULES_CONFIG');
  return rulesConfig;
}

export function workflowSettings(): WorkflowSettings {
  const config = rulesConfigFromEnv();
  return {
    config,
    historyDays: positiveIntegerEnv('HISTORY_DAYS', 400),
    ackLinks: { baseUrl: ackLinkBaseUrlOf(config, process.env[ackLinkBaseUrlVariable]), key: ackLinkKey },
  };
}

const topicVariables: Record<Topic, string> = {
  pages: 'PAGES_TOPIC_ARN',
  notices: 'NOTICES_TOPIC_ARN',
  escalations: 'ESCALATIONS_TOPIC_ARN',
};

/** Escalation level n publishes to its own topic (level 1: ESCALATIONS_TOPIC_ARN). */
function topicArnFor(topic: Topic, escalationLevel: string | undefined): string {
  if (topic !== 'escalations') return requiredEnv(topicVariables[topic]);
  const arns = parseEscalationTopicArns(
    process.env[escalationTopicArnsVariable],
    process.env[topicVariables.escalations],
  );
  return escalationTopicArn(arns, Number(escalationLevel ?? '1'));
}

export const notificationPorts: NotificationPorts = {
  applyAlertChanges: store.applyAlertChanges,
  completeNotification: store.completeNotification,
  publish: (topic, rendered) =>
    publishNotification({ topicArn: topicArnFor(topic, rendered.attributes.escalationLevel), rendered }),
};

export const patientPorts: PatientPorts = {
  loadPatient: store.loadPatient,
  getPatientProfile: store.getPatientProfile,
};

export const adminPorts: AdminPorts = {
  ...notificationPorts,
  getPatientProfile: store.getPatientProfile,
  listActiveAlerts: store.listActiveAlerts,
  getAlert: store.getAlert,
  setCohortMembership: store.setCohortMembership,
};

export const clock = (): Date => new Date();
