/** Date arithmetic and clinic-local time for finding sentences. */
import { instantMs } from '../../patient/time.js';

export { instantMs };

export const msPerHour = 3_600_000;
export const msPerDay = 24 * msPerHour;

/** Whether more than `days` whole days lie between two instants (exactly `days` is not more). */
export const isMoreThanDays = (fromMs: number, toMs: number, days: number): boolean =>
  toMs - fromMs > days * msPerDay;

/** Whole days elapsed, rounded down. */
export const daysElapsed = (fromMs: number, toMs: number): number => Math.floor((toMs - fromMs) / msPerDay);

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// Formatting a zone's time is the costliest step of a finding; the same few times recur per patient.
const formatted = new Map<string, string>();
const formattedLimit = 4096;

/**
 * `2026-07-26 18:44 CDT`: the time in the hospital's zone, as the unit reads its clocks. An unreadable
 * time is shown as sent rather than hidden.
 */
export function formatClinicalTime(iso: string, timeZone: string): string {
  const key = `${timeZone} ${iso}`;
  const known = formatted.get(key);
  if (known !== undefined) return known;
  const ms = instantMs(iso, Number.NaN);
  if (Number.isNaN(ms)) return iso;
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) parts[part.type] = part.value;
  const text = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
  if (formatted.size >= formattedLimit) formatted.clear();
  formatted.set(key, text);
  return text;
}
