/**
 * The scheduled sweep survives one bad patient and one failed list: over the
 * real store (DynamoDB Local) and topics (the SNS emulator), with port
 * wrappers that make one patient's read or one list throw. Escalations go out
 * first and for every other patient; each failure is counted, and a failing
 * patient is named by a log id, never by the MRN.
 */

import { beforeAll, describe, expect, it } from 'vitest';
import * as store from '../../lambdas/adapters/store.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { PatientRef } from '../../lambdas/domain/records.js';
import type { EvaluationPorts } from '../../lambdas/workflows/evaluate.js';
import { evaluateItem } from '../../lambdas/workflows/evaluate.js';
import type { WorkflowSettings } from '../../lambdas/workflows/ports.js';
import { patientLogId, runSweep, type SweepPorts } from '../../lambdas/workflows/sweep.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { enrolledPatientWithCalcium } from '../support/stored-patients.js';

const settings: WorkflowSettings = {
  config: parseRulesConfig({ timeZone: 'America/Chicago' }),
  historyDays: 400,
};
const minuteMs = 60_000;

let realPorts: EvaluationPorts;

beforeAll(async () => {
  await useLocalServices();
  ({ evaluationPorts: realPorts } = await import('../../lambdas/handlers/ports.js'));
}, localServicesTimeoutMs);

/**
 * A month from now: the table is shared with suites whose own sweeps run at
 * about the wall clock, and those must not escalate these alerts first.
 */
function openedAtInTheFuture(): Date {
  return new Date(Math.floor(Date.now() / minuteMs) * minuteMs + 30 * 24 * 60 * minuteMs);
}

/** A cohort patient whose calcium of 7.1 mg/dL opened CALCIUM_CRITICAL_LOW (paged) at `at`. */
async function criticalPatient(at: Date): Promise<PatientRef> {
  const { patient, items } = await enrolledPatientWithCalcium('SYNTH_SWEEP', 7.1, at);
  for (const item of items) await evaluateItem(item, realPorts, settings, () => at);
  return patient;
}

interface Published {
  mrn: string;
  event: string;
  ruleId: string;
}

interface Faults {
  /** loadPatient throws for this MRN. */
  loadPatientFailsFor?: string;
  /** Committing this MRN's alert changes throws. */
  alertChangesFailFor?: string;
  listCohortPatientsFails?: boolean;
  listActiveAlertsFails?: boolean;
}

/**
 * The real ports, seeing only these patients (other suites share the table),
 * recording what is published, and throwing where `faults` says.
 */
function sweepPorts(patients: readonly PatientRef[], faults: Faults = {}) {
  const ours = new Set(patients.map((patient) => `${patient.namespace}|${patient.mrn}`));
  const isOurs = (key: { namespace: string; mrn: string }) => ours.has(`${key.namespace}|${key.mrn}`);
  const published: Published[] = [];
  const calls: string[] = [];
  const ports: SweepPorts = {
    ...realPorts,
    async loadPatient(namespace, mrn, window) {
      if (mrn === faults.loadPatientFailsFor) throw new Error(`injected: cannot read ${mrn}`);
      return realPorts.loadPatient(namespace, mrn, window);
    },
    async applyAlertChanges(input) {
      if (input.changes.some((change) => change.alert.patient.mrn === faults.alertChangesFailFor)) {
        throw new Error(`injected: cannot write alerts of ${faults.alertChangesFailFor}`);
      }
      return realPorts.applyAlertChanges(input);
    },
    async publish(topic, rendered) {
      const messageId = await realPorts.publish(topic, rendered);
      const body = JSON.parse(rendered.message.default) as { patient: { mrn: string }; ruleId: string };
      published.push({ mrn: body.patient.mrn, event: rendered.attributes.event, ruleId: body.ruleId });
      return messageId;
    },
    async listCohortPatients() {
      calls.push(`listCohortPatients after ${published.length} published`);
      if (faults.listCohortPatientsFails) throw new Error('injected: cohort index unavailable');
      return (await store.listCohortPatients()).filter(isOurs);
    },
    async listActiveAlerts(page) {
      calls.push('listActiveAlerts');
      if (faults.listActiveAlertsFails) throw new Error('injected: open-alerts index unavailable');
      const all = await store.listActiveAlerts(page);
      return { ...all, alerts: all.alerts.filter((alert) => isOurs(alert.patient)) };
    },
  };
  const escalated = () =>
    published
      .filter((entry) => entry.event === 'escalated')
      .map((entry) => entry.mrn)
      .sort();
  return { ports, published, calls, escalated };
}

