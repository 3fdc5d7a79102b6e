/** `npm run cohort -- enrol|remove <facility> <mrn> [--reason TEXT]`: see bin/cli/commands/cohort.ts or `--help`. */
import { cohortCommand } from './cli/commands/cohort.js';
import { runMain } from './cli/io.js';

runMain(cohortCommand);
