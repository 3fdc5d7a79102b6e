/**
 * The functions do not ship what they do not run: the rules configuration is
 * validated with zod at synth, so no function carries zod's full build; the
 * admin function validates its requests with zod/mini, of which it keeps only
 * the checks it uses. Bundled as the stack bundles them (lib/bundling.ts);
 * `npm run bench -- hl7` reports the sizes and load times.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { pipelineEsbuildOptions } from '../../lib/bundling.js';

interface BundleContents {
  packages: Set<string>;
  /** Bytes of each package in the bundle. */
  packageBytes: Map<string, number>;
  bytes: number;
}

async function bundledPackages(name: string): Promise<BundleContents> {
  const result = await build({
    entryPoints: [new URL(`../../lambdas/handlers/${name}.ts`, import.meta.url).pathname],
    ...pipelineEsbuildOptions,
    write: false,
    metafile: true,
  });
  const output = Object.values(result.metafile.outputs)[0];
  const packageBytes = new Map<string, number>();
  for (const [file, input] of Object.entries(output?.inputs ?? {})) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    if (name !== undefined) packageBytes.set(name, (packageBytes.get(name) ?? 0) + input.bytesInOutput);
  }
  return { packages: new Set(packageBytes.keys()), packageBytes, bytes: output?.bytes ?? 0 };
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

  it('admin keeps only the zod/mini checks it uses', async () => {
    const { packageBytes, bytes } = await bundledPackages('admin');
    // zod's full build is about 430 kB minified; the admin's request checks are under 30 kB of it.
    expect(packageBytes.get('zod')).toBeGreaterThan(0);
    expect(packageBytes.get('zod')).toBeLessThan(30_000);
    expect(bytes).toBeLessThan(650_000);
  }, 60_000);
});
