/**
 * The bundled CLI (tools/build-bundle.mjs, cli/load-bundle.ts): dist/cli/bin.js runs
 * dist/bundle/cli.cjs with a V8 code cache, and its workers from their own bundles. What it
 * writes is what the modules of dist/ write (YIZHAN_NO_BUNDLE=1); the code cache is written by a
 * first run, taken by the next, and a run without one still works. Spawns dist/ (`npm run build`
 * first: npm test does it).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, yizhanWith as yizhan } from './helpers/cli.js';

const root = ROOT;

/** The text outputs of a plan run, summary.json without its timings. */
function outputs(dir: string): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('.docx') || f.endsWith('.xlsx')) continue; // zip times differ; compared elsewhere
    const text = readFileSync(join(dir, f), 'utf8');
    files[f] = f === 'summary.json' ? JSON.parse(text, (k, v: unknown) => (k === 'ms' ? undefined : v)) : text;
  }
  return files;
}

describe('the bundled CLI (dist/bundle/)', () => {
  let work: string;
  beforeAll(() => {
    for (const f of ['cli', 'cli-plan', 'solve-worker', 'task-worker', 'pglite-worker']) {
      if (!existsSync(join(root, 'dist/bundle', `${f}.cjs`))) throw new Error(`dist/bundle/${f}.cjs is missing: run \`npm run build\``);
    }
    work = mkdtempSync(join(tmpdir(), 'yizhan-bundle-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('plans luohu-2006 as the unbundled modules do; the first run writes the code cache, the next takes it', async () => {
    const cacheHome = join(work, 'tmp'); // the code cache goes to the temporary folder
    const env = { TMPDIR: cacheHome };
    const first = await yizhan(env, 'plan', 'luohu-2006', '--no-map', '--out', join(work, 'first'), '-q');
    expect(first.code, first.stderr).toBe(0);
    const caches = readdirSync(join(cacheHome, readdirSync(cacheHome)[0]!));
    expect(caches.some((f) => f.endsWith('-cli-plan.cache'))).toBe(true);
    expect(caches.filter((f) => !f.endsWith('.cache'))).toEqual([]); // no half-written file left
    const second = await yizhan(env, 'plan', 'luohu-2006', '--no-map', '--out', join(work, 'second'), '-q');
    expect(second.code, second.stderr).toBe(0);
    const plain = await yizhan({ YIZHAN_NO_BUNDLE: '1' }, 'plan', 'luohu-2006', '--no-map', '--out', join(work, 'plain'), '-q');
    expect(plain.code, plain.stderr).toBe(0);
    const noCache = await yizhan({ YIZHAN_CODE_CACHE: '0' }, 'plan', 'luohu-2006', '--no-map', '--out', join(work, 'no-cache'), '-q');
    expect(noCache.code, noCache.stderr).toBe(0);
    const expected = outputs(join(work, 'plain'));
    expect(Object.keys(expected)).toContain('summary.json');
    for (const run of ['first', 'second', 'no-cache']) expect(outputs(join(work, run)), run).toEqual(expected);
    for (const run of ['first', 'second', 'plain', 'no-cache']) {
      expect(existsSync(join(work, run, 'plan.docx')), run).toBe(true); // the documents were written
      expect(existsSync(join(work, run, 'plan.xlsx')), run).toBe(true);
    }
  }, 300_000);

  it('reports a usage error and the version as before', async () => {
    const bad = await yizhan({}, 'plna');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean "plan"?');
    const version = await yizhan({}, '--version');
    expect(version.stdout).toBe(`yizhan ${(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version}\n`);
  }, 120_000);
});
