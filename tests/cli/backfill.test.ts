/**
 * `npm run backfill`: a table written before the durable clinical state was kept (records only) gets
 * each patient's cohort membership and medication orders, rebuilt from the whole record; a second run
 * changes nothing. On DynamoDB Local, through the command as an admin runs it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { backfillCommand } from '../../bin/cli/commands/backfill.js';
import { runCommand } from '../../bin/cli/io.js';
import { readClinicalState } from '../../lambdas/adapters/clinical-state-store.js';
import { acceptMessage, listCohortPatients, loadPatient } from '../../lambdas/adapters/store.js';
import type { ClinicalRecord, PatientRef } from '../../lambdas/domain/records.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import {
  calciphylaxisDiagnosis,
  storableMessage,
  syntheticPatient,
  warfarinOrder,
} from '../support/synthetic-records.js';

beforeAll(async () => {
  await useLocalServices();
}, localServicesTimeoutMs);

/** Stored as the earlier version stored it: records and profile, no clinical state. */
async function storeAsBefore(patient: PatientRef, records: ClinicalRecord[], receivedAt: string) {
  await acceptMessage(storableMessage(patient, records, receivedAt));
}

async function backfill(): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommand(backfillCommand, [], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: process.env,
  });
  return { code, out, err };
}

describe('npm run backfill', () => {
  it('stores the cohort entry of 3 years ago and the warfarin of 500 days ago; a second run changes nothing', async () => {
    const patient = syntheticPatient();
    const now = Date.now();
    const daysAgo = (days: number) => new Date(now - days * 86_400_000).toISOString();
    await storeAsBefore(patient, [calciphylaxisDiagnosis({ diagnosedAt: daysAgo(1095) })], daysAgo(1095));
    await storeAsBefore(
      patient,
      [warfarinOrder({ eventAt: daysAgo(500), startAt: daysAgo(500) })],
      daysAgo(500),
    );
    expect((await readClinicalState('test', patient)).version).toBe(0);

    const first = await backfill();
    expect(first.err).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.out.join('\n')).toMatch(/^backfill: \d+ patients, [1-9]\d* written, \d+ unchanged$/);

    const { clinical } = await loadPatient(patient.namespace, patient.mrn, {
      historyDays: 400,
      now: new Date(now),
    });
    expect(clinical.cohort).toMatchObject({ inCohort: true, enteredAt: daysAgo(1095), via: 'diagnosis' });
    expect(clinical.medications.orders).toMatchObject([
      { orderId: 'PLC-RX-1', status: 'active', medicationClass: 'vitaminKAntagonist' },
    ]);
    // The sweep lists the patient again: the profile's cohort index follows the membership.
    expect((await listCohortPatients()).map((member) => member.mrn)).toContain(patient.mrn);

    const stored = await readClinicalState('test', patient);
    const second = await backfill();
    expect(second.code).toBe(0);
    expect(await readClinicalState('test', patient)).toEqual(stored);
  });

  it('names TABLE_NAME when it is not set', async () => {
    const err: string[] = [];
    const code = await runCommand(backfillCommand, [], {
      out: () => {},
      err: (line) => err.push(line),
      env: {},
    });
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('TABLE_NAME is not set');
  });
});
