/**
 * The console-config.json a synthesised stack deploys beside the console, with the deployment's
 * markers rendered as `<LogicalId>` references (as renderJoin does).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import type { BuiltStack } from './build-stack.js';
import { defined, logicalIdOf, renderJoin, resourcesOf } from './template-queries.js';

export function deployedConsoleConfig(built: BuiltStack): unknown {
  const { template } = built;
  const id = logicalIdOf(template, 'Custom::CDKBucketDeployment', 'ConsoleSiteDeployment');
  const deployment = defined(resourcesOf(template, 'Custom::CDKBucketDeployment')[id], id).Properties;
  // The second source is the JSON (the first is the built console).
  const key = defined((deployment.SourceObjectKeys as string[])[1], 'console-config.json source');
  const markers = (deployment.SourceMarkers as Record<string, unknown>[])[1] ?? {};
  const outdir = defined(Stage.of(built.stack), 'stage').outdir;
  let text = readFileSync(join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'console-config.json'), 'utf8');
  for (const [marker, value] of Object.entries(markers)) text = text.replaceAll(marker, renderJoin(value));
  return JSON.parse(text);
}
