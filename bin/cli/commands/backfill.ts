/**
 * `npm run backfill -- [--hospital ID]`: the one migration a table written before the durable
 * clinical state needs. Rebuilds each patient's cohort membership and medication orders from their
 * whole stored record and stores them where they differ, and lists members and their active alerts
 * in the console's cohort list (the `cohortView` index). Idempotent: run it again and it changes
 * nothing; safe while messages keep arriving.
 */

import {
  listAllPatients,
  readClinicalState,
  readWholeRecord,
  replaceClinicalState,
} from '../../../lambdas/adapters/clinical-state-store.js';
import { indexCohortView } from '../../../lambdas/adapters/console-store.js';
import { backfillClinicalState } from '../../../lambdas/workflows/backfill.js';
import { loadHospitalConfig, rulesConfigFor } from '../../../lib/config/hospital-config.js';
import { parseCommandLine } from '../args.js';
import { CliError } from '../errors.js';
import type { CommandIo } from '../io.js';

export const backfillHelp = [
  'Usage: npm run backfill -- [--hospital ID]',
  '',
  "Stores each patient's durable clinical state (cohort membership, medication orders), rebuilt from",
  'everything stored for them, where it is missing or differs. Run it once after upgrading a stack',
  'whose table holds data from before that state was kept. Running it again changes nothing.',
  '',
  'The table is reached with the AWS SDK: TABLE_NAME names it; region and credentials come from',
  'the environment. For the local stack (`npm start`):',
  '  AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 TABLE_NAME=calciphylaxis-alerting \\',
  '  AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local npm run backfill',
  '',
  '  --hospital ID    the hospital config (config/hospitals/ID.json) whose cohort codes apply (default example)',
  '  -h, --help       this text',
];

export async function backfillCommand(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      hospital: { type: 'string', default: 'example' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    for (const line of backfillHelp) io.out(line);
    return 0;
  }
  if (io.env.TABLE_NAME === undefined || io.env.TABLE_NAME.trim() === '') {
    throw new CliError('TABLE_NAME is not set: name the table to migrate (see --help)');
  }
  const config = rulesConfigFor(loadHospitalConfig(values.hospital));
  const summary = await backfillClinicalState(
    { listAllPatients, readWholeRecord, readClinicalState, replaceClinicalState, indexCohortView },
    config,
    () => new Date(),
  );
  io.out(
    `backfill: ${summary.patients} patients, ${summary.written} written, ${summary.unchanged} unchanged` +
      (summary.contended > 0 ? `, ${summary.contended} changing too fast (run again)` : ''),
  );
  return summary.contended > 0 ? 1 : 0;
}
