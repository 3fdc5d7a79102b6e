/** `npm run report -- --from 2026-11-01 --to 2026-11-30 [--csv out.csv]` (or `--shadow`): see bin/cli/commands/report.ts or `--help`. */
import { reportCommand } from './cli/commands/report.js';
import { runMain } from './cli/io.js';

runMain(reportCommand);
