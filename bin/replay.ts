/** `npm run replay -- --from YYYY-MM-DD`: see bin/cli/commands/replay.ts or `--help`. */
import { replayCommand } from './cli/commands/replay.js';
import { runMain } from './cli/io.js';

runMain((args, io) => replayCommand(args, io));
