/**
 * The `yizhan` command. Subcommands in one table; unknown flags are refused; usage errors print
 * the usage and exit 2; bad input prints every problem (no stack trace) and exits 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROLES, StoreError } from '../server/store/types.js';
import { MAP_AUTO_COMMITTEES } from './defaults.js';
import { EXIT, InputError, UsageError } from './errors.js';
import { findPackageRoot, listBuiltinScenarios } from './paths.js';
import { suggest } from './suggest.js';
import { readGisOutputFlags } from './gis-flags.js';
import { LIMITS } from '../scenarios/limits.js';
import type { PlanCommandOptions } from './plan-commands.js';

// Each command's module is loaded when the command runs: `yizhan plan` need not load the HTTP
// server (Fastify, the store), which was a third of a Shenzhen-sized plan's time.
const runPlan: typeof import('./plan-commands.js').runPlan = async (...a) => (await import('./plan-commands.js')).runPlan(...a);
const runEvaluate: typeof import('./plan-commands.js').runEvaluate = async (...a) => (await import('./plan-commands.js')).runEvaluate(...a);
const runBatch: typeof import('./batch-command.js').runBatch = async (...a) => (await import('./batch-command.js')).runBatch(...a);
const runValidate: typeof import('./validate-command.js').runValidate = async (...a) => (await import('./validate-command.js')).runValidate(...a);
const runServe: typeof import('./serve-command.js').runServe = async (...a) => (await import('./serve-command.js')).runServe(...a);
const runDocuments: typeof import('./documents-command.js').runDocuments = async (...a) => (await import('./documents-command.js')).runDocuments(...a);
const runToken: typeof import('./token-command.js').runToken = async (...a) => (await import('./token-command.js')).runToken(...a);

/** One option of a command: its parseArgs type, the placeholder of its value, and a line of help. */
interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder of the value in the help (`DIR`); string options only. */
  value?: string;
  help: string;
}

