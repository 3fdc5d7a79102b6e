/**
 * The console: how long the timeline of a patient with a year of history
 * (about 250 results and 20 order events, tests/support/year-of-history.ts)
 * takes to draw in Chromium, and how big the console's JavaScript is
 * compressed. Goals: the timeline drawn within 300 ms of its data arriving;
 * under 150 kB of gzip-compressed JavaScript.
 *
 *   npm run bench -- console          (CONSOLE_RUNS=10 page loads by default)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startLocalServices } from '../bin/local/services.js';
import { startLocalStack } from '../bin/local/stack.js';
import { buildConsole } from '../console/build.js';
import { yearOfHistory } from '../tests/support/year-of-history.js';

const renderGoalMs = 300;
const scriptGoalBytes = 150 * 1024;

function bundleSizes(): { file: string; raw: number; gzip: number; brotli: number }[] {
  const folder = mkdtempSync(join(tmpdir(), 'console-bench-'));
  try {
    buildConsole(folder);
    return readdirSync(folder)
      .filter((file) => file.endsWith('.js') || file.endsWith('.css'))
      .map((file) => {
        const bytes = readFileSync(join(folder, file));
        return {
          file: file.endsWith('.js') ? 'console.js' : 'console.css',
          raw: bytes.length,
          gzip: gzipSync(bytes, { level: 9 }).length,
          brotli: brotliCompressSync(bytes).length,
        };
      });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

function summary(values: readonly number[]): string {
  const sorted = [...values].sort((left, right) => left - right);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  return `median ${at(50).toFixed(0)} ms, p90 ${at(90).toFixed(0)} ms, max ${at(100).toFixed(0)} ms`;
}

export async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const runs = Number(process.env.CONSOLE_RUNS ?? 10);
  console.log('console: bundle');
  for (const size of bundleSizes()) {
    const goal =
      size.file === 'console.js'
        ? ` (goal < ${kB(scriptGoalBytes)} gz: ${size.gzip < scriptGoalBytes ? 'met' : 'NOT MET'})`
        : '';
    console.log(
      `  ${size.file.padEnd(12)} ${kB(size.raw)} raw, ${kB(size.gzip)} gzip, ${kB(size.brotli)} brotli${goal}`,
    );
  }

  const services = await startLocalServices({ dynamoDbPort: 0, awsEmulatorPort: 0 });
  const stack = await startLocalStack({
    environment: services.environment,
    ingestPort: 0,
    sweepIntervalMs: 0,
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const mrn = `BENCHYEAR${Date.now().toString(36).toUpperCase()}`;
    const year = yearOfHistory({ mrn, namespace: 'BENCH', facility: 'BENCH DIALYSIS' });
    for (const message of year.messages) {
      const response = await fetch(stack.ingestUrl, {
        method: 'POST',
        headers: { 'content-type': 'x-application/hl7-v2+er7' },
        body: message,
      });
      if (response.status !== 200) throw new Error(`POST /hl7 answered ${response.status}`);
    }
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { patients } = (await (await fetch(`${stack.apiUrl}/cohort`)).json()) as {
        patients: { patient: { mrn: string }; latest: { calcium?: { at: string } } }[];
      };
      if (patients.find((row) => row.patient.mrn === mrn)?.latest.calcium?.at === year.lastCalciumAt) break;
      if (Date.now() > deadline) throw new Error('the year of history was not evaluated within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(
      `console: timeline of ${year.results} results and ${year.orderEvents} order events, ${runs} page loads (1440×900)`,
    );
    const render: number[] = [];
    const total: number[] = [];
    for (let index = 0; index <= runs; index++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(`${stack.apiUrl}/console/#/patients/BENCH/${mrn}`);
      await page.waitForFunction(() => performance.getEntriesByName('timeline:drawn').length > 0, undefined, {
        timeout: 30_000,
      });
      const marks = await page.evaluate(() =>
        Object.fromEntries(performance.getEntriesByType('mark').map((mark) => [mark.name, mark.startTime])),
      );
      await page.close();
      // The first load warms the browser's and the server's caches; it is not counted.
      if (index === 0) continue;
      render.push((marks['timeline:drawn'] ?? Number.NaN) - (marks['timeline:data'] ?? Number.NaN));
      total.push((marks['timeline:drawn'] ?? Number.NaN) - (marks['timeline:requested'] ?? Number.NaN));
    }
    const worst = Math.max(...render);
    console.log(
      `  drawn after the data arrived: ${summary(render)} (goal < ${renderGoalMs} ms: ${worst < renderGoalMs ? 'met' : 'NOT MET'})`,
    );
    console.log(`  drawn after the request (API read included): ${summary(total)}`);
  } finally {
    await browser.close();
    await stack.stop();
    await services.stop();
  }
}
