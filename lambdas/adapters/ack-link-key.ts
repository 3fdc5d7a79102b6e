/**
 * The HMAC key that signs tap-to-acknowledge links: from AWS Secrets Manager
 * (ACK_LINK_SECRET_ARN, set by the stack; read once per cold start), or, for
 * the local stack and tests, from ACK_LINK_KEY directly. Neither set: the
 * deployment has no ack endpoint and pages carry no link.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ackLinkSecretArnVariable } from '../ack-links/links.js';
import { ackKeyFromSecret } from '../ack-links/token.js';

let cached: Promise<Uint8Array | undefined> | undefined;

async function readKey(): Promise<Uint8Array | undefined> {
  const localKey = process.env.ACK_LINK_KEY;
  if (localKey !== undefined && localKey !== '') return ackKeyFromSecret(localKey);
  const secretArn = process.env[ackLinkSecretArnVariable];
  if (secretArn === undefined || secretArn === '') return undefined;
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
  return ackKeyFromSecret(secret.SecretString);
}

export function ackLinkKey(): Promise<Uint8Array | undefined> {
  // A failed read is not cached: the next invocation tries again.
  cached ??= readKey().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
