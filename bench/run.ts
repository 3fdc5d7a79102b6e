/**
 * `npm run bench [name...] [-- options]`: runs each benchmark module in turn
 * (all of them when no name is given). Arguments starting with `--` go to the
 * benchmarks that take options (`npm run bench -- load --rate 100`). To add
 * one, export an async `run` function from its module and list it here.
 */

import { run as runBacktestBench } from './backtest.js';
import { run as runConsoleBench } from './console.js';
import { runHl7Bench } from './hl7.js';
import { run as runItemSizes } from './item-sizes.js';
import { run as runJvmBench } from './jvm.js';
import { run as runLatencyBench } from './latency.js';
import { run as runLoadBench } from './load.js';
import { run as runMllpBench } from './mllp.js';
import { run as runRulesBench } from './rules.js';

interface Bench {
  name: string;
  run: (options: string[]) => Promise<void>;
  /** Left out of a run without names (it takes long or needs a quiet machine). */
  onlyByName?: boolean;
}

const benches: Bench[] = [
  { name: 'hl7', run: runHl7Bench },
  { name: 'rules', run: runRulesBench },
  { name: 'latency', run: runLatencyBench },
  { name: 'load', run: runLoadBench, onlyByName: true },
  { name: 'mllp', run: runMllpBench },
  { name: 'sizes', run: runItemSizes, onlyByName: true },
  { name: 'jvm', run: runJvmBench, onlyByName: true },
  { name: 'console', run: runConsoleBench, onlyByName: true },
  { name: 'backtest', run: runBacktestBench },
];

const args = process.argv.slice(2);
const firstOption = args.findIndex((arg) => arg.startsWith('-'));
const only = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);
const unknown = only.filter((name) => !benches.some((bench) => bench.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown bench: ${unknown.join(', ')} (known: ${benches.map((bench) => bench.name).join(', ')})`,
  );
  process.exit(1);
}
for (const bench of benches) {
  if (only.length > 0 ? !only.includes(bench.name) : bench.onlyByName === true) continue;
  await bench.run(options);
}
