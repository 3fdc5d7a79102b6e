/** `npm run relay -- --listen PORT --target URL`: see bin/cli/commands/relay.ts or `--help`. */
import { relayCommand } from './cli/commands/relay.js';
import { runMain } from './cli/io.js';

runMain((args, io) => relayCommand(args, io));
