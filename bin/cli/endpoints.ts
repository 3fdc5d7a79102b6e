/**
 * Where the tools send by default (the local stack of `npm start`) and the
 * checks on a URL given with --url. Locally the ingest route and the admin
 * routes share one server; deployed, --url names the API stage, e.g.
 * `https://<api-id>.execute-api.<region>.amazonaws.com/v1`.
 */
import { UsageError } from './errors.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** `http://127.0.0.1:<INGEST_PORT or 4080>`, as `npm start` serves it. */
export function localApiBase(env: Environment): string {
  const raw = env.INGEST_PORT?.trim();
  if (raw === undefined || raw === '') return 'http://127.0.0.1:4080';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new UsageError(`INGEST_PORT must be a port number, got "${raw}"`);
  }
  return `http://127.0.0.1:${port}`;
}

export function parseUrl(text: string, what = '--url'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${what} is not a URL: "${text}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${what} must be an http or https URL, got "${text}"`);
  }
  return url;
}

/** The HL7 ingest URL: --url as given (the full POST /hl7 URL), else the local stack's. */
export function ingestUrl(flag: string | undefined, env: Environment): URL {
  return parseUrl(flag ?? `${localApiBase(env)}/hl7`);
}

/** The admin API base: --url (the stage URL), else the local stack; no trailing slash. */
export function adminApiBase(flag: string | undefined, env: Environment): URL {
  const url = parseUrl(flag ?? localApiBase(env));
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/** The base URL plus path segments, each percent-encoded (alert ids, MRNs and facilities travel in paths). */
export function routeUrl(base: URL, segments: string[], query: Record<string, string> = {}): URL {
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}/${segments.map(encodeURIComponent).join('/')}`;
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url;
}

export function isLocalHost(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(url.hostname);
}
