/**
 * Install-time preparation of the embedded database (run by `npm install` / `npm ci` through the
 * `prepare` and `postinstall` scripts, or by hand: `node dist/server/prepare.js`): writes the slim
 * PostGIS bundle and the data-folder template into `.prepared/`. Without them everything still
 * works, only the first start is slow (initdb, PostGIS, migrations: most of a minute).
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { seedBuiltinDataset } from './first-open.js';
import { slimBundlePath, writeSlimBundle } from './store/postgis-bundle.js';
import { buildTemplate } from './template.js';

export async function prepare(log: (line: string) => void = () => {}): Promise<void> {
  const t0 = performance.now();
  if (!existsSync(slimBundlePath())) log(`wrote the PostGIS bundle ${writeSlimBundle()}`);
  const { dir, built } = await buildTemplate(seedBuiltinDataset);
  log(built ? `built the data-folder template ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s` : `the data-folder template ${dir} is current`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  prepare((line) => process.stderr.write(`yizhan: ${line}\n`)).catch((e: Error) => {
    // not fatal to an install: a new data folder is then made from scratch, only slower
    process.stderr.write(`yizhan: could not prepare the embedded database (${e.message}); the first start will take longer\n`);
  });
}
