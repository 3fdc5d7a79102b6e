/**
 * Builds the console: one minified ES module and one stylesheet (Preact, uPlot
 * and the views, bundled by esbuild; nothing loaded from elsewhere at run
 * time), named by content hash so they can be cached for good, and the
 * index.html that loads them (no inline script, so the strict CSP holds).
 * The local stack serves the result at /console; the deployed stack uploads it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const entry = fileURLToPath(new URL('./src/main.tsx', import.meta.url));

function indexHtml(script: string, stylesheet: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Calciphylaxis console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${stylesheet}">
<script type="module" src="${script}"></script>
</head>
<body>
<div id="app"><p>Loading the console…</p></div>
</body>
</html>
`;
}

/** Writes index.html, console-<hash>.js and console-<hash>.css into `outDir` (created if missing). */
export function buildConsole(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  const result = buildSync({
    entryPoints: { console: entry },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'safari15', 'firefox100'],
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    outdir: outDir,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((file) => file.endsWith('.js'));
  const stylesheet = outputs.find((file) => file.endsWith('.css'));
  if (script === undefined || stylesheet === undefined)
    throw new Error('the console build wrote no script or stylesheet');
  writeFileSync(join(outDir, 'index.html'), indexHtml(script, stylesheet));
}
