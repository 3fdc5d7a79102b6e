/**
 * How the Lambda functions are bundled, shared by the stack and the bench
 * that measures the bundles (no CDK import, so the bench loads quickly).
 */

/** ESM bundles of CommonJS dependencies (the AWS SDK) need `require`. */
export const esmRequireBanner =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
