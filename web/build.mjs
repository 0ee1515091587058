// Builds web/dist: index.html, app.js and app.css (MapLibre's CSS included),
// so the page needs nothing from the internet at run time.

import * as esbuild from 'esbuild';
import { copyFile, mkdir, rm, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: join(here, 'src/main.js') },
  outdir: dist,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  legalComments: 'eof', // keeps MapLibre's licence text in the bundle
  logLevel: 'info',
  metafile: true,
});
await copyFile(join(here, 'src/index.html'), join(dist, 'index.html'));

const files = (await readdir(dist)).sort();
for (const f of ['index.html', 'app.js', 'app.css']) {
  if (!files.includes(f)) throw new Error(`build did not produce ${f}`);
}
console.log(`dist: ${files.join(', ')}; ${Object.keys(result.metafile.inputs).length} inputs`);
