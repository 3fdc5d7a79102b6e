/** `npm run backfill -- [--hospital ID]`: see bin/cli/commands/backfill.ts or `--help`. */
import { backfillCommand } from './cli/commands/backfill.js';
import { runMain } from './cli/io.js';

runMain(backfillCommand);
