/**
 * OAuth 2.0 authorization code with PKCE (RFC 7636) against a Cognito user
 * pool's hosted sign-in: the verifier and state, the URLs and the token
 * requests. Pure: no storage, no navigation (cognito-session.ts does that),
 * and no DOM type, so the tests run it in Node with its WebCrypto.
 */

/** The console's sign-in, as the stack writes it into console-config.json. */
export interface CognitoAuth {
  kind: 'cognito';
  /** The user pool's sign-in domain: `https://<prefix>.auth.<region>.amazoncognito.com`. */
  domain: string;
  /** The app client: public (no secret), authorization code with PKCE only. */
  clientId: string;
  /** Where Cognito sends the browser back with the code: the console's own URL, exactly as registered. */
  redirectUri: string;
  /** Where Cognito sends the browser after signing out. */
  logoutUri: string;
  scopes: string[];
  /** Go straight to the hospital's identity provider (no Cognito page) when set. */
  identityProvider?: string;
}

/** Tokens of the signed-in user; `expiresAt` is when the ID token stops being accepted (ms since epoch). */
export interface Session {
  idToken: string;
  refreshToken?: string;
  expiresAt: number;
}

/** A form POST to one of Cognito's OAuth endpoints. */
export interface FormRequest {
  url: string;
  body: URLSearchParams;
}

export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** Random URL-safe text: 32 bytes make a 43-character PKCE verifier (RFC 7636 asks 43-128). */
export function randomUrlSafe(byteCount = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)). */
export async function codeChallengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export function authorizeUrl(auth: CognitoAuth, request: { state: string; codeChallenge: string }): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: auth.redirectUri,
    scope: auth.scopes.join(' '),
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
  });
  if (auth.identityProvider !== undefined) query.set('identity_provider', auth.identityProvider);
  return `${auth.domain}/oauth2/authorize?${query}`;
}

export function codeExchange(auth: CognitoAuth, code: string, verifier: string): FormRequest {
  return {
    url: `${auth.domain}/oauth2/token`,
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: auth.clientId,
      code,
      redirect_uri: auth.redirectUri,
      code_verifier: verifier,
    }),
  };
}

export function refreshExchange(auth: CognitoAuth, refreshToken: string): FormRequest {
  return {
    url: `${auth.domain}/oauth2/token`,
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: auth.clientId,
      refresh_token: refreshToken,
    }),
  };
}

/** Revokes the refresh token (and the tokens it issued) when signing out. */
export function revocation(auth: CognitoAuth, refreshToken: string): FormRequest {
  return {
    url: `${auth.domain}/oauth2/revoke`,
    body: new URLSearchParams({ token: refreshToken, client_id: auth.clientId }),
  };
}

/** Ends the hosted sign-in's own session too, then comes back to `logoutUri`. */
export function logoutUrl(auth: CognitoAuth): string {
  const query = new URLSearchParams({ client_id: auth.clientId, logout_uri: auth.logoutUri });
  return `${auth.domain}/logout?${query}`;
}

export type Callback =
  | { kind: 'code'; code: string; state: string }
  | { kind: 'error'; error: string; description?: string };

/** What Cognito put on the redirect URL, if this page load is its answer. */
export function callbackOf(url: URL): Callback | undefined {
  const error = url.searchParams.get('error');
  if (error !== null) {
    const description = url.searchParams.get('error_description');
    return { kind: 'error', error, ...(description === null ? {} : { description }) };
  }
  const code = url.searchParams.get('code');
  const state = url.searchParams.get('state');
  if (code === null || state === null) return undefined;
  return { kind: 'code', code, state };
}

/** The URL without Cognito's answer in it (the code is single-use, but the address bar and history need not keep it). */
export function withoutCallback(url: URL): string {
  const clean = new URL(url);
  for (const name of ['code', 'state', 'error', 'error_description']) clean.searchParams.delete(name);
  return clean.toString();
}

/**
 * A session from the token endpoint's answer. The ID token is what the API's Cognito authorizer
 * checks (it carries the groups and the e-mail); its lifetime is `expires_in` seconds.
 */
export function sessionFrom(answer: unknown, now: number, previous?: Session): Session {
  const tokens = (answer ?? {}) as Record<string, unknown>;
  const idToken = tokens.id_token;
  const expiresIn = tokens.expires_in;
  if (typeof idToken !== 'string' || typeof expiresIn !== 'number') {
    throw new Error('sign-in failed: the token answer has no id_token or expires_in');
  }
  // A refresh answers without a new refresh token: keep the one we have.
  const refreshToken =
    typeof tokens.refresh_token === 'string' ? tokens.refresh_token : previous?.refreshToken;
  return {
    idToken,
    expiresAt: now + expiresIn * 1000,
    ...(refreshToken === undefined ? {} : { refreshToken }),
  };
}

/** Renew a minute before the ID token expires, so a request in flight does not meet a 401. */
export const renewBeforeMs = 60_000;

export function isCurrent(session: Session, now: number): boolean {
  return session.expiresAt - renewBeforeMs > now;
}

/**
 * The claims of a JWT, unverified: only to show who is signed in and hide what their groups
 * cannot do. The API's authorizer verifies the token; nothing here grants anything.
 */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) return {};
  try {
    const base64 = payload.replaceAll('-', '+').replaceAll('_', '/');
    const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
