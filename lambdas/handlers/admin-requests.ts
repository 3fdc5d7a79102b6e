/**
 * The admin API's request bodies and query strings, validated with zod/mini
 * (zod's tree-shakable form: the function ships only the checks it uses). A
 * bad request is answered 400 naming the field.
 */
// The namespace import lets esbuild keep only the checks used (`{ z }` would keep all of zod).
import * as z from 'zod/mini';
import { describeIssues } from '../domain/validation-issues.js';

export class BadRequestError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join('; '));
    this.name = 'BadRequestError';
  }
}

export function parseRequest<T>(schema: z.ZodMiniType<T>, input: unknown): T {
  const result = z.safeParse(schema, input);
  if (!result.success) throw new BadRequestError(describeIssues(result.error));
  return result.data;
}

/** Who acts is never the body's to say: a `by` there is refused, naming the field to use. */
const refusedBy = z.optional(
  z.never({
    error:
      "not accepted: who acts is the caller's signed-in identity (IAM identity or console user); give a name in byName",
  }),
);
const byName = z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)));

export const ackBody = z.strictObject({ by: refusedBy, byName });

export const cohortBody = z
  .strictObject({
    action: z.enum(['enrol', 'remove']),
    by: refusedBy,
    byName,
    reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))),
  })
  .check(
    z.refine((body) => body.action !== 'remove' || body.reason !== undefined, {
      path: ['reason'],
      error: 'required to remove a patient from the cohort',
    }),
  );

export const listQuery = z.object({
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000))),
  cursor: z.optional(z.string().check(z.minLength(1))),
});

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true });

/** `2026-11-01` (midnight UTC) or a date-time with `Z` or an offset: nothing a reader could take two ways. */
const isoInstant = z.pipe(
  z
    .string({ error: 'required: an ISO 8601 date or date-time' })
    .check(
      z.refine(
        (text) => z.safeParse(isoDate, text).success || z.safeParse(isoDateTime, text).success,
        'not an ISO 8601 date or date-time (2026-11-01, 2026-11-01T00:00:00Z)',
      ),
    ),
  z.transform((text) => new Date(text)),
);

export const reportQuery = z.object({
  from: isoInstant,
  to: isoInstant,
  format: z._default(z.enum(['json', 'csv']), 'json'),
});

/** The console timeline's period: by default the twelve months before `to` (by default now). */
export const timelineQuery = z.object({ from: z.optional(isoInstant), to: z.optional(isoInstant) });
