/**
 * The console's sign-in flow over an in-memory browser: it leaves for the
 * hosted sign-in with a PKCE challenge, accepts only the answer to the
 * sign-in this tab started, exchanges the code with the verifier, renews the
 * ID token with the refresh token, and on sign-out revokes it.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type Browser,
  cognitoSession,
  pendingSignInKey,
  SignInError,
  sessionKey,
} from '../../console/src/cognito-session.js';
import { auth } from './support.js';

interface Posted {
  url: string;
  body: Record<string, string>;
}

function fakeBrowser(startUrl: string, answers: (posted: Posted) => { status: number; body: unknown }) {
  const storage = new Map<string, string>();
  const state = { url: startUrl, navigatedTo: [] as string[], posted: [] as Posted[], now: 1_000_000 };
  const browser: Browser = {
    storage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
      removeItem: (key) => void storage.delete(key),
    },
    currentUrl: () => state.url,
    replaceUrl: (url) => {
      state.url = url;
    },
    navigate: (url) => {
      state.navigatedTo.push(url);
    },
    fetch: async (url, init) => {
      const posted = { url, body: Object.fromEntries(new URLSearchParams(init.body)) };
      state.posted.push(posted);
      const answer = answers(posted);
      return { ok: answer.status < 300, status: answer.status, json: async () => answer.body };
    },
    now: () => state.now,
  };
  return { browser, storage, state };
}

/** Lets the flow run until it has navigated (it never settles once it leaves the page). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

const idToken = (claims: Record<string, unknown>) =>
  `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;

describe('signing in', () => {
  it('leaves for the hosted sign-in with an S256 challenge of the verifier it keeps, and the view to return to', async () => {
    const { browser, storage, state } = fakeBrowser(`${auth.redirectUri}#/patients/NDC/1`, () => ({
      status: 500,
      body: {},
    }));
    void cognitoSession(auth, browser).ensureSignedIn();
    await settle();
    expect(state.navigatedTo).toHaveLength(1);
    const authorize = new URL(state.navigatedTo[0] ?? '');
    const pending = JSON.parse(storage.get(pendingSignInKey) ?? '{}') as Record<string, string>;
    expect(authorize.searchParams.get('state')).toBe(pending.state);
    expect(authorize.searchParams.get('code_challenge')).toBe(
      createHash('sha256')
        .update(pending.verifier ?? '')
        .digest('base64url'),
    );
    expect(pending.returnTo).toBe('#/patients/NDC/1');
    expect(storage.has(sessionKey)).toBe(false);
  });

  it('exchanges the code of its own sign-in with the verifier, then clears the address bar', async () => {
    const first = fakeBrowser(auth.redirectUri, () => ({ status: 500, body: {} }));
    void cognitoSession(auth, first.browser).ensureSignedIn();
    await settle();
    const pending = JSON.parse(first.storage.get(pendingSignInKey) ?? '{}') as Record<string, string>;

    const back = fakeBrowser(`${auth.redirectUri}?code=the-code&state=${pending.state}`, () => ({
      status: 200,
      body: { id_token: idToken({ email: 'jane@hospital.example' }), refresh_token: 'rt', expires_in: 3600 },
    }));
    back.storage.set(pendingSignInKey, JSON.stringify(pending));
    const session = cognitoSession(auth, back.browser);
    await session.ensureSignedIn();

    expect(back.state.posted).toEqual([
      {
        url: `${auth.domain}/oauth2/token`,
        body: {
          grant_type: 'authorization_code',
          client_id: auth.clientId,
          code: 'the-code',
          redirect_uri: auth.redirectUri,
          code_verifier: pending.verifier,
        },
      },
    ]);
    expect(back.state.url).toBe(`${auth.redirectUri}${pending.returnTo}`);
    expect(back.storage.has(pendingSignInKey)).toBe(false);
    expect(back.state.navigatedTo).toEqual([]);
    expect(await session.authorization()).toBe(idToken({ email: 'jane@hospital.example' }));
    expect(session.user()).toEqual({ email: 'jane@hospital.example', groups: [] });
  });

  it('refuses an answer to a sign-in this tab did not start (state mismatch), exchanging nothing', async () => {
    const { browser, storage, state } = fakeBrowser(`${auth.redirectUri}?code=stolen&state=other`, () => ({
      status: 200,
      body: {},
    }));
    storage.set(pendingSignInKey, JSON.stringify({ state: 'mine', verifier: 'v', returnTo: '' }));
    await expect(cognitoSession(auth, browser).ensureSignedIn()).rejects.toThrow(SignInError);
    expect(state.posted).toEqual([]);
    expect(storage.has(sessionKey)).toBe(false);
    expect(state.url).toBe(auth.redirectUri);
  });

  it("reports Cognito's error (a disabled user) instead of looping back to sign-in", async () => {
    const { browser, state } = fakeBrowser(
      `${auth.redirectUri}?error=access_denied&error_description=User+is+disabled.`,
      () => ({ status: 200, body: {} }),
    );
    await expect(cognitoSession(auth, browser).ensureSignedIn()).rejects.toThrow(
      'sign-in failed: User is disabled.',
    );
    expect(state.navigatedTo).toEqual([]);
  });
});

describe('a session', () => {
  const stored = (expiresAt: number, refreshToken?: string) =>
    JSON.stringify({ idToken: 'old', expiresAt, ...(refreshToken ? { refreshToken } : {}) });

  it('is used as it is while current', async () => {
    const { browser, storage, state } = fakeBrowser(auth.redirectUri, () => ({ status: 500, body: {} }));
    storage.set(sessionKey, stored(state.now + 600_000, 'rt'));
    const session = cognitoSession(auth, browser);
    await session.ensureSignedIn();
    expect(await session.authorization()).toBe('old');
    expect(state.posted).toEqual([]);
  });

  it('is renewed with the refresh token near expiry, keeping the refresh token', async () => {
    const { browser, storage, state } = fakeBrowser(auth.redirectUri, () => ({
      status: 200,
      body: { id_token: 'new', expires_in: 3600 },
    }));
    storage.set(sessionKey, stored(state.now + 30_000, 'rt'));
    expect(await cognitoSession(auth, browser).authorization()).toBe('new');
    expect(state.posted.map((p) => p.body.grant_type)).toEqual(['refresh_token']);
    expect(JSON.parse(storage.get(sessionKey) ?? '{}')).toMatchObject({ idToken: 'new', refreshToken: 'rt' });
  });

  it('sends the user to sign in again when renewal is refused', async () => {
    const { browser, storage, state } = fakeBrowser(auth.redirectUri, () => ({ status: 400, body: {} }));
    storage.set(sessionKey, stored(state.now - 1, 'revoked'));
    void cognitoSession(auth, browser).authorization();
    await settle();
    expect(storage.has(sessionKey)).toBe(false);
    expect(state.navigatedTo[0]).toMatch(/\/oauth2\/authorize\?/);
  });

  it('is revoked and forgotten on sign-out, which ends at the hosted logout', async () => {
    const { browser, storage, state } = fakeBrowser(auth.redirectUri, () => ({ status: 200, body: {} }));
    storage.set(sessionKey, stored(state.now + 600_000, 'rt'));
    await cognitoSession(auth, browser).signOut();
    expect(state.posted).toEqual([
      { url: `${auth.domain}/oauth2/revoke`, body: { token: 'rt', client_id: auth.clientId } },
    ]);
    expect(storage.has(sessionKey)).toBe(false);
    expect(state.navigatedTo).toEqual([
      `${auth.domain}/logout?client_id=${auth.clientId}&logout_uri=${encodeURIComponent(auth.logoutUri)}`,
    ]);
  });
});
