/**
 * The DynamoDB store against DynamoDB Local: what ingest, evaluate, sweep and
 * admin rely on (exactly-once acceptance, a bounded history read, alert writes
 * that cannot double-open or lose an update, the open-alert and cohort lists).
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  acceptMessage,
  applyAlertChanges,
  ConcurrentAlertChangeError,
  completeNotification,
  getAlert,
  InvalidCursorError,
  InvalidStoreRequestError,
  listActiveAlerts,
  listCohortPatients,
  loadPatient,
  setCohortMembership,
} from '../../lambdas/adapters/store.js';
import { parseRulesConfig } from '../../lambdas/config/rules-config.js';
import type { Alert } from '../../lambdas/domain/alerts.js';
import type { ClinicalRecord, PatientRef } from '../../lambdas/domain/records.js';
import { applyEnrolment, applyRecords, emptyClinicalState } from '../../lambdas/patient/clinical-state.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { wasNotificationSent } from '../support/sent-marks.js';
import {
  calciphylaxisDiagnosis,
  calciumObservation,
  openAlert,
  syntheticPatient,
  uniqueControlId,
  warfarinOrder,
} from '../support/synthetic-records.js';

let raw: DynamoDBDocumentClient;

beforeAll(async () => {
  await useLocalServices();
  raw = DynamoDBDocumentClient.from(new DynamoDBClient({}));
}, localServicesTimeoutMs);

const rulesConfig = parseRulesConfig({ timeZone: 'America/Chicago' });
const receivedAt = '2026-07-27T00:00:05.000Z';
const window = { historyDays: 400, now: '2026-08-01T00:00:00.000Z' };

/** A stand-in for the SHA-256 of the message the core computes (MSH-7 aside). */
const contentHash = (content: string) => createHash('sha256').update(content).digest('hex');

function message(patient: PatientRef, records: ClinicalRecord[], controlId = uniqueControlId()) {
  return {
    sendingApplication: 'LAB',
    facility: 'DIALYSIS_EAST',
    controlId,
    contentHash: contentHash(JSON.stringify(records)),
    receivedAt,
    archiveKey: `raw/2026/07/27/${receivedAt}-abc.hl7`,
    patient,
    records: records.map((record) => ({ ...record, source: { ...record.source, controlId } })),
  };
}

function rawItem(pk: string, sk: string) {
  return raw.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk, sk } })).then((r) => r.Item);
}

