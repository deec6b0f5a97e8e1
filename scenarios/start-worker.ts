/**
 * Starting a worker thread from the compiled .js beside its caller, or (running from the .ts
 * sources, as under vitest or tsx) the .ts module through tsx's loader, registered inside the worker.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * @param callerUrl the caller's `import.meta.url`
 * @param stem the worker module's path relative to the caller, without extension (e.g. './solve-worker')
 */
export function startWorker(callerUrl: string, stem: string): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`${stem}.js`, callerUrl));
  // tsx/esm/api resolves to its CommonJS build through require; its ESM build sits beside it.
  const api = pathToFileURL(join(dirname(createRequire(callerUrl).resolve('tsx/esm/api')), 'index.mjs')).href;
  const worker = new URL(`${stem}.ts`, callerUrl).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); })`;
  return new Worker(boot, { eval: true });
}
