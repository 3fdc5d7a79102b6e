/**
 * Where the backtest reads archived raw messages, streamed in arrival order: the stack's archive
 * bucket (ARCHIVE_BUCKET, as `npm run replay`), a copy of it in another bucket or under a prefix
 * (`s3://bucket/prefix`), or a local copy (`aws s3 sync s3://<bucket> FOLDER`). Each day's keys
 * are listed in order and S3 bodies fetched a few ahead, so memory holds a window, not the archive.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { receivedAtOfArchiveKey } from '../../lambdas/backtest/backtest.js';
import type { ArchivedMessage } from '../../lambdas/backtest/replay.js';
import { CliError, UsageError } from './errors.js';

export type ArchiveLocation =
  | { kind: 's3'; bucket?: string; prefix: string }
  | { kind: 'dir'; folder: string };

/** `s3://bucket` or `s3://bucket/prefix`: the archive's `raw/...` keys are under the prefix. */
export function parseS3Location(text: string): ArchiveLocation {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(text);
  if (match === null) {
    throw new UsageError(`--archive must be s3://BUCKET or s3://BUCKET/PREFIX, got "${text}"`);
  }
  const prefix = match[2] ?? '';
  return {
    kind: 's3',
    bucket: match[1]!,
    prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
  };
}

/** How many bodies are fetched ahead of the one being replayed. */
const readAhead = 16;

/** Yields `load(key)` for each key in order, with up to `readAhead` loads in flight. */
async function* inOrder(
  keys: AsyncIterable<string>,
  load: (key: string) => Promise<ArchivedMessage | undefined>,
): AsyncGenerator<ArchivedMessage> {
  const window: Promise<ArchivedMessage | undefined>[] = [];
  for await (const key of keys) {
    const loading = load(key);
    // Awaited in turn below; until then a failure must not count as unhandled.
    loading.catch(() => undefined);
    window.push(loading);
    if (window.length >= readAhead) {
      const message = await window.shift();
      if (message !== undefined) yield message;
    }
  }
  for (const pending of window) {
    const message = await pending;
    if (message !== undefined) yield message;
  }
}

function archived(key: string, bytes: Uint8Array): ArchivedMessage | undefined {
  const receivedAtMs = receivedAtOfArchiveKey(key);
  // Anything else in the folder or bucket (a note, a listing) is not an archived message.
  return receivedAtMs === undefined ? undefined : { key, bytes, receivedAtMs };
}

/** The S3 archive adapter: the only part that reaches AWS, and only to read. */
export interface S3Archive {
  listRawMessages(prefix: string, bucket?: string): AsyncIterable<{ key: string }>;
  getRawMessage(key: string, bucket?: string): Promise<{ bytes: Uint8Array }>;
}

function readFailure(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const name = error instanceof Error ? error.name : '';
  const detail = error instanceof Error ? error.message : String(error);
  const hint =
    name === 'MissingEnvironmentError'
      ? ' (give --archive s3://BUCKET or --dir FOLDER, or set the variables `npm run replay` reads: see --help)'
      : '';
  return new CliError(`reading the archive failed: ${detail}${hint}`, 1, { cause: error });
}

async function* s3Messages(
  archive: S3Archive,
  location: Extract<ArchiveLocation, { kind: 's3' }>,
  dayPrefixes: readonly string[],
): AsyncGenerator<ArchivedMessage> {
  const { bucket, prefix } = location;
  async function* keys(): AsyncGenerator<string> {
    for (const day of dayPrefixes) {
      for await (const { key } of archive.listRawMessages(`${prefix}${day}`, bucket)) yield key;
    }
  }
  const load = async (key: string) => archived(key, (await archive.getRawMessage(key, bucket)).bytes);
  try {
    yield* inOrder(keys(), load);
  } catch (error: unknown) {
    throw readFailure(error);
  }
}

async function* dirMessages(folder: string, dayPrefixes: readonly string[]): AsyncGenerator<ArchivedMessage> {
  try {
    for (const day of dayPrefixes) {
      let names: string[];
      try {
        names = readdirSync(join(folder, day));
      } catch {
        continue; // no message that day
      }
      // Byte order of ASCII names, as S3 lists keys. Read one at a time: a local disk answers at
      // once, and a synchronous read costs a fraction of an asynchronous one.
      for (const name of names.filter((entry) => entry.endsWith('.hl7')).sort()) {
        const message = archived(`${day}${name}`, readFileSync(join(folder, day, name)));
        if (message !== undefined) yield message;
      }
    }
  } catch (error: unknown) {
    throw readFailure(error);
  }
}

/** A local copy must be the archive's layout: FOLDER/raw/YYYY/MM/DD/<receivedAt>-<hash>.hl7. */
export async function checkArchiveFolder(folder: string): Promise<void> {
  const isFolder = async (path: string) => (await stat(path).catch(() => undefined))?.isDirectory() === true;
  if (!(await isFolder(folder))) throw new UsageError(`--dir ${folder}: no such folder`);
  if (!(await isFolder(join(folder, 'raw')))) {
    throw new UsageError(
      `--dir ${folder}: no raw/ folder in it; give a copy of the archive bucket (raw/YYYY/MM/DD/*.hl7, as \`aws s3 sync s3://<bucket> FOLDER\` leaves it)`,
    );
  }
}

export async function archiveMessages(
  location: ArchiveLocation,
  dayPrefixes: readonly string[],
  s3Archive: () => Promise<S3Archive>,
): Promise<AsyncIterable<ArchivedMessage>> {
  if (location.kind === 'dir') return dirMessages(location.folder, dayPrefixes);
  return s3Messages(await s3Archive(), location, dayPrefixes);
}
