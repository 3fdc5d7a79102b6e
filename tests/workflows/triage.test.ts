/**
 * A result of a patient outside the cohort costs one small read: the triage
 * (clinical state and outbox) says nothing can change, so the 400-day history
 * is not read and nothing is written. Entering the cohort, an enrolment and a
 * notification still waiting to go out each get the full evaluation. Over
 * the real store (DynamoDB Local) and topics (the SNS emulator).
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import * as store from '../../lambdas/adapters/store.js';
import { type StreamImage, triggeringItemFromImage } from '../../lambdas/adapters/stream-image.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { ClinicalRecord, PatientRef } from '../../lambdas/domain/records.js';
import { applyRecords } from '../../lambdas/patient/clinical-state.js';
import { patientPk } from '../../lambdas/table/layout.js';
import { type EvaluationPorts, evaluateItem } from '../../lambdas/workflows/evaluate.js';
import type { WorkflowSettings } from '../../lambdas/workflows/ports.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import {
  calciphylaxisDiagnosis,
  calciumObservation,
  openAlert,
  storableMessage,
  syntheticPatient,
} from '../support/synthetic-records.js';

const settings: WorkflowSettings = {
  config: parseRulesConfig({ timeZone: 'America/Chicago' }),
  historyDays: 400,
};

let ports: EvaluationPorts;

beforeAll(async () => {
  await useLocalServices();
  ({ evaluationPorts: ports } = await import('../../lambdas/handlers/ports.js'));
}, localServicesTimeoutMs);

async function stored(patient: PatientRef, record: ClinicalRecord, at = new Date()) {
  const message = storableMessage(patient, [record], at.toISOString());
  const accepted = await store.acceptMessage({
    ...message,
    // As ingest does: the records that change the durable state change it in the same write.
    updateClinicalState: (current, records) => applyRecords(current, records, settings.config),
  });
  if (accepted.outcome !== 'stored') throw new Error('not stored');
  const [first] = accepted.storedRecords;
  if (first === undefined) throw new Error('no record');
  return {
    kind: 'record' as const,
    patient: { namespace: patient.namespace, mrn: patient.mrn },
    stored: first,
  };
}

describe('triage before the history read', () => {
  it('reads only the triage for a critical calcium of a patient outside the cohort, and changes nothing', async () => {
    const patient = syntheticPatient({ namespace: 'SYNTH_TRIAGE' });
    const item = await stored(patient, calciumObservation({ calciumMgDl: 6.8 }));

    const summary = await evaluateItem(item, ports, settings, () => new Date());

    expect(summary).toMatchObject({
      trigger: 'outsideCohort',
      inCohort: false,
      alertChanges: 0,
      published: 0,
    });
    expect(Object.keys(summary.timings)).toEqual(['triage']);
  });

  it('evaluates in full the diagnosis that enters the cohort, and then the patient’s results', async () => {
    const patient = syntheticPatient({ namespace: 'SYNTH_TRIAGE' });
    const diagnosis = await stored(patient, calciphylaxisDiagnosis());
    expect(await evaluateItem(diagnosis, ports, settings, () => new Date())).toMatchObject({
      trigger: 'cohortEntered',
      inCohort: true,
    });

    const calcium = await stored(patient, calciumObservation({ calciumMgDl: 6.8 }));
    const summary = await evaluateItem(calcium, ports, settings, () => new Date());
    expect(summary).toMatchObject({ trigger: 'records', inCohort: true, published: 1 });
    expect(summary.timings).toMatchObject({
      triage: expect.any(Number),
      read: expect.any(Number),
      rules: expect.any(Number),
      commit: expect.any(Number),
      publish: expect.any(Number),
      markSent: expect.any(Number),
    });
  });

  it('sends a patient outside the cohort through the full evaluation while a notification waits to go out', async () => {
    const patient = syntheticPatient({ namespace: 'SYNTH_TRIAGE' });
    const alert = openAlert(patient);
    const waiting = {
      notificationId: `${alert.alertId}:resolved`,
      patient: { namespace: patient.namespace, mrn: patient.mrn },
      topic: 'pages' as const,
      rendered: {
        subject: 'Resolved',
        message: { default: '{}', sms: 'RESOLVED', email: 'Resolved' },
        attributes: {
          severity: 'critical',
          ruleId: alert.ruleId,
          facility: patient.facility,
          event: 'resolved',
        },
      },
    };
    await store.applyAlertChanges({ changes: [{ kind: 'create', alert }], audit: [], outbox: [waiting] });
    expect(await store.triagePatient(patient.namespace, patient.mrn)).toEqual({
      inCohort: false,
      pendingNotifications: true,
    });

    const item = await stored(patient, calciumObservation({ calciumMgDl: 9.1 }));
    const summary = await evaluateItem(item, ports, settings, () => new Date());

    expect(summary).toMatchObject({ inCohort: false, published: 1 });
    expect(await store.triagePatient(patient.namespace, patient.mrn)).toEqual({
      inCohort: false,
      pendingNotifications: false,
    });
  });

  it('skips the triage for a result the ingest stored inside the cohort, as its stream record says', async () => {
    const patient = syntheticPatient({ namespace: 'SYNTH_TRIAGE' });
    await stored(patient, calciphylaxisDiagnosis());
    const calcium = await stored(patient, calciumObservation({ calciumMgDl: 6.8 }));
    // The item as the table stream delivers it (NewImage).
    const { Item } = await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(
      new GetCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: patientPk(patient), sk: calcium.stored.recordId },
      }),
    );
    const image = marshall(Item ?? {}, { removeUndefinedValues: true }) as StreamImage;
    const fromStream = triggeringItemFromImage(image);
    if (fromStream === undefined) throw new Error('not a triggering item');

    const summary = await evaluateItem(fromStream, ports, settings, () => new Date());
    expect(summary).toMatchObject({ trigger: 'records', inCohort: true, published: 1 });
    expect(Object.keys(summary.timings)).not.toContain('triage');
    expect(summary.timings).toMatchObject({ read: expect.any(Number), commit: expect.any(Number) });
  });
});
