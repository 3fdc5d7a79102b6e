/**
 * `npm run demo`: the sample story sent to the running local stack as if it
 * were happening now, one message every 1.5 s, with a line saying what each
 * step should set off.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { integerOption, parseCommandLine } from '../args.js';
import { httpClientFor } from '../connection.js';
import { ingestUrl } from '../endpoints.js';
import { expandHl7Paths } from '../files.js';
import { describeIngestReply, postHl7 } from '../ingest.js';
import type { CommandIo } from '../io.js';
import { rewriteControlIds, runTag, shiftTimestamps, shiftToNow, taggedControlId } from '../story.js';

export const demoHelp = [
  'Usage: npm run demo [-- --url URL] [--delay-ms N]',
  '',
  'Sends the sample story (samples/story/*.hl7, in name order) to the running local stack (`npm start`).',
  'Every HL7 timestamp is moved by the same amount so that the last message happens now (the time-based',
  'rules see a current story), and every control id gets a suffix for this run (a second run is not',
  'taken for duplicates). Start from a clean stack to see the story as told: npm start -- --in-memory',
  '',
  '  --url URL        the ingest URL (default http://127.0.0.1:$INGEST_PORT/hl7, port 4080)',
  '  --delay-ms N     pause between messages (default 1500)',
  '  -h, --help       this text',
];

export const defaultStoryFolder = fileURLToPath(new URL('../../../samples/story/', import.meta.url));

export interface DemoSettings {
  /** What each step should set off, by file name. */
  narrative: Readonly<Record<string, string>>;
  storyFolder?: string;
  clock?: () => Date;
}

const days = (ms: number): string => `${(ms / 86_400_000).toFixed(1)} days`;

export async function demoCommand(args: string[], io: CommandIo, settings: DemoSettings): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      url: { type: 'string' },
      'delay-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    for (const line of demoHelp) io.out(line);
    return 0;
  }
  const delayMs = integerOption('delay-ms', values['delay-ms'], 1500, 0, 600_000);
  const url = ingestUrl(values.url, io.env);
  const files = await expandHl7Paths([settings.storyFolder ?? defaultStoryFolder]);
  // Story files are ours and ASCII; read as text to rewrite their timestamps and control ids.
  const texts = await Promise.all(files.map((file) => readFile(file, 'utf8')));
  const now = (settings.clock ?? (() => new Date()))();
  const shiftMs = shiftToNow(texts, now);
  const tag = runTag(now);
  const client = await httpClientFor(url, {}, io.env);

  io.out(`Sending the story (${files.length} messages) to ${url.href}`);
  io.out(
    `Timestamps moved forward by ${days(shiftMs)} so the last message is now; control ids end in -${tag}.`,
  );
  let failures = 0;
  for (const [index, file] of files.entries()) {
    if (index > 0 && delayMs > 0) await sleep(delayMs);
    const name = basename(file);
    io.out('');
    io.out(`[${index + 1}/${files.length}] ${settings.narrative[name] ?? name}`);
    const body = rewriteControlIds(shiftTimestamps(texts[index]!, shiftMs), (id) => taggedControlId(id, tag));
    const reply = await postHl7(client, url, new TextEncoder().encode(body));
    for (const line of describeIngestReply(`      ${name}`, reply)) io.out(line);
    if (!reply.accepted) failures++;
  }
  io.out('');
  if (failures > 0) io.err(`${failures} message(s) of the story were not accepted (see above).`);
  io.out('See the pages in the `npm start` terminal; `npm run alerts -- list` shows the open alerts.');
  return failures > 0 ? 1 : 0;
}
