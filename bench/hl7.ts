import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
/**
 * HL7 reader benchmark: parse ~1000 realistic ORU^R01 messages (6-11 OBX
 * each, default delimiters, CR) and read the key fields of every OBX, with
 * our reader and with node-hl7-client on the same corpus in the same run;
 * plus the size and load time of the reader's esbuild bundle.
 *
 * The corpus is generated here with a fixed seed, so every run reads the same
 * bytes and the expected OBX values are known exactly.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { Message } from 'node-hl7-client';
import { parseRulesConfig } from '../lambdas/config/rules-config.js';
import { readHl7 } from '../lambdas/hl7/index.js';
import { modelMessage } from '../lambdas/messages/index.js';
import { pipelineBundleTarget, pipelineEsbuildOptions, pipelineFunctionNames } from '../lib/bundling.js';
import { writeRulesConfigFile } from '../lib/config/rules-config-file.js';

// ------------------------------------------------------------------ corpus

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Lab {
  loinc: string;
  name: string;
  unit: string;
  lo: number;
  hi: number;
  min: number;
  max: number;
  dp: number;
}

const labs: Lab[] = [
  {
    loinc: '17861-6',
    name: 'Calcium [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
    lo: 8.4,
    hi: 10.2,
    min: 7.2,
    max: 11.4,
    dp: 1,
  },
  {
    loinc: '2777-1',
    name: 'Phosphate [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
    lo: 2.5,
    hi: 4.5,
    min: 2.0,
    max: 8.9,
    dp: 1,
  },
  {
    loinc: '2731-8',
    name: 'Parathyrin.intact [Mass/volume] in Serum or Plasma',
    unit: 'pg/mL',
    lo: 15,
    hi: 65,
    min: 40,
    max: 1400,
    dp: 0,
  },
  {
    loinc: '1988-5',
    name: 'C reactive protein [Mass/volume] in Serum or Plasma',
    unit: 'mg/L',
    lo: 0,
    hi: 5,
    min: 0.3,
    max: 48,
    dp: 1,
  },
  {
    loinc: '718-7',
    name: 'Hemoglobin [Mass/volume] in Blood',
    unit: 'g/dL',
    lo: 12,
    hi: 16,
    min: 7.8,
    max: 13.6,
    dp: 1,
  },
  {
    loinc: '1963-8',
    name: 'Bicarbonate [Moles/volume] in Serum or Plasma',
    unit: 'mmol/L',
    lo: 22,
    hi: 29,
    min: 16,
    max: 29,
    dp: 0,
  },
  {
    loinc: '2823-3',
    name: 'Potassium [Moles/volume] in Serum or Plasma',
    unit: 'mmol/L',
    lo: 3.5,
    hi: 5.1,
    min: 3.2,
    max: 6.8,
    dp: 1,
  },
  {
    loinc: '2160-0',
    name: 'Creatinine [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
    lo: 0.6,
    hi: 1.2,
    min: 4.5,
    max: 13,
    dp: 2,
  },
  {
    loinc: '3094-0',
    name: 'Urea nitrogen [Mass/volume] in Serum or Plasma',
    unit: 'mg/dL',
    lo: 7,
    hi: 20,
    min: 30,
    max: 95,
    dp: 0,
  },
  {
    loinc: '1751-7',
    name: 'Albumin [Mass/volume] in Serum or Plasma',
    unit: 'g/dL',
    lo: 3.5,
    hi: 5,
    min: 2.8,
    max: 4.6,
    dp: 1,
  },
  {
    loinc: '2276-4',
    name: 'Ferritin [Mass/volume] in Serum or Plasma',
    unit: 'ng/mL',
    lo: 30,
    hi: 400,
    min: 90,
    max: 1600,
    dp: 0,
  },
];

/** Synthetic patients only. */
const patients = [
  ['Okafor', 'Adaeze', 'N', 'F', '19580312'],
  ['Hernández', 'José', 'Luis', 'M', '19490704'],
  ['Smith', 'Robert', 'J', 'M', '19620915'],
  ["O'Brien", 'Margaret', '', 'F', '19411130'],
  ['Nguyen', 'Thi', 'Lan', 'F', '19700221'],
] as const;
const providers = ['1234567890^Nephro^Nina^^^Dr^MD', '9876543210^Renal^Raj^K^^Dr^MD'];
const zones = ['-0500', '-0600', '-0800', '+0100', '+0000', '-0330'];

