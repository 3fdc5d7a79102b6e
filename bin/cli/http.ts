/**
 * The tools' HTTP client: Node's fetch, an optional request signer (SigV4
 * for the deployed API), a timeout, and network failures turned into one
 * message that names the URL.
 */

import { isLocalHost } from './endpoints.js';
import { CliError } from './errors.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: Uint8Array;
}

export interface HttpReply {
  status: number;
  contentType: string;
  body: Uint8Array;
  /** The body as UTF-8 text (for JSON and messages). */
  text: string;
}

/** Returns the request with the headers that authenticate it (it may add, never remove). */
export type RequestSigner = (request: HttpRequest) => Promise<HttpRequest>;

export interface HttpClient {
  send(request: HttpRequest): Promise<HttpReply>;
}

/** The request never got an HTTP answer: nothing listening, DNS, TLS, timeout. */
export class NetworkError extends CliError {
  constructor(
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, 1, options);
    this.name = 'NetworkError';
  }
}

export const defaultTimeoutMs = 30_000;

/** The system error code under fetch's `TypeError: fetch failed` (also inside an AggregateError). */
function causeCode(error: unknown): string | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause !== 'object' || cause === null) return undefined;
  if ('code' in cause && typeof cause.code === 'string') return cause.code;
  if (cause instanceof AggregateError) {
    for (const inner of cause.errors) {
      if (typeof inner === 'object' && inner !== null && 'code' in inner && typeof inner.code === 'string') {
        return inner.code;
      }
    }
  }
  return undefined;
}

function networkError(url: URL, error: unknown, timeoutMs: number): NetworkError {
  const target = url.href;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new NetworkError(target, `no answer from ${target} within ${timeoutMs / 1000} s`, {
      cause: error,
    });
  }
  const code = causeCode(error);
  if (code === 'ECONNREFUSED') {
    const hint = isLocalHost(url) ? 'is `npm start` running?' : 'check --url';
    return new NetworkError(target, `nothing is listening at ${target} (connection refused): ${hint}`, {
      cause: error,
    });
  }
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new NetworkError(target, `could not reach ${target} (${detail})`, { cause: error });
}

export function createHttpClient(options: { signer?: RequestSigner; timeoutMs?: number } = {}): HttpClient {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  return {
    async send(request) {
      const signed = options.signer === undefined ? request : await options.signer(request);
      // fetch writes Host from the URL itself (the same value a signer signed).
      const { host: _host, ...headers } = signed.headers;
      let response: Response;
      let body: Uint8Array;
      try {
        response = await fetch(signed.url, {
          method: signed.method,
          headers,
          ...(signed.body === undefined ? {} : { body: signed.body }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        body = new Uint8Array(await response.arrayBuffer());
      } catch (error: unknown) {
        throw networkError(signed.url, error, timeoutMs);
      }
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body,
        text: new TextDecoder().decode(body),
      };
    },
  };
}

/** One line of a body for a message: whitespace folded, cut at `max` characters. */
export function excerpt(text: string, max = 200): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  return folded.length > max ? `${folded.slice(0, max)}...` : folded;
}
