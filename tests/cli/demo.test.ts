/** `npm run demo`: the story as sent, against a server answering like POST /hl7. */

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultStoryFolder, demoCommand } from '../../bin/cli/commands/demo.js';
import { expandHl7Paths } from '../../bin/cli/files.js';
import { runCommand } from '../../bin/cli/io.js';
import { timestampInstants } from '../../bin/cli/story.js';
import { readHl7 } from '../../lambdas/hl7/index.js';
import { captureIo, ingestLike, startTestServer, type TestServer } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(ingestLike);
});
afterAll(() => server.close());

const now = new Date('2027-03-01T15:00:00.400Z');

function controlIdOf(text: string | Buffer): string {
  const read = readHl7(text).messages[0]!;
  if (!read.ok) throw new Error('unreadable message');
  return read.message.header.controlId;
}

async function demo(clock = () => now) {
  const io = captureIo();
  const narrative = { '05-calcium-critical.hl7': 'Calcium 7.2 mg/dL: CALCIUM_CRITICAL_LOW pages.' };
  const code = await runCommand(
    (args, i) => demoCommand(args, i, { narrative, clock }),
    ['--url', `${server.base}/hl7`, '--delay-ms', '0'],
    io,
  );
  return { code, ...io };
}

describe('npm run demo', () => {
  it('sends the story in order, brought forward to now, with control ids unique to the run', async () => {
    const first = await demo();
    expect(first.code).toBe(0);
    const sent = server.requests.map((r) => r.body.toString());
    const story = await Promise.all(
      (await expandHl7Paths([defaultStoryFolder])).map((f) => readFile(f, 'utf8')),
    );
    expect(sent).toHaveLength(story.length);
    // In story order, each control id the sample's own plus one tag for the whole run.
    const ids = sent.map(controlIdOf);
    const tag = ids[0]!.slice(ids[0]!.lastIndexOf('-') + 1);
    expect(tag).toMatch(/^[0-9A-Z]{9,}$/);
    expect(ids).toEqual(story.map((text) => `${controlIdOf(text)}-${tag}`));
    expect(Math.max(...sent.flatMap(timestampInstants))).toBe(Date.parse('2027-03-01T15:00:00.000Z'));
    expect(first.stdout).toContain(`[5/${story.length}] Calcium 7.2 mg/dL: CALCIUM_CRITICAL_LOW pages.`);
    expect(first.stdout.at(-1)).toBe(
      'See the pages in the `npm start` terminal; `npm run alerts -- list` shows the open alerts.',
    );

    // A second run, a second later, is not taken for a duplicate of the first.
    const again = await demo(() => new Date(now.getTime() + 1000));
    expect(again.code).toBe(0);
    const secondIds = server.requests.slice(sent.length).map((r) => controlIdOf(r.body));
    expect(secondIds).toHaveLength(ids.length);
    expect(secondIds.filter((id) => ids.includes(id))).toEqual([]);
  });
});
