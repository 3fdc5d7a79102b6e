/**
 * Logical values to ER7 text. The inverse of the reader, used to build test
 * messages and by the round-trip property test.
 */
import { escapeText } from './escape.js';
import { isHeaderSegmentName } from './segment.js';
import type { Delimiters } from './types.js';

/**
 * Encodes segments given as segment → field → repetition → component →
 * subcomponent of logical (unescaped) text. Index 0 of a segment is its name
 * (`[[['PID']]]`), so index n is field n as the spec numbers it; for MSH, FHS
 * and BHS indexes 1 and 2 are ignored and written from `delimiters`. Each
 * segment ends with CR.
 */
export function encodeMessage(segments: string[][][][][], delimiters: Delimiters): string {
  const d = delimiters;
  const encodingCharacters = d.component + d.repetition + d.escape + d.subcomponent + (d.truncation ?? '');
  let out = '';
  for (const fields of segments) {
    const name = fields[0]?.[0]?.[0]?.[0] ?? '';
    const header = isHeaderSegmentName(name);
    const encoded = fields.map((field, index) => {
      if (index === 0) return name;
      if (header && index === 1) return undefined; // MSH-1 is the separator written by the join itself
      if (header && index === 2) return encodingCharacters;
      return field
        .map((repetition) =>
          repetition
            .map((component) => component.map((text) => escapeText(text, d)).join(d.subcomponent))
            .join(d.component),
        )
        .join(d.repetition);
    });
    if (header && encoded.length < 3) encoded.push(undefined, encodingCharacters);
    out += `${encoded.filter((field) => field !== undefined).join(d.field)}\r`;
  }
  return out;
}
