/**
 * The admin API (IAM-authenticated): GET /alerts, POST /alerts/{id}/ack,
 * POST /patients/{facility}/{mrn}/cohort, GET /reports/timeliness, GET /reports/shadow. Bodies and
 * query strings are validated with zod and a bad one is answered 400 naming
 * the field. Who acted is the caller's IAM identity, always; a name the
 * caller gives (`byName`) is recorded beside it, and a `by` in the body is
 * refused rather than trusted.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import * as store from '../adapters/store.js';
import { describeIssues } from '../config/rules-config.js';
import {
  acknowledge,
  changeCohortMembership,
  namespaceOf,
  RemovalReasonMissingError,
} from '../workflows/admin.js';
import { criticalResultTimeliness, ReportPeriodError, shadowAlertsReport } from '../workflows/report.js';
import { adminPorts } from './ports.js';
import { clock, hospitalRulesConfig, logger } from './runtime.js';

const config = hospitalRulesConfig();
const reportPorts = {
  listCriticalAlerts: store.listCriticalAlerts,
  listShadowAlerts: store.listShadowAlerts,
};

/** Who acts is never the body's to say: a `by` there is refused, naming the field to use. */
const refusedBy = z
  .never({ error: "not accepted: who acts is the caller's IAM identity; give a name in byName" })
  .optional();
const byName = z.string().trim().min(1).max(200).optional();
const ackBody = z.object({ by: refusedBy, byName }).strict();
const cohortBody = z
  .object({
    action: z.enum(['enrol', 'remove']),
    by: refusedBy,
    byName,
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .strict()
  .refine((body) => body.action !== 'remove' || body.reason !== undefined, {
    path: ['reason'],
    error: 'required to remove a patient from the cohort',
  });
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  cursor: z.string().min(1).optional(),
});

/** `2026-11-01` (midnight UTC) or a date-time with `Z` or an offset: nothing a reader could take two ways. */
const isoInstant = z
  .string({ error: 'required: an ISO 8601 date or date-time' })
  .refine(
    (text) =>
      z.iso.date().safeParse(text).success || z.iso.datetime({ offset: true }).safeParse(text).success,
    'not an ISO 8601 date or date-time (2026-11-01, 2026-11-01T00:00:00Z)',
  )
  .transform((text) => new Date(text));
const reportQuery = z.object({
  from: isoInstant,
  to: isoInstant,
  format: z.enum(['json', 'csv']).default('json'),
});

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

class BadRequestError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join('; '));
    this.name = 'BadRequestError';
  }
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new BadRequestError(describeIssues(result.error));
  return result.data;
}

function bodyOf(event: APIGatewayProxyEvent): unknown {
  if (event.body === null || event.body === '') return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError(['body: not JSON']);
  }
}

/** The route is IAM-authenticated, so API Gateway always names the caller; without one, nothing is done. */
class NoCallerIdentityError extends Error {
  constructor() {
    super('no caller identity');
    this.name = 'NoCallerIdentityError';
  }
}

/** The caller as IAM authenticated them (the local stack's API stand-in supplies its own). */
function caller(event: APIGatewayProxyEvent): string {
  const identity = event.requestContext?.identity;
  const who = identity?.userArn ?? identity?.caller;
  if (who === undefined || who === null || who === '') throw new NoCallerIdentityError();
  return who;
}