/** What each OBX must read back as: code, value, units, range, first flag, status, observation time. */
type ObxFields = [string, string, string, string, string, string, string];

export interface BenchMessage {
  text: string;
  obx: ObxFields[];
}

export function generateOruCorpus(count: number, seed = 777): BenchMessage[] {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const two = (n: number): string => String(n).padStart(2, '0');
  const out: BenchMessage[] = [];
  let control = 500_000;
  for (let m = 0; m < count; m++) {
    const [family, given, middle, sex, dob] = pick(patients);
    const provider = pick(providers);
    const tz = pick(zones);
    const day = `2026${two(int(1, 11))}${two(int(1, 28))}`;
    const collected = `${day}${two(int(5, 12))}${two(int(0, 59))}${two(int(0, 59))}${tz}`;
    const resulted = `${day}${two(int(13, 20))}${two(int(0, 59))}${two(int(0, 59))}${tz}`;
    control += int(1, 17);
    const mrn = String(int(100000, 999999));
    const withOid = rnd() < 0.3;
    const authority = withOid ? 'NDC&2.16.840.1.113883.19.5&ISO' : 'NDC';
    const pid3 =
      rnd() < 0.3
        ? `${mrn}^^^${authority}^MR~D${int(10000, 99999)}^^^NDC_DIALYSIS^PI~E${int(1000000, 9999999)}^^^REGIONAL_MPI^PT`
        : `${mrn}^^^${authority}^MR`;
    const placer = `PLC${int(100000, 999999)}`;
    const filler = `FIL${int(100000, 999999)}`;
    const lines = [
      `MSH|^~\\&|LAB^2.16.840.1.113883.19.4.6^ISO|CENTRAL LAB|DIALYSIS_INGEST|NORTHSIDE DIALYSIS|${resulted}||ORU^R01^ORU_R01|LAB${control}|P|2.5.1|||AL|NE`,
      `PID|1||${pid3}||${family}^${given}^${middle}^^^^L||${dob}|${sex}|||1200 Kidney Way^Apt 4^Springfield^IL^62701^USA^H||^PRN^PH^^^217^5550147`,
      `PV1|1|O|HD^CHAIR${two(int(1, 24))}^^NDC||||${provider}`,
      `ORC|RE|${placer}|${filler}||CM||||${collected}|||${provider}`,
      `OBR|1|${placer}|${filler}|24362-6^Renal function panel - Serum or Plasma^LN|||${collected}|||||||||${provider}||||||${resulted}|||F`,
    ];
    const obx: ObxFields[] = [];
    const corrected = rnd() < 0.1;
    const k = int(6, 11);
    for (let i = 0; i < k; i++) {
      const lab = labs[i]!;
      const v = lab.min + rnd() * (lab.max - lab.min);
      const value = v.toFixed(lab.dp);
      const flag = v < lab.lo ? 'L' : v > lab.hi ? 'H' : rnd() < 0.5 ? 'N' : '';
      const status = corrected && i % 2 === 1 ? 'C' : 'F';
      const range = lab.loinc === '1988-5' ? '<5.0' : `${lab.lo.toFixed(lab.dp)}-${lab.hi.toFixed(lab.dp)}`;
      lines.push(
        `OBX|${i + 1}|NM|${lab.loinc}^${lab.name}^LN||${value}|${lab.unit}^${lab.unit}^UCUM|${range}|${flag}|||${status}|||${collected}|||||${resulted}||||CENTRAL LAB^L^^^^CLIA&2.16.840.1.113883.4.7&ISO^XX^^^05D0000000`,
      );
      obx.push([lab.loinc, value, lab.unit, range, flag, status, collected]);
    }
    if (rnd() < 0.2) lines.push('NTE|1|L|Repeat draw requested \\F\\ hemolysis \\S\\ minor \\T\\ ok');
    out.push({ text: `${lines.join('\r')}\r`, obx });
  }
  return out;
}

