/** The raw-message archive against the S3 emulator: what replay and audit read back. */
import { createHash, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  archiveRawMessage,
  getRawMessage,
  listRawMessages,
  rawMessageKey,
} from '../../lambdas/adapters/archive.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';

beforeAll(async () => {
  await useLocalServices();
}, localServicesTimeoutMs);

function oruBytes(controlId: string): Uint8Array {
  return new TextEncoder().encode(
    [
      `MSH|^~\\&|LAB|DIALYSIS_EAST|ALERTING|HOSP|20260726234500||ORU^R01|${controlId}|P|2.5.1`,
      'PID|1||SYN123^^^SYNTH_HOSP^MR||Testpatient^Synthia||19600101|F',
      'OBX|1|NM|17861-6^Calcium^LN||7.2|mg/dL|8.5-10.5|L|||F|||20260726234414',
    ].join('\r'),
  );
}

describe('archiveRawMessage', () => {
  it('keys by arrival day and time plus a content hash, and reads back the exact bytes and metadata', async () => {
    const controlId = `CTL${randomUUID().slice(0, 8)}`;
    const bytes = oruBytes(controlId);
    const receivedAt = '2026-07-26T23:45:00.123Z';

    const key = await archiveRawMessage({
      bytes,
      receivedAt,
      facility: 'DIALYSIS_EAST',
      controlId,
      outcome: 'AA',
    });

    const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    expect(key).toBe(`raw/2026/07/26/2026-07-26T23:45:00.123Z-${digest}.hl7`);
    const archived = await getRawMessage(key);
    expect(Buffer.from(archived.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(archived).toMatchObject({
      facility: 'DIALYSIS_EAST',
      controlId,
      outcome: 'AA',
      contentType: 'application/hl7-v2',
    });
  });

  it('keeps a rejected message without facility or control id (unparseable bytes)', async () => {
    const bytes = new TextEncoder().encode(`not hl7 ${randomUUID()}`);

    const key = await archiveRawMessage({ bytes, receivedAt: '2026-07-25T08:00:00.000Z', outcome: 'AR' });

    const archived = await getRawMessage(key);
    expect(archived.outcome).toBe('AR');
    expect(archived.facility).toBeUndefined();
    expect(new TextDecoder().decode(archived.bytes)).toBe(new TextDecoder().decode(bytes));
  });

  it('lists a day’s messages in arrival order for replay', async () => {
    // A day no other test archives into (the emulator starts empty each run).
    const day = '2031/03/14';
    const times = ['08:00:00.000', '08:00:01.000', '09:30:00.000'].map(
      (time) => `${day.replaceAll('/', '-')}T${time}Z`,
    );
    const keys: string[] = [];
    for (const receivedAt of [...times].reverse()) {
      keys.push(await archiveRawMessage({ bytes: oruBytes(randomUUID()), receivedAt, outcome: 'AA' }));
    }

    const listed: string[] = [];
    for await (const summary of listRawMessages(`raw/${day}/`)) listed.push(summary.key);

    expect(listed).toEqual([...keys].reverse());
  });

  it('gives the same key to the same bytes at the same time (a retried archive overwrites, never duplicates)', () => {
    const bytes = oruBytes('CTL-SAME');
    expect(rawMessageKey(bytes, '2026-07-26T23:45:00Z')).toBe(
      rawMessageKey(bytes, '2026-07-26T23:45:00.000Z'),
    );
    expect(rawMessageKey(bytes, '2026-07-26T23:45:00Z')).not.toBe(
      rawMessageKey(oruBytes('CTL-OTHER'), '2026-07-26T23:45:00Z'),
    );
  });
});
