/**
 * The `criticalAlerts` index behind the timeliness report: every critical
 * alert, open or closed, found by the time it opened. Periods include `from`
 * and exclude `to` (as the report does), so consecutive months never count an
 * alert twice.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionLocalResources } from '../../bin/local/provision.js';
import {
  applyAlertChanges,
  InvalidStoreRequestError,
  listCriticalAlerts,
} from '../../lambdas/adapters/store.js';
import type { Alert } from '../../lambdas/domain/alerts.js';
import {
  alertIdPk,
  alertIdSk,
  alertSk,
  cohortIndex,
  criticalAlertsIndex,
  criticalAlertsKeys,
  criticalAlertsRanges,
  openAlertsIndex,
  patientPk,
} from '../../lambdas/table/layout.js';
import type { LocalServicesDescription } from '../support/global-setup.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { openAlert, syntheticPatient } from '../support/synthetic-records.js';

describe('criticalAlertsRanges (pure)', () => {
  // Any instant from 1990 to 2090, to the millisecond.
  const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) });

  it('holds an alert exactly when it opened at or after from and before to', () => {
    fc.assert(
      fc.property(instant, instant, instant, (a, b, opened) => {
        const [fromMs, toMs] = a <= b ? [a, b] : [b, a];
        const keys = criticalAlertsKeys({
          alertId: 'CALCIUM_CRITICAL_LOW-0a1b2c',
          severity: 'critical',
          openedAt: new Date(opened).toISOString(),
        });
        const pk = keys[criticalAlertsIndex.partitionKey];
        const sk = keys[criticalAlertsIndex.sortKey] ?? '';
        const found = criticalAlertsRanges(new Date(fromMs), new Date(toMs)).some(
          (range) => range.pk === pk && range.from <= sk && sk <= range.to,
        );
        expect(found).toBe(opened >= fromMs && opened < toMs);
      }),
    );
  });

  it('reads one partition per UTC month touched, across a year end', () => {
    const ranges = criticalAlertsRanges(
      new Date('2026-11-15T10:00:00.000Z'),
      new Date('2027-02-01T00:00:00.000Z'),
    );
    expect(ranges.map((range) => range.pk)).toEqual([
      'CRITICAL#2026-11',
      'CRITICAL#2026-12',
      'CRITICAL#2027-01',
    ]);
    expect(ranges[0]?.from).toBe('2026-11-15T10:00:00.000Z');
    expect(ranges.at(-1)?.to).toBe('2027-02-01T00:00:00.000Z');
  });

  it('gives no index attributes to an alert that is not critical', () => {
    expect(
      criticalAlertsKeys({ alertId: 'x', severity: 'urgent', openedAt: '2026-11-01T00:00:00.000Z' }),
    ).toEqual({});
  });
});

let services: LocalServicesDescription;
let raw: DynamoDBDocumentClient;

beforeAll(async () => {
  services = await useLocalServices();
  raw = DynamoDBDocumentClient.from(new DynamoDBClient({}));
}, localServicesTimeoutMs);

afterAll(() => raw?.destroy());

/*
 * Other suites share the table and write alerts opened in 2026-2027 or now:
 * this one files its alerts in a year of its own, so the periods below hold
 * exactly what this test wrote.
 */
const year = 2200 + Math.floor(Math.random() * 7000);
const at = (monthDayTime: string) => `${year}-${monthDayTime}Z`;