const mrnsOf = (patients: readonly PatientRef[]) => patients.map((patient) => patient.mrn).sort();

describe('the sweep survives one bad patient', () => {
  it('escalates every other patient when one patient cannot be read, counts the failure and names it without the MRN', async () => {
    const at = openedAtInTheFuture();
    const patients = await Promise.all([criticalPatient(at), criticalPatient(at), criticalPatient(at)]);
    const bad = patients[1]!;
    const sweep = sweepPorts(patients, { loadPatientFailsFor: bad.mrn });

    const summary = await runSweep(sweep.ports, settings, () => new Date(at.getTime() + 16 * minuteMs));

    expect(sweep.escalated()).toEqual(mrnsOf(patients));
    expect(summary.failures).toEqual([{ stage: 'rules', patient: await patientLogId(bad), error: 'Error' }]);
    expect(summary.patientsSwept).toBe(2);
    expect(JSON.stringify(summary)).not.toContain(bad.mrn);
  });

  it('escalates everyone when the cohort cannot be listed, and counts that as one failed stage', async () => {
    const at = openedAtInTheFuture();
    const patients = await Promise.all([criticalPatient(at), criticalPatient(at)]);
    const sweep = sweepPorts(patients, { listCohortPatientsFails: true });

    const summary = await runSweep(sweep.ports, settings, () => new Date(at.getTime() + 16 * minuteMs));

    expect(sweep.escalated()).toEqual(mrnsOf(patients));
    expect(summary.failures).toEqual([{ stage: 'rules', error: 'Error' }]);
  });

  it('sends the escalations before it starts on the cohort rules', async () => {
    const at = openedAtInTheFuture();
    const patients = await Promise.all([criticalPatient(at), criticalPatient(at)]);
    const sweep = sweepPorts(patients);

    const summary = await runSweep(sweep.ports, settings, () => new Date(at.getTime() + 16 * minuteMs));

    expect(summary.failures).toEqual([]);
    expect(sweep.calls).toEqual(['listActiveAlerts', 'listCohortPatients after 2 published']);
  });

  it('escalates the others when one patient’s escalation cannot be written, and still runs the cohort rules', async () => {
    const at = openedAtInTheFuture();
    const patients = await Promise.all([criticalPatient(at), criticalPatient(at), criticalPatient(at)]);
    const bad = patients[0]!;
    const sweep = sweepPorts(patients, { alertChangesFailFor: bad.mrn });

    const summary = await runSweep(sweep.ports, settings, () => new Date(at.getTime() + 16 * minuteMs));

    expect(sweep.escalated()).toEqual(mrnsOf(patients.slice(1)));
    expect(summary.failures).toEqual([
      { stage: 'escalation', patient: await patientLogId(bad), error: 'Error' },
    ]);
    expect(summary.patientsSwept).toBe(3);
  });

  it('runs the cohort rules when the open alerts cannot be listed, and counts that as one failed stage', async () => {
    const at = openedAtInTheFuture();
    const patients = await Promise.all([criticalPatient(at), criticalPatient(at)]);
    const sweep = sweepPorts(patients, { listActiveAlertsFails: true });

    const summary = await runSweep(sweep.ports, settings, () => new Date(at.getTime() + 16 * minuteMs));

    expect(summary.failures).toEqual([{ stage: 'escalation', error: 'Error' }]);
    expect(summary.patientsSwept).toBe(2);
    expect(sweep.escalated()).toEqual([]);
  });
});

describe('patientLogId', () => {
  it('is a stable hash of the patient key that does not contain the MRN', async () => {
    const patient = { namespace: 'NDC', mrn: '298205' };
    const id = await patientLogId(patient);
    expect(id).toMatch(/^patient-[0-9a-f]{16}$/);
    expect(id).not.toContain(patient.mrn);
    expect(await patientLogId({ ...patient })).toBe(id);
    expect(await patientLogId({ namespace: 'NDC', mrn: '298206' })).not.toBe(id);
    expect(await patientLogId({ namespace: 'NDC2', mrn: '98205' })).not.toBe(
      await patientLogId({ namespace: 'NDC', mrn: '298205' }),
    );
  });
});
