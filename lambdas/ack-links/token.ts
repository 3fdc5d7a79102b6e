/**
 * Tap-to-acknowledge tokens: an unforgeable, expiring capability for one
 * alert, short enough to go in an SMS (43 characters of base64url).
 *
 * Layout (32 bytes):
 *   [0]      format version (1), in the clear
 *   [1..17)  tag: HMAC-SHA256(macKey, version ‖ claims), first 16 bytes
 *   [17..32) claims, encrypted: AES-256-CTR(encKey, iv = tag)
 * Claims (15 bytes): alert ref (10: rule code, 64-bit alert hash, reopen
 * suffix; see alert-ref.ts), expiry in epoch seconds (4), recipient (1).
 *
 * Security margin. Forging a token for any alert means guessing a 128-bit
 * tag: 2^-128 per try, against an endpoint throttled to a few requests a
 * second (a 96-bit tag would already leave a forger no chance in centuries;
 * 128 bits is the usual floor for truncated HMAC, NIST SP 800-107). The
 * claims are encrypted with the tag as IV (the SIV construction, RFC 5297
 * with HMAC in place of CMAC), so a token reveals nothing by itself: not the
 * rule, not the expiry, and not the alert hash, which is FNV-1a over the MRN
 * and the opening time and so could be brute-forced for a short MRN if it
 * were in the clear. Deterministic by design: the same claims give the same
 * token, which leaks only that two links are equal. Tags are compared in
 * constant time. One secret key is split into a MAC key and an encryption key
 * (HMAC-SHA256 with distinct labels), so neither use weakens the other.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { alertRefBytes, packAlertId, unpackAlertId } from './alert-ref.js';
import { AckLinkClaimsError, AckLinkKeyError } from './errors.js';

export interface AckTokenClaims {
  alertId: string;
  /** Who the link was sent to: 0 = the on-call page, n = escalation level n (see links.ts). */
  recipient: number;
  /** Kept to the second (earlier, never later, than asked). */
  expiresAt: Date;
}

export type AckTokenCheck =
  | ({ ok: true } & AckTokenClaims)
  | { ok: false; reason: 'malformed' | 'tampered' | 'expired' };

export const ackTokenLength = 43;
/** A key shorter than the MAC it makes would be the weak point. */
export const minimumKeyBytes = 32;

const formatVersion = 1;
const tagBytes = 16;
const claimsBytes = alertRefBytes + 4 + 1;
const tokenBytes = 1 + tagBytes + claimsBytes;
const base64url = /^[A-Za-z0-9_-]+$/;
const maxRecipient = 255;
const maxEpochSeconds = 0xffff_ffff;

interface DerivedKeys {
  mac: Buffer;
  enc: Buffer;
}

function derivedKeys(key: Uint8Array): DerivedKeys {
  if (!(key instanceof Uint8Array) || key.length < minimumKeyBytes) {
    throw new AckLinkKeyError(`the ack link key must be at least ${minimumKeyBytes} bytes`);
  }
  const derive = (label: string) => createHmac('sha256', key).update(label).digest();
  return { mac: derive('calciphylaxis ack link v1 mac'), enc: derive('calciphylaxis ack link v1 enc') };
}

function tagOf(keys: DerivedKeys, claims: Uint8Array): Buffer {
  return createHmac('sha256', keys.mac)
    .update(Uint8Array.of(formatVersion))
    .update(claims)
    .digest()
    .subarray(0, tagBytes);
}

function ctr(keys: DerivedKeys, iv: Uint8Array, data: Uint8Array, direction: 'encrypt' | 'decrypt'): Buffer {
  const cipher =
    direction === 'encrypt'
      ? createCipheriv('aes-256-ctr', keys.enc, iv)
      : createDecipheriv('aes-256-ctr', keys.enc, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** A 43-character base64url token for `claims`; throws on claims the format cannot carry. */
export function mintAckToken(claims: AckTokenClaims, key: Uint8Array): string {
  const keys = derivedKeys(key);
  const expiresMs = claims.expiresAt.getTime();
  if (Number.isNaN(expiresMs)) throw new AckLinkClaimsError('expiresAt is not a valid time');
  const expiresSeconds = Math.floor(expiresMs / 1000);
  if (expiresSeconds < 1 || expiresSeconds > maxEpochSeconds) {
    throw new AckLinkClaimsError(`expiresAt out of range: ${claims.expiresAt.toISOString()}`);
  }
  if (!Number.isInteger(claims.recipient) || claims.recipient < 0 || claims.recipient > maxRecipient) {
    throw new AckLinkClaimsError(`recipient must be an integer 0-${maxRecipient}: ${claims.recipient}`);
  }

  const plain = new Uint8Array(claimsBytes);
  plain.set(packAlertId(claims.alertId), 0);
  new DataView(plain.buffer).setUint32(alertRefBytes, expiresSeconds);
  plain[alertRefBytes + 4] = claims.recipient;

  const tag = tagOf(keys, plain);
  const token = Buffer.concat([Uint8Array.of(formatVersion), tag, ctr(keys, tag, plain, 'encrypt')]);
  return token.toString('base64url');
}

/**
 * Checks a token from a link. Only a token this key minted passes; expiry is
 * judged only after the tag holds, so a forged token never learns anything.
 * `expired` when `now` ≥ expiresAt.
 */
export function verifyAckToken(token: string, key: Uint8Array, now: Date): AckTokenCheck {
  const keys = derivedKeys(key);
  if (Number.isNaN(now.getTime())) throw new AckLinkClaimsError('now is not a valid time');
  if (typeof token !== 'string' || token.length !== ackTokenLength || !base64url.test(token)) {
    return { ok: false, reason: 'malformed' };
  }
  const bytes = Buffer.from(token, 'base64url');
  // The last character carries 2 unused bits; only the canonical spelling is accepted.
  if (bytes.length !== tokenBytes || bytes.toString('base64url') !== token) {
    return { ok: false, reason: 'malformed' };
  }
  if (bytes[0] !== formatVersion) return { ok: false, reason: 'malformed' };

  const tag = bytes.subarray(1, 1 + tagBytes);
  const plain = ctr(keys, tag, bytes.subarray(1 + tagBytes), 'decrypt');
  if (!timingSafeEqual(tag, tagOf(keys, plain))) return { ok: false, reason: 'tampered' };

  const alertId = unpackAlertId(plain.subarray(0, alertRefBytes));
  // A genuine tag over claims this code cannot read: minted by a newer format or rule list.
  if (alertId === undefined) return { ok: false, reason: 'malformed' };
  const expiresAt = new Date(plain.readUInt32BE(alertRefBytes) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, alertId, recipient: plain[alertRefBytes + 4] ?? 0, expiresAt };
}

/**
 * The key from the Secrets Manager secret string (the stack generates 64
 * alphanumeric characters, about 380 bits): its UTF-8 bytes.
 */
export function ackKeyFromSecret(secretString: string | undefined): Uint8Array {
  const bytes = new TextEncoder().encode(secretString?.trim() ?? '');
  if (bytes.length < minimumKeyBytes) {
    throw new AckLinkKeyError(`the ack link secret must hold at least ${minimumKeyBytes} characters`);
  }
  return bytes;
}
