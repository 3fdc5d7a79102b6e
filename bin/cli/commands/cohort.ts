/** `npm run cohort -- enrol|remove <facility> <mrn> --by <name>`: who the calciphylaxis rules watch. */
import { adminApi } from '../admin-api.js';
import { connectionHelp, connectionOptions, parseCommandLine, requiredOption } from '../args.js';
import { httpClientFor } from '../connection.js';
import { adminApiBase } from '../endpoints.js';
import { UsageError } from '../errors.js';
import type { CommandIo } from '../io.js';

export const cohortHelp = [
  'Usage: npm run cohort -- enrol|remove <facility> <mrn> --by <name> [--reason TEXT] [--url URL] [--sigv4] [--region R]',
  '',
  'enrol   put the patient in the calciphylaxis cohort: every rule is evaluated at once on what is stored',
  'remove  take the patient out: their results and orders are still stored but raise no alert',
  'The patient is named by the facility (or assigning authority) and the MRN; who and why are recorded.',
  '',
  '  --by NAME        who makes the change (required)',
  '  --reason TEXT    why (kept with the change)',
  '  --url URL        the admin API (default http://127.0.0.1:$INGEST_PORT, port 4080;',
  '                   deployed: https://<api-id>.execute-api.<region>.amazonaws.com/v1)',
  ...connectionHelp,
];

export async function cohortCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: { ...connectionOptions, by: { type: 'string' }, reason: { type: 'string' } },
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
  const by = requiredOption('by', values.by);
  const base = adminApiBase(values.url, io.env);
  const api = adminApi(base, await httpClientFor(base, values, io.env));
  const { recordId, enrolment } = await api.setCohort(facility, mrn, {
    action,
    by,
    ...(values.reason === undefined ? {} : { reason: values.reason }),
  });
  const what = enrolment.action === 'enrol' ? 'enrolled in' : 'removed from';
  io.out(`${facility} ${mrn} ${what} the cohort by ${enrolment.by} at ${enrolment.at} (record ${recordId})`);
  return 0;
}
