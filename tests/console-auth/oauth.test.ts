/**
 * The console's sign-in parts that must be exactly right for Cognito to
 * accept them: the PKCE verifier and S256 challenge (RFC 7636), the
 * authorize, token, revoke and logout requests, and reading the callback.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authorizeUrl,
  base64Url,
  callbackOf,
  claimsOf,
  codeChallengeOf,
  codeExchange,
  isCurrent,
  logoutUrl,
  randomUrlSafe,
  refreshExchange,
  revocation,
  sessionFrom,
  withoutCallback,
} from '../../console/src/oauth.js';
import { auth } from './support.js';

describe('PKCE (RFC 7636)', () => {
  it('makes 43-character verifiers of the unreserved alphabet, different each time', () => {
    const verifiers = Array.from({ length: 50 }, () => randomUrlSafe(32));
    for (const verifier of verifiers) expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(verifiers).size).toBe(50);
  });

  it('derives the S256 challenge as base64url(SHA-256(verifier)) without padding', async () => {
    for (const verifier of [randomUrlSafe(32), randomUrlSafe(96), 'a'.repeat(43)]) {
      const expected = createHash('sha256').update(verifier).digest('base64url');
      const challenge = await codeChallengeOf(verifier);
      expect(challenge).toBe(expected);
      expect(challenge).not.toMatch(/[=+/]/);
    }
  });

  it('encodes bytes that need -, _ and no padding', () => {
    expect(base64Url(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe('-__-');
    expect(base64Url(new Uint8Array([0x01]))).toBe('AQ');
  });
});

describe('the requests to Cognito', () => {
  it('sends the browser to /oauth2/authorize for a code with the S256 challenge and the state', () => {
    const url = new URL(authorizeUrl(auth, { state: 'state-1', codeChallenge: 'challenge-1' }));
    expect(`${url.origin}${url.pathname}`).toBe(`${auth.domain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: auth.clientId,
      redirect_uri: auth.redirectUri,
      scope: 'openid email profile',
      state: 'state-1',
      code_challenge: 'challenge-1',
      code_challenge_method: 'S256',
    });
  });

  it('names the hospital identity provider when the console goes straight to it', () => {
    const url = new URL(
      authorizeUrl({ ...auth, identityProvider: 'HospitalIdP' }, { state: 's', codeChallenge: 'c' }),
    );
    expect(url.searchParams.get('identity_provider')).toBe('HospitalIdP');
  });

  it('exchanges the code with the verifier and the same redirect URI, no client secret', () => {
    const request = codeExchange(auth, 'the-code', 'the-verifier');
    expect(request.url).toBe(`${auth.domain}/oauth2/token`);
    expect(Object.fromEntries(request.body)).toEqual({
      grant_type: 'authorization_code',
      client_id: auth.clientId,
      code: 'the-code',
      redirect_uri: auth.redirectUri,
      code_verifier: 'the-verifier',
    });
  });

  it('renews with the refresh token, and revokes it on sign-out', () => {
    expect(Object.fromEntries(refreshExchange(auth, 'rt').body)).toEqual({
      grant_type: 'refresh_token',
      client_id: auth.clientId,
      refresh_token: 'rt',
    });
    const revoke = revocation(auth, 'rt');
    expect(revoke.url).toBe(`${auth.domain}/oauth2/revoke`);
    expect(Object.fromEntries(revoke.body)).toEqual({ token: 'rt', client_id: auth.clientId });
  });

  it('signs out of the hosted sign-in and comes back to the console', () => {
    const url = new URL(logoutUrl(auth));
    expect(`${url.origin}${url.pathname}`).toBe(`${auth.domain}/logout`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: auth.clientId,
      logout_uri: auth.logoutUri,
    });
  });
});

describe("Cognito's answer", () => {
  it('reads a code and state, or an error, and nothing on an ordinary page load', () => {
    expect(callbackOf(new URL(`${auth.redirectUri}?code=c1&state=s1`))).toEqual({
      kind: 'code',
      code: 'c1',
      state: 's1',
    });
    expect(
      callbackOf(new URL(`${auth.redirectUri}?error=access_denied&error_description=User+is+disabled`)),
    ).toEqual({ kind: 'error', error: 'access_denied', description: 'User is disabled' });
    expect(callbackOf(new URL(`${auth.redirectUri}#/alerts`))).toBeUndefined();
    expect(callbackOf(new URL(`${auth.redirectUri}?code=c1`))).toBeUndefined();
  });

  it('takes the code off the URL and keeps the rest', () => {
    expect(withoutCallback(new URL(`${auth.redirectUri}?code=c1&state=s1&view=x`))).toBe(
      `${auth.redirectUri}?view=x`,
    );
  });

  it('keeps the ID token for its lifetime and the refresh token across renewals', () => {
    const first = sessionFrom({ id_token: 'id1', refresh_token: 'rt', expires_in: 3600 }, 1_000);
    expect(first).toEqual({ idToken: 'id1', refreshToken: 'rt', expiresAt: 3_601_000 });
    expect(sessionFrom({ id_token: 'id2', expires_in: 3600 }, 2_000, first)).toEqual({
      idToken: 'id2',
      refreshToken: 'rt',
      expiresAt: 3_602_000,
    });
    expect(() => sessionFrom({ access_token: 'only' }, 0)).toThrow(/id_token/);
  });

  it('renews a minute before the ID token expires', () => {
    const session = { idToken: 'x', expiresAt: 100_000 };
    expect(isCurrent(session, 39_999)).toBe(true);
    expect(isCurrent(session, 40_000)).toBe(false);
  });

  it("reads the ID token's claims (base64url, UTF-8), and nothing from a malformed token", () => {
    const payload = Buffer.from(
      JSON.stringify({ email: 'jane@hospital.example', name: 'Zoë Ünal', 'cognito:groups': ['admin'] }),
    ).toString('base64url');
    expect(claimsOf(`header.${payload}.signature`)).toEqual({
      email: 'jane@hospital.example',
      name: 'Zoë Ünal',
      'cognito:groups': ['admin'],
    });
    expect(claimsOf('not-a-jwt')).toEqual({});
    expect(claimsOf('a.%%%.c')).toEqual({});
  });
});
