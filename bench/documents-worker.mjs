/**
 * The documents worker of `yizhan plan` alone (issue 13): a process that starts the worker of a
 * build's bundle (dist/bundle/documents-worker.cjs, through its code cache, as `yizhan plan`
 * does), sends it luohu-2006's data and plan, and exits when plan.docx and plan.xlsx come back.
 * Run it under hyperfine, a baseline build beside this one, and compare user + sys:
 *
 *   node bench/documents-worker.mjs prepare           # once: the data and plan, from this build
 *   hyperfine -N -w 1 -r 7 'node bench/documents-worker.mjs run /tmp/base' 'node bench/documents-worker.mjs run .'
 *   node bench/documents-worker.mjs run . empty       # the same process with an empty worker
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';

const DATA = join(tmpdir(), 'yizhan-bench-documents-worker.bin');
const [what, root = '.', mode = 'full'] = process.argv.slice(2);

if (what === 'prepare') {
  const dist = (p) => pathToFileURL(resolve(root, 'dist', p)).href;
  const { loadScenario } = await import(dist('cli/load.js'));
  const { makePlanDocumentData } = await import(dist('cli/plan-documents.js'));
  const { makePlanContext, solvePlan } = await import(dist('solver/pipeline.js'));
  const { loadEngines } = await import(dist('solver/solve.js'));
  const loaded = await loadScenario('luohu-2006', { note: () => undefined });
  const outcome = solvePlan(makePlanContext(loaded.dataset, loaded.scenario), await loadEngines());
  writeFileSync(DATA, serialize({ data: makePlanDocumentData(loaded.dataset, loaded, 'zh'), summary: outcome.summary }));
  process.stdout.write(`wrote ${DATA}\n`);
} else if (what === 'run') {
  const loader = pathToFileURL(resolve(root, 'dist', 'cli', 'load-bundle.js')).href;
  const boot = mode === 'empty'
    ? `import(${JSON.stringify(loader)}).then(() => require('node:worker_threads').parentPort.postMessage({ files: {} }))`
    : `import(${JSON.stringify(loader)}).then((m) => m.loadBundle('documents-worker'))`;
  const { data, summary } = deserialize(readFileSync(DATA));
  const worker = new Worker(boot, { eval: true });
  worker.postMessage({ data });
  worker.postMessage({ summary });
  worker.on('message', (answer) => {
    if (answer.error) {
      process.exitCode = 1;
      process.stderr.write(`${answer.error}\n`);
    }
    void worker.terminate();
  });
} else {
  process.stderr.write('usage: node bench/documents-worker.mjs prepare | run [ROOT] [full|empty]\n');
  process.exitCode = 2;
}
