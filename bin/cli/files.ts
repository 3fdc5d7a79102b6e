/**
 * The files `send` is given: each file as named, each folder as its `.hl7`
 * files in name order, so a folder of numbered messages goes out in its
 * numbered order.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Numbers inside names compare by value (`msg-2` before `msg-10`), the rest
 * by character; a fixed locale so every machine sends in the same order.
 */
const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' }).compare;

export const isHl7FileName = (name: string): boolean => /\.hl7$/i.test(name);

/** Files in the order given; a folder's direct `.hl7` files (not its subfolders) in name order. */
export async function expandHl7Paths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = (await stat(path)).isDirectory();
    } catch {
      throw new UsageError(`no such file or folder: ${path}`);
    }
    if (!isFolder) {
      files.push(path);
      continue;
    }
    const entries = await readdir(path, { withFileTypes: true });
    const names = entries
      .filter((entry) => entry.isFile() && isHl7FileName(entry.name))
      .map((entry) => entry.name)
      .sort(byName);
    if (names.length === 0) throw new UsageError(`no .hl7 files in ${path}`);
    files.push(...names.map((name) => join(path, name)));
  }
  return files;
}
