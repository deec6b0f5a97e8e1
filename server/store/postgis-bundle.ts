/**
 * PostGIS for the embedded engine, loaded after the database is open rather than during it.
 *
 * @electric-sql/pglite-postgis ships postgis, postgis_raster, postgis_topology and the tiger
 * geocoder (20 MB gzipped, 48 MB of WebAssembly), of which yizhan uses only postgis.
 * `writeSlimBundle` (run once by `npm install`, see server/prepare.ts) keeps postgis-3.so, its
 * control and install script, and the PROJ data, as an uncompressed tar (nothing to gunzip at
 * each start); without it the package's full bundle is read and filtered. The bundle's file name
 * carries the pglite-postgis version, so an upgrade falls back to the full bundle until rebuilt.
 *
 * `loadPostgis` puts those files into a running PGlite's file system and compiles and links
 * postgis-3.so asynchronously (Emscripten's preload path: the same one PGlite's own extension
 * loading takes before the database starts). Until it has, a query that needs PostGIS fails with
 * `could not access file "postgis-3"` (see `isPostgisMissing`); server/store/pglite.ts waits for
 * the load and runs such a query again. Loading it inside PGlite.create instead cost about
 * 1.2 CPU s of every start.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';

/** The package root: the first folder above this module with a package.json (source and dist/ alike). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the package root (package.json) above the store module');
    dir = up;
  }
}

/** Where install-time artefacts go (gitignored, not shipped): the slim bundle, the data-folder template. */
export function preparedDir(): string {
  return join(packageRoot(), '.prepared');
}

/** The version of an installed package, found from where Node resolves it (hoisted or not). */
function installedVersion(name: string): string {
  try {
    // require.resolve rather than import.meta.resolve, which vitest's module runner lacks
    let dir = dirname(createRequire(import.meta.url).resolve(name));
    for (;;) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
        if (pkg.name === name) return pkg.version;
      }
      const up = dirname(dir);
      if (up === dir) return 'unknown';
      dir = up;
    }
  } catch {
    return 'unknown';
  }
}

/** The versions the prepared artefacts depend on. */
export function engineVersions(): { pglite: string; postgis: string } {
  return { pglite: installedVersion('@electric-sql/pglite'), postgis: installedVersion('@electric-sql/pglite-postgis') };
}

export function slimBundlePath(): string {
  return join(preparedDir(), `postgis-${engineVersions().postgis}.tar`);
}

/** Entries of the full tarball that the `postgis` extension needs. */
function keep(name: string): boolean {
  return name === 'lib/postgresql/postgis-3.so'
    || /^share\/postgresql\/extension\/postgis(\.control|--\d+\.\d+\.\d+\.sql)$/.test(name)
    || name.startsWith('share/proj/')
    || /^(lib|share)\/(postgresql\/(extension\/)?)?$/.test(name);
}

/** One entry of a ustar archive: its name (long names resolved), type, whole record and data. */
interface TarEntry { name: string; type: string; record: Uint8Array; data: Uint8Array }

/**
 * The entries of a ustar archive in order, GNU long-name ('L') and pax ('x') records included
 * (their `name` is that of the record itself; the entry after an 'L' gets the long name).
 */
function* readTar(tar: Uint8Array): Generator<TarEntry> {
  let longName: string | undefined;
  let off = 0;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number): string => Buffer.from(header.subarray(start, start + len)).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const blocks = 512 + Math.ceil(size / 512) * 512;
    const data = tar.subarray(off + 512, off + 512 + size);
    const record = tar.subarray(off, off + blocks);
    if (type === 'L' || type === 'x') {
      if (type === 'L') longName = Buffer.from(data).toString('utf8').replace(/\0.*$/s, '');
      yield { name: field(0, 100), type, record, data };
    } else {
      const prefix = field(345, 155);
      const name = (longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100))).replace(/^\.\//, '');
      longName = undefined;
      yield { name, type, record, data };
    }
    off += blocks;
  }
}

