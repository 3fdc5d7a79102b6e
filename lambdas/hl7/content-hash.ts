/**
 * What makes two messages with one control id the same message: their
 * content, hashed. MSH-7 is left out (some engines stamp it again when they
 * resend), and segment terminators are read as one (a resend through another
 * interface may turn CR into CRLF); every other byte counts.
 */
import { createHash } from 'node:crypto';
import type { Hl7Message } from './types.js';

/** SHA-256 (hex) of the message's segments joined by CR, with MSH-7 emptied. */
export function messageContentHash(message: Hl7Message): string {
  const separator = message.delimiters.field;
  const segments = message.text.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
  const content = segments.map((line, index) => {
    if (index !== 0) return line; // a readable message starts with its MSH
    const fields = line.split(separator);
    // fields[0] is `MSH`, fields[1] MSH-2: MSH-n is fields[n - 1] from MSH-2 on.
    if (fields.length > 6) fields[6] = '';
    return fields.join(separator);
  });
  return createHash('sha256').update(content.join('\r')).digest('hex');
}
