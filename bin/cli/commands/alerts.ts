/** `npm run alerts -- list | ack <alertId> [--name <name>]`: the active alerts and their acknowledgement. */
import { type AlertRow, adminApi } from '../admin-api.js';
import { connectionHelp, connectionOptions, integerOption, parseCommandLine } from '../args.js';
import { httpClientFor } from '../connection.js';
import { adminApiBase } from '../endpoints.js';
import { UsageError } from '../errors.js';
import type { CommandIo } from '../io.js';
import { formatTable } from '../table.js';

export const alertsHelp = [
  'Usage: npm run alerts -- list [--page-size N] [--url URL] [--sigv4] [--region R]',
  '       npm run alerts -- ack <alertId> [--name <name>] [--url URL] [--sigv4] [--region R]',
  '',
  'list  the open and acknowledged alerts, oldest first: alert id, rule, severity, state,',
  '      facility, MRN, location and when it opened (patients by MRN only, never by name)',
  'ack   acknowledge one alert: stops its escalation and repeats; the acknowledgement is sent to',
  "      the alert's topic and kept in the audit trail. Who acknowledged is the identity the request",
  '      is signed with (--sigv4); a name given with --name is recorded beside it, never instead.',
  '',
  '  --name NAME      your name as the clinician who takes it (optional; kept beside your identity)',
  '  --page-size N    alerts per request while listing (default 100)',
  '  --url URL        the admin API (default http://127.0.0.1:$INGEST_PORT, port 4080;',
  '                   deployed: https://<api-id>.execute-api.<region>.amazonaws.com/v1)',
  ...connectionHelp,
];

const columns = ['ALERT ID', 'RULE', 'SEVERITY', 'STATE', 'FACILITY', 'MRN', 'LOCATION', 'OPENED AT'];

function rowOf(alert: AlertRow): string[] {
  const { patient } = alert;
  return [
    alert.alertId,
    alert.ruleId,
    alert.severity,
    alert.state,
    patient.facility,
    patient.mrn,
    patient.location ?? '',
    alert.openedAt,
  ];
}

/** The name given beside the identity it was given by. */
function acknowledgerOf(alert: AlertRow): string {
  const identity = alert.acknowledgedBy ?? '?';
  return alert.acknowledgedByName === undefined ? identity : `${alert.acknowledgedByName} (${identity})`;
}

export async function alertsCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: { ...connectionOptions, name: { type: 'string' }, 'page-size': { type: 'string' } },
  });
  if (values.help) {
    for (const line of alertsHelp) io.out(line);
    return 0;
  }
  const [action, ...rest] = positionals;
  if (action !== 'list' && action !== 'ack') throw new UsageError('say list or ack');
  const base = adminApiBase(values.url, io.env);

  if (action === 'list') {
    if (rest.length > 0) throw new UsageError(`list takes no arguments, got "${rest.join(' ')}"`);
    const pageSize = integerOption('page-size', values['page-size'], 100, 1, 1000);
    const api = adminApi(base, await httpClientFor(base, values, io.env));
    const alerts = await api.listAlerts(pageSize);
    if (alerts.length === 0) {
      io.out('No open or acknowledged alerts.');
      return 0;
    }
    for (const line of formatTable(columns, alerts.map(rowOf))) io.out(line);
    const open = alerts.filter((alert) => alert.state === 'open').length;
    io.out(`${alerts.length} alert(s): ${open} open, ${alerts.length - open} acknowledged`);
    return 0;
  }

  const [alertId, ...extra] = rest;
  if (alertId === undefined || alertId.trim() === '') throw new UsageError('ack needs the alert id');
  if (extra.length > 0) throw new UsageError(`ack takes one alert id, got "${rest.join(' ')}"`);
  const api = adminApi(base, await httpClientFor(base, values, io.env));
  const result = await api.acknowledge(alertId, values.name);
  switch (result.outcome) {
    case 'acknowledged':
    case 'alreadyAcknowledged': {
      const { alert } = result;
      const verb = result.outcome === 'acknowledged' ? 'acknowledged' : 'was already acknowledged';
      io.out(
        `${alert.alertId} (${alert.ruleId}, ${alert.severity}, ${alert.patient.facility} ${alert.patient.mrn}) ` +
          `${verb} by ${acknowledgerOf(alert)} at ${alert.acknowledgedAt ?? '?'}`,
      );
      return 0;
    }
    case 'closed':
      io.err(`${alertId} is ${result.alert.state}: nothing to acknowledge`);
      return 1;
    case 'notFound':
      io.err(`no alert ${alertId} (see npm run alerts -- list)`);
      return 1;
  }
}
