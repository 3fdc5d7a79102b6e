/** `npm run redrive [-- --dry-run]`: see bin/cli/commands/redrive.ts or `--help`. */
import { redriveCommand } from './cli/commands/redrive.js';
import { runMain } from './cli/io.js';

runMain((args, io) => redriveCommand(args, io));
