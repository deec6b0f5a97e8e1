/**
 * Bundles the review desk (web/) into dist/web with esbuild: one app.js (the client and Leaflet),
 * one app.css (ours and Leaflet's, its images inlined) and index.html. Run by `npm run build`
 * (and so by `npm install`). Nothing is loaded from outside at run time. YIZHAN_WEB_DEBUG=1 leaves
 * the bundle unminified (readable stack traces).
 */
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Builds the client into `outdir` (default <package>/dist/web); returns the folder. */
export async function buildWeb(outdir = join(here, '..', 'dist', 'web')) {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: { app: join(here, 'main.ts') },
    bundle: true,
    format: 'esm',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: process.env.YIZHAN_WEB_DEBUG !== '1',
    sourcemap: true,
    outdir,
    loader: { '.png': 'dataurl', '.svg': 'dataurl' },
    logLevel: 'warning',
    legalComments: 'linked',
  });
  await copyFile(join(here, 'index.html'), join(outdir, 'index.html'));
  return outdir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildWeb(process.argv[2]);
  process.stdout.write(`web: built ${out}\n`);
}
