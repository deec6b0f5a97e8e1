/**
 * Loading a bundle of dist/bundle/ (tools/build-bundle.mjs) with a V8 code cache. Node 20 has no
 * compile cache of its own (`module.enableCompileCache` came in Node 22), so the bundle is
 * compiled with `vm.Script`, which takes the bytecode an earlier run left (`cachedData`) and then
 * parses and compiles only what that run did not. The cache is written once the code that matters
 * has run (`saveCodeCache`, scenarios/code-cache.ts: a command at its end, `serve` once it
 * listens, a worker after its first answer), when there was none or V8 refused it (another Node
 * version or other V8 flags). It lives in the system's temporary folder (a read-only install
 * still gets one), named by the bundle's path, size and time and Node's version: V8 itself checks
 * only the length of the source. Where nothing can be written, nothing is cached.
 *
 * `YIZHAN_NO_BUNDLE=1` (or `YIZHAN_DEBUG=1`: readable stack traces) runs the modules of dist/
 * instead, as does a build without dist/bundle/ and the sources; `YIZHAN_CODE_CACHE=0` runs the
 * bundle without a cache.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** Where scenarios/code-cache.ts finds the function that writes the cache of this thread's bundle. */
export const SAVE_CODE_CACHE = Symbol.for('yizhan.saveCodeCache');

/**
 * 16 hex digits naming a cache file: two 32-bit FNV-1a hashes of the text (different offsets).
 * Not node:crypto, whose loading alone took ~15 ms of every command's start.
 */
function hashKey(text: string): string {
  let a = 0x811c9dc5, b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The folder of the code caches (one per user). */
function cacheDir(): string {
  let user = 'user';
  try {
    user = String(userInfo().uid >= 0 ? userInfo().uid : userInfo().username);
  } catch {
    /* no user entry (a container): one folder for all */
  }
  return join(tmpdir(), `yizhan-code-cache-${user}`);
}

/**
 * Runs dist/bundle/<name>.cjs and returns its exports, or undefined when there is no bundle to
 * run (see above). Sets `globalThis[SAVE_CODE_CACHE]` for this thread.
 * @param name - the bundle (`cli`, `pglite-worker` …)
 * @param [cacheKey] - which code cache (`yizhan plan` and `serve` compile different code) [name]
 */
export function loadBundle<T>(name: string, cacheKey: string = name): T | undefined {
  if (process.env.YIZHAN_NO_BUNDLE || process.env.YIZHAN_DEBUG) return undefined;
  const file = fileURLToPath(new URL(`../bundle/${name}.cjs`, import.meta.url));
  if (!existsSync(file)) return undefined;
  const source = readFileSync(file, 'latin1'); // ASCII: the build escapes the rest
  const useCache = process.env.YIZHAN_CODE_CACHE !== '0';
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  if (useCache) {
    const { size, mtimeMs } = statSync(file);
    const id = hashKey(`${file}\0${size}\0${mtimeMs}\0${process.version}\0${process.arch}`);
    cacheFile = join(cacheDir(), `${id}-${cacheKey.replace(/[^a-z0-9-]/gi, '_')}.cache`);
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      /* none yet */
    }
  }
  // (the bundle holds no import(): tools/build-bundle.mjs makes them require)
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  let saved = !useCache || (cachedData !== undefined && !script.cachedDataRejected);
  (globalThis as Record<symbol, unknown>)[SAVE_CODE_CACHE] = () => {
    if (saved || cacheFile === undefined) return;
    saved = true;
    const tmp = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile); // whole or not at all: other processes may be reading it
    } catch {
      try { unlinkSync(tmp); } catch { /* never written */ }
    }
  };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  const module = { exports: {} as T, filename: file, id: file, loaded: false };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return module.exports;
}
