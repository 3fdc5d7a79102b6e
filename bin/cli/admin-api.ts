/**
 * The admin routes as the tools use them: list active alerts (following the
 * cursor), acknowledge one, enrol or remove a patient, the timeliness and shadow reports. Responses are checked
 * with zod and only the fields the tools print are kept (no patient name can
 * reach the terminal, whatever the server sends).
 */
import { z } from 'zod';
import { routeUrl } from './endpoints.js';
import { CliError } from './errors.js';
import { excerpt, type HttpClient, type HttpReply } from './http.js';

/** The server answered, but not with success. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const alertRow = z.object({
  alertId: z.string(),
  ruleId: z.string(),
  severity: z.string(),
  state: z.string(),
  patient: z.object({ facility: z.string(), mrn: z.string(), location: z.string().nullish() }),
  openedAt: z.string(),
  acknowledgedAt: z.string().optional(),
  acknowledgedBy: z.string().optional(),
  acknowledgedByName: z.string().optional(),
});
export type AlertRow = z.infer<typeof alertRow>;

const alertPage = z.object({ alerts: z.array(alertRow), cursor: z.string().optional() });
const ackReply = z.object({ outcome: z.enum(['acknowledged', 'alreadyAcknowledged']), alert: alertRow });
const closedReply = z.object({ error: z.string(), alert: alertRow });
const resolvedAlert = z.object({ alertId: z.string(), ruleId: z.string(), severity: z.string() });
const enrolmentReply = z.object({
  recordId: z.string(),
  enrolment: z.object({
    action: z.enum(['enrol', 'remove']),
    by: z.string(),
    byName: z.string().optional(),
    at: z.string(),
    reason: z.string().optional(),
  }),
  /** A removal: the alerts it resolves. */
  resolvesAlerts: z.array(resolvedAlert).default([]),
});
export type EnrolmentReply = z.infer<typeof enrolmentReply>;

const timelinessAlert = z.object({
  alertId: z.string(),
  ruleId: z.string(),
  facility: z.string(),
  mrn: z.string(),
  state: z.string(),
});
export type TimelinessAlert = z.infer<typeof timelinessAlert>;
const minutes = z.number().nullable();
const time = z.string().nullable();
const durationSummary = z.object({ medianMinutes: minutes, p90Minutes: minutes });
const timelinessReply = z.object({
  from: z.string(),
  to: z.string(),
  summary: z.object({
    count: z.number().int(),
    targetMinutes: z.number(),
    resultToPage: durationSummary,
    pageToAck: durationSummary,
    outsideTarget: z.array(timelinessAlert),
    neverAcknowledged: z.array(timelinessAlert),
  }),
  rows: z.array(
    z.object({
      alert: timelinessAlert,
      resultAt: time,
      receivedAt: time,
      openedAt: z.string(),
      firstPagedAt: time,
      acknowledgedAt: time,
      resolvedAt: time,
      resultToPageMinutes: minutes,
      pageToAckMinutes: minutes,
      resultToAckMinutes: minutes,
      target: z.enum(['met', 'late', 'not acknowledged']),
      ruleSetVersion: z.string().nullish(),
    }),
  ),
});
export type TimelinessReply = z.infer<typeof timelinessReply>;

const shadowReply = z.object({
  from: z.string(),
  to: z.string(),
  summary: z.object({
    count: z.number().int(),
    byRule: z.record(z.string(), z.object({ severity: z.string(), opened: z.number().int() })),
  }),
  rows: z.array(
    z.object({
      alertId: z.string(),
      ruleId: z.string(),
      severity: z.string(),
      facility: z.string(),
      mrn: z.string(),
      state: z.string(),
      openedAt: z.string(),
      resolvedAt: time,
      finding: z.string(),
      ruleSetVersion: time,
    }),
  ),
});
export type ShadowReply = z.infer<typeof shadowReply>;

/** Critical alerts opened at or after `from` and before `to`. */
export interface ReportPeriod {
  from: Date;
  to: Date;
}

export type AcknowledgeOutcome =
  | { outcome: 'acknowledged' | 'alreadyAcknowledged'; alert: AlertRow }
  | { outcome: 'closed'; alert: AlertRow }
  | { outcome: 'notFound' };

function json(reply: HttpReply): unknown {
  try {
    return JSON.parse(reply.text);
  } catch {
    return undefined;
  }
}

/** `400 bad request: limit: ...`, `403 Missing Authentication Token` (API Gateway), ... */
function failure(reply: HttpReply): ApiError {
  const body = json(reply);
  let detail = excerpt(reply.text);
  if (typeof body === 'object' && body !== null) {
    const { error, message, issues } = body as Record<string, unknown>;
    const said = [error, message].filter((part): part is string => typeof part === 'string').join(': ');
    const listed = Array.isArray(issues) ? issues.map(String).join('; ') : '';
    detail = [said, listed].filter((part) => part !== '').join(': ') || detail;
  }
  return new ApiError(reply.status, `${reply.status} ${detail || '(empty body)'}`);
}