// ------------------------------------------------------------------ readers

type Reader = (text: string) => ObxFields[] | undefined;

const ours: Reader = (text) => {
  const read = readHl7(text).messages[0];
  if (read === undefined || !read.ok) return undefined;
  return read.message
    .segmentsNamed('OBX')
    .map((s) => [s.value(3, 1), s.value(5), s.value(6, 1), s.value(7), s.value(8), s.value(11), s.value(14)]);
};

const encoder = new TextEncoder();
const oursFromBytes = (bytes: Uint8Array): ObxFields[] | undefined => {
  const read = readHl7(bytes).messages[0];
  if (read === undefined || !read.ok) return undefined;
  return read.message
    .segmentsNamed('OBX')
    .map((s) => [s.value(3, 1), s.value(5), s.value(6, 1), s.value(7), s.value(8), s.value(11), s.value(14)]);
};

/** The speed ceiling, not a reader: split on CR, | and ^ with no escapes, no validation. */
const naiveSplit: Reader = (text) => {
  const out: ObxFields[] = [];
  for (const line of text.split('\r')) {
    if (!line.startsWith('OBX|')) continue;
    const f = line.split('|');
    const code = f[3] ?? '';
    const units = f[6] ?? '';
    const codeEnd = code.indexOf('^');
    const unitsEnd = units.indexOf('^');
    out.push([
      codeEnd === -1 ? code : code.slice(0, codeEnd),
      f[5] ?? '',
      unitsEnd === -1 ? units : units.slice(0, unitsEnd),
      f[7] ?? '',
      f[8] ?? '',
      f[11] ?? '',
      f[14] ?? '',
    ]);
  }
  return out;
};

/** node-hl7-client: field n is 1-based; repetitions and components below it are 0-based. */
const peer: Reader = (text) => {
  const message = new Message({ text });
  const list = message.get('OBX');
  const out: ObxFields[] = [];
  const at = (segment: ReturnType<typeof list.get>, field: number, component = 1): string =>
    segment
      .get(field)
      .get(0)
      .get(component - 1)
      .toString();
  for (let i = 0; i < list.length; i++) {
    const s = list.get(i);
    out.push([at(s, 3), at(s, 5), at(s, 6), at(s, 7), at(s, 8), at(s, 11), at(s, 14)]);
  }
  return out;
};

// ------------------------------------------------------------------ measuring

function sameFields(actual: ObxFields[] | undefined, expected: ObxFields[]): boolean {
  if (actual === undefined || actual.length !== expected.length) return false;
  return actual.every((fields, i) => fields.every((value, j) => value === expected[i]![j]));
}

interface Row {
  reader: string;
  messagesPerSecond: number;
  correct: number;
  total: number;
}

function attempt<T>(read: (input: T) => ObxFields[] | undefined, input: T): ObxFields[] | undefined {
  try {
    return read(input);
  } catch {
    return undefined; // a reader that throws counts as incorrect for that message
  }
}

/** A reader paired with its inputs (strings or bytes), ready to be checked and timed. */
interface Contender {
  name: string;
  /** Rounds to time (a slow reader needs fewer to be measured well). */
  rounds: number;
  size: number;
  correct(expected: ObxFields[][]): number;
  /** Reads every input once. */
  pass(): void;
}

