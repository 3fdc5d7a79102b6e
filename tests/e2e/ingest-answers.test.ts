/**
 * What the lab feed is told, over HTTP on the local stack (same handler,
 * adapters, DynamoDB Local and S3 emulator as in AWS): the HTTP status always
 * follows MSA-1 (AA 200, AR 400, AE 500), and every answer ends (AA or AR)
 * unless a retry can really help.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getRawMessage } from '../../lambdas/adapters/archive.js';
import { metrics } from '../../lambdas/handlers/runtime.js';
import { readHl7 } from '../../lambdas/hl7/index.js';
import { messagePk, patientPk } from '../../lambdas/table/layout.js';
import { localServicesTimeoutMs } from '../support/local-services.js';
import { calciumResult, type Harness, hl7Time, newControlId, newMrn, startHarness } from './harness.js';

let harness: Harness;
let table: DynamoDBDocumentClient;

beforeAll(async () => {
  harness = await startHarness();
  table = DynamoDBDocumentClient.from(new DynamoDBClient({}));
}, localServicesTimeoutMs);

async function itemsOf(pk: string, prefix: string) {
  const { Items } = await table.send(
    new QueryCommand({
      TableName: process.env.TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

afterAll(async () => {
  await harness?.stop();
});

const msa = (ack: string) => /\rMSA\|([A-Z]{2})\|([^|\r]*)/.exec(ack)?.slice(1, 3);

describe('HTTP status and MSA-1 agree for what a fuzz run found', () => {
  it.each([
    ['an MLLP-framed message followed by trailing bytes', (m: string) => `\x0b${m}\x1c\rtrailing`],
    [
      'a framed message inside an NTE',
      (m: string) => `${m}\rNTE|1|L|\x0b${calciumResult(newMrn(), '9.1')}\x1c\r`,
    ],
  ])('%s: AR with HTTP 400, and a resend of the message alone is accepted', async (_name, mutate) => {
    const controlId = newControlId();
    const message = calciumResult(newMrn(), '7.2', 'mg/dL', { controlId });

    const rejected = await harness.post(mutate(message));
    expect(rejected.status).toBe(400);
    expect(msa(rejected.ack)).toEqual(['AR', controlId]);
    expect(rejected.ack).toContain('one message per request');

    // Nothing of the rejected body was stored: the message alone is new, not a duplicate.
    const alone = await harness.post(message);
    expect(alone.status).toBe(200);
    expect(msa(alone.ack)).toEqual(['AA', controlId]);
  });
});

describe('the message size limit (4 MiB: under what API Gateway and Lambda accept)', () => {
  it('answers a message over it AR with HTTP 400, naming the limit', async () => {
    const controlId = newControlId();
    const message = calciumResult(newMrn(), '7.2', 'mg/dL', { controlId });
    const oversize = `${message}\rNTE|1|L|${'x'.repeat(4 * 1024 * 1024)}\r`;

    const { status, ack } = await harness.post(oversize);

    expect(status).toBe(400);
    expect(msa(ack)).toEqual(['AR', controlId]);
    expect(ack).toMatch(
      /\rERR\|[^\r]*\|104\^Value too long\^HL70357\|F\|\|\|\|Message exceeds the size limit of 4194304 bytes \(4 MiB\)/,
    );
  });
});

describe('duplicates are (MSH-3, MSH-4, MSH-10) with the same content', () => {
  it('a resend with MSH-7 stamped again is a duplicate: AA, nothing stored twice', async () => {
    const mrn = newMrn();
    const controlId = newControlId();
    const sentAt = new Date(Date.now() - 60_000);
    const message = calciumResult(mrn, '7.2', 'mg/dL', { controlId, at: sentAt });
    const restamped = message.replace(`|${hl7Time(sentAt)}||ORU`, `|${hl7Time(new Date())}||ORU`);
    expect(restamped).not.toBe(message);

    expect((await harness.post(message)).status).toBe(200);
    const resend = await harness.post(restamped);

    expect(resend.status).toBe(200);
    expect(msa(resend.ack)).toEqual(['AA', controlId]);
    expect(await itemsOf(patientPk({ namespace: 'E2E', mrn }), 'HIST#')).toHaveLength(1);
  });

  it('the same control id with other content is stored as a new message, audited and counted', async () => {
    const controlId = newControlId();
    const [firstMrn, laterMrn] = [newMrn(), newMrn()];
    const counted = vi.spyOn(metrics, 'addMetric');

    expect((await harness.post(calciumResult(firstMrn, '9.1', 'mg/dL', { controlId }))).status).toBe(200);
    const later = await harness.post(calciumResult(laterMrn, '6.1', 'mg/dL', { controlId }));

    expect(later.status).toBe(200);
    expect(msa(later.ack)).toEqual(['AA', controlId]);
    const [record] = await itemsOf(patientPk({ namespace: 'E2E', mrn: laterMrn }), 'HIST#');
    expect(JSON.parse(String(record?.record))).toMatchObject({ rawValue: '6.1' });
    expect(await itemsOf(messagePk('LAB', 'E2E DIALYSIS', controlId), 'AUDIT#')).toEqual([
      expect.objectContaining({
        event: 'controlIdReused',
        patientPk: patientPk({ namespace: 'E2E', mrn: laterMrn }),
      }),
    ]);
    expect(counted.mock.calls.filter(([name]) => name === 'ControlIdReused')).toHaveLength(1);
    counted.mockRestore();
  });
});

describe('a message that can never be stored whole gets an answer that ends', () => {
  const at = new Date();
  const withObx = (mrn: string, controlId: string, obx: string) =>
    `${calciumResult(mrn, '7.2', 'mg/dL', { controlId, at })}\r${obx}`;

  it('a 2 MB embedded PDF (OBX-2 ED) is stored by reference and acknowledged AA', async () => {
    const mrn = newMrn();
    const controlId = newControlId();
    const pdf = `^application^pdf^Base64^${'JVBERi0xLjQK'.repeat(175_000)}`;
    const message = withObx(
      mrn,
      controlId,
      `OBX|2|ED|11502-2^Laboratory report^LN||${pdf}||||||F|||${hl7Time(at)}`,
    );
    expect(message.length).toBeGreaterThan(2_000_000);

    const { status, ack } = await harness.post(message);

    expect(status).toBe(200);
    expect(msa(ack)).toEqual(['AA', controlId]);
    const records = await itemsOf(patientPk({ namespace: 'E2E', mrn }), 'HIST#');
    const report = records.find((item) => JSON.parse(String(item.record)).valueType === 'ED');
    expect(report?.byReference).toMatchObject({ controlId, segment: 'OBX', sequence: 2 });
    // The pointer finds the whole value in the raw archive.
    if (report === undefined) throw new Error('no ED record stored');
    const { archiveKey, sequence } = report.byReference as { archiveKey: string; sequence: number };
    const [archived] = readHl7((await getRawMessage(archiveKey)).bytes).messages;
    const obx = archived?.ok ? archived.message.segmentsNamed('OBX')[sequence - 1] : undefined;
    expect(obx?.raw(5)).toBe(pdf);
  });

  it('a result still too large with its value by reference is answered AR with the reason, every time', async () => {
    const controlId = newControlId();
    const message = withObx(
      newMrn(),
      controlId,
      `OBX|2|NM|2777-1^Phosphate^LN||5.1|mg/dL|${'9'.repeat(450_000)}||||F`,
    );

    for (const attempt of [1, 2]) {
      const { status, ack } = await harness.post(message);
      expect(status, `attempt ${attempt}`).toBe(400);
      expect(msa(ack)).toEqual(['AR', controlId]);
      expect(ack).toMatch(
        /\rERR\|[^\r]*\|207\^Application internal error\^HL70357\|E\|\|\|\|The message cannot be stored \(StoreRequestRejectedError: ValidationException\)/,
      );
    }
  });
});
