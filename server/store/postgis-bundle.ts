/**
 * A smaller PostGIS bundle for the embedded engine. PGlite unpacks an extension's whole tarball
 * into memory and compiles every .so in it at each start; @electric-sql/pglite-postgis ships
 * postgis, postgis_raster, postgis_topology and the tiger geocoder (20 MB gzipped, 48 MB of
 * WebAssembly), of which yizhan uses only postgis. `writeSlimBundle` (run once by `npm install`,
 * see server/prepare.ts) keeps postgis-3.so, its control and install script, and the PROJ data;
 * `postgisExtension` uses that bundle when it is there, else the full one. The bundle's file name
 * carries the pglite-postgis version, so an upgrade falls back to the full bundle until rebuilt.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Extension } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';

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
  return join(preparedDir(), `postgis-${engineVersions().postgis}.tar.gz`);
}

/** Entries of the full tarball that the `postgis` extension needs. */
function keep(name: string): boolean {
  return name === 'lib/postgresql/postgis-3.so'
    || /^share\/postgresql\/extension\/postgis(\.control|--\d+\.\d+\.\d+\.sql)$/.test(name)
    || name.startsWith('share/proj/')
    || /^(lib|share)\/(postgresql\/(extension\/)?)?$/.test(name);
}

/**
 * Filters a ustar archive, copying each kept entry's header and data blocks unchanged.
 * GNU long-name ('L') and pax ('x') records travel with the entry they precede.
 */
export function filterTar(tar: Uint8Array, keepName: (name: string) => boolean): Buffer {
  const out: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  let longName: string | undefined;
  let off = 0;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number): string => Buffer.from(header.subarray(start, start + len)).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const blocks = 512 + Math.ceil(size / 512) * 512;
    const record = tar.subarray(off, off + blocks);
    if (type === 'L' || type === 'x') {
      if (type === 'L') longName = Buffer.from(tar.subarray(off + 512, off + 512 + size)).toString('utf8').replace(/\0.*$/s, '');
      pending.push(record);
    } else {
      const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
      if (keepName(name.replace(/^\.\//, ''))) out.push(...pending, record);
      pending = [];
      longName = undefined;
    }
    off += blocks;
  }
  out.push(new Uint8Array(1024)); // end of archive
  return Buffer.concat(out);
}

/**
 * Writes the slim bundle (atomically: a half-written file is never used).
 * @returns its path
 */
export function writeSlimBundle(): string {
  const full = join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite-postgis')), 'postgis.tar.gz');
  const slim = filterTar(gunzipSync(readFileSync(full)), keep);
  const dest = slimBundlePath();
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.tmp`;
  writeFileSync(tmp, gzipSync(slim, { level: 6 }));
  renameSync(tmp, dest);
  return dest;
}

/** The PostGIS extension for PGlite: the slim bundle when prepared, else the package's full one. */
export function postgisExtension(): Extension {
  const bundle = slimBundlePath();
  if (!existsSync(bundle)) return postgis;
  return {
    name: 'postgis',
    setup: async (pg, emscriptenOpts) => ({
      ...(await postgis.setup(pg, emscriptenOpts)),
      bundlePath: pathToFileURL(bundle),
    }),
  };
}
