/** `npm run alerts -- list | ack <alertId> [--name <name>]`: see bin/cli/commands/alerts.ts or `--help`. */
import { alertsCommand } from './cli/commands/alerts.js';
import { runMain } from './cli/io.js';

runMain(alertsCommand);
