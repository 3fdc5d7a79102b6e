/**
 * The workflows' ports wired to the adapters (DynamoDB, SNS, Secrets
 * Manager), and the settings the evaluation, sweep, admin and ack-link
 * functions share.
 */
import { ackLinkBaseUrlOf, ackLinkBaseUrlVariable } from '../ack-links/links.js';
import { ackLinkKey } from '../adapters/ack-link-key.js';
import { positiveIntegerEnv, requiredEnv } from '../adapters/aws-clients.js';
import {
  readClinicalState,
  readWholeRecord,
  replaceClinicalState,
} from '../adapters/clinical-state-store.js';
import { copyPatientRecords } from '../adapters/merge-store.js';
import { publishNotification } from '../adapters/publisher.js';
import * as store from '../adapters/store.js';
import {
  escalationTopicArn,
  escalationTopicArnsVariable,
  parseEscalationTopicArns,
} from '../alerts/escalation.js';
import type { Topic } from '../domain/alerts.js';
import type { AdminPorts } from '../workflows/admin.js';
import type { ConsolePorts } from '../workflows/console.js';
import type { EvaluationPorts } from '../workflows/evaluate.js';
import type { NotificationPorts, PatientPorts, WorkflowSettings } from '../workflows/ports.js';
import { hospitalRulesConfig } from './runtime.js';

export function workflowSettings(): WorkflowSettings {
  const config = hospitalRulesConfig();
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

let escalationArns: ReadonlyMap<number, string> | undefined;

/** Escalation level n publishes to its own topic (level 1: ESCALATIONS_TOPIC_ARN); the map is read once. */
function topicArnFor(topic: Topic, escalationLevel: string | undefined): string {
  if (topic !== 'escalations') return requiredEnv(topicVariables[topic]);
  escalationArns ??= parseEscalationTopicArns(
    process.env[escalationTopicArnsVariable],
    process.env[topicVariables.escalations],
  );
  return escalationTopicArn(escalationArns, Number(escalationLevel ?? '1'));
}

export const notificationPorts: NotificationPorts = {
  applyAlertChanges: store.applyAlertChanges,
  claimNotification: store.claimNotification,
  completeNotification: store.completeNotification,
  releaseNotification: store.releaseNotification,
  publish: (topic, rendered) =>
    publishNotification({ topicArn: topicArnFor(topic, rendered.attributes.escalationLevel), rendered }),
};

export const patientPorts: PatientPorts = {
  triagePatient: store.triagePatient,
  loadPatient: store.loadPatient,
  getPatientProfile: store.getPatientProfile,
};

/** The evaluate function's ports: the patient, the notifications, and what a patient merge moves. */
export const evaluationPorts: EvaluationPorts = {
  ...patientPorts,
  ...notificationPorts,
  copyPatientRecords,
  readWholeRecord,
  readClinicalState,
  replaceClinicalState,
  recordLatestResults: store.recordLatestResults,
};

export const adminPorts: AdminPorts = {
  ...notificationPorts,
  getPatientProfile: store.getPatientProfile,
  listActiveAlerts: store.listActiveAlerts,
  getAlert: store.getAlert,
  // The alerts only (they are state items, read whatever the window): a day of history is the least read.
  activeAlertsOf: async (namespace, mrn) =>
    (await store.loadPatient(namespace, mrn, { historyDays: 1, now: new Date() })).activeAlerts,
  setCohortMembership: store.setCohortMembership,
};

/** The console's reads (admin API). */
export const consolePorts: ConsolePorts = {
  getAlert: store.getAlert,
  alertTrail: store.alertTrail,
  evidenceRecords: store.evidenceRecords,
  loadPatient: store.loadPatient,
  listCohortView: store.listCohortView,
};
