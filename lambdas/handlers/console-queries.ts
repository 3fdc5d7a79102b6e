/**
 * The query strings of the console's read routes (GET /patients/{facility}/{mrn}/timeline),
 * validated with zod's smaller `zod/mini` build; a bad one is answered 400 naming the parameter.
 */
import { z } from 'zod/mini';

/** `2026-11-01` (midnight UTC) or a date-time with `Z` or an offset: nothing a reader could take two ways. */
const isoInstant = z.pipe(
  z
    .string()
    .check(
      z.refine(
        (text: string) =>
          z.iso.date().safeParse(text).success || z.iso.datetime({ offset: true }).safeParse(text).success,
        'not an ISO 8601 date or date-time (2026-11-01, 2026-11-01T00:00:00Z)',
      ),
    ),
  z.transform((text: string) => new Date(text)),
);

/** The timeline's period: by default the twelve months before `to` (by default now). */
export const timelineQuery = z.object({ from: z.optional(isoInstant), to: z.optional(isoInstant) });

export type TimelineQuery = z.infer<typeof timelineQuery>;