function contender<T>(
  name: string,
  inputs: T[],
  read: (input: T) => ObxFields[] | undefined,
  rounds = 8,
): Contender {
  return {
    name,
    rounds,
    size: inputs.length,
    correct: (expected) => inputs.filter((input, i) => sameFields(attempt(read, input), expected[i]!)).length,
    pass: () => {
      for (const input of inputs) attempt(read, input);
    },
  };
}

/**
 * Counts each reader's correct messages once, then times the readers in
 * interleaved rounds and keeps each one's best round, so a burst of load from
 * other processes does not favour whichever ran first. Time is the process's
 * CPU time, not wall time: the machine is shared, and waiting for a core is
 * not the reader's cost.
 */
function measureAll(contenders: Contender[], expected: ObxFields[][], roundMillis = 300): Row[] {
  const rows: Row[] = contenders.map((c) => ({
    reader: c.name,
    messagesPerSecond: 0,
    correct: c.correct(expected),
    total: c.size,
  }));
  const rounds = Math.max(...contenders.map((c) => c.rounds));
  for (let round = 0; round < rounds; round++) {
    contenders.forEach((c, k) => {
      if (round >= c.rounds) return;
      let done = 0;
      const cpuStart = process.cpuUsage();
      const wallStart = performance.now();
      while (performance.now() - wallStart < roundMillis) {
        c.pass();
        done += c.size;
      }
      const cpu = process.cpuUsage(cpuStart);
      const row = rows[k]!;
      row.messagesPerSecond = Math.max(row.messagesPerSecond, done / ((cpu.user + cpu.system) / 1e6));
    });
  }
  return rows;
}

/**
 * Parse + normalise: the reader and the message model together, as ingest
 * runs them (domain records with canonical values, unit and value errors,
 * times in UTC). Correct: every OBX became an observation, and every watched
 * analyte got a canonical value or a typed unit/value error (never nothing).
 */
function normaliseFigures(texts: string[], expected: ObxFields[][], roundMillis = 300, rounds = 5): Row {
  const config = parseRulesConfig({ timeZone: 'America/Chicago' });
  const normalise = (text: string) => {
    const read = readHl7(text).messages[0];
    return read?.ok ? modelMessage(read.message, config) : undefined;
  };
  const correct = texts.filter((text, i) => {
    const modelled = normalise(text);
    if (!modelled?.ok) return false;
    const observations = modelled.modelled.records.filter((record) => record.kind === 'observation');
    return (
      observations.length === expected[i]!.length &&
      observations.every(
        (observation) =>
          observation.analyte === undefined ||
          observation.canonical !== undefined ||
          observation.unitError !== undefined ||
          observation.valueError !== undefined,
      )
    );
  }).length;
  let best = 0;
  for (let round = 0; round < rounds; round++) {
    let done = 0;
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    while (performance.now() - wallStart < roundMillis) {
      for (const text of texts) normalise(text);
      done += texts.length;
    }
    const cpu = process.cpuUsage(cpuStart);
    best = Math.max(best, done / ((cpu.user + cpu.system) / 1e6));
  }
  return {
    reader: 'ours + message model (parse + normalise to domain records)',
    messagesPerSecond: best,
    correct,
    total: texts.length,
  };
}

/** The AWS SDK's packages: what the Lambda runtime would provide if left out of the bundle. */
const sdkPackages = ['@aws-sdk/*', '@smithy/*', '@aws-crypto/*'];

interface BundleFigures {
  bytes: number;
  loadMillis: number;
}

/**
 * Bundles an entry (lib/bundling.ts: esbuild, ESM, minified, the runtime's
 * target) and times loading it: median of 7 loads, each in a new Node
 * process. Written under node_modules/.cache so that an SDK left external
 * resolves from the project's node_modules, as it would from the runtime's.
 */
