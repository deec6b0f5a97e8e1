/**
 * Starting a worker thread from a module beside the caller: the compiled .js, or (running from the
 * .ts sources, as under vitest or tsx) the .ts module through tsx's loader, registered inside the
 * worker (the solver's pool, the documents worker, the server's task pool and its database thread).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * @param here - `import.meta.url` of the caller
 * @param name - the worker module's name without extension, relative to `here` (`./task-worker`)
 * @example const worker = startWorker(import.meta.url, './task-worker', { workerData: { … } });
 */
export function startWorker(here: string, name: string, options: WorkerOptions = {}): Worker {
  if (!here.endsWith('.ts')) return new Worker(new URL(`${name}.js`, here), options);
  // tsx/esm/api resolves to its CommonJS build through require; its ESM build sits beside it.
  const api = pathToFileURL(join(dirname(createRequire(here).resolve('tsx/esm/api')), 'index.mjs')).href;
  const module = new URL(`${name}.ts`, here).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(module)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
