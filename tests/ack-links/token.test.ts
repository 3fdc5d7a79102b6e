/**
 * Ack tokens: a capability for one alert that only our key can mint, that
 * expires, that survives no alteration, and that tells nothing by itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packAlertId, ruleCodes, unpackAlertId } from '../../lambdas/ack-links/alert-ref.js';
import { AckLinkClaimsError, AckLinkKeyError } from '../../lambdas/ack-links/errors.js';
import {
  ackKeyFromSecret,
  ackTokenLength,
  mintAckToken,
  verifyAckToken,
} from '../../lambdas/ack-links/token.js';
import { alertIdFor } from '../../lambdas/alerts/ids.js';
import { ruleIds } from '../../lambdas/domain/alerts.js';

const key = new TextEncoder().encode('synthetic-test-key-0123456789-abcdefghijklmnopqrstuvwxyz');
const otherKey = new TextEncoder().encode('another-synthetic-key-9876543210-zyxwvutsrqponmlkjihgfed');

const alertId = alertIdFor({
  namespace: 'NDC',
  mrn: 'TEST0042',
  ruleId: 'CALCIUM_CRITICAL_LOW',
  alertScope: '',
  openedAt: '2026-07-27T00:10:00.000Z',
});
const expiresAt = new Date('2026-07-28T00:10:00.000Z');
const claims = { alertId, recipient: 0, expiresAt };
const msBefore = (date: Date, ms: number) => new Date(date.getTime() - ms);

const base64urlAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('round trip', () => {
  it('gives back alert id, recipient and expiry from a 43-character base64url token', () => {
    const token = mintAckToken({ alertId, recipient: 2, expiresAt }, key);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).toHaveLength(ackTokenLength);
    expect(verifyAckToken(token, key, msBefore(expiresAt, 60_000))).toEqual({
      ok: true,
      alertId,
      recipient: 2,
      expiresAt,
    });
  });

  it('carries every rule id and a reopen suffix', () => {
    for (const ruleId of ruleIds) {
      for (const suffix of ['', '-2', '-255']) {
        const id = `${alertIdFor({ namespace: 'N', mrn: 'M1', ruleId, alertScope: 'x', openedAt: 't' })}${suffix}`;
        const check = verifyAckToken(
          mintAckToken({ ...claims, alertId: id }, key),
          key,
          msBefore(expiresAt, 1),
        );
        expect(check).toMatchObject({ ok: true, alertId: id });
      }
    }
  });

  it('different alerts, recipients or expiries give different tokens; the same claims the same token', () => {
    const other = alertIdFor({
      namespace: 'NDC',
      mrn: 'TEST0042',
      ruleId: 'CALCIUM_CRITICAL_LOW',
      alertScope: '',
      openedAt: '2026-07-27T00:10:01.000Z',
    });
    const tokens = [
      mintAckToken(claims, key),
      mintAckToken({ ...claims, alertId: other }, key),
      mintAckToken({ ...claims, recipient: 1 }, key),
      mintAckToken({ ...claims, expiresAt: new Date(expiresAt.getTime() + 1000) }, key),
    ];
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(mintAckToken(claims, key)).toBe(tokens[0]);
  });
});

describe('expiry', () => {
  it('works until the last millisecond before expiresAt and is expired at expiresAt exactly', () => {
    const token = mintAckToken(claims, key);
    expect(verifyAckToken(token, key, msBefore(expiresAt, 1)).ok).toBe(true);
    expect(verifyAckToken(token, key, expiresAt)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyAckToken(token, key, new Date(expiresAt.getTime() + 86_400_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('keeps expiry to the second, rounding down (never lasting longer than asked)', () => {
    const token = mintAckToken({ ...claims, expiresAt: new Date('2026-07-28T00:10:00.999Z') }, key);
    expect(verifyAckToken(token, key, new Date('2026-07-28T00:09:59.999Z'))).toMatchObject({
      ok: true,
      expiresAt: new Date('2026-07-28T00:10:00.000Z'),
    });
    expect(verifyAckToken(token, key, new Date('2026-07-28T00:10:00.000Z')).ok).toBe(false);
  });

  it('an expired forgery is reported as tampered, not expired: expiry is read only after the tag holds', () => {
    const forged = mintAckToken({ ...claims, expiresAt: new Date('2020-01-01T00:00:00.000Z') }, otherKey);
    expect(verifyAckToken(forged, key, expiresAt)).toEqual({ ok: false, reason: 'tampered' });
  });
});

describe('tampering', () => {
  const token = mintAckToken(claims, key);
  const now = msBefore(expiresAt, 60_000);

  it('fails for every single-character change at every position', () => {
    let checked = 0;
    for (let position = 0; position < token.length; position++) {
      for (const replacement of base64urlAlphabet) {
        if (replacement === token[position]) continue;
        const altered = `${token.slice(0, position)}${replacement}${token.slice(position + 1)}`;
        expect(verifyAckToken(altered, key, now).ok, `position ${position} → ${replacement}`).toBe(false);
        checked++;
      }
    }
    expect(checked).toBe(43 * 63);
  });

  it('fails for every single-byte change of the decoded token', () => {
    const bytes = Buffer.from(token, 'base64url');
    for (let index = 0; index < bytes.length; index++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const altered = Buffer.from(bytes);
        altered[index] = (altered[index] ?? 0) ^ flip;
        const check = verifyAckToken(altered.toString('base64url'), key, now);
        // Byte 0 is the format version: a change there is not our format at all.
        expect(check, `byte ${index} ^ ${flip}`).toEqual({
          ok: false,
          reason: index === 0 ? 'malformed' : 'tampered',
        });
      }
    }
  });

  it('fails under a foreign key', () => {
    expect(verifyAckToken(token, otherKey, now)).toEqual({ ok: false, reason: 'tampered' });
    expect(verifyAckToken(mintAckToken(claims, otherKey), key, now)).toEqual({
      ok: false,
      reason: 'tampered',
    });
  });

  it.each([
    ['empty', ''],
    ['one short', token.slice(1)],
    ['one long', `${token}A`],
    ['padding', `${token.slice(0, 42)}=`],
    ['standard base64 characters', `${token.slice(0, 41)}+/`],
    ['a space', `${token.slice(0, 42)} `],
  ])('is malformed when %s', (_, text) => {
    expect(verifyAckToken(text, key, now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('is malformed for a non-canonical spelling of the same bytes (the unused low bits of the last character)', () => {
    const last = token.at(-1) ?? 'A';
    const value = base64urlAlphabet.indexOf(last);
    const sibling = base64urlAlphabet[value ^ 0b01] ?? 'A';
    const altered = `${token.slice(0, -1)}${sibling}`;
    expect(Buffer.from(altered, 'base64url').equals(Buffer.from(token, 'base64url'))).toBe(true);
    expect(verifyAckToken(altered, key, now)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('no PHI in the token', () => {
  it('shows neither the MRN, the namespace nor the rule id, and hides even the alert hash (encrypted claims)', () => {
    fc.assert(
      fc.property(
        // At least 8 characters: a shorter string turns up by chance in a random 43-character token
        // often enough to make the property fail on luck, not on a leak.
        fc.record({
          namespace: fc.stringMatching(/^[A-Z]{8,12}$/),
          mrn: fc.stringMatching(/^[A-Za-z0-9]{8,12}$/),
          ruleId: fc.constantFrom(...ruleIds),
          openedAt: fc.date({
            min: new Date('2020-01-01'),
            max: new Date('2035-01-01'),
            noInvalidDate: true,
          }),
          recipient: fc.integer({ min: 0, max: 5 }),
        }),
        ({ namespace, mrn, ruleId, openedAt, recipient }) => {
          const id = alertIdFor({ namespace, mrn, ruleId, alertScope: '', openedAt: openedAt.toISOString() });
          const token = mintAckToken({ alertId: id, recipient, expiresAt }, key);
          const decoded = Buffer.from(token, 'base64url');
          const visible = `${token}\n${decoded.toString('latin1')}`;
          for (const secret of [mrn, namespace, ruleId, id.slice(ruleId.length + 1)]) {
            expect(visible.toLowerCase()).not.toContain(secret.toLowerCase());
          }
          // The 8 hash bytes of the alert id never appear as such: the claims are encrypted.
          const hashBytes = Buffer.from(packAlertId(id)).subarray(1, 9);
          expect(decoded.includes(hashBytes)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('what the token refuses to carry', () => {
  it.each([
    ['not an alert id', 'whatever'],
    ['an unknown rule', 'NOT_A_RULE-0123456789abc'],
    ['a hash beyond 64 bits', 'CALCIUM_LOW-zzzzzzzzzzzzz'],
    ['suffix 1', 'CALCIUM_LOW-0123456789abc-1'],
    ['suffix 256', 'CALCIUM_LOW-0123456789abc-256'],
    ['a leading-zero suffix', 'CALCIUM_LOW-0123456789abc-02'],
  ])('%s', (_, id) => {
    expect(() => mintAckToken({ ...claims, alertId: id }, key)).toThrow(AckLinkClaimsError);
  });

  it('refuses recipients outside 0-255 and invalid expiries', () => {
    expect(() => mintAckToken({ ...claims, recipient: 256 }, key)).toThrow(AckLinkClaimsError);
    expect(() => mintAckToken({ ...claims, recipient: 1.5 }, key)).toThrow(AckLinkClaimsError);
    expect(() => mintAckToken({ ...claims, expiresAt: new Date('nope') }, key)).toThrow(AckLinkClaimsError);
    expect(() => mintAckToken({ ...claims, expiresAt: new Date('2107-01-01') }, key)).toThrow(
      AckLinkClaimsError,
    );
  });

  it('refuses a key shorter than 32 bytes, for minting and checking', () => {
    const short = new Uint8Array(31);
    expect(() => mintAckToken(claims, short)).toThrow(AckLinkKeyError);
    expect(() => verifyAckToken(mintAckToken(claims, key), short, expiresAt)).toThrow(AckLinkKeyError);
  });
});

describe('alert reference and key helpers', () => {
  it('rule codes are unique and cover every rule', () => {
    expect(Object.keys(ruleCodes).sort()).toEqual([...ruleIds].sort());
    expect(new Set(Object.values(ruleCodes)).size).toBe(ruleIds.length);
  });

  it('packs an alert id into 10 bytes and back; unknown codes unpack to nothing', () => {
    const packed = packAlertId(`${alertId}-3`);
    expect(packed).toHaveLength(10);
    expect(unpackAlertId(packed)).toBe(`${alertId}-3`);
    expect(unpackAlertId(Uint8Array.of(250, 0, 0, 0, 0, 0, 0, 0, 0, 0))).toBeUndefined();
    expect(unpackAlertId(Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 1))).toBeUndefined();
  });

  it('takes the key from the secret string, refusing a short one', () => {
    expect(ackKeyFromSecret(` ${'k'.repeat(64)}\n`)).toEqual(new TextEncoder().encode('k'.repeat(64)));
    expect(() => ackKeyFromSecret('short')).toThrow(AckLinkKeyError);
    expect(() => ackKeyFromSecret(undefined)).toThrow(AckLinkKeyError);
  });
});