async function bundleFigures(entry: string, external: string[]): Promise<BundleFigures> {
  const result = await build({ entryPoints: [entry], ...pipelineEsbuildOptions, external, write: false });
  const code = result.outputFiles[0]!.text;
  const cache = fileURLToPath(new URL('../node_modules/.cache/', import.meta.url));
  mkdirSync(cache, { recursive: true });
  const folder = mkdtempSync(join(cache, 'bench-bundle-'));
  const loads: number[] = [];
  try {
    const file = join(folder, 'bundle.mjs');
    writeFileSync(file, code);
    // As in the function bundle: the hospital's rules beside the code, read at load.
    writeRulesConfigFile(parseRulesConfig({ timeZone: 'America/Chicago' }), folder);
    const probe = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
    for (let i = 0; i < 7; i++) {
      // A plain Node process (as a Lambda cold start; not through this process's TypeScript loader hooks).
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      if (run.status !== 0) throw new Error(`loading ${entry} failed: ${run.stderr}`);
      loads.push(Number(run.stdout.trim()));
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  loads.sort((a, b) => a - b);
  return { bytes: Buffer.byteLength(code), loadMillis: loads[3]! };
}

/**
 * A function's bundle as the stack builds it (the SDK inside) beside the same
 * bundle with the SDK left to the runtime: the figures behind lib/bundling.ts's choice.
 */
async function bundleComparison(
  relativeEntry: string,
): Promise<{ asShipped: BundleFigures; sdkExternal: BundleFigures }> {
  const entry = fileURLToPath(new URL(relativeEntry, import.meta.url));
  return {
    asShipped: await bundleFigures(entry, pipelineEsbuildOptions.external ?? []),
    sdkExternal: await bundleFigures(entry, sdkPackages),
  };
}

export async function runHl7Bench(): Promise<void> {
  // Load times first, in a fresh process, before the throughput rounds fill the heap.
  // The ingest handler reads its settings at load, as in a cold start.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const bundles = [
    { bundle: 'HL7 reader (lambdas/hl7)', ...(await bundleComparison('../lambdas/hl7/index.ts')) },
  ];
  for (const name of pipelineFunctionNames) {
    bundles.push({
      bundle: `${name} Lambda (handler and what it imports)`,
      ...(await bundleComparison(`../lambdas/handlers/${name}.ts`)),
    });
  }
  console.table(
    bundles.map((b) => ({
      [`bundle (esbuild, minified, ${pipelineBundleTarget}, esm)`]: b.bundle,
      'size (kB)': (b.asShipped.bytes / 1000).toFixed(1),
      'load (ms)': b.asShipped.loadMillis.toFixed(2),
      'SDK external: size (kB)': (b.sdkExternal.bytes / 1000).toFixed(1),
      'SDK external: load (ms)': b.sdkExternal.loadMillis.toFixed(2),
    })),
  );
  const corpus = generateOruCorpus(1000);
  const texts = corpus.map((m) => m.text);
  const bytes = texts.map((t) => encoder.encode(t));
  const expected = corpus.map((m) => m.obx);
  const obxCount = expected.reduce((n, o) => n + o.length, 0);
  const kib = texts.reduce((n, t) => n + t.length, 0) / 1024;
  console.log(`\nHL7 reader: ${texts.length} ORU^R01 messages, ${obxCount} OBX, ${kib.toFixed(0)} KiB`);

  const rows = measureAll(
    [
      contender('ours (string input)', texts, ours),
      contender('ours (UTF-8 bytes input)', bytes, oursFromBytes),
      contender('node-hl7-client 3.2', texts, peer, 2),
      contender('naive split (ceiling reference)', texts, naiveSplit),
    ],
    expected,
  );
  rows.push(normaliseFigures(texts, expected));
  console.table(
    rows.map((r) => ({
      reader: r.reader,
      'messages/CPU-s': Math.round(r.messagesPerSecond),
      'OBX/CPU-s': Math.round((r.messagesPerSecond * obxCount) / texts.length),
      correct: `${r.correct}/${r.total}`,
    })),
  );
}
