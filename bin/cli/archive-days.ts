/**
 * The days a replay covers, as archive key prefixes. The archive files each
 * message under its UTC arrival day (`raw/YYYY/MM/DD/`), so days here are UTC.
 */
import { UsageError } from './errors.js';

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayMs = 86_400_000;

/** `2026-07-26` → its UTC midnight, or a UsageError naming the option. */
export function parseDay(option: string, text: string): number {
  const match = dayPattern.exec(text);
  const at = match === null ? Number.NaN : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Date.UTC rolls 2026-02-30 over to March: a real day reads back the same.
  if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== text) {
    throw new UsageError(`--${option} must be a day as YYYY-MM-DD, got "${text}"`);
  }
  return at;
}

/** `raw/2026/07/26/` for each day from `from` to `to`, both included. */
export function archivePrefixes(from: number, to: number): string[] {
  if (to < from) throw new UsageError('--to is before --from');
  const prefixes: string[] = [];
  for (let at = from; at <= to; at += dayMs) {
    const day = new Date(at).toISOString().slice(0, 10);
    prefixes.push(`raw/${day.replaceAll('-', '/')}/`);
  }
  return prefixes;
}

export function todayUtc(now: Date): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
}