/**
 * Filters a ustar archive, copying each kept entry's header and data blocks unchanged.
 * GNU long-name ('L') and pax ('x') records travel with the entry they precede.
 */
export function filterTar(tar: Uint8Array, keepName: (name: string) => boolean): Buffer {
  const out: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  for (const entry of readTar(tar)) {
    if (entry.type === 'L' || entry.type === 'x') { pending.push(entry.record); continue; }
    if (keepName(entry.name)) out.push(...pending, entry.record);
    pending = [];
  }
  out.push(new Uint8Array(1024)); // end of archive
  return Buffer.concat(out);
}

/** The files of a ustar archive (directories and pax/long-name records left out). */
export function tarFiles(tar: Uint8Array): { name: string; data: Uint8Array }[] {
  const files: { name: string; data: Uint8Array }[] = [];
  for (const { name, type, data } of readTar(tar)) {
    if ((type === '0' || type === '') && !name.endsWith('/')) files.push({ name, data });
  }
  return files;
}

/** The package's full PostGIS bundle, unpacked and filtered to what yizhan needs. */
function fullBundleTar(): Buffer {
  const full = join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite-postgis')), 'postgis.tar.gz');
  return filterTar(gunzipSync(readFileSync(full)), keep);
}

/**
 * Writes the slim bundle (atomically: a half-written file is never used).
 * @returns its path
 */
export function writeSlimBundle(): string {
  const slim = fullBundleTar();
  const dest = slimBundlePath();
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.tmp`;
  writeFileSync(tmp, slim);
  renameSync(tmp, dest);
  return dest;
}

/** Emscripten's file system calls used here (PGlite's types leave out the preload one). */
interface EmscriptenFs {
  analyzePath(path: string): { exists: boolean };
  mkdirTree(path: string): void;
  writeFile(path: string, data: Uint8Array): void;
  createPreloadedFile(parent: string, name: string, data: Uint8Array, canRead: boolean, canWrite: boolean,
    onload: () => void, onerror: () => void, dontCreateFile: boolean): void;
}

/**
 * Makes PostGIS usable in an open PGlite: writes the bundle's files under PGlite's prefix and
 * compiles, instantiates and links postgis-3.so asynchronously (the WebAssembly compile runs off
 * the main thread). Queries may run meanwhile; those that need PostGIS fail until it resolves.
 * Call once per PGlite.
 */
export async function loadPostgis(pg: PGlite): Promise<void> {
  const bundle = slimBundlePath();
  const files = tarFiles(existsSync(bundle) ? readFileSync(bundle) : fullBundleTar());
  const mod = pg.Module as unknown as { FS: EmscriptenFs; WASM_PREFIX: string };
  const libraries: Promise<void>[] = [];
  for (const { name, data } of files) {
    const path = `${mod.WASM_PREFIX}/${name}`;
    const dir = path.slice(0, path.lastIndexOf('/'));
    if (!mod.FS.analyzePath(dir).exists) mod.FS.mkdirTree(dir);
    if (!name.endsWith('.so')) {
      mod.FS.writeFile(path, data);
      continue;
    }
    libraries.push(new Promise<void>((resolve, reject) => {
      mod.FS.createPreloadedFile(dir, name.slice(name.lastIndexOf('/') + 1), data, true, true, resolve,
        () => reject(new Error(`could not load ${name} of the PostGIS bundle into the embedded database`)), false);
    }));
  }
  if (libraries.length === 0) throw new Error(`the PostGIS bundle ${existsSync(bundle) ? bundle : '(the package\'s)'} holds no library`);
  await Promise.all(libraries);
}

/** Whether an error is PostgreSQL's for a PostGIS library it could not open (not loaded yet). */
export function isPostgisMissing(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  return typeof err?.message === 'string' && /could not access file "[^"]*postgis/.test(err.message)
    && (err.code === undefined || err.code === '58P01');
}