describe('acceptMessage', () => {
  it('stores each record under its contract key and reports a resend of the same MSH-10 as a duplicate', async () => {
    const patient = syntheticPatient();
    const input = message(patient, [calciumObservation(), warfarinOrder(), calciphylaxisDiagnosis()]);

    const first = await acceptMessage(input);
    const again = await acceptMessage({
      ...input,
      receivedAt: '2026-07-27T00:09:00.000Z',
      archiveKey: 'raw/other',
    });

    expect(first.outcome).toBe('stored');
    const ids = first.outcome === 'stored' ? first.storedRecords.map((stored) => stored.recordId) : [];
    expect(ids).toEqual([
      `HIST#2026-07-26T23:44:14.000Z#OBS#DIALYSIS_EAST#${input.controlId}#1`,
      `HIST#2026-07-01T09:00:00.000Z#MED#DIALYSIS_EAST#${input.controlId}#1`,
      `HIST#2026-07-20T10:00:00.000Z#DX#DIALYSIS_EAST#${input.controlId}#1`,
    ]);
    expect(again).toEqual({ outcome: 'duplicate', original: { receivedAt, archiveKey: input.archiveKey } });

    const history = await loadPatient(patient.namespace, patient.mrn, window);
    expect(history.records.map((stored) => stored.recordId).sort()).toEqual([...ids].sort());
    expect(history.records.every((stored) => stored.receivedAt === receivedAt)).toBe(true);
    expect(history.records.find((stored) => stored.record.kind === 'observation')?.record).toEqual(
      input.records[0],
    );

    const duplicateItem = await rawItem(`MSG#LAB#DIALYSIS_EAST#${input.controlId}`, 'MSG');
    const expectedExpiry = Math.floor(Date.now() / 1000) + 30 * 86_400;
    expect(duplicateItem?.itemType).toBe('message');
    expect(Math.abs(Number(duplicateItem?.expiresAt) - expectedExpiry)).toBeLessThan(120);
  });

  it('accepts the same control id from another facility (duplicates are per sending facility)', async () => {
    const patient = syntheticPatient();
    const input = message(patient, [calciumObservation()]);
    await acceptMessage(input);

    const fromOtherFacility = await acceptMessage({ ...input, facility: 'DIALYSIS_WEST' });

    expect(fromOtherFacility.outcome).toBe('stored');
  });

  it('accepts the same control id from another sending application at the same facility', async () => {
    const patient = syntheticPatient();
    const input = message(patient, [calciumObservation()]);
    await acceptMessage(input);

    const fromPharmacy = await acceptMessage({ ...input, sendingApplication: 'PHARMACY' });

    expect(fromPharmacy.outcome).toBe('stored');
  });

  describe('a control id reused with other content (a restarted engine)', () => {
    it('stores the later message with record keys of its own and audits the reuse; each resend is a duplicate', async () => {
      const patient = syntheticPatient();
      const first = message(patient, [calciumObservation()]);
      const laterRecords = [calciumObservation({ calciumMgDl: 6.1, controlId: first.controlId })];
      const later = {
        ...first,
        receivedAt: '2026-07-28T08:00:00.000Z',
        archiveKey: 'raw/2026/07/28/later.hl7',
        records: laterRecords,
        contentHash: contentHash('other content'),
      };

      const stored = await acceptMessage(first);
      const reused = await acceptMessage(later);

      expect(reused).toMatchObject({
        outcome: 'stored',
        reusedControlId: { first: { receivedAt, archiveKey: first.archiveKey } },
      });
      const firstIds = stored.outcome === 'stored' ? stored.storedRecords.map((r) => r.recordId) : [];
      const laterIds = reused.outcome === 'stored' ? reused.storedRecords.map((r) => r.recordId) : [];
      // Same time, facility, control id and OBX-1: only the content hash keeps the keys apart.
      expect(laterIds).toEqual([`${firstIds[0]}#R${later.contentHash.slice(0, 16)}`]);
      const history = await loadPatient(patient.namespace, patient.mrn, window);
      expect(
        history.records.map((r) => (r.record.kind === 'observation' ? r.record.rawValue : '')).sort(),
      ).toEqual(['6.1', '7.2']);

      const audit = await raw.send(
        new QueryCommand({
          TableName: process.env.TABLE_NAME,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
          ExpressionAttributeValues: {
            ':pk': `MSG#LAB#DIALYSIS_EAST#${first.controlId}`,
            ':audit': 'AUDIT#',
          },
        }),
      );
      expect(audit.Items).toEqual([
        expect.objectContaining({
          sk: `AUDIT#${later.receivedAt}#${later.contentHash.slice(0, 16)}`,
          itemType: 'messageAudit',
          event: 'controlIdReused',
          receivedAt: later.receivedAt,
          archiveKey: later.archiveKey,
          contentHash: later.contentHash,
          firstReceivedAt: receivedAt,
          firstArchiveKey: first.archiveKey,
          firstContentHash: first.contentHash,
          patientPk: `PATIENT#${patient.namespace}#${patient.mrn}`,
        }),
      ]);
      expect(audit.Items?.[0]?.expiresAt).toBeUndefined();

      expect(await acceptMessage({ ...first, receivedAt: '2026-07-29T00:00:00.000Z' })).toEqual({
        outcome: 'duplicate',
        original: { receivedAt, archiveKey: first.archiveKey },
      });
      expect(await acceptMessage({ ...later, receivedAt: '2026-07-29T00:00:00.000Z' })).toEqual({
        outcome: 'duplicate',
        original: { receivedAt: later.receivedAt, archiveKey: later.archiveKey },
      });
      expect((await loadPatient(patient.namespace, patient.mrn, window)).records).toHaveLength(2);
    });
  });

  it('keeps two results whose OBX-1 restarts under a second OBR at the same time as two records', async () => {
    const patient = syntheticPatient();
    const input = message(patient, [calciumObservation(), calciumObservation({ calciumMgDl: 9.1 })]);

    const result = await acceptMessage(input);

    const ids = result.outcome === 'stored' ? result.storedRecords.map((stored) => stored.recordId) : [];
    expect(new Set(ids).size).toBe(2);
    const history = await loadPatient(patient.namespace, patient.mrn, window);
    expect(
      history.records.map((stored) => (stored.record.kind === 'observation' ? stored.record.rawValue : '')),
    ).toEqual(['7.2', '9.1']);
  });

  it('keeps each stored result item under 1 KB (no raw HL7 in the table)', async () => {
    const patient = syntheticPatient();
    const input = message(patient, [calciumObservation()]);
    const result = await acceptMessage(input);
    const recordId = result.outcome === 'stored' ? (result.storedRecords[0]?.recordId ?? '') : '';

    const item = await rawItem(`PATIENT#${patient.namespace}#${patient.mrn}`, recordId);

    const size = Object.entries(item ?? {}).reduce(
      (total, [name, value]) => total + name.length + String(value).length,
      0,
    );
    expect(item?.itemType).toBe('observation');
    expect(size).toBeGreaterThan(100);
    expect(size).toBeLessThan(1024);
  });

  describe('a result too large for one item (an embedded PDF report, OBX-2 ED)', () => {
    const pdf = 'JVBERi0xLjQK'.repeat(180_000); // 2.16 MB of base64, as an ED value carries it

    it('keeps the observation with a pointer to the archived message and a preview of the value', async () => {
      const patient = syntheticPatient();
      const report = calciumObservation({
        analyte: undefined,
        loinc: undefined,
        code: '11502-2',
        valueType: 'ED',
        rawValue: `^application^pdf^Base64^${pdf}`,
        value: undefined,
        canonical: undefined,
        setId: '2',
        observedAt: '2026-07-26T23:50:00.000Z',
      });
      const input = message(patient, [calciumObservation(), report]);

      const result = await acceptMessage(input);

      expect(result.outcome).toBe('stored');
      const recordId = result.outcome === 'stored' ? (result.storedRecords[1]?.recordId ?? '') : '';
      const item = await rawItem(`PATIENT#${patient.namespace}#${patient.mrn}`, recordId);
      expect(item?.byReference).toEqual({
        archiveKey: input.archiveKey,
        controlId: input.controlId,
        segment: 'OBX',
        sequence: 2,
        rawValueCharacters: report.rawValue.length,
      });
      expect(String(item?.record).length).toBeLessThan(4096);
      const history = await loadPatient(patient.namespace, patient.mrn, window);
      const kept = history.records.find((stored) => stored.recordId === recordId)?.record;
      expect(kept).toMatchObject({ kind: 'observation', code: '11502-2', valueType: 'ED', setId: '2' });
      expect(kept?.kind === 'observation' ? kept.rawValue : '').toBe(`${report.rawValue.slice(0, 256)}…`);
    });

    it('keeps long comments (NTE) by reference too', async () => {
      const patient = syntheticPatient();
      const notes = Array.from({ length: 900 }, (_, line) =>
        `Line ${line} of a long narrative report. `.repeat(12),
      );
      const input = message(patient, [calciumObservation({ notes })]);

      const result = await acceptMessage(input);

      const recordId = result.outcome === 'stored' ? (result.storedRecords[0]?.recordId ?? '') : '';
      const item = await rawItem(`PATIENT#${patient.namespace}#${patient.mrn}`, recordId);
      expect(item?.byReference).toMatchObject({ sequence: 1, noteCharacters: notes.join('\n').length });
      expect(JSON.parse(String(item?.record))).toMatchObject({
        rawValue: '7.2',
        notes: [`${notes.join('\n').slice(0, 256)}…`],
      });
    });

    it('refuses, as not retryable, a record still too large with its values in the archive', async () => {
      const patient = syntheticPatient();
      const input = message(patient, [calciumObservation({ referenceRange: 'x'.repeat(500_000) })]);

      await expect(acceptMessage(input)).rejects.toMatchObject({ retryable: false });
    });
  });

  it('updates the profile from the latest message without letting an unknown sex erase a known one', async () => {
    const patient = syntheticPatient({ sex: 'F', location: 'HD^CHAIR^4' });
    await acceptMessage(message(patient, [calciumObservation()]));

    await acceptMessage(message({ ...patient, sex: 'unknown', location: 'HD^CHAIR^9', name: undefined }, []));

    const { profile } = await loadPatient(patient.namespace, patient.mrn, window);
    expect(profile).toMatchObject({
      sex: 'F',
      location: 'HD^CHAIR^9',
      name: patient.name,
      facility: patient.facility,
    });
    expect(profile?.cohort).toBeUndefined();
  });

  it('puts the patient in the cohort when the core says the records change the clinical state', async () => {
    const patient = syntheticPatient();
    const input = message(patient, [calciphylaxisDiagnosis()]);
    await acceptMessage({
      ...input,
      updateClinicalState: (current, stored) => applyRecords(current, stored, rulesConfig),
    });

    const { profile, clinical } = await loadPatient(patient.namespace, patient.mrn, window);
    expect(profile?.cohort).toEqual({ since: input.receivedAt, via: 'diagnosis' });
    expect(clinical.cohort).toMatchObject({ inCohort: true, enteredAt: input.receivedAt, via: 'diagnosis' });
    await vi.waitFor(async () => {
      expect((await listCohortPatients()).map((member) => member.mrn)).toContain(patient.mrn);
    });
  });

  describe('a message with more records than one transaction holds (150 results)', () => {
    const manyResults = (count: number) =>
      Array.from({ length: count }, (_, index) =>
        calciumObservation({
          setId: String(index + 1),
          observedAt: `2026-07-26T10:${String(index % 60).padStart(2, '0')}:00.000Z`,
        }),
      );

    it('stores every record once, then reports the resend as a duplicate', async () => {
      const patient = syntheticPatient();
      const input = message(patient, manyResults(150));

      const first = await acceptMessage(input);
      const again = await acceptMessage(input);

      expect(first.outcome === 'stored' ? first.storedRecords.length : 0).toBe(150);
      expect(again.outcome).toBe('duplicate');
      expect((await loadPatient(patient.namespace, patient.mrn, window)).records).toHaveLength(150);
    });

    it('stores a reused control id with other content under keys of its own', async () => {
      const patient = syntheticPatient();
      const input = message(patient, manyResults(110));
      await acceptMessage(input);

      const reused = await acceptMessage({ ...input, contentHash: contentHash('other content') });
      const again = await acceptMessage({ ...input, contentHash: contentHash('other content') });

      expect(reused.outcome === 'stored' ? reused.reusedControlId?.first?.archiveKey : undefined).toBe(
        input.archiveKey,
      );
      expect(again.outcome).toBe('duplicate');
      expect((await loadPatient(patient.namespace, patient.mrn, window)).records).toHaveLength(220);
    });

    it('completes on the sender’s retry after a crash before the duplicate-detection item was written', async () => {
      const patient = syntheticPatient();
      const input = message(patient, manyResults(120));
      await acceptMessage(input);
      // The state a crash between the record batches and the final transaction leaves behind.
      await raw.send(
        new DeleteCommand({
          TableName: process.env.TABLE_NAME,
          Key: { pk: `MSG#LAB#DIALYSIS_EAST#${input.controlId}`, sk: 'MSG' },
        }),
      );

      const retry = await acceptMessage(input);

      expect(retry.outcome).toBe('stored');
      expect((await loadPatient(patient.namespace, patient.mrn, window)).records).toHaveLength(120);
      expect((await acceptMessage(input)).outcome).toBe('duplicate');
    });
  });
});

