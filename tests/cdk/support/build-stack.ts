/**
 * Builds a hospital stack the way `cdk synth` does (the feature flags from
 * cdk.json) but without bundling, into a temporary cloud-assembly folder the
 * caller removes. One build per test file: it costs seconds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CalciphylaxisStack, stackIdFor } from '../../../lib/calciphylaxis-stack.js';
import type { HospitalConfig } from '../../../lib/config/hospital-config.js';

const cdkJson = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/** Building a stack takes seconds, more on a busy machine: more than a default hook timeout. */
export const buildTimeoutMs = 120_000;

export interface BuiltStack {
  stack: CalciphylaxisStack;
  template: Template;
  /** Removes the temporary cloud-assembly folder. */
  cleanup(): void;
}

export function buildStack(config: HospitalConfig): BuiltStack {
  const outdir = mkdtempSync(join(tmpdir(), 'calciphylaxis-cdk-'));
  const app = new App({ outdir, context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new CalciphylaxisStack(app, stackIdFor(config), { config });
  return {
    stack,
    template: Template.fromStack(stack),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}
