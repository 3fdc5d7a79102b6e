/**
 * `npm run relay -- --listen PORT --target URL`: the on-site MLLP relay
 * (bin/mllp/relay.ts) for a hospital that cannot open a VPN to the MLLP
 * listener in AWS. Runs until Ctrl-C or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { allowList } from '../../mllp/listener.js';
import { type Relay, startRelay } from '../../mllp/relay.js';
import {
  connectionHelp,
  connectionOptions,
  integerOption,
  parseCommandLine,
  requiredOption,
} from '../args.js';
import { UsageError } from '../errors.js';
import { createHttpClient } from '../http.js';
import type { CommandIo } from '../io.js';

export const relayHelp = [
  'Usage: npm run relay -- --listen PORT --target URL [--sigv4] [--spool DIR] [--host H] [--allow CIDR]...',
  '                        [--tls-cert FILE --tls-key FILE] [--timeout-seconds N] [--retry-seconds N]',
  '',
  'Listens for HL7 v2 over MLLP and forwards each message to POST /hl7 at the target; the sender gets',
  "the target's ACK on the same connection. When the target cannot be reached the answer is AE (the",
  'sender keeps the message and retries), unless --spool is given: then the message is written to the',
  'spool (fsync) and answered AA, and the spool is forwarded in arrival order when the target is back.',
  '',
  '  --listen PORT          MLLP port to listen on',
  '  --host H               address to listen on (default 127.0.0.1; 0.0.0.0 for other machines)',
  '  --allow CIDR           a sender address range allowed to connect (repeatable; default any)',
  '  --target URL           the ingest URL, https://<api-id>.execute-api.<region>.amazonaws.com/v1/hl7',
  '  --spool DIR            accept and keep messages while the target cannot be reached',
  '  --tls-cert FILE        PEM certificate chain: the listener speaks TLS (with --tls-key)',
  '  --tls-key FILE         PEM private key',
  '  --timeout-seconds N    how long to wait for the target (default 10)',
  '  --retry-seconds N      how long between tries of the spool while the target is away (default 5)',
  ...connectionHelp.filter((line) => !line.includes('--url')),
];

function readPem(option: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error: unknown) {
    throw new UsageError(`--${option} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

export async function relayCommand(
  args: string[],
  io: CommandIo,
  /** Resolves when the relay should stop (default: SIGINT or SIGTERM). */
  stopSignal: Promise<void> = new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  }),
): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      ...connectionOptions,
      listen: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      allow: { type: 'string', multiple: true },
      target: { type: 'string' },
      spool: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'timeout-seconds': { type: 'string' },
      'retry-seconds': { type: 'string' },
    },
  });
  if (values.help) {
    for (const line of relayHelp) io.out(line);
    return 0;
  }
  if (values.url !== undefined) throw new UsageError('the relay takes --target, not --url');
  const port = integerOption('listen', requiredOption('listen', values.listen), 0, 0, 65_535);
  let target: URL;
  try {
    target = new URL(requiredOption('target', values.target));
  } catch (error: unknown) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--target "${values.target}" is not a URL`);
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new UsageError(`--target must be an http(s) URL, got ${target.protocol}`);
  }
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw new UsageError('give --tls-cert and --tls-key together');
  }
  const allowed = values.allow;
  if (allowed !== undefined) {
    try {
      allowList(allowed);
    } catch (error: unknown) {
      throw new UsageError(`--allow: ${(error as Error).message}`);
    }
  }
  const timeoutMs = integerOption('timeout-seconds', values['timeout-seconds'], 10, 1, 300) * 1000;
  const retryIntervalMs = integerOption('retry-seconds', values['retry-seconds'], 5, 1, 3600) * 1000;
  let client = createHttpClient({ timeoutMs });
  if (values.sigv4) {
    const { defaultChainSigner, signingRegion } = await import('../sigv4.js');
    const region = signingRegion(values.region, io.env.AWS_REGION, target);
    client = createHttpClient({ timeoutMs, signer: await defaultChainSigner(region) });
  }

  const relay: Relay = await startRelay({
    listen: {
      host: values.host,
      port,
      ...(allowed === undefined ? {} : { allowedCidrs: allowed }),
      ...(values['tls-cert'] !== undefined && values['tls-key'] !== undefined
        ? {
            tls: {
              cert: readPem('tls-cert', values['tls-cert']),
              key: readPem('tls-key', values['tls-key']),
            },
          }
        : {}),
      log: (event) => io.err(`mllp: ${JSON.stringify(event)}`),
    },
    target,
    client,
    retryIntervalMs,
    ...(values.spool === undefined ? {} : { spoolFolder: values.spool }),
    log: (line) => io.err(line),
  });
  io.out(
    `relay listening on ${relay.host}:${relay.port}${values['tls-cert'] ? ' (TLS)' : ''}, forwarding to ${target.href}` +
      `${values.sigv4 ? ' (SigV4)' : ''}${values.spool === undefined ? '' : `, spool ${values.spool} (${relay.spooled()} waiting)`}`,
  );
  await stopSignal;
  await relay.stop();
  io.out(
    `relay stopped${values.spool === undefined ? '' : `, ${relay.spooled()} message(s) left in the spool`}`,
  );
  return 0;
}
