/**
 * The admin API: GET /alerts, POST /alerts/{id}/ack,
 * POST /patients/{facility}/{mrn}/cohort, GET /reports/timeliness, GET /reports/shadow, and the
 * console's reads: GET /alerts/{id} (detail and audit trail), GET
 * /patients/{facility}/{mrn}/timeline, GET /cohort; reached through the
 * IAM-authenticated admin API (the tools) or the console API (Cognito users,
 * whose groups decide what they may do: caller.ts). Bodies and query strings
 * are validated (admin-requests.ts) and a bad one is answered 400 naming the
 * field. Who acted is the caller's authenticated identity, always; a name the
 * caller gives (`byName`) is recorded beside it, and a `by` in the body is
 * refused rather than trusted.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as store from '../adapters/store.js';
import {
  acknowledge,
  changeCohortMembership,
  namespaceOf,
  RemovalReasonMissingError,
} from '../workflows/admin.js';
import { alertDetail, cohortList, patientTimeline, TimelinePeriodError } from '../workflows/console.js';
import { criticalResultTimeliness, ReportPeriodError, shadowAlertsReport } from '../workflows/report.js';
import {
  ackBody,
  BadRequestError,
  cohortBody,
  listQuery,
  parseRequest,
  reportQuery,
  timelineQuery,
} from './admin-requests.js';
import {
  authorize,
  callerOf,
  doorOf,
  MissingGroupError,
  NoCallerIdentityError,
  permissionFor,
} from './caller.js';
import { withConsoleCors } from './console-cors.js';
import { adminPorts, consolePorts } from './ports.js';
import { clock, hospitalRulesConfig, logger } from './runtime.js';

const config = hospitalRulesConfig();
const reportPorts = {
  listCriticalAlerts: store.listCriticalAlerts,
  listShadowAlerts: store.listShadowAlerts,
};

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

function bodyOf(event: APIGatewayProxyEvent): unknown {
  if (event.body === null || event.body === '') return {};
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError(['body: not JSON']);
  }
}

async function route(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { resource, httpMethod } = event;
  const caller = callerOf(event);
  authorize(caller, permissionFor(httpMethod, resource));
  if (httpMethod === 'GET' && resource === '/alerts') {
    const query = parseRequest(listQuery, event.queryStringParameters ?? {});
    return json(200, await store.listActiveAlerts(query));
  }
  if (httpMethod === 'POST' && resource === '/alerts/{id}/ack') {
    const alertId = event.pathParameters?.id ?? '';
    const body = parseRequest(ackBody, bodyOf(event));
    const by = { identity: caller.identity, ...(body.byName === undefined ? {} : { name: body.byName }) };
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
    const body = parseRequest(cohortBody, bodyOf(event));
    const enrolment = await changeCohortMembership(
      namespaceOf(facility, config),
      mrn,
      {
        action: body.action,
        by: caller.identity,
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
  if (httpMethod === 'GET' && resource === '/alerts/{id}') {
    const alertId = event.pathParameters?.id ?? '';
    const detail = await alertDetail(alertId, consolePorts);
    return detail === undefined ? json(404, { error: `no alert ${alertId}` }) : json(200, detail);
  }
  if (httpMethod === 'GET' && resource === '/patients/{facility}/{mrn}/timeline') {
    const facility = event.pathParameters?.facility ?? '';
    const mrn = event.pathParameters?.mrn ?? '';
    if (facility === '' || mrn === '') throw new BadRequestError(['path: facility and mrn are required']);
    const query = parseRequest(timelineQuery, event.queryStringParameters ?? {});
    const now = clock();
    const to = query.to ?? now;
    const from = query.from ?? new Date(to.getTime() - 365 * 86_400_000);
    const timeline = await patientTimeline(
      { namespace: namespaceOf(facility, config), mrn },
      { from, to },
      consolePorts,
      now,
    );
    return json(200, timeline);
  }
  if (httpMethod === 'GET' && resource === '/cohort') {
    return json(200, { patients: await cohortList(consolePorts) });
  }
  if (httpMethod === 'GET' && resource === '/reports/shadow') {
    return shadowRoute(event);
  }
  return json(404, { error: `no route ${httpMethod} ${resource}` });
}

/** Critical alerts opened at or after `from` and before `to`: JSON (summary and rows) or the CSV. */
async function timelinessRoute(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { from, to, format } = parseRequest(reportQuery, event.queryStringParameters ?? {});
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
  const { from, to, format } = parseRequest(reportQuery, event.queryStringParameters ?? {});
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

export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  withConsoleCors(await answer(event), doorOf(event));

async function answer(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  try {
    return await route(event);
  } catch (error: unknown) {
    if (error instanceof BadRequestError) return json(400, { error: 'bad request', issues: error.issues });
    if (error instanceof RemovalReasonMissingError)
      return json(400, { error: 'bad request', issues: [`reason: ${error.message}`] });
    if (error instanceof NoCallerIdentityError) return json(403, { error: 'no caller identity' });
    if (error instanceof MissingGroupError)
      return json(403, { error: error.message, neededGroup: error.neededGroup });
    if (error instanceof ReportPeriodError)
      return json(400, { error: 'bad request', issues: [`${error.parameter}: ${error.message}`] });
    if (error instanceof TimelinePeriodError)
      return json(400, { error: 'bad request', issues: [`${error.parameter}: ${error.message}`] });
    if (error instanceof store.InvalidCursorError)
      return json(400, { error: 'bad request', issues: ['cursor: invalid'] });
    logger.error('admin request failed', { error: error instanceof Error ? error.name : 'unknown' });
    return json(500, { error: 'internal error; retry later' });
  }
}
