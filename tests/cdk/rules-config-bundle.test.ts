/**
 * Large code maps (local lab and drug codes) reach the functions inside their
 * bundle, never through the environment, which Lambda limits to 4 KB in all.
 * One test bundles a function for real (esbuild, as `cdk synth` does) and
 * loads the bundle in a plain Node process, the way a cold start does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesConfigFileName } from '../../lambdas/config/rules-config-file.js';
import { readRulesConfigFile } from '../../lambdas/handlers/runtime.js';
import {
  type HospitalConfig,
  loadHospitalConfig,
  parseHospitalConfig,
  rulesConfigFor,
} from '../../lib/config/hospital-config.js';
import { PipelineFunction } from '../../lib/constructs/pipeline-function.js';
import { type BuiltStack, buildStack, buildTimeoutMs } from './support/build-stack.js';
import { defined, pipelineFunctions } from './support/template-queries.js';

const codeCount = 2000;

/** The example hospital with 2,000 local drug codes and 2,000 local lab codes (about 90 kB of JSON). */
function hospitalWithLargeCodeMaps(): HospitalConfig {
  const example = loadHospitalConfig('example');
  return parseHospitalConfig(
    {
      ...example,
      rules: {
        ...example.rules,
        localDrugCodes: Object.fromEntries(
          Array.from({ length: codeCount }, (_, n) => [`LOCAL-DRUG-${n}`, n % 2 ? 'warfarin' : 'cinacalcet']),
        ),
        localLabCodes: Object.fromEntries(
          Array.from({ length: codeCount }, (_, n) => [`LOCAL-LAB-${n}`, 'calcium']),
        ),
      },
    },
    'large-code-maps.json',
  );
}

describe('the hospital stack with 2,000-entry code maps (bundling skipped)', () => {
  let built: BuiltStack;

  beforeAll(() => {
    built = buildStack(hospitalWithLargeCodeMaps());
  }, buildTimeoutMs);

  afterAll(() => built?.cleanup());

  it('synthesizes, and no function environment holds the rules, a code map or any code of one', () => {
    const functions = Object.values(pipelineFunctions(built.template));
    expect(functions.map((fn) => fn.Properties.FunctionName).sort()).toEqual([
      'calciphylaxis-ack-link',
      'calciphylaxis-admin',
      'calciphylaxis-evaluate',
      'calciphylaxis-ingest',
      'calciphylaxis-sweep',
    ]);
    for (const fn of functions) {
      const environment = JSON.stringify(fn.Properties.Environment);
      expect(environment, String(fn.Properties.FunctionName)).not.toMatch(
        /RULES_CONFIG|localDrugCodes|localLabCodes|LOCAL-DRUG-|LOCAL-LAB-|cohortCodes/,
      );
    }
  });
});

describe('a function bundle carries the rules file and loads it at cold start', () => {
  let outdir: string;
  let bundleFolder: string;
  const config = hospitalWithLargeCodeMaps();

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'calciphylaxis-bundle-'));
    // Bundling on (the default), unlike the other CDK tests: this is what `cdk synth` ships.
    const app = new App({ outdir });
    const stack = new Stack(app, 'RulesBundle');
    new PipelineFunction(stack, 'Ingest', {
      name: 'ingest',
      prefix: 'bundle-test',
      description: 'bundling test',
      key: new kms.Key(stack, 'Key'),
      environment: {},
      rulesConfig: rulesConfigFor(config),
      memorySizeMb: 256,
      timeout: Duration.seconds(10),
      reservedConcurrency: 1,
      noDeadLetterQueueReason: 'test',
    });
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    const code = (defined(fn, 'the bundled function').Properties as { Code: { S3Key: string } }).Code;
    const s3Key = String(code.S3Key);
    app.synth();
    bundleFolder = join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
  }, buildTimeoutMs);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('puts rules-config.json beside index.mjs, with every code and the hospital time zone', () => {
    expect(existsSync(join(bundleFolder, 'index.mjs'))).toBe(true);
    const rules = readRulesConfigFile(join(bundleFolder, rulesConfigFileName));
    expect(Object.keys(rules.localDrugCodes)).toHaveLength(codeCount);
    expect(Object.keys(rules.localLabCodes)).toHaveLength(codeCount);
    expect(rules.localDrugCodes[`LOCAL-DRUG-${codeCount - 1}`]).toBe('warfarin');
    expect(rules.timeZone).toBe(config.timeZone);
  });

  /** Imports the bundled handler in a fresh Node process with no rules in its environment. */
  const coldStart = () =>
    spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(pathToFileURL(join(bundleFolder, 'index.mjs')).href)});`,
      ],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          POWERTOOLS_METRICS_DISABLED: 'true',
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      },
    );

  it('the bundled handler reads the file beside it at load, and names the file when it is broken', () => {
    const loaded = coldStart();
    expect(loaded.status, loaded.stderr).toBe(0);

    const rulesFile = join(bundleFolder, rulesConfigFileName);
    // Values are validated at synth; the bundle (without zod) checks that the file is what synth wrote.
    writeFileSync(rulesFile, JSON.stringify({ timeZone: 7 }));
    const broken = coldStart();
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toContain(`${rulesFile} is not a configuration validated at synth`);
    expect(broken.stderr).toContain('timeZone: expected string, got number');
  }, 120_000);
});
