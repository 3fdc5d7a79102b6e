/**
 * How the Lambda functions are bundled, shared by the stack and the bench
 * that measures the bundles (no CDK import, so the bench loads quickly).
 */
import type { BuildOptions } from 'esbuild';

/** The pipeline functions: each is `lambdas/handlers/<name>.ts`. */
export const pipelineFunctionNames = ['ingest', 'evaluate', 'sweep', 'admin', 'ack-link'] as const;

/** esbuild's target for the Lambda runtime (lib/constructs/pipeline-function.ts pipelineRuntime). */
export const pipelineBundleTarget = 'node24';

/** ESM bundles of CommonJS dependencies (the AWS SDK) need `require`. */
export const esmRequireBanner =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Modules left out of the bundle: none. The AWS SDK v3 is bundled at the
 * locked versions rather than taken from the Lambda runtime: the code runs in
 * production with the SDK it was tested with, and it loads faster minified in
 * one file. `npm run bench -- hl7` measures both: the ingest bundle is about
 * 590 kB and loads in 50–75 ms with the SDK inside; with the SDK external it
 * is 100 kB, but loading the SDK's files takes it to 200–280 ms.
 */
export const externalModules: string[] = [];

/**
 * The esbuild options of a function bundle as the stack builds it (NodejsFunction's bundling, in
 * esbuild's own terms): for measuring and inspecting bundles outside a synth.
 */
export const pipelineEsbuildOptions: BuildOptions = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: pipelineBundleTarget,
  format: 'esm',
  mainFields: ['module', 'main'],
  banner: { js: esmRequireBanner },
  external: externalModules,
};
