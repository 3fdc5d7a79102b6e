/**
 * The end-to-end harness: the real local stack (same handlers as in Lambda)
 * on the run's DynamoDB Local and SNS/SQS/S3 emulator, HL7 posted over HTTP,
 * notifications read back from an SQS queue subscribed to the topics.
 */
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  type NotificationMonitor,
  type ReceivedNotification,
  startNotificationMonitor,
} from '../../bin/local/notification-monitor.js';
import { type LocalStack, startLocalStack } from '../../bin/local/stack.js';
import type { StreamDeliveryFailure } from '../../bin/local/stream-poller.js';
import { dynamoDocumentClient } from '../../lambdas/adapters/aws-clients.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';

export interface Harness {
  stack: LocalStack;
  notifications: ReceivedNotification[];
  failures: StreamDeliveryFailure[];
  post(message: string): Promise<{ status: number; ack: string }>;
  /** Notifications about one patient (by MRN). */
  notificationsFor(mrn: string): ReceivedNotification[];
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `environment`: overrides of the local services' environment (e.g. a queue of the test's own);
 * `hospitalsDirectory`: where the stack's `example.json` is, for a test's own hospital settings.
 */
export async function startHarness(
  options: { environment?: Record<string, string>; hospitalsDirectory?: string } = {},
): Promise<Harness> {
  const services = await useLocalServices();
  const notifications: ReceivedNotification[] = [];
  const failures: StreamDeliveryFailure[] = [];
  const stack = await startLocalStack({
    environment: { ...services.environment, ...options.environment },
    ingestPort: 0,
    sweepIntervalMs: 0,
    // Other suites share the table; their earlier writes are not ours to evaluate.
    startingPosition: 'LATEST',
    onFailure: (failure) => failures.push(failure),
    ...(options.hospitalsDirectory === undefined ? {} : { hospitalsDirectory: options.hospitalsDirectory }),
  });
  const monitor: NotificationMonitor = await startNotificationMonitor({
    awsEndpoint: services.awsEndpoint,
    topicArns: Object.values(services.topicArns),
    onNotification: (notification) => notifications.push(notification),
  });
  const notificationsFor = (mrn: string) =>
    notifications.filter(
      (notification) => (notification.body.patient as { mrn?: string } | undefined)?.mrn === mrn,
    );
  return {
    stack,
    notifications,
    failures,
    notificationsFor,
    async post(message) {
      const response = await fetch(stack.ingestUrl, {
        method: 'POST',
        headers: { 'content-type': 'x-application/hl7-v2+er7; charset=utf-8' },
        body: message,
      });
      return { status: response.status, ack: await response.text() };
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      await monitor.stop();
      await stack.stop();
    },
  };
}

/** A fresh synthetic patient per test: tests share one table and isolate by key. */
export function newMrn(): string {
  return `E2E${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}

const msh = (type: string, controlId: string, at: string) =>
  `MSH|^~\\&|LAB|E2E DIALYSIS|CALCIPHYLAXIS_ALERTING|E2E DIALYSIS|${at}||${type}|${controlId}|P|2.5.1|||AL|NE`;
const pid = (mrn: string) => `PID|1||${mrn}^^^E2E^MR||TESTPATIENT^E2E||19600101|F`;
const pv1 = 'PV1|1|O|HD^CHAIR03^^E2E';

/** MSH-10 is at most 20 characters in v2.5. */
export function newControlId(): string {
  return `C${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** HL7 time of `date` in UTC with an explicit offset. */
export function hl7Time(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+0000`;
}

export function calciphylaxisDiagnosis(mrn: string, controlId = newControlId(), at = new Date()): string {
  return [
    msh('ADT^A08^ADT_A01', controlId, hl7Time(at)),
    `EVN|A08|${hl7Time(at)}`,
    pid(mrn),
    pv1,
    `DG1|1||237900002^Calciphylaxis^SCT||${hl7Time(at)}|F`,
  ].join('\r');
}

export function calciumResult(
  mrn: string,
  value: string,
  unit = 'mg/dL',
  {
    controlId = newControlId(),
    at = new Date(),
    filler = `F${randomUUID().replace(/-/g, '').slice(0, 8)}`,
  } = {},
): string {
  return [
    msh('ORU^R01^ORU_R01', controlId, hl7Time(at)),
    pid(mrn),
    pv1,
    `OBR|1|P${filler}|${filler}|17861-6^Calcium^LN|||${hl7Time(at)}|||||||||||||||${hl7Time(at)}|||F`,
    `OBX|1|NM|17861-6^Calcium [Mass/volume] in Serum or Plasma^LN||${value}|${unit}|8.4-10.2|L|||F|||${hl7Time(at)}`,
  ].join('\r');
}

export function warfarinOrder(mrn: string, control: 'NW' | 'DC', orderId: string, at = new Date()): string {
  return [
    msh('RDE^O11^RDE_O11', newControlId(), hl7Time(at)),
    pid(mrn),
    pv1,
    `ORC|${control}|${orderId}|RX${orderId}||||||${hl7Time(at)}`,
    `RXE|^^^${hl7Time(at)}|11289^warfarin^RXNORM|5||mg^milligram^UCUM`,
    'TQ1|1||QD^every day^HL70335',
  ].join('\r');
}

/**
 * The harness of one test file: started before its tests, stopped after them. The object returned
 * stands for the started harness (its members are read when a test uses them).
 */
export function useHarness(options: Parameters<typeof startHarness>[0] = {}): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness(options);
  }, localServicesTimeoutMs);
  afterAll(async () => {
    await started?.stop();
  });
  return new Proxy({} as Harness, {
    get(_target, member) {
      if (started === undefined) throw new Error('The harness starts before the tests: use it inside one');
      const value: unknown = Reflect.get(started, member, started);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}

/** A new cohort patient with a critical calcium (7.1 mg/dL), once paged: the page's alert id. */
export async function pagedCriticalAlertId(harness: Harness, mrn: string): Promise<string> {
  expect((await harness.post(calciphylaxisDiagnosis(mrn))).status).toBe(200);
  expect((await harness.post(calciumResult(mrn, '7.1'))).status).toBe(200);
  await harness.waitFor(() =>
    harness.notificationsFor(mrn).some((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW'),
  );
  const page = harness.notificationsFor(mrn).find((n) => n.body.ruleId === 'CALCIUM_CRITICAL_LOW');
  return String(page?.body.alertId);
}

/** The stored items of a patient of these tests (namespace E2E) under a sort-key prefix. */
export async function patientItems(mrn: string, skPrefix: string): Promise<Record<string, unknown>[]> {
  const { Items } = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: process.env.TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `PATIENT#E2E#${mrn}`, ':sk': skPrefix },
    }),
  );
  return Items ?? [];
}