describe('loadPatient', () => {
  const now = '2026-08-01T00:00:00.000Z';
  const historyDays = 400;
  const since = new Date(Date.parse(now) - historyDays * 86_400_000).toISOString();
  const justBefore = new Date(Date.parse(since) - 1).toISOString();
  const hourAfter = new Date(Date.parse(since) + 3_600_000).toISOString();

  it('reads records from `now - historyDays` on (boundary included) and every alert and enrolment', async () => {
    const patient = syntheticPatient();
    await acceptMessage(
      message(patient, [
        calciumObservation({ observedAt: justBefore, setId: '1' }),
        calciumObservation({ observedAt: since, setId: '2' }),
        calciumObservation({ observedAt: '2026-07-31T08:00:00.000Z', setId: '3' }),
        warfarinOrder({ eventAt: justBefore }),
        warfarinOrder({ eventAt: hourAfter, placerOrderNumber: 'PLC-RX-2' }),
        calciphylaxisDiagnosis({ diagnosedAt: justBefore, setId: '1' }),
        calciphylaxisDiagnosis({ diagnosedAt: '2026-06-01T00:00:00.000Z', setId: '2' }),
      ]),
    );
    await setCohortMembership(
      patient.namespace,
      patient.mrn,
      {
        action: 'enrol',
        by: 'admin-7',
        at: '2024-01-01T00:00:00.000Z',
      },
      applyEnrolment,
    );
    const oldAlert = openAlert(patient, { openedAt: '2024-02-01T00:00:00.000Z' });
    await applyAlertChanges({ changes: [{ kind: 'create', alert: oldAlert }], audit: [] });

    const history = await loadPatient(patient.namespace, patient.mrn, { historyDays, now });

    expect(history.records.map((stored) => `${stored.record.kind}@${stored.recordId.split('#')[1]}`)).toEqual(
      [
        `observation@${since}`,
        `medicationOrder@${hourAfter}`,
        'diagnosis@2026-06-01T00:00:00.000Z',
        'observation@2026-07-31T08:00:00.000Z',
      ],
    );
    expect(history.clinical.cohort).toMatchObject({ inCohort: true, enteredAt: '2024-01-01T00:00:00.000Z' });
    expect(history.activeAlerts.map((alert) => alert.alertId)).toEqual([oldAlert.alertId]);
  });

  it('returns an empty history for a patient never seen', async () => {
    const history = await loadPatient('SYNTH_HOSP', 'NEVER-SEEN', { historyDays, now });
    expect(history).toEqual({
      profile: undefined,
      records: [],
      clinical: emptyClinicalState,
      activeAlerts: [],
      closedAlerts: [],
      shadowAlerts: [],
      pendingNotifications: [],
    });
  });
});

