/**
 * AWS Signature Version 4 for the deployed API (IAM auth, service
 * `execute-api`). The body's SHA-256 is signed and sent as
 * x-amz-content-sha256, so a message altered on the way fails the check.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { CliError, UsageError } from './errors.js';
import type { HttpRequest, RequestSigner } from './http.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

export interface SigningOptions {
  region: string;
  credentials: AwsCredentials | CredentialsProvider;
  /** Default `execute-api`. */
  service?: string;
  /** Default now; fixed in tests. */
  signingDate?: Date;
}

/** `abc123.execute-api.eu-west-1.amazonaws.com` → `eu-west-1`; undefined for any other host. */
export function regionFromUrl(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname)?.[1];
}

/** --region, else AWS_REGION, else the execute-api host's region. */
export function signingRegion(flag: string | undefined, envRegion: string | undefined, url: URL): string {
  const region = flag ?? (envRegion?.trim() || undefined) ?? regionFromUrl(url);
  if (region === undefined) {
    throw new UsageError(
      `--sigv4 needs a region: give --region, set AWS_REGION, or use an execute-api URL (got ${url.host})`,
    );
  }
  return region;
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const earlier = query[name];
    query[name] = earlier === undefined ? value : [...(Array.isArray(earlier) ? earlier : [earlier]), value];
  }
  return query;
}

/** The request with `host`, `x-amz-date`, `x-amz-content-sha256` (and a session token) and `authorization`. */
export async function signRequest(request: HttpRequest, options: SigningOptions): Promise<HttpRequest> {
  const signer = new SignatureV4({
    service: options.service ?? 'execute-api',
    region: options.region,
    credentials: options.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const { url } = request;
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      // The path as sent (percent-encoded once); the signer encodes it again as SigV4 requires.
      path: url.pathname,
      query: queryOf(url),
      headers: { ...request.headers, host: url.host },
      body: request.body,
    },
    options.signingDate === undefined ? {} : { signingDate: options.signingDate },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = String(value);
  return { ...request, headers };
}

/** A signer over the default credential chain, loaded only when --sigv4 is given. */
export async function defaultChainSigner(region: string): Promise<RequestSigner> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  const provider = defaultProvider();
  const credentials: CredentialsProvider = async () => {
    try {
      return await provider();
    } catch (error: unknown) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new CliError(
        `--sigv4: no AWS credentials found (${detail}); set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
        1,
        { cause: error },
      );
    }
  };
  return (request) => signRequest(request, { region, credentials });
}
