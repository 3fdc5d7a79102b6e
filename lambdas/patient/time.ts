/** Instants as the patient state keeps them: ISO-8601 strings read once into epoch milliseconds. */

const zero = 48;

/** Reads `count` decimal digits at `from`, or -1 when one is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let index = from; index < from + count; index += 1) {
    const digit = text.charCodeAt(index) - zero;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * The stored form `2026-07-26T23:44:14.000Z` (or without milliseconds) read without `Date.parse`, which
 * costs several times more and dominates rebuilding a year of history; anything else goes to
 * `Date.parse`.
 */
function utcIsoMs(text: string): number | undefined {
  const length = text.length;
  if ((length !== 24 && length !== 20) || text[length - 1] !== 'Z') return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':')
    return undefined;
  if (length === 24 && text[19] !== '.') return undefined;
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const millisecond = length === 24 ? digits(text, 20, 3) : 0;
  const year = digits(text, 0, 4);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23) return undefined;
  if (minute < 0 || minute > 59 || second < 0 || second > 59 || millisecond < 0) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
}

/**
 * Epoch milliseconds of an ISO-8601 instant. Records arrive normalised to ISO UTC; an unreadable
 * time falls back to `fallbackMs` so one bad timestamp cannot reorder a whole history as NaN would.
 */
export function instantMs(iso: string | undefined, fallbackMs = 0): number {
  if (iso === undefined) return fallbackMs;
  const fast = utcIsoMs(iso);
  if (fast !== undefined) return fast;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? fallbackMs : ms;
}
