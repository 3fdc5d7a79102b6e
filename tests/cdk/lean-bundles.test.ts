/**
 * The functions do not ship what they do not run: the rules configuration is
 * validated with zod at synth, so no function but admin (whose request bodies
 * are validated with zod) carries zod. Bundled as the stack bundles them
 * (lib/bundling.ts); `npm run bench -- hl7` reports the sizes and load times.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { pipelineEsbuildOptions } from '../../lib/bundling.js';

async function bundledPackages(name: string): Promise<{ packages: Set<string>; bytes: number }> {
  const result = await build({
    entryPoints: [new URL(`../../lambdas/handlers/${name}.ts`, import.meta.url).pathname],
    ...pipelineEsbuildOptions,
    write: false,
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs)[0];
  const packages = new Set(
    Object.keys(output?.inputs ?? {}).flatMap((file) => {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      return match?.[1] === undefined ? [] : [match[1]];
    }),
  );
  return { packages, bytes: output?.bytes ?? 0 };
}

describe('function bundles', () => {
  it.each(['ingest', 'evaluate', 'sweep', 'ack-link'])(
    '%s does not ship zod',
    async (name) => {
      const { packages, bytes } = await bundledPackages(name);
      expect(packages.has('@aws-sdk/client-dynamodb'), 'the check sees the bundled packages').toBe(true);
      expect(packages.has('zod')).toBe(false);
      // Without zod the biggest is ingest, about 590 kB, of which the AWS SDK (S3, DynamoDB) is about 485 kB.
      expect(bytes).toBeLessThan(650_000);
    },
    60_000,
  );
});
