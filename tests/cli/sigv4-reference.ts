/**
 * An independent SigV4 computation (AWS General Reference, "Create a signed
 * AWS API request"), written from the specification with node:crypto, to
 * check the signatures the tools send.
 */
import { createHash, createHmac } from 'node:crypto';

const hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding: encodeURIComponent plus the sub-delimiters it leaves alone. */
const uriEncode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);

export interface ReferenceRequest {
  method: string;
  /** The path as sent, percent-encoded once. */
  path: string;
  query: URLSearchParams;
  /** The headers to sign, names in lower case. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export function referenceSignature(
  request: ReferenceRequest,
  credentials: { accessKeyId: string; secretAccessKey: string },
  region: string,
  service: string,
  amzDate: string,
): { authorization: string; canonicalRequest: string } {
  const day = amzDate.slice(0, 8);
  // Every service but S3 encodes each path segment a second time.
  const canonicalUri = request.path
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
  const canonicalQuery = [...request.query]
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const names = Object.keys(request.headers).sort();
  const canonicalHeaders = names.map((name) => `${name}:${request.headers[name]!.trim()}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    hex(request.body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, hex(canonicalRequest)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service),
    'aws4_request',
  );
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  return {
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    canonicalRequest,
  };
}
