/**
 * The acknowledge form as posted (`application/x-www-form-urlencoded`): one
 * optional field, `by`, the acknowledging clinician's name as typed. It lands
 * in the audit trail and on the "already acknowledged" page, so it is cleaned
 * (no control characters, spaces collapsed) and capped.
 */

export const maxTypedNameLength = 80;

/** The form field name (also used by the page's input). */
export const typedNameField = 'by';

export interface AckForm {
  /** Absent when left empty. */
  typedName?: string;
}

export function parseAckForm(body: string | null | undefined, isBase64Encoded = false): AckForm {
  if (body === null || body === undefined || body === '') return {};
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  const raw = new URLSearchParams(text).get(typedNameField) ?? '';
  const cleaned = Array.from(
    raw
      // Control and format characters (incl. bidi overrides) could disguise a name in the audit trail.
      .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  )
    .slice(0, maxTypedNameLength)
    .join('')
    .trim();
  return cleaned === '' ? {} : { typedName: cleaned };
}
