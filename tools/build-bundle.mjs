/**
 * Part of `npm run build` (after tsc): bundles the CLI (and again for `plan`, see PLAN_ONLY) and its three worker threads with esbuild
 * into dist/bundle/, one CommonJS file each, so that a command loads one file instead of
 * hundreds of modules (`yizhan plan`: 67 of ours and 247 of @sinclair/typebox; `serve`: about
 * 900). dist/cli/bin.js loads the bundle with a V8 code cache (cli/load-bundle.ts).
 *
 * What stays outside (required from node_modules at run time): the packages that find their own
 * files beside their code (PGlite and PostGIS with their wasm and data, HiGHS's wasm, sql.js's
 * wasm, the EPSG registry's JSON, proj4 loaded on demand).
 *
 * Every `import.meta.url` of our sources becomes the URL its module has in dist/ (tsc's output
 * beside the bundle), so that what the code finds relative to itself (the migrations, the package
 * root, dist/web) is found as from the unbundled build. Workers: the bundle defines
 * `__YIZHAN_BUNDLE_DIR__`, and scenarios/start-worker.ts starts dist/bundle/<name>.cjs.
 */
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Module } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

/** Entry points: the CLI's commands, and the worker threads that start-worker.ts names. */
const ENTRIES = {
  cli: 'cli/main.ts',
  'solve-worker': 'scenarios/solve-worker.ts',
  'task-worker': 'server/task-worker.ts',
  'pglite-worker': 'server/store/pglite-worker.ts',
};

/**
 * Packages that read files beside their own code (their wasm, data, static files, package.json)
 * or are loaded by a computed name. (Found by listing the bundle's inputs from node_modules that
 * mention __dirname, __filename, import.meta.url or createRequire, in dist/bundle/meta.json.)
 */
export const EXTERNAL = ['@electric-sql/pglite', '@electric-sql/pglite-postgis', 'highs', 'sql.js', 'epsg-index', 'proj4', '@bokuweb/zstd-wasm'];

/**
 * Bundled packages whose `__dirname` is made their own folder in node_modules, found at run time
 * (their static files: swagger-ui's page, logo and scripts). @fastify/swagger reads a package.json
 * by `__dirname` too, only for defaults that app.ts sets: left as is.
 */
const OWN_DIRNAME = ['@fastify/swagger-ui'];

/**
 * Our modules' `import.meta.url`: the URL of the module's tsc output in dist/. And `__dirname` of
 * the OWN_DIRNAME packages.
 */
const importMetaUrl = {
  name: 'import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?js$/ }, async (args) => {
      const at = args.path.lastIndexOf(`${sep}node_modules${sep}`);
      if (at < 0) return undefined;
      const inPackage = args.path.slice(at + `${sep}node_modules${sep}`.length).split(sep);
      const name = OWN_DIRNAME.find((n) => inPackage.slice(0, n.split('/').length).join('/') === n);
      if (name === undefined) return undefined;
      const rel = dirname(inPackage.slice(name.split('/').length).join('/')) || '.';
      const text = await readFile(args.path, 'utf8');
      return { contents: text.replaceAll('__dirname', `__yizhanPackageDir(${JSON.stringify(name)}, ${JSON.stringify(rel)})`), loader: 'js' };
    });
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta')) return { contents: text, loader: 'ts' };
      const inDist = relative(root, args.path).split(sep).join('/').replace(/\.ts$/, '.js');
      return { contents: text.replaceAll('import.meta.url', `__yizhanModuleUrl(${JSON.stringify(inDist)})`), loader: 'ts' };
    });
  },
};

/** The helpers of the rewritten `import.meta.url` and `__dirname` (see importMetaUrl). */
const BANNER_JS = [
  "var __yizhanModuleUrl = (p) => require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', p)).href;",
  'var __yizhanPackageDir = (name, rel) => {',
  "  const { existsSync } = require('node:fs'), { join } = require('node:path');",
  "  const at = (require.resolve.paths(name) || []).find((p) => existsSync(join(p, name, 'package.json')));",
  '  if (at === undefined) throw new Error(`cannot find the package ${name} (npm install)`);',
  '  return join(at, name, rel);',
  '};',
].join('\n');

const BANNER = '/* a CommonJS module wrapped as Node wraps one: run by dist/cli/load-bundle.js (tools/build-bundle.mjs) */';

/**
 * `cli-plan`: cli/main.ts again, for `yizhan plan` and `evaluate` only (bin.ts picks it by the
 * command). The other commands' modules (the HTTP server, the store, the batch …) are left out:
 * a third of the full bundle's text, which every plan read (2 MB, 20+ ms of CPU here for the
 * reading alone) though it never ran it. Their imports in main.ts resolve to a module that
 * refuses to run.
 */
const PLAN_ONLY = {
  name: 'plan-only',
  setup(b) {
    b.onResolve({ filter: /^\.\/(batch|validate|serve|documents|token)-command\.js$/ }, (args) => (
      args.importer === join(root, 'cli', 'main.ts') ? { path: args.path, namespace: 'not-in-cli-plan' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'not-in-cli-plan' }, (args) => {
      const command = /\.\/(\w+)-command/.exec(args.path)[1]; // its runner is run<Command> (cli/main.ts)
      const name = `run${command[0].toUpperCase()}${command.slice(1)}`;
      const message = `${name} of ${args.path} is not in dist/bundle/cli-plan.cjs (bin.ts runs it for plan and evaluate only)`;
      return { contents: `export function ${name}() { throw new Error(${JSON.stringify(message)}); }`, loader: 'js' };
    });
  },
};

export async function buildBundle() {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await buildEntries(ENTRIES, [importMetaUrl]);
  const planOnly = await buildEntries({ 'cli-plan': ENTRIES.cli }, [PLAN_ONLY, importMetaUrl]);
  for (const file of [...result.outputFiles, ...planOnly.outputFiles]) {
    // ASCII only (a few regular expressions of ours hold Chinese): V8 then keeps the source as
    // one-byte text, half the memory and faster to read; and wrapped as Node wraps a CommonJS
    // module, so that the loader compiles the file's text as it is
    const ascii = file.text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    await writeFile(file.path, `${BANNER}${Module.wrap(ascii)}`);
  }
  await writeFile(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  return outdir;
}

/** One esbuild run over `entries` (name: source), in memory. */
function buildEntries(entries, plugins) {
  return build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, join(root, v)])),
    outdir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: EXTERNAL,
    plugins,
    define: { __YIZHAN_BUNDLE_DIR__: '__dirname' },
    // import() of an external package becomes require (its CommonJS build): vm.Script runs
    // import() only through an experimental option that warns on every run
    supported: { 'dynamic-import': false },
    banner: { js: BANNER_JS },
    legalComments: 'none',
    minify: process.env.YIZHAN_BUNDLE_DEBUG !== '1',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildBundle();
  process.stdout.write(`bundle: built ${out}\n`);
}
