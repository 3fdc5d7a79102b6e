/**
 * How the Lambda functions are bundled, shared by the stack and the bench
 * that measures the bundles (no CDK import, so the bench loads quickly).
 */

/** The pipeline functions: each is `lambdas/handlers/<name>.ts`. */
export const pipelineFunctionNames = ['ingest', 'evaluate', 'sweep', 'admin', 'ack-link'] as const;

/** esbuild's target for the Lambda runtime (lib/constructs/pipeline-function.ts pipelineRuntime). */
export const pipelineBundleTarget = 'node22';

/** ESM bundles of CommonJS dependencies (the AWS SDK) need `require`. */
export const esmRequireBanner =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/** Modules left out of the bundle (the runtime provides them). */
export const externalModules: string[] = [];
