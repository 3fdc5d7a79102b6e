/** `npm run cohort -- enrol|remove <facility> <mrn> [--reason TEXT]`: who the calciphylaxis rules watch. */
import { adminApi } from '../admin-api.js';
import { connectionHelp, connectionOptions, parseCommandLine, requiredOption } from '../args.js';
import { httpClientFor } from '../connection.js';
import { adminApiBase } from '../endpoints.js';
import { UsageError } from '../errors.js';
import type { CommandIo } from '../io.js';

export const cohortHelp = [
  'Usage: npm run cohort -- enrol|remove <facility> <mrn> [--reason TEXT] [--name NAME] [--url URL] [--sigv4] [--region R]',
  '',
  'enrol   put the patient in the calciphylaxis cohort: every rule is evaluated at once on what is stored',
  'remove  take the patient out (a reason is required): their results and orders are still stored but',
  '        raise no alert; their open alerts are resolved, naming the removal and its reason, and listed',
  'The patient is named by the facility (or assigning authority) and the MRN. Who made the change is',
  'the identity the request is signed with (--sigv4); a name given with --name is recorded beside it.',
  '',
  '  --reason TEXT    why (kept with the change; required for remove)',
  '  --name NAME      your name (optional; kept beside your identity, never instead of it)',
  '  --url URL        the admin API (default http://127.0.0.1:$INGEST_PORT, port 4080;',
  '                   deployed: https://<api-id>.execute-api.<region>.amazonaws.com/v1)',
  ...connectionHelp,
];

export async function cohortCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: { ...connectionOptions, name: { type: 'string' }, reason: { type: 'string' } },
  });
  if (values.help) {
    for (const line of cohortHelp) io.out(line);
    return 0;
  }
  const [action, facility, mrn, ...extra] = positionals;
  if (action !== 'enrol' && action !== 'remove') throw new UsageError('say enrol or remove');
  if (facility === undefined || mrn === undefined || facility.trim() === '' || mrn.trim() === '') {
    throw new UsageError(`${action} needs the facility and the MRN`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected arguments: "${extra.join(' ')}"`);
  if (action === 'remove') requiredOption('reason', values.reason);
  const base = adminApiBase(values.url, io.env);
  const api = adminApi(base, await httpClientFor(base, values, io.env));
  const { recordId, enrolment, resolvesAlerts } = await api.setCohort(facility, mrn, {
    action,
    ...(values.name === undefined ? {} : { byName: values.name }),
    ...(values.reason === undefined ? {} : { reason: values.reason }),
  });
  const what = enrolment.action === 'enrol' ? 'enrolled in' : 'removed from';
  const who = enrolment.byName === undefined ? enrolment.by : `${enrolment.byName} (${enrolment.by})`;
  io.out(`${facility} ${mrn} ${what} the cohort by ${who} at ${enrolment.at} (record ${recordId})`);
  for (const alert of resolvesAlerts) {
    io.out(`  resolves ${alert.alertId} (${alert.ruleId}, ${alert.severity})`);
  }
  return 0;
}
