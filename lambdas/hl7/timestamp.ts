/**
 * HL7 DTM/TS values (YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]) to ISO-8601 UTC.
 * A value without an offset is wall-clock time in the hospital's zone; DST
 * is resolved with Intl, as the `compatible` rule of Temporal does: a time
 * that occurs twice is the earlier one, a time skipped by spring-forward
 * moves forward by the gap.
 */

export type TimestampReading = { ok: true; iso: string } | { ok: false; reason: string };

const pattern =
  /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,9}))?)?)?)?)?)?(?:([+-])(\d{2})(\d{2}))?$/;

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Milliseconds since the epoch of a wall-clock time read as if it were UTC (years 0-99 kept as such). */
function wallAsUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** The zone's offset from UTC at an instant, in milliseconds (whole seconds). */
function offsetAt(instant: number, timeZone: string): number {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) fields[part.type] = part.value;
  const year = Number(fields.year) * (fields.era === 'BC' ? -1 : 1) + (fields.era === 'BC' ? 1 : 0);
  const wall = wallAsUtc(
    year,
    Number(fields.month),
    Number(fields.day),
    Number(fields.hour),
    Number(fields.minute),
    Number(fields.second),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant a zone's wall-clock time (given as if UTC) denotes. */
function zonedToInstant(wall: number, timeZone: string): number {
  // Real zones change offset at most once within two days, so the offsets a day
  // either side bracket every candidate.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - before, wall - after].filter(
    (instant) => instant + offsetAt(instant, timeZone) === Math.floor(wall / 1000) * 1000,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before; // in a spring-forward gap: the same clock reading on the pre-gap offset lands after it
}

function daysInMonth(year: number, month: number): number {
  return new Date(wallAsUtc(year, month + 1, 0, 0, 0, 0)).getUTCDate();
}

/** Reads an HL7 timestamp; the zone (IANA, e.g. `America/Chicago`) applies only when the value has no offset. */
export function parseHl7Timestamp(raw: string, defaultTimeZone: string): TimestampReading {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty timestamp' };
  const match = pattern.exec(text);
  if (match === null)
    return { ok: false, reason: 'not an HL7 timestamp (YYYY[MM[DD[HH[MM[SS[.S]]]]]][+/-ZZZZ])' };
  const [, y, mo, d, h, mi, s, fraction, sign, offsetHours, offsetMinutes] = match;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12) return { ok: false, reason: `month ${mo} out of range` };
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, reason: `day ${d} out of range` };
  if (hour > 23) return { ok: false, reason: `hour ${h} out of range` };
  if (minute > 59) return { ok: false, reason: `minute ${mi} out of range` };
  if (second > 59) return { ok: false, reason: `second ${s} out of range` };
  const milliseconds = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const wall = wallAsUtc(year, month, day, hour, minute, second);

  let instant: number;
  if (sign !== undefined) {
    const offset = Number(offsetHours) * 60 + Number(offsetMinutes);
    if (Number(offsetHours) > 14 || Number(offsetMinutes) > 59) {
      return { ok: false, reason: `offset ${sign}${offsetHours}${offsetMinutes} out of range` };
    }
    instant = wall - (sign === '-' ? -offset : offset) * 60_000;
  } else {
    try {
      instant = zonedToInstant(wall, defaultTimeZone);
    } catch (error: unknown) {
      const unknownZone = error instanceof RangeError;
      return {
        ok: false,
        reason: unknownZone ? `unknown time zone ${defaultTimeZone}` : 'time zone conversion failed',
      };
    }
  }
  const result = instant + milliseconds;
  if (!Number.isFinite(result) || Math.abs(result) > 8.64e15)
    return { ok: false, reason: 'timestamp out of range' };
  return { ok: true, iso: new Date(result).toISOString() };
}
