/**
 * Builds the console's static files (index.html, JavaScript, CSS) into a
 * folder: the stack deploys them, the local stack serves them.
 *
 * Placeholder until the console itself lands: one page saying so.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function buildConsole(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, 'index.html'),
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Calciphylaxis console</title></head>\n<body><p>The console is not built yet.</p></body></html>\n',
  );
}
