/**
 * The admin API (IAM-authenticated): GET /alerts, POST /alerts/{id}/ack,
 * POST /patients/{facility}/{mrn}/cohort, GET /reports/timeliness. Bodies and
 * query strings are validated with zod and a bad one is answered 400 naming
 * the field. Who acted is the caller's IAM identity unless the body names the
 * clinician (`by`).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import * as store from '../adapters/store.js';
import { describeIssues } from '../config/rules-config.js';
import { acknowledge, changeCohortMembership, namespaceOf } from '../workflows/admin.js';
import { criticalResultTimeliness, ReportPeriodError } from '../workflows/report.js';
import { adminPorts } from './ports.js';
import { clock, hospitalRulesConfig, logger } from './runtime.js';

const config = hospitalRulesConfig();
const reportPorts = { listCriticalAlerts: store.listCriticalAlerts };

const ackBody = z.object({ by: z.string().min(1).max(200).optional() }).strict();
const cohortBody = z
  .object({
    action: z.enum(['enrol', 'remove']),
    by: z.string().min(1).max(200).optional(),
    reason: z.string().max(500).optional(),
  })
  .strict();
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

/** The caller as IAM authenticated them; locally there is none. */
function caller(event: APIGatewayProxyEvent): string {
  return (
    event.requestContext?.identity?.userArn ?? event.requestContext?.identity?.caller ?? 'unknown caller'
  );
}

async function route(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { resource, httpMethod } = event;
  if (httpMethod === 'GET' && resource === '/alerts') {
    const query = parse(listQuery, event.queryStringParameters ?? {});
    return json(200, await store.listActiveAlerts(query));
  }
  if (httpMethod === 'POST' && resource === '/alerts/{id}/ack') {
    const alertId = event.pathParameters?.id ?? '';
    const { by } = parse(ackBody, bodyOf(event));
    const result = await acknowledge(alertId, by ?? caller(event), adminPorts, config, clock);
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
        by: body.by ?? caller(event),
        at: clock().toISOString(),
        ...(body.reason === undefined ? {} : { reason: body.reason }),
      },
      adminPorts,
    );
    logger.info('cohort', { recordId: enrolment.recordId, action: body.action });
    return json(200, enrolment);
  }
  if (httpMethod === 'GET' && resource === '/reports/timeliness') {
    return timelinessRoute(event);
  }
  return json(404, { error: `no route ${httpMethod} ${resource}` });
}

/** Critical alerts opened at or after `from` and before `to`: JSON (summary and rows) or the CSV. */
async function timelinessRoute(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { from, to, format } = parse(reportQuery, event.queryStringParameters ?? {});
  const report = await criticalResultTimeliness({ from, to }, reportPorts, config);
  logger.info('timeliness report', { from, to, format, count: report.summary.count });
  if (format === 'csv') {
    const day = (date: Date) => date.toISOString().slice(0, 10);
    return {
      statusCode: 200,
      headers: {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="timeliness-${day(from)}-${day(to)}.csv"`,
      },
      body: report.csv,
    };
  }
  return json(200, {
    from: from.toISOString(),
    to: to.toISOString(),
    summary: report.summary,
    rows: report.rows,
  });
}

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  try {
    return await route(event);
  } catch (error: unknown) {
    if (error instanceof BadRequestError) return json(400, { error: 'bad request', issues: error.issues });
    if (error instanceof ReportPeriodError)
      return json(400, { error: 'bad request', issues: [`${error.parameter}: ${error.message}`] });
    if (error instanceof store.InvalidCursorError)
      return json(400, { error: 'bad request', issues: ['cursor: invalid'] });
    logger.error('admin request failed', { error: error instanceof Error ? error.name : 'unknown' });
    return json(500, { error: 'internal error; retry later' });
  }
};