async function route(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { resource, httpMethod } = event;
  if (httpMethod === 'GET' && resource === '/alerts') {
    const query = parse(listQuery, event.queryStringParameters ?? {});
    return json(200, await store.listActiveAlerts(query));
  }
  if (httpMethod === 'POST' && resource === '/alerts/{id}/ack') {
    const alertId = event.pathParameters?.id ?? '';
    const body = parse(ackBody, bodyOf(event));
    const by = { identity: caller(event), ...(body.byName === undefined ? {} : { name: body.byName }) };
    const result = await acknowledge(alertId, by, adminPorts, config, clock);
    logger.info('acknowledge', { alertId, outcome: result.outcome });
    if (result.outcome === 'notFound') return json(404, { error: `no alert ${alertId}` });
    if (result.outcome === 'closed')
      return json(409, { error: `alert ${alertId} is ${result.alert.state}`, alert: result.alert });
    return json(200, result);
  }
  if (httpMethod === 'POST' && resource === '/patients/{facility}/{mrn}/cohort') {
    const facility = event.pathParameters?.facility ?? '';
    const mrn = event.pathParameters?.mrn ?? '';
    if (facility === '' || mrn === '') throw new BadRequestError(['path: facility and mrn are required']);
    const body = parse(cohortBody, bodyOf(event));
    const enrolment = await changeCohortMembership(
      namespaceOf(facility, config),
      mrn,
      {
        action: body.action,
        by: caller(event),
        ...(body.byName === undefined ? {} : { byName: body.byName }),
        at: clock().toISOString(),
        ...(body.reason === undefined ? {} : { reason: body.reason }),
      },
      adminPorts,
    );
    const resolvesAlerts = enrolment.enrolment.resolvesAlerts ?? [];
    logger.info('cohort', {
      recordId: enrolment.recordId,
      action: body.action,
      resolvesAlerts: resolvesAlerts.map((alert) => alert.alertId),
    });
    return json(200, { ...enrolment, resolvesAlerts });
  }
  if (httpMethod === 'GET' && resource === '/reports/timeliness') {
    return timelinessRoute(event);
  }
  if (httpMethod === 'GET' && resource === '/reports/shadow') {
    return shadowRoute(event);
  }
  return json(404, { error: `no route ${httpMethod} ${resource}` });
}

/** Critical alerts opened at or after `from` and before `to`: JSON (summary and rows) or the CSV. */
async function timelinessRoute(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { from, to, format } = parse(reportQuery, event.queryStringParameters ?? {});
  const report = await criticalResultTimeliness({ from, to }, reportPorts, config);
  logger.info('timeliness report', { from, to, format, count: report.summary.count });
  if (format === 'csv') return csvReply(`timeliness-${day(from)}-${day(to)}.csv`, report.csv);
  return json(200, {
    from: from.toISOString(),
    to: to.toISOString(),
    summary: report.summary,
    rows: report.rows,
  });
}

/** What rules in shadow mode would have raised in the period (none of it paged): JSON or the CSV. */
async function shadowRoute(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { from, to, format } = parse(reportQuery, event.queryStringParameters ?? {});
  const report = await shadowAlertsReport({ from, to }, reportPorts);
  logger.info('shadow report', { from, to, format, count: report.summary.count });
  if (format === 'csv') return csvReply(`shadow-${day(from)}-${day(to)}.csv`, report.csv);
  return json(200, {
    from: from.toISOString(),
    to: to.toISOString(),
    summary: report.summary,
    rows: report.rows,
  });
}

const day = (date: Date) => date.toISOString().slice(0, 10);

function csvReply(fileName: string, csv: string): APIGatewayProxyResult {
  return {
    statusCode: 200,
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName}"`,
    },
    body: csv,
  };
}

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  try {
    return await route(event);
  } catch (error: unknown) {
    if (error instanceof BadRequestError) return json(400, { error: 'bad request', issues: error.issues });
    if (error instanceof RemovalReasonMissingError)
      return json(400, { error: 'bad request', issues: [`reason: ${error.message}`] });
    if (error instanceof NoCallerIdentityError) return json(403, { error: 'no caller identity' });
    if (error instanceof ReportPeriodError)
      return json(400, { error: 'bad request', issues: [`${error.parameter}: ${error.message}`] });
    if (error instanceof store.InvalidCursorError)
      return json(400, { error: 'bad request', issues: ['cursor: invalid'] });
    logger.error('admin request failed', { error: error instanceof Error ? error.name : 'unknown' });
    return json(500, { error: 'internal error; retry later' });
  }
};
