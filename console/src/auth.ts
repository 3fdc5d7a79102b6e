/**
 * How the console reaches the admin API. The console reads
 * `console-config.json` beside its page: locally the API is on the same
 * origin and nobody signs in (the page says it is the local stack); deployed,
 * the user signs in through the hospital's Cognito user pool (authorization
 * code with PKCE: cognito-session.ts) and requests carry their ID token.
 */
import { type CognitoSession, cognitoSession } from './cognito-session.js';
import type { CognitoAuth } from './oauth.js';

export type { CognitoAuth };

export type ConsoleAuth = { kind: 'none'; label: string } | CognitoAuth;

export interface ConsoleConfig {
  /** The admin API's base URL, without a trailing slash ('' for the same origin). */
  apiBaseUrl: string;
  auth: ConsoleAuth;
}

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  const response = await fetch('console-config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`console-config.json: HTTP ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}

let session: CognitoSession | undefined;
/** The page's one Cognito session, over the real browser. */
function sessionOf(auth: CognitoAuth): CognitoSession {
  session ??= cognitoSession(auth, {
    storage: window.sessionStorage,
    currentUrl: () => window.location.href,
    replaceUrl: (url) => window.history.replaceState(null, '', url),
    navigate: (url) => window.location.assign(url),
    fetch: (url, init) => fetch(url, init),
    now: () => Date.now(),
  });
  return session;
}

/** Signs the user in when the configuration asks for it; resolves once requests may be sent. */
export async function ensureSignedIn(config: ConsoleConfig): Promise<void> {
  if (config.auth.kind === 'cognito') await sessionOf(config.auth).ensureSignedIn();
}

/** `fetch` against the admin API, with whatever credentials the configuration needs. */
export async function apiFetch(
  config: ConsoleConfig,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  if (config.auth.kind !== 'cognito') return fetch(`${config.apiBaseUrl}${path}`, init);
  const signedIn = sessionOf(config.auth);
  const headers = new Headers(init.headers);
  headers.set('Authorization', await signedIn.authorization());
  const response = await fetch(`${config.apiBaseUrl}${path}`, { ...init, headers });
  // 401: the authorizer refused the token; 403 is a group the user lacks, answered as it is.
  if (response.status === 401) await signedIn.rejected();
  return response;
}

/** Who is signed in (undefined locally): to show their name and hide what their groups cannot do. */
export function signedInUser(
  config: ConsoleConfig,
): { email?: string; name?: string; groups: string[] } | undefined {
  return config.auth.kind === 'cognito' ? sessionOf(config.auth).user() : undefined;
}

/** Signs out of the console and the hosted sign-in (nothing to do locally). */
export async function signOut(config: ConsoleConfig): Promise<void> {
  if (config.auth.kind === 'cognito') await sessionOf(config.auth).signOut();
}