describe('listCriticalAlerts against DynamoDB Local', () => {
  const patient = syntheticPatient();
  const critical = (alertScope: string, openedAt: string, overrides: Partial<Alert> = {}) =>
    openAlert(patient, { alertScope, openedAt, lastNotifiedAt: openedAt, ...overrides });

  const beforeMarch = critical('before', at('02-28T23:59:59.999'));
  const firstOfMarch = critical('first', at('03-01T00:00:00.000'));
  const midMarch = critical('mid', at('03-10T08:00:00.000'));
  const lastOfMarch = critical('last', at('03-31T23:59:59.999'));
  const firstOfApril = critical('april', at('04-01T00:00:00.000'));
  const resolvedInApril = critical('resolved', at('04-15T06:30:00.000'));
  const firstOfMay = critical('may', at('05-01T00:00:00.000'));
  const urgentInMarch = openAlert(patient, {
    ruleId: 'CALCIUM_LOW',
    severity: 'urgent',
    alertScope: 'urgent',
    openedAt: at('03-15T12:00:00.000'),
  });
  const closed: Alert = {
    ...resolvedInApril,
    state: 'resolved',
    resolvedAt: at('04-15T09:00:00.000'),
    resolution: 'calcium 8.6 mg/dL',
    version: 2,
  };

  beforeAll(async () => {
    const created = [
      beforeMarch,
      firstOfMarch,
      midMarch,
      lastOfMarch,
      firstOfApril,
      resolvedInApril,
      firstOfMay,
      urgentInMarch,
    ];
    await applyAlertChanges({ changes: created.map((alert) => ({ kind: 'create', alert })), audit: [] });
    await applyAlertChanges({ changes: [{ kind: 'update', alert: closed, expectedVersion: 1 }], audit: [] });
  }, localServicesTimeoutMs);

  const ids = (alerts: Alert[]) => alerts.map((alert) => alert.alertId);

  it('lists the critical alerts of two months, oldest first: from included, to excluded, closed ones kept', async () => {
    const listed = await listCriticalAlerts({
      from: new Date(at('03-01T00:00:00.000')),
      to: new Date(at('05-01T00:00:00.000')),
    });

    expect(ids(listed)).toEqual(ids([firstOfMarch, midMarch, lastOfMarch, firstOfApril, resolvedInApril]));
    expect(listed.find((alert) => alert.alertId === closed.alertId)).toEqual(closed);
  });

  it('splits at a month boundary without losing or repeating the alert on either side', async () => {
    const march = await listCriticalAlerts({
      from: new Date(at('03-01T00:00:00.000')),
      to: new Date(at('04-01T00:00:00.000')),
    });
    const april = await listCriticalAlerts({
      from: new Date(at('04-01T00:00:00.000')),
      to: new Date(at('05-01T00:00:00.000')),
    });

    expect(ids(march)).toEqual(ids([firstOfMarch, midMarch, lastOfMarch]));
    expect(ids(april)).toEqual(ids([firstOfApril, resolvedInApril]));
  });

  it('takes periods to the millisecond: an alert opened at from is in, one opened at to is out', async () => {
    const listed = await listCriticalAlerts({
      from: new Date(midMarch.openedAt),
      to: new Date(firstOfApril.openedAt),
    });
    expect(ids(listed)).toEqual(ids([midMarch, lastOfMarch]));
  });

  it('never lists an alert that is not critical', async () => {
    const listed = await listCriticalAlerts({
      from: new Date(at('01-01T00:00:00.000')),
      to: new Date(`${year + 1}-01-01T00:00:00.000Z`),
    });
    expect(listed.map((alert) => alert.severity)).toEqual(listed.map(() => 'critical'));
    expect(ids(listed)).not.toContain(urgentInMarch.alertId);
    expect(listed).toHaveLength(7);
  });

  it('keeps the index attributes on the closed alert episode item; the open-alerts ones are gone from the slot', async () => {
    const get = async (pk: string, sk: string) =>
      (await raw.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk, sk } }))).Item;
    const episode = await get(alertIdPk(closed.alertId), alertIdSk);
    expect(episode?.[criticalAlertsIndex.partitionKey]).toBe(`CRITICAL#${year}-04`);
    expect(episode?.[criticalAlertsIndex.sortKey]).toBe(`${closed.openedAt}#${closed.alertId}`);
    const slot = await get(patientPk(patient), alertSk(closed.ruleId, closed.alertScope));
    expect(slot?.[openAlertsIndex.partitionKey]).toBeUndefined();
    // One index entry per episode: the slot, which a later episode takes over, carries none.
    expect(slot?.[criticalAlertsIndex.partitionKey]).toBeUndefined();
  });

  it('refuses a period that ends before it starts, or an unreadable time', async () => {
    const march = new Date(at('03-01T00:00:00.000'));
    await expect(listCriticalAlerts({ from: march, to: march })).rejects.toBeInstanceOf(
      InvalidStoreRequestError,
    );
    await expect(listCriticalAlerts({ from: new Date('not a time'), to: march })).rejects.toBeInstanceOf(
      InvalidStoreRequestError,
    );
  });
});

describe('provisioning a local table kept from before the criticalAlerts index', () => {
  const tableName = `critical-alerts-upgrade-${year}`;
  const dynamo = () => new DynamoDBClient({});

  afterAll(async () => {
    const client = dynamo();
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    client.destroy();
  });

  it(
    'adds the missing index with UpdateTable, and the items already there are found through it',
    async () => {
      const client = dynamo();
      const oldIndexes = [openAlertsIndex, cohortIndex];
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            'pk',
            'sk',
            ...oldIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
          ].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: oldIndexes.map((index) => ({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        }),
      );
      const keys = criticalAlertsKeys({
        alertId: 'kept',
        severity: 'critical',
        openedAt: at('06-01T10:00:00.000'),
      });
      await raw.send(new PutCommand({ TableName: tableName, Item: { pk: 'P', sk: 'S', ...keys } }));

      await provisionLocalResources({
        tableName,
        bucket: services.environment.ARCHIVE_BUCKET ?? '',
        topicNames: Object.keys(services.topicArns),
      });

      const { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      client.destroy();
      const index = table?.GlobalSecondaryIndexes?.find(
        (candidate) => candidate.IndexName === criticalAlertsIndex.name,
      );
      expect(index?.IndexStatus).toBe('ACTIVE');
      expect(index?.Projection?.ProjectionType).toBe('ALL');
      const { Items: found = [] } = await raw.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: criticalAlertsIndex.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': criticalAlertsIndex.partitionKey },
          ExpressionAttributeValues: { ':pk': `CRITICAL#${year}-06` },
        }),
      );
      expect(found.map((item) => item.sk)).toEqual(['S']);
    },
    localServicesTimeoutMs,
  );
});
