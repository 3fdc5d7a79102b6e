/** `npm run send -- <file|folder>...`: see bin/cli/commands/send.ts or `--help`. */
import { sendCommand } from './cli/commands/send.js';
import { runMain } from './cli/io.js';

runMain(sendCommand);
