/** How the console writes times, ages and values: short, unambiguous, in the browser's time zone. */

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const date = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

export const formatDateTime = (iso: string | undefined): string =>
  iso === undefined || Number.isNaN(Date.parse(iso)) ? '—' : dateTime.format(new Date(iso));

export const formatDate = (iso: string | undefined): string =>
  iso === undefined || Number.isNaN(Date.parse(iso)) ? '—' : date.format(new Date(iso));

/** `4 min`, `2 h 5 min`, `3 d 4 h`: how long ago, for "time since paged". */
export function formatAge(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function formatQuantity(
  quantity: { value: number; unit: string; comparator?: string } | undefined,
): string {
  if (quantity === undefined) return '—';
  const digits = Math.abs(quantity.value) >= 100 ? 0 : 1;
  return `${quantity.comparator ?? ''}${quantity.value.toFixed(digits)} ${quantity.unit}`;
}

/** `HD^CHAIR07^^NDC` as people read it: `HD, CHAIR07`. */
export const formatLocation = (location: string | undefined): string =>
  location === undefined
    ? '—'
    : location
        .split('^')
        .slice(0, 3)
        .filter((part) => part !== '')
        .join(', ') || '—';

export const severityRank: Record<string, number> = { critical: 0, urgent: 1, advisory: 2 };

/** A daily dose as the clinic writes it: `90 mg`, `0.25 mcg` (active vitamin D), `—` when not sent. */
export function formatDailyDose(mg: number | undefined): string {
  if (mg === undefined) return '';
  if (mg < 1) return `${Number((mg * 1000).toPrecision(3))} mcg`;
  if (mg >= 1000) return `${Number((mg / 1000).toPrecision(3))} g`;
  return `${Number(mg.toPrecision(4))} mg`;
}
