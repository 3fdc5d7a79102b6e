/**
 * `npm run bench [name...]`: runs each benchmark module in turn (all of them
 * when no name is given). To add one, export an async `run` function from its
 * module and list it here.
 */
import { runHl7Bench } from './hl7.js';
import { run as runLatencyBench } from './latency.js';
import { run as runRulesBench } from './rules.js';

const benches: Array<{ name: string; run: () => Promise<void> }> = [
  { name: 'hl7', run: runHl7Bench },
  { name: 'rules', run: runRulesBench },
  { name: 'latency', run: runLatencyBench },
];

const only = process.argv.slice(2);
const unknown = only.filter((name) => !benches.some((bench) => bench.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown bench: ${unknown.join(', ')} (known: ${benches.map((bench) => bench.name).join(', ')})`,
  );
  process.exit(1);
}
for (const bench of benches) {
  if (only.length > 0 && !only.includes(bench.name)) continue;
  await bench.run();
}