interface Command {
  summary: string;
  /** The positional part of the usage line (`<scenario>`). */
  args: string;
  options: Record<string, OptionSpec>;
  run(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number>;
}

const HELP: Record<string, OptionSpec> = { help: { type: 'boolean', short: 'h', help: 'print this help' } };

/** Flags shared by the commands that write a plan's outputs. */
const PLAN_OUTPUT: Record<string, OptionSpec> = {
  out: { type: 'string', value: 'DIR', help: 'write the outputs here [out/<scenario>]; outputs of an earlier run that this run does not write are removed' },
  json: { type: 'boolean', help: 'print summary.json on stdout instead of the table' },
  quiet: { type: 'boolean', short: 'q', help: 'print no table' },
  map: { type: 'boolean', help: `draw map.svg [when the plan has at most ${MAP_AUTO_COMMITTEES} committees]` },
  'no-map': { type: 'boolean', help: 'do not draw map.svg' },
  lang: { type: 'string', value: 'zh|en', help: 'language of the headers of plan.csv and plan.xlsx [zh]' },
  gis: { type: 'string', value: 'gpkg,shp,fgb', help: 'also write stations and committees as GeoPackage, zipped Shapefile, FlatGeobuf (with QGIS styles)' },
  'out-crs': { type: 'string', value: 'EPSG:xxxx', help: 'coordinate system of the GIS files [EPSG:4326]; CGCS2000: EPSG:4490, 3° Gauss–Krüger zones EPSG:4534–4554' },
};

/** `--lang zh|en` (the headers of `what`), or a usage error. */
function readLang(v: Record<string, string | boolean | undefined>, what: string, command?: string): { lang?: 'zh' | 'en' } {
  if (v.lang === undefined) return {};
  if (v.lang !== 'zh' && v.lang !== 'en') throw new UsageError(`--lang must be zh or en (headers of ${what}), got "${String(v.lang)}"`, command);
  return { lang: v.lang };
}

function planOutputOptions(v: Record<string, string | boolean | undefined>): PlanCommandOptions {
  if (v.map && v['no-map']) throw new UsageError('--map and --no-map contradict each other');
  return {
    ...readLang(v, 'plan.csv and plan.xlsx'),
    out: v.out as string | undefined,
    json: !!v.json,
    quiet: !!v.quiet,
    ...(v.map ? { map: true } : v['no-map'] ? { map: false } : {}),
    ...readGisOutputFlags(v),
  };
}

/** `--alternatives K` and `--regret` of `yizhan plan`, or a usage error. */
function readAnswerFlags(v: Record<string, string | boolean | undefined>): Pick<PlanCommandOptions, 'alternatives' | 'regret'> {
  const out: Pick<PlanCommandOptions, 'alternatives' | 'regret'> = {};
  if (v.alternatives !== undefined) {
    const k = Number(v.alternatives);
    if (!/^\d+$/.test(String(v.alternatives)) || !Number.isInteger(k) || k < 1 || k > LIMITS.alternatives) {
      throw new UsageError(`--alternatives must be a whole number from 1 to ${LIMITS.alternatives} (how many of the best plans), got "${String(v.alternatives)}"`, 'plan');
    }
    out.alternatives = k;
  }
  if (v.regret) out.regret = true;
  return out;
}

const COMMANDS: Record<string, Command> = {
  plan: {
    summary: 'solve a scenario: proven-optimal merges, checks, plan text, GIS exports',
    args: '<scenario>',
    options: {
      ...PLAN_OUTPUT,
      alternatives: { type: 'string', value: 'K', help: 'also the K best distinct plans in cost order, each checked (alternatives.json; scenario solver.alternatives)' },
      regret: { type: 'boolean', help: 'the regret of each station and the price of each lock (summary.json; scenario solver.regret)' },
      ...HELP,
    },
    run: (pos, v) => runPlan(one(pos, 'scenario'), { ...planOutputOptions(v), ...readAnswerFlags(v), startedAt }),
  },
  evaluate: {
    summary: 'check a plan written by hand against the same rules',
    args: '<scenario> --plan FILE',
    options: {
      plan: { type: 'string', value: 'FILE', help: 'the plan: {"stations": [["碧波", "湖滨"], …]} (luohu-2006: scenarios/luohu-2006/plan-2006.json)' },
      ...PLAN_OUTPUT,
      out: { ...PLAN_OUTPUT.out!, help: PLAN_OUTPUT.out!.help.replace('out/<scenario>', 'out/<scenario>-<plan file name>') },
      ...HELP,
    },
    run: (pos, v) => {
      if (typeof v.plan !== 'string') throw new UsageError('evaluate needs --plan FILE (for luohu-2006: scenarios/luohu-2006/plan-2006.json)', 'evaluate');
      return runEvaluate(one(pos, 'scenario', 'evaluate'), v.plan, planOutputOptions(v));
    },
  },
  batch: {
    summary: 'run every variation of a what-if grid (street offices in parallel, resumable); comparison table',
    args: '<whatif.json>',
    options: {
      out: { type: 'string', value: 'DIR', help: 'write the variations and the comparison here [out/<what-if name>]' },
      workers: { type: 'string', short: 'w', value: 'N', help: 'worker threads; 0 solves in the main thread [the number of cores]' },
      json: { type: 'boolean', help: 'print the comparison rows as JSON' },
      quiet: { type: 'boolean', short: 'q', help: 'print no comparison table (progress still goes to stderr)' },
      map: { type: 'boolean', help: 'draw map.svg in every variation folder [off]' },
      gis: { ...PLAN_OUTPUT.gis!, help: 'also write stations and committees of every variation as GeoPackage, zipped Shapefile, FlatGeobuf (with QGIS styles)' },
      'out-crs': PLAN_OUTPUT['out-crs']!,
      ...HELP,
    },
    run: (pos, v) => {
      const workers = v.workers === undefined ? undefined : Number(v.workers);
      if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 256 || !/^\d+$/.test(String(v.workers)))) {
        throw new UsageError(`--workers must be a whole number from 0 (solve in the main thread) to 256, got "${String(v.workers)}"`, 'batch');
      }
      return runBatch(one(pos, 'whatif', 'batch'), { out: v.out as string | undefined, workers, json: !!v.json, quiet: !!v.quiet, map: !!v.map, ...readGisOutputFlags(v) });
    },
  },
  documents: {
    summary: 'write plan.docx (方案), plan.xlsx and plan.zh.md into a plan\'s output folder from its summary.json and scenario (after editing the document block, or for a batch variation)',
    args: '<plan-dir>',
    options: {
      scenario: { type: 'string', value: 'FILE', help: 'the scenario (file or built-in name) for the document block, rules and dataset [the one summary.json names]' },
      lang: { type: 'string', value: 'zh|en', help: 'language of the headers of plan.xlsx [zh]' },
      ...HELP,
    },
    run: (pos, v) => {
      return runDocuments(one(pos, 'plan-dir', 'documents'), {
        ...(typeof v.scenario === 'string' ? { scenario: v.scenario } : {}), ...readLang(v, 'plan.xlsx', 'documents'),
      });
    },
  },
  validate: {
    summary: 'report every problem of a committees GeoJSON; exit 1 if any is fatal',
    args: '<dataset.geojson|.zip|.shp|.gpkg|.fgb>',
    options: {
      mapping: { type: 'string', value: 'JSON|FILE', help: 'canonical field → property names, e.g. {"households":"hh2010"}' },
      crs: { type: 'string', value: 'EPSG:xxxx', help: 'the coordinate system of the file, or GCJ-02 / BD-09 for Chinese web-map coordinates [the file\'s own, else EPSG:4326]' },
      layer: { type: 'string', value: 'NAME', help: 'the GeoPackage table or the Shapefile in the zip [the only one]' },
      encoding: { type: 'string', value: 'NAME', help: 'text encoding of a Shapefile\'s DBF, e.g. GBK [its .cpg, else UTF-8]' },
      json: { type: 'boolean', help: 'print the report as JSON' },
      ...HELP,
    },
    run: (pos, v) => runValidate(one(pos, 'dataset', 'validate'), { mapping: v.mapping as string | undefined, crs: v.crs as string | undefined, layer: v.layer as string | undefined, encoding: v.encoding as string | undefined, json: !!v.json }),
  },
  serve: {
    summary: 'the HTTP API (embedded database in --data; DATABASE_URL selects PostgreSQL)',
    args: '',
    options: {
      port: { type: 'string', short: 'p', value: 'P', help: 'TCP port [3000]' },
      host: { type: 'string', value: 'H', help: 'address to listen on [127.0.0.1]' },
      data: { type: 'string', value: 'DIR', help: 'folder of the embedded database [.data]' },
      workers: { type: 'string', short: 'w', value: 'N', help: 'solve worker threads; 0 solves in the main thread [2, or 1 on one core]' },
      quiet: { type: 'boolean', short: 'q', help: 'no request log' },
      basemap: { type: 'string', value: 'URLS', help: 'tile URL template(s) ({z}/{x}/{y}, Web Mercator) drawn under the review desk\'s map, e.g. a 天地图 WMTS with its key; several, space-separated, are stacked [$YIZHAN_BASEMAP, else none]' },
      'basemap-subdomains': { type: 'string', value: 'CHARS', help: 'what replaces {s} in the basemap URLs, e.g. 01234567 for 天地图 [$YIZHAN_BASEMAP_SUBDOMAINS, else abc]' },
      ...HELP,
    },
    run: (pos, v) => {
      if (pos.length > 0) throw new UsageError(`unexpected argument(s): ${pos.join(' ')}`, 'serve');
      return runServe({
        port: v.port as string | undefined, host: v.host as string | undefined, data: v.data as string | undefined, workers: v.workers as string | undefined, quiet: !!v.quiet,
        basemap: v.basemap as string | undefined, basemapSubdomains: v['basemap-subdomains'] as string | undefined,
      });
    },
  },
  token: {
    summary: 'make (create), list or revoke bearer tokens; create prints the token alone on stdout',
    args: 'create --role ROLE | list | revoke ID',
    options: {
      role: { type: 'string', value: 'ROLE', help: `the role the token carries: ${ROLES.join(', ')}` },
      'street-office': { type: 'string', value: 'NAME', help: 'the street office of a street-office token' },
      label: { type: 'string', value: 'TEXT', help: 'a note to tell tokens apart' },
      'expires-in-days': { type: 'string', value: 'N', help: 'the token stops working after N days [never]' },
      force: { type: 'boolean', help: 'make a street-office token even for a street office no stored dataset has' },
      data: { type: 'string', value: 'DIR', help: 'folder of the embedded database [.data]' },
      ...HELP,
    },
    run: (pos, v) => runToken(pos, {
      role: v.role as string | undefined, streetOffice: v['street-office'] as string | undefined, label: v.label as string | undefined,
      expiresInDays: v['expires-in-days'] as string | undefined, force: !!v.force, data: v.data as string | undefined,
    }),
  },
};

