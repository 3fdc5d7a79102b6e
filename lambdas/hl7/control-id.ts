/**
 * Fresh message control ids for the messages we send (ACK MSH-10, batch
 * FHS-11/BHS-11). Unique within a process even for many in one millisecond
 * or when the clock steps back (a sequence continues the last time); a
 * random instance tag makes a clash between Lambda instances that answer in
 * the same millisecond very unlikely. At most 20 characters:
 * MSH-10 is limited to 20 up to v2.6.
 */

const instanceTag = (() => {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => (byte % 36).toString(36))
    .join('')
    .toUpperCase();
})();

let lastMillis = 0;
let sequence = 0;

export function nextControlId(): string {
  const now = Date.now();
  if (now > lastMillis) {
    lastMillis = now;
    sequence = 0;
  } else {
    sequence++;
  }
  // Fixed widths (9 + 4) keep the concatenation unambiguous; 9 base-36 digits of ms last past the year 5000.
  return (
    lastMillis.toString(36).toUpperCase().padStart(9, '0') +
    instanceTag +
    sequence.toString(36).toUpperCase().padStart(2, '0')
  );
}