function parseReply<T>(schema: z.ZodType<T>, reply: HttpReply, what: string): T {
  const parsed = schema.safeParse(json(reply));
  if (!parsed.success) {
    throw new ApiError(reply.status, `unexpected ${what} response (${reply.status}): ${excerpt(reply.text)}`);
  }
  return parsed.data;
}

const jsonHeaders = { 'content-type': 'application/json' };
const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

export interface AdminApi {
  /** Every open or acknowledged alert, page after page. */
  listAlerts(pageSize?: number): Promise<AlertRow[]>;
  /** Acknowledged as the caller's identity; `name`, when given, is recorded beside it. */
  acknowledge(alertId: string, name?: string): Promise<AcknowledgeOutcome>;
  setCohort(
    facility: string,
    mrn: string,
    change: { action: 'enrol' | 'remove'; byName?: string; reason?: string },
  ): Promise<EnrolmentReply>;
  /** The timeliness report of the critical alerts opened in the period: summary and one row per alert. */
  timeliness(period: ReportPeriod): Promise<TimelinessReply>;
  /** The same report as the server's CSV (RFC 4180, one line per alert). */
  timelinessCsv(period: ReportPeriod): Promise<string>;
  /** What rules in shadow mode would have raised in the period (none of it paged). */
  shadow(period: ReportPeriod): Promise<ShadowReply>;
  /** The same as the server's CSV (one line per would-be alert). */
  shadowCsv(period: ReportPeriod): Promise<string>;
}

type ReportName = 'timeliness' | 'shadow';

function reportUrl(
  base: URL,
  report: ReportName,
  period: ReportPeriod,
  extra: Record<string, string> = {},
): URL {
  return routeUrl(base, ['reports', report], {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    ...extra,
  });
}

export function adminApi(base: URL, client: HttpClient): AdminApi {
  return {
    async listAlerts(pageSize = 100) {
      const alerts: AlertRow[] = [];
      const seen = new Set<string>();
      let cursor: string | undefined;
      do {
        const query: Record<string, string> = { limit: String(pageSize) };
        if (cursor !== undefined) query.cursor = cursor;
        const reply = await client.send({
          method: 'GET',
          url: routeUrl(base, ['alerts'], query),
          headers: {},
        });
        if (reply.status !== 200) throw failure(reply);
        const page = parseReply(alertPage, reply, 'GET /alerts');
        alerts.push(...page.alerts);
        cursor = page.cursor;
        // A server handing back a cursor it gave before would keep us here for ever.
        if (cursor !== undefined && seen.has(cursor))
          throw new ApiError(reply.status, 'GET /alerts repeated a cursor');
        if (cursor !== undefined) seen.add(cursor);
      } while (cursor !== undefined);
      return alerts;
    },

    async acknowledge(alertId, name) {
      const reply = await client.send({
        method: 'POST',
        url: routeUrl(base, ['alerts', alertId, 'ack']),
        headers: jsonHeaders,
        body: encode(name === undefined ? {} : { byName: name }),
      });
      if (reply.status === 200) return parseReply(ackReply, reply, 'acknowledge');
      if (reply.status === 404) return { outcome: 'notFound' };
      if (reply.status === 409)
        return { outcome: 'closed', alert: parseReply(closedReply, reply, 'acknowledge').alert };
      throw failure(reply);
    },

    async setCohort(facility, mrn, change) {
      const reply = await client.send({
        method: 'POST',
        url: routeUrl(base, ['patients', facility, mrn, 'cohort']),
        headers: jsonHeaders,
        body: encode(change),
      });
      if (reply.status !== 200) throw failure(reply);
      return parseReply(enrolmentReply, reply, 'cohort');
    },

    async timeliness(period) {
      const reply = await client.send({
        method: 'GET',
        url: reportUrl(base, 'timeliness', period),
        headers: {},
      });
      if (reply.status !== 200) throw failure(reply);
      return parseReply(timelinessReply, reply, 'GET /reports/timeliness');
    },

    timelinessCsv: (period) => reportCsv(base, client, 'timeliness', period),

    async shadow(period) {
      const reply = await client.send({ method: 'GET', url: reportUrl(base, 'shadow', period), headers: {} });
      if (reply.status !== 200) throw failure(reply);
      return parseReply(shadowReply, reply, 'GET /reports/shadow');
    },

    shadowCsv: (period) => reportCsv(base, client, 'shadow', period),
  };
}

async function reportCsv(base: URL, client: HttpClient, report: ReportName, period: ReportPeriod) {
  const reply = await client.send({
    method: 'GET',
    url: reportUrl(base, report, period, { format: 'csv' }),
    headers: { accept: 'text/csv' },
  });
  if (reply.status !== 200) throw failure(reply);
  if (!reply.contentType.startsWith('text/csv')) {
    throw new ApiError(
      reply.status,
      `unexpected GET /reports/${report} response (${reply.contentType}), not CSV`,
    );
  }
  return reply.text;
}
