/** `npm run send -- <file|folder>...`: post HL7 files to the ingest URL, one line per file. */
import { readFile } from 'node:fs/promises';
import { connectionHelp, connectionOptions, parseCommandLine } from '../args.js';
import { httpClientFor } from '../connection.js';
import { ingestUrl } from '../endpoints.js';
import { UsageError } from '../errors.js';
import { expandHl7Paths } from '../files.js';
import { defaultHl7ContentType, describeIngestReply, postHl7 } from '../ingest.js';
import type { CommandIo } from '../io.js';

export const sendHelp = [
  'Usage: npm run send -- <file|folder>... [--url URL] [--sigv4] [--region R] [--content-type T]',
  '',
  'Posts each HL7 v2 file as one request body to POST /hl7 (a folder: its .hl7 files in name order)',
  'and prints per file: the file, the HTTP status, MSA-1 (AA accepted, AR rejected, AE error: retry),',
  'the control id acknowledged (MSA-2) and, for a rejection, the ERR reasons.',
  'Exit code 1 when any file was not accepted or the server could not be reached.',
  '',
  '  --url URL        the ingest URL (default http://127.0.0.1:$INGEST_PORT/hl7, port 4080;',
  '                   deployed: https://<api-id>.execute-api.<region>.amazonaws.com/v1/hl7)',
  `  --content-type T request content type (default "${defaultHl7ContentType}")`,
  ...connectionHelp,
];

export async function sendCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: { ...connectionOptions, 'content-type': { type: 'string' } },
  });
  if (values.help) {
    for (const line of sendHelp) io.out(line);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('name at least one .hl7 file or folder');
  const url = ingestUrl(values.url, io.env);
  const files = await expandHl7Paths(positionals);
  const client = await httpClientFor(url, values, io.env);
  let failures = 0;
  for (const file of files) {
    const bytes = await readFile(file);
    // A network error ends the run: the remaining files would fail the same way.
    const reply = await postHl7(client, url, bytes, values['content-type'] ?? defaultHl7ContentType);
    for (const line of describeIngestReply(file, reply)) io.out(line);
    if (!reply.accepted) failures++;
  }
  if (failures > 0) io.err(`${failures} of ${files.length} file(s) not accepted`);
  return failures > 0 ? 1 : 0;
}
