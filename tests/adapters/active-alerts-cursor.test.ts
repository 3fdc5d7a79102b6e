/**
 * The open-alerts list's paging cursor ends up in admin URLs: it must not
 * carry the patient's MRN, and a cursor this store did not issue is refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AlertPage,
  applyAlertChanges,
  InvalidCursorError,
  listActiveAlerts,
} from '../../lambdas/adapters/store.js';
import { localServicesTimeoutMs, useLocalServices } from '../support/local-services.js';
import { openAlert, syntheticPatient } from '../support/synthetic-records.js';

beforeAll(async () => {
  await useLocalServices();
  // At least three open alerts, so a page of one always has a cursor.
  const patient = syntheticPatient();
  await applyAlertChanges({
    changes: ['a', 'b', 'c'].map((alertScope) => ({
      kind: 'create',
      alert: openAlert(patient, { alertScope }),
    })),
    audit: [],
  });
}, localServicesTimeoutMs);

const decoded = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/** Every page of the list, `limit` alerts at a time. */
async function allPages(limit: number): Promise<AlertPage[]> {
  const pages: AlertPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await listActiveAlerts(cursor === undefined ? { limit } : { limit, cursor });
    pages.push(page);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return pages;
}

describe('listActiveAlerts cursors', () => {
  it('name no patient: neither the MRN nor the patient key of the alert they stop at', async () => {
    const pages = await allPages(2);

    const withCursor = pages.filter((page) => page.cursor !== undefined);
    expect(withCursor.length).toBeGreaterThan(0);
    for (const { alerts, cursor = '' } of withCursor) {
      const last = alerts.at(-1);
      expect(last).toBeDefined();
      expect(decoded(cursor)).not.toContain(last?.patient.mrn);
      expect(cursor).not.toContain(last?.patient.mrn);
      expect(decoded(cursor)).not.toContain('PATIENT#');
    }
  });

  it('resume right after the alert the previous page stopped at (oldest first)', async () => {
    const first = await listActiveAlerts({ limit: 1 });
    const next = await listActiveAlerts({ limit: 1, cursor: first.cursor ?? '' });

    const place = (alert: { openedAt: string; alertId: string } | undefined) =>
      alert === undefined ? '' : `${alert.openedAt}\u0000${alert.alertId}`;
    expect(next.alerts).toHaveLength(1);
    expect(place(next.alerts[0]) > place(first.alerts[0])).toBe(true);
  });

  it('refuse any change to an issued cursor', async () => {
    const { cursor = '' } = await listActiveAlerts({ limit: 1 });
    expect(cursor).not.toBe('');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const tampered = Array.from(cursor, (character, index) => {
      const replacement = alphabet[(alphabet.indexOf(character) + 1) % alphabet.length] ?? 'A';
      return `${cursor.slice(0, index)}${replacement}${cursor.slice(index + 1)}`;
    });
    tampered.push(`${cursor}A`, cursor.slice(0, -1), `${cursor}=`, 'bm90LWEtY3Vyc29y', '');

    for (const forged of tampered) {
      await expect(listActiveAlerts({ limit: 1, cursor: forged }), forged).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
    }
  });

  it('refuse a well-formed cursor naming an alert that does not exist, or at another time', async () => {
    const { cursor = '' } = await listActiveAlerts({ limit: 1 });
    const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const [openedAt = '', ...rest] = decoded(cursor).split('#');
    const alertId = rest.join('#');

    await expect(
      listActiveAlerts({ limit: 1, cursor: encode(`${openedAt}#${alertId}x`) }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(
      listActiveAlerts({ limit: 1, cursor: encode(`2001-01-01T00:00:00.000Z#${alertId}`) }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    // Re-encoded unchanged, it is the issued cursor: same page.
    const [rebuilt, issued] = await Promise.all([
      listActiveAlerts({ limit: 1, cursor: encode(`${openedAt}#${alertId}`) }),
      listActiveAlerts({ limit: 1, cursor }),
    ]);
    expect(rebuilt).toEqual(issued);
  });
});
