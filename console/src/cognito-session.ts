/**
 * Signing in to the deployed console through the user pool's hosted sign-in
 * (authorization code with PKCE), keeping the session, renewing it and
 * signing out. Tokens live in sessionStorage: one tab, gone when it closes,
 * and never in a cookie the API would accept on its own; the page's strict
 * Content-Security-Policy (no inline or foreign script) guards them.
 * The browser is a port, so the tests drive the whole flow in Node.
 */
import {
  authorizeUrl,
  type CognitoAuth,
  callbackOf,
  claimsOf,
  codeChallengeOf,
  codeExchange,
  type FormRequest,
  isCurrent,
  logoutUrl,
  randomUrlSafe,
  refreshExchange,
  revocation,
  type Session,
  sessionFrom,
  withoutCallback,
} from './oauth.js';

/** What the flow needs of the browser (window's sessionStorage, location, history and fetch). */
export interface Browser {
  storage: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
  };
  currentUrl(): string;
  /** Changes the address bar without loading (history.replaceState). */
  replaceUrl(url: string): void;
  /** Leaves the page (location.assign). */
  navigate(url: string): void;
  fetch(
    url: string,
    init: { method: string; headers: Record<string, string>; body: string },
  ): Promise<{
    ok: boolean;
    status: number;
    json(): Promise<unknown>;
  }>;
  now(): number;
}

export const sessionKey = 'calciphylaxis-console-session';
export const pendingSignInKey = 'calciphylaxis-console-sign-in';

/** A sign-in this tab started: the PKCE verifier, the state to match, and the view to come back to. */
interface PendingSignIn {
  state: string;
  verifier: string;
  returnTo: string;
}

export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignInError';
  }
}

/** Never settles: the page is being left for the sign-in page. */
const leaving = (): Promise<never> => new Promise<never>(() => {});

export function cognitoSession(auth: CognitoAuth, browser: Browser) {
  const read = <T>(key: string): T | undefined => {
    const text = browser.storage.getItem(key);
    if (text === null) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      browser.storage.removeItem(key);
      return undefined;
    }
  };
  const save = (session: Session) => browser.storage.setItem(sessionKey, JSON.stringify(session));
  const clear = () => browser.storage.removeItem(sessionKey);

  async function post(request: FormRequest): Promise<unknown> {
    const response = await browser.fetch(request.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: request.body.toString(),
    });
    if (!response.ok)
      throw new SignInError(`sign-in failed: the token endpoint answered HTTP ${response.status}`);
    return response.json();
  }

  /** Goes to the hosted sign-in; comes back to this view. */
  async function signIn(): Promise<never> {
    const pending: PendingSignIn = {
      state: randomUrlSafe(16),
      verifier: randomUrlSafe(32),
      returnTo: new URL(browser.currentUrl()).hash,
    };
    browser.storage.setItem(pendingSignInKey, JSON.stringify(pending));
    browser.navigate(
      authorizeUrl(auth, { state: pending.state, codeChallenge: await codeChallengeOf(pending.verifier) }),
    );
    return leaving();
  }

  /** The current session, renewed with the refresh token when the ID token is (nearly) expired. */
  async function current(): Promise<Session | undefined> {
    const session = read<Session>(sessionKey);
    if (session === undefined) return undefined;
    if (isCurrent(session, browser.now())) return session;
    if (session.refreshToken === undefined) {
      clear();
      return undefined;
    }
    try {
      const renewed = sessionFrom(
        await post(refreshExchange(auth, session.refreshToken)),
        browser.now(),
        session,
      );
      save(renewed);
      return renewed;
    } catch {
      // Revoked, expired or unreachable: sign in again.
      clear();
      return undefined;
    }
  }

  return {
    /**
     * Resolves once requests may be sent. On Cognito's answer: checks the state against the
     * sign-in this tab started, exchanges the code with the verifier, and takes the code off the
     * address bar. Otherwise, without a session, leaves for the sign-in page.
     */
    async ensureSignedIn(): Promise<void> {
      const url = new URL(browser.currentUrl());
      const callback = callbackOf(url);
      if (callback !== undefined) {
        const pending = read<PendingSignIn>(pendingSignInKey);
        browser.storage.removeItem(pendingSignInKey);
        browser.replaceUrl(withoutCallback(url) + (pending?.returnTo ?? ''));
        if (callback.kind === 'error') {
          throw new SignInError(`sign-in failed: ${callback.description ?? callback.error}`);
        }
        if (pending === undefined || pending.state !== callback.state) {
          throw new SignInError(
            'sign-in failed: the answer does not belong to a sign-in started in this tab',
          );
        }
        save(sessionFrom(await post(codeExchange(auth, callback.code, pending.verifier)), browser.now()));
        return;
      }
      if ((await current()) === undefined) await signIn();
    },

    /** The ID token for the Authorization header; signs in again when there is none. */
    async authorization(): Promise<string> {
      const session = (await current()) ?? (await signIn());
      return session.idToken;
    },

    /** The API refused the token (expired, revoked, user disabled): forget it and sign in again. */
    async rejected(): Promise<never> {
      clear();
      return signIn();
    },

    /** Who is signed in, from the ID token (display only: the API decides what they may do). */
    user(): { email?: string; name?: string; groups: string[] } | undefined {
      const session = read<Session>(sessionKey);
      if (session === undefined) return undefined;
      const claims = claimsOf(session.idToken);
      const groups = claims['cognito:groups'];
      const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
      const email = text(claims.email);
      const name = text(claims.name);
      return {
        ...(email === undefined ? {} : { email }),
        ...(name === undefined ? {} : { name }),
        groups: Array.isArray(groups)
          ? groups.filter((group): group is string => typeof group === 'string')
          : [],
      };
    },

    /** Revokes the refresh token, forgets the session and ends the hosted sign-in's session. */
    async signOut(): Promise<void> {
      const session = read<Session>(sessionKey);
      clear();
      if (session?.refreshToken !== undefined) {
        // Best effort: the sign-out goes on even if the revocation cannot be reached.
        await post(revocation(auth, session.refreshToken)).catch(() => undefined);
      }
      browser.navigate(logoutUrl(auth));
    },
  };
}

export type CognitoSession = ReturnType<typeof cognitoSession>;