function one(positionals: string[], what: string, command = 'plan'): string {
  if (positionals.length === 0) throw new UsageError(`missing <${what}>`, command);
  if (positionals.length > 1) throw new UsageError(`unexpected argument(s): ${positionals.slice(1).join(' ')}`, command);
  return positionals[0]!;
}

function flagOf(name: string, o: OptionSpec): string {
  return `--${name}${o.value ? ` ${o.value}` : ''}`;
}

function usageLine(name: string, c: Command): string {
  const flags = Object.entries(c.options).filter(([k]) => k !== 'help' && !c.args.includes(`--${k} `)).map(([k, o]) => `[${flagOf(k, o)}]`);
  return ['yizhan', name, c.args, ...flags].filter((p) => p !== '').join(' ');
}

/** A command's help: usage line, summary, then one line per option. */
export function formatCommandHelp(name: string): string {
  const c = COMMANDS[name]!;
  const labels = Object.entries(c.options).map(([k, o]) => [`${o.short ? `-${o.short}, ` : '    '}${flagOf(k, o)}`, o.help] as const);
  const width = Math.max(...labels.map(([l]) => l.length));
  const lines = [`Usage: ${usageLine(name, c)}`, '', c.summary, ''];
  if (c.args.includes('<scenario>')) lines.push(`<scenario> is a scenario file (scenario.json) or a built-in name: ${builtinList()}.`, '');
  lines.push('Options:', ...labels.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`));
  return lines.join('\n');
}

function builtinList(): string {
  const names = listBuiltinScenarios();
  return names.length > 0 ? names.join(', ') : '(none installed)';
}

export function formatUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'yizhan 一站: plan the consolidation of community workstations (一站多居)',
    '',
    'Usage:',
    ...Object.entries(COMMANDS).map(([k, c]) => `  ${usageLine(k, c)}`),
    '  yizhan <command> --help   (every option of a command)',
    '  yizhan --version',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`),
    '',
    `Built-in scenarios: ${builtinList()}`,
    '',
    'Exit codes: 0 done, 1 the input or the plan breaks a fatal rule, 2 usage error.',
  ].join('\n');
}

