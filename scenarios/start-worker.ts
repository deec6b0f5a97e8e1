/**
 * Starting a worker thread from a module beside the caller: the compiled .js, or (running from the
 * .ts sources, as under vitest or tsx) the .ts module through tsx's loader, registered inside the
 * worker (the solver's pool, the documents worker, the server's task pool and its database thread).
 * Inside the bundle of dist/bundle/ (tools/build-bundle.mjs), the worker's own bundle there.
 */
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** In a bundle (tools/build-bundle.mjs): the folder of the bundles, where each worker is one too. */
declare const __YIZHAN_BUNDLE_DIR__: string | undefined;
const BUNDLE_DIR = typeof __YIZHAN_BUNDLE_DIR__ === 'string' ? __YIZHAN_BUNDLE_DIR__ : undefined;

/**
 * @param here - `import.meta.url` of the caller
 * @param name - the worker module's name without extension, relative to `here` (`./task-worker`)
 * @example const worker = startWorker(import.meta.url, './task-worker', { workerData: { … } });
 */
export function startWorker(here: string, name: string, options: WorkerOptions = {}): Worker {
  if (BUNDLE_DIR !== undefined) {
    // the worker's bundle through the loader of dist/cli (its code cache), else its dist/ module
    const loader = pathToFileURL(join(BUNDLE_DIR, '..', 'cli', 'load-bundle.js')).href;
    const module = new URL(`${name}.js`, here).href;
    const boot = `import(${JSON.stringify(loader)}).then((m) => m.loadBundle(${JSON.stringify(basename(name))}) ?? import(${JSON.stringify(module)}))`;
    return new Worker(boot, { ...options, eval: true });
  }
  if (!here.endsWith('.ts')) return new Worker(new URL(`${name}.js`, here), options);
  // tsx/esm/api resolves to its CommonJS build through require; its ESM build sits beside it.
  const api = pathToFileURL(join(dirname(createRequire(here).resolve('tsx/esm/api')), 'index.mjs')).href;
  const module = new URL(`${name}.ts`, here).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(module)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