describe('applyAlertChanges', () => {
  const resolve = (alert: Alert, at = '2026-07-28T00:00:00.000Z'): Alert => ({
    ...alert,
    state: 'resolved',
    resolvedAt: at,
    resolution: 'calcium 8.6 mg/dL',
    version: alert.version + 1,
  });

  it('refuses to open the same alert twice (a retried or concurrent evaluation)', async () => {
    const patient = syntheticPatient();
    const alert = openAlert(patient);
    const audit = [
      {
        alertId: alert.alertId,
        at: alert.openedAt,
        from: 'none' as const,
        to: 'open' as const,
        reason: 'first notification',
        by: 'rules',
      },
    ];
    await applyAlertChanges({ changes: [{ kind: 'create', alert }], audit });

    const secondCreate = applyAlertChanges({
      changes: [{ kind: 'create', alert: { ...alert, finding: 'other' } }],
      audit,
    });

    await expect(secondCreate).rejects.toBeInstanceOf(ConcurrentAlertChangeError);
    await expect(secondCreate).rejects.toMatchObject({ alertIds: [alert.alertId] });
    expect((await getAlert(alert.alertId))?.finding).toBe(alert.finding);
  });

  it('refuses an update whose expected version is stale, and applies the current one', async () => {
    const patient = syntheticPatient();
    const alert = openAlert(patient);
    await applyAlertChanges({ changes: [{ kind: 'create', alert }], audit: [] });
    const acknowledged: Alert = {
      ...alert,
      state: 'acknowledged',
      acknowledgedBy: 'dr-on-call',
      acknowledgedAt: '2026-07-27T00:05:00.000Z',
      version: 2,
    };
    await applyAlertChanges({
      changes: [{ kind: 'update', alert: acknowledged, expectedVersion: 1 }],
      audit: [],
    });

    const stale = applyAlertChanges({
      changes: [{ kind: 'update', alert: resolve(alert), expectedVersion: 1 }],
      audit: [],
    });

    await expect(stale).rejects.toBeInstanceOf(ConcurrentAlertChangeError);
    expect(await getAlert(alert.alertId)).toEqual(acknowledged);
  });

  it('writes nothing when one change of the transaction fails (alert and audit stay together)', async () => {
    const patient = syntheticPatient();
    const first = openAlert(patient);
    const second = openAlert(patient, { ruleId: 'VKA_ACTIVE', severity: 'urgent' });
    await applyAlertChanges({ changes: [{ kind: 'create', alert: first }], audit: [] });

    const mixed = applyAlertChanges({
      changes: [
        { kind: 'create', alert: second },
        { kind: 'create', alert: first },
      ],
      audit: [
        {
          alertId: second.alertId,
          at: second.openedAt,
          from: 'none',
          to: 'open',
          reason: 'first notification',
          by: 'rules',
        },
      ],
    });

    await expect(mixed).rejects.toMatchObject({
      name: 'ConcurrentAlertChangeError',
      alertIds: [first.alertId],
    });
    expect(await getAlert(second.alertId)).toBeUndefined();
    const audits = await raw.send(
      new QueryCommand({
        TableName: process.env.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
        ExpressionAttributeValues: {
          ':pk': `PATIENT#${patient.namespace}#${patient.mrn}`,
          ':audit': 'EVENT#AUDIT#',
        },
      }),
    );
    expect(audits.Items).toEqual([]);
  });

  it('records audit events under EVENT#AUDIT#<at>#<alertId> in the patient partition', async () => {
    const patient = syntheticPatient();
    const alert = openAlert(patient);
    const opened = {
      alertId: alert.alertId,
      at: alert.openedAt,
      from: 'none' as const,
      to: 'open' as const,
      reason: 'first notification',
      by: 'rules',
    };

    await applyAlertChanges({ changes: [{ kind: 'create', alert }], audit: [opened] });

    const item = await rawItem(
      `PATIENT#${patient.namespace}#${patient.mrn}`,
      `EVENT#AUDIT#${alert.openedAt}#${alert.alertId}`,
    );
    expect(item).toMatchObject({
      itemType: 'audit',
      from: 'none',
      to: 'open',
      reason: 'first notification',
      by: 'rules',
    });
  });

  it('opens a new alert for the same rule once the previous one is resolved; the old id reads as the closed episode', async () => {
    const patient = syntheticPatient();
    const first = openAlert(patient);
    await applyAlertChanges({ changes: [{ kind: 'create', alert: first }], audit: [] });
    await applyAlertChanges({
      changes: [{ kind: 'update', alert: resolve(first), expectedVersion: 1 }],
      audit: [],
    });
    const second = openAlert(patient, { openedAt: '2026-07-29T00:00:00.000Z' });

    await applyAlertChanges({ changes: [{ kind: 'create', alert: second }], audit: [] });

    expect(await getAlert(second.alertId)).toEqual(second);
    expect(await getAlert(first.alertId)).toEqual(resolve(first));
    await expect(
      applyAlertChanges({ changes: [{ kind: 'create', alert: resolve(first) }], audit: [] }),
    ).rejects.toBeInstanceOf(ConcurrentAlertChangeError);
  });

  it('rejects an audit event for an alert it is not changing', async () => {
    const patient = syntheticPatient();
    const alert = openAlert(patient);
    await expect(
      applyAlertChanges({
        changes: [],
        audit: [
          { alertId: alert.alertId, at: alert.openedAt, from: 'none', to: 'open', reason: 'x', by: 'rules' },
        ],
      }),
    ).rejects.toBeInstanceOf(InvalidStoreRequestError);
  });
});

