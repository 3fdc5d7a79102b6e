/** Which files `send` posts, in which order. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../bin/cli/errors.js';
import { expandHl7Paths } from '../../bin/cli/files.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'send-files-'));
  for (const name of ['msg-10.hl7', 'msg-2.hl7', 'msg-1.HL7', 'a-first.hl7', 'notes.txt', 'msg-3.hl7.bak']) {
    await writeFile(join(folder, name), 'MSH|^~\\&|\r');
  }
  await mkdir(join(folder, 'nested.hl7'));
  await mkdir(join(folder, 'empty'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('expandHl7Paths', () => {
  it("sends a folder's .hl7 files in name order, numbers by value, nothing else from it", async () => {
    expect(await expandHl7Paths([folder])).toEqual(
      ['a-first.hl7', 'msg-1.HL7', 'msg-2.hl7', 'msg-10.hl7'].map((name) => join(folder, name)),
    );
  });

  it('keeps files in the order given, whatever their names', async () => {
    const files = [join(folder, 'notes.txt'), join(folder, 'msg-2.hl7'), join(folder, 'a-first.hl7')];
    expect(await expandHl7Paths(files)).toEqual(files);
  });

  it('names a missing path or a folder without messages before anything is sent', async () => {
    await expect(expandHl7Paths([join(folder, 'missing.hl7')])).rejects.toThrow(UsageError);
    await expect(expandHl7Paths([join(folder, 'missing.hl7')])).rejects.toThrow(/missing\.hl7/);
    await expect(expandHl7Paths([join(folder, 'empty')])).rejects.toThrow(/no \.hl7 files/);
  });
});
