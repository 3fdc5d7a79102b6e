/**
 * The durable clinical state item on DynamoDB Local: written with the records that change it, read
 * with the bounded history, and never losing a change when several messages about one patient are
 * stored at once (each write is conditional on the version read; a loser recomputes).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { readClinicalState } from '../../lambdas/adapters/clinical-state-store.js';
import { acceptMessage, loadPatient } from '../../lambdas/adapters/store.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { ClinicalRecord, PatientRef, StoredRecord } from '../../lambdas/domain/records.js';
import { applyRecords, type ClinicalState } from '../../lambdas/patient/clinical-state.js';
import { patientPk } from '../../lambdas/table/layout.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import {
  calciumObservation,
  storableMessage,
  syntheticPatient,
  warfarinOrder,
} from '../support/synthetic-records.js';

const config = parseRulesConfig({ timeZone: 'America/Chicago' });

beforeAll(async () => {
  await useLocalServices();
}, localServicesTimeoutMs);

/** A message whose records change the clinical state, as ingest sends it. */
function orderMessage(patient: PatientRef, records: ClinicalRecord[]) {
  return {
    ...storableMessage(patient, records),
    updateClinicalState: (current: ClinicalState, stored: readonly StoredRecord[]) =>
      applyRecords(current, stored, config),
  };
}

describe('clinical state in the store', () => {
  it('keeps every order when eight order messages for one patient are stored at once', async () => {
    const patient = syntheticPatient();
    const orderIds = Array.from({ length: 8 }, (_, index) => `PLC-RX-${index + 1}`);
    const results = await Promise.all(
      orderIds.map((placerOrderNumber) =>
        acceptMessage(orderMessage(patient, [warfarinOrder({ placerOrderNumber, fillerOrderNumber: '' })])),
      ),
    );
    expect(results.map((result) => result.outcome)).toEqual(orderIds.map(() => 'stored'));

    const stored = await readClinicalState('test', patient);
    expect(stored.version).toBe(8);
    expect(stored.state.medications.orders.map((order) => order.orderId).sort()).toEqual(
      [...orderIds].sort(),
    );
  });

  it('is read with the history: an order far older than the window stays active', async () => {
    const patient = syntheticPatient();
    await acceptMessage(
      orderMessage(patient, [
        warfarinOrder({ eventAt: '2024-01-10T09:00:00.000Z', startAt: '2024-01-10T00:00:00.000Z' }),
      ]),
    );
    const history = await loadPatient(patient.namespace, patient.mrn, {
      historyDays: 400,
      now: '2026-08-01T00:00:00.000Z',
    });
    expect(history.records).toEqual([]);
    expect(history.clinical.medications.orders).toMatchObject([{ orderId: 'PLC-RX-1', status: 'active' }]);
  });

  it('a duplicate message does not change the state (it is written with the message or not at all)', async () => {
    const patient = syntheticPatient();
    const message = orderMessage(patient, [warfarinOrder()]);
    await acceptMessage(message);
    const before = await readClinicalState('test', patient);
    expect(await acceptMessage(message)).toMatchObject({ outcome: 'duplicate' });
    expect(await readClinicalState('test', patient)).toEqual(before);
  });
});

describe('the read per evaluation stays bounded however long the patient is followed', () => {
  it('3 years of monthly results and dose changes: the history read holds the window and one small state item', async () => {
    const patient = syntheticPatient();
    const now = Date.parse('2026-08-01T00:00:00.000Z');
    const monthMs = 30 * 86_400_000;
    for (let month = 36; month >= 1; month--) {
      const at = new Date(now - month * monthMs).toISOString();
      await acceptMessage(
        orderMessage(patient, [
          warfarinOrder({
            placerOrderNumber: `PLC-CIN-${month}`,
            fillerOrderNumber: '',
            drugText: 'cinacalcet 30 MG Oral Tablet',
            medicationClass: 'calcimimetic',
            ingredient: 'cinacalcet',
            doseMg: 30 * (1 + (month % 3)),
            dailyDoseMg: 30 * (1 + (month % 3)),
            eventAt: at,
            startAt: at,
          }),
          warfarinOrder({
            placerOrderNumber: `PLC-CIN-${month + 1}`,
            fillerOrderNumber: '',
            orderControl: 'DC',
            eventAt: at,
          }),
          calciumObservation({ observedAt: at, setId: '1' }),
        ]),
      );
    }
    const history = await loadPatient(patient.namespace, patient.mrn, {
      historyDays: 400,
      now: new Date(now),
    });
    // Only the last 400 days' records (13 months × 3), whatever the years before held.
    expect(history.records).toHaveLength(13 * 3);
    // Long-ended orders are dropped from the state: the one active order and those ended within 400 days.
    const orders = history.clinical.medications.orders;
    expect(orders.filter((order) => order.status === 'active').map((order) => order.orderId)).toEqual([
      'PLC-CIN-1',
    ]);
    expect(orders.length).toBeLessThanOrEqual(15);
    // One read unit is 4 KB: the state item stays a few of them at most.
    const stateBytes = Buffer.byteLength(JSON.stringify(history.clinical));
    expect(stateBytes).toBeLessThan(16 * 1024);
  });
});

describe('order events that leave the order as it was', () => {
  it('are marked so the evaluation filter drops them; order-changing events are not', async () => {
    const patient = syntheticPatient();
    const administered = storableMessage(patient, [
      warfarinOrder({ orderControl: 'RE', placerOrderNumber: 'PLC-RE' }),
    ]);
    const ordered = storableMessage(patient, [warfarinOrder({ placerOrderNumber: 'PLC-NW' })]);
    const stored = [await acceptMessage(administered), await acceptMessage(ordered)];
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const marks = [];
    for (const result of stored) {
      if (result.outcome !== 'stored') throw new Error('not stored');
      const { Item } = await client.send(
        new GetCommand({
          TableName: process.env.TABLE_NAME,
          Key: { pk: patientPk(patient), sk: result.storedRecords[0]?.recordId },
        }),
      );
      marks.push(Item?.orderStateUnchanged);
    }
    expect(marks).toEqual([true, undefined]);
  });
});
