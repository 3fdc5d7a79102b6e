/**
 * The rules file as the functions read it (lambdas/handlers/runtime.ts):
 * written once at synth for each bundle, and by the local stack and the
 * tests, so every path reads the hospital's rules the same way.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RulesConfig } from '../../lambdas/config/rules-config.js';
import { rulesConfigFileName } from '../../lambdas/config/rules-config-file.js';

/** Writes `rules-config.json` into `folder` and returns its path. */
export function writeRulesConfigFile(config: RulesConfig, folder: string): string {
  const file = join(folder, rulesConfigFileName);
  writeFileSync(file, JSON.stringify(config));
  return file;
}
