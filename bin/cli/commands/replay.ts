/**
 * `npm run replay -- --from YYYY-MM-DD`: send the archived raw messages of
 * those days to the ingest URL again, in arrival order. Safe by design: the
 * pipeline acknowledges a message it already accepted as a duplicate and
 * does not process it again.
 */
import { basename } from 'node:path';
import { archivePrefixes, parseDay, todayUtc } from '../archive-days.js';
import { connectionHelp, connectionOptions, parseCommandLine, requiredOption } from '../args.js';
import { httpClientFor } from '../connection.js';
import { ingestUrl } from '../endpoints.js';
import { CliError } from '../errors.js';
import { describeIngestReply, postHl7 } from '../ingest.js';
import type { CommandIo } from '../io.js';

export const replayHelp = [
  'Usage: npm run replay -- --from YYYY-MM-DD [--to YYYY-MM-DD] [--url URL] [--sigv4] [--region R] [--dry-run]',
  '',
  'Sends every raw message archived on those days (UTC; --to defaults to today) to POST /hl7 again,',
  'in the order they arrived, exactly as they were received.',
  'What replay means:',
  '  - a message that was accepted before is acknowledged AA as a duplicate and not processed again,',
  '    so nothing is stored twice and nothing pages twice;',
  '  - a message that was rejected before (AR, e.g. a unit or code the hospital config has learned since)',
  '    or failed (AE, storage unavailable) is processed now, as if it had just arrived.',
  'Replay stops at the first AE, answer without an ACK, or network failure (later messages may depend on it);',
  'run it again from the same day: what went through is acknowledged as duplicates.',
  '',
  'The archive is read with the AWS SDK: ARCHIVE_BUCKET names the bucket; region and credentials',
  'come from the environment. For the local stack (`npm start`):',
  '  AWS_ENDPOINT_URL_S3=http://127.0.0.1:4566 ARCHIVE_BUCKET=calciphylaxis-raw-messages \\',
  '  AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local npm run replay -- --from 2026-07-26',
  '',
  '  --from DAY       first day (required)',
  '  --to DAY         last day, included (default today, UTC)',
  '  --dry-run        list what would be sent (key, facility, control id, outcome when archived); send nothing',
  '  --url URL        the ingest URL (default http://127.0.0.1:$INGEST_PORT/hl7, port 4080;',
  '                   deployed: https://<api-id>.execute-api.<region>.amazonaws.com/v1/hl7)',
  ...connectionHelp,
];

/** What replay reads; the S3 archive adapter by default. */
export interface RawArchive {
  listRawMessages(prefix: string): AsyncIterable<{ key: string }>;
  getRawMessage(key: string): Promise<{
    bytes: Uint8Array;
    facility?: string;
    controlId?: string;
    outcome?: string;
    contentType?: string;
  }>;
}

export interface ReplaySettings {
  archive?: RawArchive;
  clock?: () => Date;
}

/** The adapter's own errors (missing ARCHIVE_BUCKET, S3 failures) with a hint where to look. */
function archiveFailure(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const name = error instanceof Error ? error.name : '';
  const detail = error instanceof Error ? error.message : String(error);
  const hint =
    name === 'MissingEnvironmentError' ? ' (see --help for the variables the local stack needs)' : '';
  return new CliError(`reading the archive failed: ${detail}${hint}`, 1, { cause: error });
}

async function defaultArchive(): Promise<RawArchive> {
  // Loaded only for a replay: the S3 client is not needed for --help.
  return import('../../../lambdas/adapters/archive.js');
}

export async function replayCommand(
  args: string[],
  io: CommandIo,
  settings: ReplaySettings = {},
): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      ...connectionOptions,
      from: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    for (const line of replayHelp) io.out(line);
    return 0;
  }
  const from = parseDay('from', requiredOption('from', values.from));
  const now = (settings.clock ?? (() => new Date()))();
  const to = values.to === undefined ? todayUtc(now) : parseDay('to', values.to);
  const prefixes = archivePrefixes(from, to);
  const url = ingestUrl(values.url, io.env);
  const client = values['dry-run'] ? undefined : await httpClientFor(url, values, io.env);
  const archive = settings.archive ?? (await defaultArchive());

  // Every key first: what this replay sends is archived again (under today) and must not be read back.
  const keys: string[] = [];
  try {
    for (const prefix of prefixes) {
      for await (const { key } of archive.listRawMessages(prefix)) keys.push(key);
    }
  } catch (error: unknown) {
    throw archiveFailure(error);
  }
  const range = `${prefixes[0]} to ${prefixes.at(-1)}`;
  io.out(`${keys.length} archived message(s) in ${range}${client === undefined ? ' (dry run)' : ''}`);

  const counts = { accepted: 0, rejected: 0 };
  for (const key of keys) {
    let message: Awaited<ReturnType<RawArchive['getRawMessage']>>;
    try {
      message = await archive.getRawMessage(key);
    } catch (error: unknown) {
      throw archiveFailure(error);
    }
    if (client === undefined) {
      // `received`: archived on arrival, before it was read; AA/AR/AE: archived with its answer.
      const was = [message.facility, message.controlId, message.outcome && `archived as ${message.outcome}`];
      io.out(`${key}  ${was.filter(Boolean).join('  ')}`);
      continue;
    }
    const reply = await postHl7(client, url, message.bytes, message.contentType);
    for (const line of describeIngestReply(basename(key), reply)) io.out(line);
    if (reply.accepted) counts.accepted++;
    else counts.rejected++;
    // An AE or a non-HL7 answer (auth, wrong URL) would repeat for every later message; order matters too.
    if (reply.retryable || reply.acks.length === 0) {
      const why =
        reply.acks.length === 0 ? 'the server answered without an ACK' : 'the server could not process it';
      io.err(`stopped at ${key}: ${why}; replay again from ${key.slice(4, 14).replaceAll('/', '-')}`);
      return 1;
    }
  }
  if (client !== undefined) {
    io.out(
      `replayed ${keys.length}: ${counts.accepted} accepted (duplicates included), ${counts.rejected} rejected`,
    );
  }
  return counts.rejected > 0 ? 1 : 0;
}
