/**
 * Making a recorded story current: every HL7 timestamp moved by one shift
 * (so the intervals between events, which the rules read, stay as written)
 * and each MSH-10 made unique to the run (so a second run is not swallowed
 * as duplicates of the first).
 */
import { type Delimiters, defaultDelimiters, parseHl7Timestamp, readHl7 } from '../../lambdas/hl7/index.js';

/** The message's own delimiters (a story file may declare others than `|^~\&`). */
function delimitersOf(text: string): Delimiters {
  const first = readHl7(text).messages[0];
  if (first === undefined) return defaultDelimiters;
  return (first.ok ? first.message.delimiters : first.delimiters) ?? defaultDelimiters;
}

const escapeForClass = (ch: string): string => ch.replace(/[\\\]^-]/g, '\\$&');

/**
 * A timestamp is a whole field, component or subcomponent (bounded by a
 * delimiter or a line end) of exactly 14 digits, optional fractional seconds
 * and a ±HHMM offset: `20261102080000-0600`. Quantities (`90`, `1.80`), ids
 * (`900001`, `9876543210`) and dates of birth (`19600101`, 8 digits) never
 * have that shape, nor does text with digits inside it. Values without an
 * offset are left alone on purpose: a bare 14-digit number could be an id.
 */
function timestampPattern(d: Delimiters): RegExp {
  const bounds = [d.field, d.component, d.repetition, d.subcomponent].map(escapeForClass).join('');
  return new RegExp(
    `(?<=^|[${bounds}\\r\\n])(\\d{14})(\\.\\d{1,4})?([+-]\\d{4})(?=$|[${bounds}\\r\\n])`,
    'g',
  );
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The instant of `YYYYMMDDHHMMSS±ZZZZ` (whole seconds) and its offset in ms, or undefined if not a real time. */
function readTimestamp(digits: string, offset: string): { instant: number; offsetMs: number } | undefined {
  const reading = parseHl7Timestamp(`${digits}${offset}`, 'UTC');
  if (!reading.ok) return undefined;
  const sign = offset.startsWith('-') ? -1 : 1;
  const offsetMs = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3, 5))) * 60_000;
  return { instant: Date.parse(reading.iso), offsetMs };
}

/** The wall-clock digits of an instant in a fixed offset. */
function wallDigits(instant: number, offsetMs: number): string {
  const wall = new Date(instant + offsetMs);
  return (
    pad(wall.getUTCFullYear(), 4) +
    pad(wall.getUTCMonth() + 1) +
    pad(wall.getUTCDate()) +
    pad(wall.getUTCHours()) +
    pad(wall.getUTCMinutes()) +
    pad(wall.getUTCSeconds())
  );
}

/** Every timestamp's instant (ms since the epoch, fractions ignored), in text order. */
export function timestampInstants(text: string): number[] {
  const instants: number[] = [];
  for (const match of text.matchAll(timestampPattern(delimitersOf(text)))) {
    const read = readTimestamp(match[1]!, match[3]!);
    if (read !== undefined) instants.push(read.instant);
  }
  return instants;
}

/**
 * Moves every timestamp by `shiftMs` (whole seconds), keeping each one's
 * offset and fractional seconds as sent; nothing else in the text changes.
 */
export function shiftTimestamps(text: string, shiftMs: number): string {
  if (!Number.isInteger(shiftMs / 1000))
    throw new RangeError(`shift must be whole seconds, got ${shiftMs} ms`);
  return text.replace(
    timestampPattern(delimitersOf(text)),
    (whole, digits: string, fraction: string | undefined, offset: string) => {
      const read = readTimestamp(digits, offset);
      if (read === undefined) return whole; // shaped like a timestamp but not a real time: not ours to touch
      return `${wallDigits(read.instant + shiftMs, read.offsetMs)}${fraction ?? ''}${offset}`;
    },
  );
}

/** The shift (whole seconds, never into the future) that puts the latest timestamp of the story at `now`. */
export function shiftToNow(texts: readonly string[], now: Date): number {
  const latest = Math.max(...texts.flatMap(timestampInstants));
  if (!Number.isFinite(latest)) throw new RangeError('the story has no timestamps to shift');
  return Math.floor((now.getTime() - latest) / 1000) * 1000;
}

/** Rewrites MSH-10 of every message in the text; the rest of each MSH line stays as sent. */
export function rewriteControlIds(text: string, rewrite: (controlId: string) => string): string {
  return text
    .split(/(\r\n|\r|\n)/)
    .map((line) => {
      if (!line.startsWith('MSH') || line.length < 4) return line;
      // MSH-1 is the separator itself, so MSH-n is at index n - 1.
      const fields = line.split(line.charAt(3));
      while (fields.length < 10) fields.push('');
      fields[9] = rewrite(fields[9]!);
      return fields.join(line.charAt(3));
    })
    .join('');
}

/** MSH-10 is at most 20 characters up to v2.6. */
export const maxControlIdLength = 20;

/** A short tag unique to one run: seconds since the epoch in base 36, plus three random characters. */
export function runTag(now: Date, random: () => number = Math.random): string {
  const seconds = Math.floor(now.getTime() / 1000).toString(36);
  const salt = Array.from({ length: 3 }, () => Math.floor(random() * 36).toString(36)).join('');
  return `${seconds}${salt}`.toUpperCase();
}

/** `DEMO0001` + tag → `DEMO0001-<tag>`, the original cut from the end when the whole would pass 20. */
export function taggedControlId(controlId: string, tag: string): string {
  const room = maxControlIdLength - tag.length - 1;
  if (room < 1) throw new RangeError(`run tag too long for MSH-10: ${tag}`);
  return `${controlId.slice(0, room)}-${tag}`;
}