/**
 * parseArgs's own messages quote unevenly ('-- "--bogus"); the common cases get ours, with the
 * nearest option when the flag looks like a typo.
 */
function describeParseError(e: Error, name: string, c: Command): string {
  const code = (e as { code?: string }).code;
  const flag = /'(-{1,2}[^'\s]+)/.exec(e.message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
    const near = flag.startsWith('--') ? suggest(flag.slice(2), Object.keys(c.options)) : undefined;
    return `unknown option ${flag} for "${name}"${near ? `; did you mean --${near}?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    const o = c.options[flag.replace(/^-+/, '')];
    return o?.type === 'boolean' ? `${flag} takes no value` : `${flag} needs a value${o?.value ? ` (${flagOf(flag.replace(/^-+/, ''), o)})` : ''}`;
  }
  return e.message;
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(join(findPackageRoot(), 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** When the running command started (`main`'s `startedAt`). */
let startedAt = Date.now();

/**
 * Runs one command. `startedAt` (`Date.now()` at the process's start, from bin.ts) is where
 * `yizhan plan`'s budget counts from. [now]
 */
export async function main(argv: string[], started?: number): Promise<number> {
  startedAt = started ?? Date.now();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(formatUsage() + '\n');
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`yizhan ${readVersion()}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!command) {
      const near = suggest(name, Object.keys(COMMANDS));
      if (near) {
        process.stderr.write(`yizhan: unknown command "${name}"; did you mean "${near}"?\n(yizhan --help lists the commands)\n`);
        return EXIT.usage;
      }
      throw new UsageError(`unknown command "${name}"`);
    }
    let parsed;
    try {
      const options = Object.fromEntries(Object.entries(command.options).map(([k, o]) => [k, o.short ? { type: o.type, short: o.short } : { type: o.type }]));
      parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError(describeParseError(e as Error, name, command), name);
    }
    if (parsed.values.help) {
      process.stdout.write(formatCommandHelp(name) + '\n');
      return EXIT.ok;
    }
    return await command.run(parsed.positionals, parsed.values as Record<string, string | boolean | undefined>);
  } catch (e) {
    if (e instanceof UsageError) {
      // the command's own help when the error is about one command, else the overview
      // about one command: its usage line and where its options are explained; else the overview
      const about = e.command ?? (command ? name : undefined);
      const help = about !== undefined && Object.hasOwn(COMMANDS, about)
        ? `Usage: ${usageLine(about, COMMANDS[about]!)}\n(yizhan ${about} --help explains every option)`
        : formatUsage();
      process.stderr.write(`yizhan: ${e.message}\n\n${help}\n`);
      return EXIT.usage;
    }
    if (e instanceof StoreError) {
      // a refusal of the database layer (folder in use, bad token role …): the user's to fix
      process.stderr.write(`yizhan: ${e.message} [${e.code}]\n`);
      return EXIT.fatal;
    }
    if (e instanceof InputError) {
      process.stderr.write(`yizhan: ${e.message}\n${e.details.map((d) => `  ${d}\n`).join('')}`);
      return EXIT.fatal;
    }
    process.stderr.write(`yizhan: internal error: ${(e as Error).message}\n(this is a bug in yizhan; set YIZHAN_DEBUG=1 to see where)\n`);
    if (process.env.YIZHAN_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 70;
  }
}
