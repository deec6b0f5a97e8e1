/**
 * The prepared data-folder template: an embedded database already through initdb,
 * `CREATE EXTENSION postgis`, every migration and the built-in dataset, built once by
 * `npm install` (server/prepare.ts) in `.prepared/` at the package root. A new data folder is a
 * copy of it, so the first start costs no more than a later one. Its fingerprint (PGlite and
 * PostGIS versions, the migrations, the built-in dataset's files) is kept beside it; a template
 * whose fingerprint differs from the code's is not used, and the folder is made from scratch.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './store/migrations.js';
import { openStore } from './store/open.js';
import { engineVersions, packageRoot, preparedDir } from './store/postgis-bundle.js';
import type { Store } from './store/types.js';

/** The built-in dataset's scenario folder (luohu-2006). */
export function builtinScenarioDir(): string {
  return join(packageRoot(), 'scenarios', 'luohu-2006');
}

export function templateDir(): string {
  return join(preparedDir(), 'data-template');
}

function stampPath(): string {
  return join(preparedDir(), 'data-template.json');
}

/** What the template's content depends on, hashed. */
export function templateFingerprint(): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(engineVersions()));
  for (const m of MIGRATIONS) h.update(`\0${m.version}\0${m.sql}`);
  const dir = builtinScenarioDir();
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('.json') || f.endsWith('.geojson')) h.update(`\0${f}\0`).update(readFileSync(join(dir, f)));
  }
  return h.digest('hex');
}

/** The template folder when it is there and current, else undefined. */
export function currentTemplate(): string | undefined {
  try {
    const stamp = JSON.parse(readFileSync(stampPath(), 'utf8')) as { fingerprint?: string };
    if (stamp.fingerprint === templateFingerprint() && existsSync(join(templateDir(), 'PG_VERSION'))) return templateDir();
  } catch {
    /* no template (or an unreadable stamp): none */
  }
  return undefined;
}

/**
 * Builds the template unless a current one is there: a new store in a scratch folder, seeded,
 * closed, then moved into place and stamped.
 * @param seed - fills the new store (the built-in dataset)
 * @returns the template folder and whether it was built now
 */
export async function buildTemplate(seed: (store: Store) => Promise<unknown>): Promise<{ dir: string; built: boolean }> {
  const ready = currentTemplate();
  if (ready !== undefined) return { dir: ready, built: false };
  const fingerprint = templateFingerprint();
  mkdirSync(preparedDir(), { recursive: true });
  const work = mkdtempSync(join(preparedDir(), 'building-'));
  try {
    const store = await openStore({ dataDir: work });
    try {
      await seed(store);
    } finally {
      await store.close();
    }
    rmSync(stampPath(), { force: true });
    rmSync(templateDir(), { recursive: true, force: true });
    renameSync(work, templateDir());
    writeFileSync(stampPath(), `${JSON.stringify({ fingerprint, builtAt: new Date().toISOString() }, null, 2)}\n`);
    return { dir: templateDir(), built: true };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
