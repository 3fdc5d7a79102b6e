/**
 * Small text helpers for length-limited channels (SMS, email subject).
 * Lengths are UTF-16 code units, as JavaScript and SNS count them.
 */

const ellipsis = '...';

/**
 * `text` cut to at most `max` code units, ending in `...` when cut. Never splits
 * a surrogate pair, so the result is always valid UTF-16 (SNS rejects lone surrogates).
 */
export function fitText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= ellipsis.length) return cutAt(text, Math.max(0, max));
  return `${cutAt(text, max - ellipsis.length).trimEnd()}${ellipsis}`;
}

function cutAt(text: string, end: number): string {
  const last = text.charCodeAt(end - 1);
  const splitsPair = end > 0 && last >= 0xd800 && last <= 0xdbff;
  return text.slice(0, splitsPair ? end - 1 : end);
}

/**
 * Clinical symbols an SMS cannot carry in the GSM 7-bit alphabet: one of them
 * turns the whole message into UCS-2, where 160 characters take three SMS.
 */
const smsReplacements: ReadonlyArray<readonly [RegExp, string]> = [
  [/≥/g, '>='],
  [/≤/g, '<='],
  [/[–—−]/g, '-'],
  [/→/g, '->'],
  [/×/g, 'x'],
  [/[‘’]/g, "'"],
  [/[“”]/g, '"'],
  [/…/g, '...'],
  [/µ/g, 'u'],
  [/\s+/g, ' '],
];

export function smsSafe(text: string): string {
  return smsReplacements
    .reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text)
    .trim();
}

/** SNS requires an email subject of printable ASCII without line breaks. */
export function asciiSubject(text: string): string {
  return smsSafe(text)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '?');
}

/** PV1-3 components people read: point of care, room, bed, facility; the rest are codes. */
const readableLocationComponents = 4;
const facilityComponent = 3;

/**
 * PV1-3 as sent (`HD^CHAIR07^^NDC`) for people: `HD, CHAIR07, NDC`. Point of care, room, bed and
 * facility (its first subcomponent, the namespace id), empty ones left out, and the facility too
 * when it is the one the page already names (`shownFacility`): an SMS has no room to say it twice.
 */
export function readableLocation(location: string | undefined, shownFacility?: string): string | undefined {
  const sameFacility = (text: string) => text.toUpperCase() === shownFacility?.trim().toUpperCase();
  const parts = (location ?? '')
    .split('^')
    .slice(0, readableLocationComponents)
    .map((component) => (component.split('&')[0] ?? '').trim())
    .filter((part, index) => part !== '' && !(index === facilityComponent && sameFacility(part)));
  return parts.length > 0 ? parts.join(', ') : undefined;
}
