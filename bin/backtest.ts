/** `npm run backtest -- --from YYYY-MM-DD --to YYYY-MM-DD --config A.json`: see bin/cli/commands/backtest.ts or `--help`. */
import { backtestCommand } from './cli/commands/backtest.js';
import { runMain } from './cli/io.js';

runMain((args, io) => backtestCommand(args, io));