describe('listActiveAlerts', () => {
  async function allActiveAlertIds(limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listActiveAlerts(cursor === undefined ? { limit } : { limit, cursor });
      expect(page.alerts.length).toBeLessThanOrEqual(limit);
      ids.push(...page.alerts.map((alert) => alert.alertId));
      cursor = page.cursor;
    } while (cursor !== undefined);
    return ids;
  }

  it('lists open and acknowledged alerts page by page, and drops an alert once it is resolved', async () => {
    const patient = syntheticPatient();
    const open = openAlert(patient, { alertScope: 'a' });
    const acknowledged = openAlert(patient, { alertScope: 'b' });
    await applyAlertChanges({
      changes: [
        { kind: 'create', alert: open },
        { kind: 'create', alert: acknowledged },
      ],
      audit: [],
    });
    await applyAlertChanges({
      changes: [
        { kind: 'update', alert: { ...acknowledged, state: 'acknowledged', version: 2 }, expectedVersion: 1 },
      ],
      audit: [],
    });
    await vi.waitFor(async () => {
      expect(await allActiveAlertIds(2)).toEqual(
        expect.arrayContaining([open.alertId, acknowledged.alertId]),
      );
    });

    await applyAlertChanges({
      changes: [
        {
          kind: 'update',
          alert: { ...open, state: 'resolved', resolvedAt: '2026-07-28T00:00:00.000Z', version: 2 },
          expectedVersion: 1,
        },
      ],
      audit: [],
    });

    await vi.waitFor(async () => {
      const ids = await allActiveAlertIds(2);
      expect(ids).not.toContain(open.alertId);
      expect(ids).toContain(acknowledged.alertId);
    });
  });

  it('refuses a cursor it did not issue', async () => {
    await expect(listActiveAlerts({ limit: 5, cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});

describe('the notification outbox', () => {
  const rendered = (text: string) => ({
    subject: `Critical: ${text}`,
    message: { default: `{"text":"${text}"}`, sms: text, email: text },
    attributes: {
      severity: 'critical',
      ruleId: 'CALCIUM_CRITICAL_LOW',
      facility: 'DIALYSIS_EAST',
      event: 'opened',
    },
  });

  it('commits notifications with their alert change, returns them pending in order, and completes them', async () => {
    const patient = syntheticPatient();
    const alert = openAlert(patient);
    const opened = {
      notificationId: `${alert.alertId}#opened`,
      patient,
      topic: 'pages' as const,
      rendered: rendered('opened'),
    };
    const copy = {
      notificationId: `${alert.alertId}#opened#notices`,
      patient,
      topic: 'notices' as const,
      rendered: rendered('copy'),
    };

    await applyAlertChanges({ changes: [{ kind: 'create', alert }], audit: [], outbox: [opened, copy] });

    const pending = (await loadPatient(patient.namespace, patient.mrn, window)).pendingNotifications;
    expect(pending).toEqual([
      {
        ...opened,
        patient: {
          namespace: patient.namespace,
          mrn: patient.mrn,
          facility: patient.facility,
          sex: patient.sex,
          location: patient.location,
          name: patient.name,
        },
      },
      { ...copy, patient: expect.objectContaining({ mrn: patient.mrn }) },
    ]);

    await completeNotification(opened, 'sns-message-1', '2026-07-27T00:00:01.000Z');

    const after = await loadPatient(patient.namespace, patient.mrn, window);
    expect(after.pendingNotifications.map((notification) => notification.notificationId)).toEqual([
      copy.notificationId,
    ]);
    expect(await wasNotificationSent(opened.notificationId, patient)).toBe(true);
    expect(await wasNotificationSent(copy.notificationId, patient)).toBe(false);

    // A retried completion (the first one's reply was lost) changes nothing.
    await completeNotification(opened, 'sns-message-1', '2026-07-27T00:00:01.000Z');
    expect((await loadPatient(patient.namespace, patient.mrn, window)).pendingNotifications).toHaveLength(1);
  });

  it('keeps no outbox entry when the alert change it belongs to is refused', async () => {
    const patient = syntheticPatient();
    const alert = openAlert(patient);
    await applyAlertChanges({ changes: [{ kind: 'create', alert }], audit: [] });

    const duplicateOpen = applyAlertChanges({
      changes: [{ kind: 'create', alert }],
      audit: [],
      outbox: [
        { notificationId: `${alert.alertId}#opened`, patient, topic: 'pages', rendered: rendered('again') },
      ],
    });

    await expect(duplicateOpen).rejects.toBeInstanceOf(ConcurrentAlertChangeError);
    expect((await loadPatient(patient.namespace, patient.mrn, window)).pendingNotifications).toEqual([]);
  });
});

describe('setCohortMembership', () => {
  it('enrols (STATE#ENROL item + cohort index) and removes (index attributes gone, history kept)', async () => {
    const patient = syntheticPatient();
    const enrolled = await setCohortMembership(
      patient.namespace,
      patient.mrn,
      {
        action: 'enrol',
        by: 'admin-7',
        at: '2026-07-28T09:00:00.000Z',
        reason: 'biopsy-proven',
      },
      applyEnrolment,
    );
    expect(enrolled.recordId).toBe('STATE#ENROL#2026-07-28T09:00:00.000Z');
    await vi.waitFor(async () => {
      expect((await listCohortPatients()).map((member) => member.mrn)).toContain(patient.mrn);
    });

    await setCohortMembership(
      patient.namespace,
      patient.mrn,
      {
        action: 'remove',
        by: 'admin-7',
        at: '2026-07-29T09:00:00.000Z',
      },
      applyEnrolment,
    );

    const history = await loadPatient(patient.namespace, patient.mrn, window);
    expect(history.profile?.cohort).toBeUndefined();
    expect(history.clinical.cohort).toEqual({ inCohort: false, removedAt: '2026-07-29T09:00:00.000Z' });
    await vi.waitFor(async () => {
      expect((await listCohortPatients()).map((member) => member.mrn)).not.toContain(patient.mrn);
    });
  });
});
