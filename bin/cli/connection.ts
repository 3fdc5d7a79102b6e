/** The HTTP client a tool's --sigv4/--region options ask for. */
import { createHttpClient, type HttpClient } from './http.js';

export interface ConnectionFlags {
  sigv4?: boolean;
  region?: string;
}

export async function httpClientFor(
  url: URL,
  flags: ConnectionFlags,
  env: Readonly<Record<string, string | undefined>>,
): Promise<HttpClient> {
  if (flags.sigv4 !== true) return createHttpClient();
  // Loaded only here: the signer and the credential chain cost a few hundred ms to import.
  const { defaultChainSigner, signingRegion } = await import('./sigv4.js');
  const region = signingRegion(flags.region, env.AWS_REGION, url);
  return createHttpClient({ signer: await defaultChainSigner(region) });
}
