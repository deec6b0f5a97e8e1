/**
 * The `yizhan` command. Subcommands in one table; unknown flags are refused; usage errors print
 * the usage and exit 2; bad input prints every problem (no stack trace) and exits 1.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { StoreError } from '../server/store/types.js';
import { EXIT, InputError, UsageError } from './errors.js';
import { GIS_OUTPUT_FLAGS, readGisOutputFlags } from './gis-flags.js';
import type { PlanCommandOptions } from './plan-commands.js';

// Each command's module is loaded when the command runs: `yizhan plan` need not load the HTTP
// server (Fastify, the store), which was a third of a Shenzhen-sized plan's time.
const runPlan: typeof import('./plan-commands.js').runPlan = async (...a) => (await import('./plan-commands.js')).runPlan(...a);
const runEvaluate: typeof import('./plan-commands.js').runEvaluate = async (...a) => (await import('./plan-commands.js')).runEvaluate(...a);
const runBatch: typeof import('./batch-command.js').runBatch = async (...a) => (await import('./batch-command.js')).runBatch(...a);
const runValidate: typeof import('./validate-command.js').runValidate = async (...a) => (await import('./validate-command.js')).runValidate(...a);
const runServe: typeof import('./serve-command.js').runServe = async (...a) => (await import('./serve-command.js')).runServe(...a);
const runToken: typeof import('./token-command.js').runToken = async (...a) => (await import('./token-command.js')).runToken(...a);

interface Command {
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number>;
}

const COMMON = { help: { type: 'boolean', short: 'h' } } as const;

/** Flags shared by the commands that write a plan's outputs. */
const PLAN_OUTPUT = {
  out: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  map: { type: 'boolean' },
  'no-map': { type: 'boolean' },
  ...GIS_OUTPUT_FLAGS,
} as const;

function planOutputOptions(v: Record<string, string | boolean | undefined>): PlanCommandOptions {
  if (v.map && v['no-map']) throw new UsageError('--map and --no-map contradict each other');
  return {
    out: v.out as string | undefined,
    json: !!v.json,
    quiet: !!v.quiet,
    ...(v.map ? { map: true } : v['no-map'] ? { map: false } : {}),
    ...readGisOutputFlags(v),
  };
}

const COMMANDS: Record<string, Command> = {
  plan: {
    summary: 'solve a scenario: proven-optimal merges, checks, plan text, GIS exports',
    usage: 'yizhan plan <scenario|luohu-2006> [--out DIR] [--json] [--quiet] [--map|--no-map] [--gis gpkg,shp,fgb [--out-crs EPSG:4547]]',
    options: { ...COMMON, ...PLAN_OUTPUT },
    run: (pos, v) => runPlan(one(pos, 'scenario'), planOutputOptions(v)),
  },
  evaluate: {
    summary: 'check a plan written by hand against the same rules',
    usage: 'yizhan evaluate <scenario|luohu-2006> --plan FILE [--out DIR] [--json] [--quiet] [--map|--no-map] [--gis gpkg,shp,fgb [--out-crs EPSG:4547]]',
    options: { ...COMMON, plan: { type: 'string' }, ...PLAN_OUTPUT },
    run: (pos, v) => {
      if (typeof v.plan !== 'string') throw new UsageError('evaluate needs --plan FILE (for luohu-2006: scenarios/luohu-2006/plan-2006.json)');
      return runEvaluate(one(pos, 'scenario'), v.plan, planOutputOptions(v));
    },
  },
  batch: {
    summary: 'run every variation of a what-if grid (street offices in parallel, resumable); comparison table',
    usage: 'yizhan batch <whatif.json> [--out DIR] [--workers N] [--json] [--quiet] [--map]',
    options: { ...COMMON, out: { type: 'string' }, workers: { type: 'string', short: 'w' }, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' }, map: { type: 'boolean' } },
    run: (pos, v) => {
      const workers = v.workers === undefined ? undefined : Number(v.workers);
      if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 256 || !/^\d+$/.test(String(v.workers)))) {
        throw new UsageError(`--workers must be a whole number from 0 (solve in the main thread) to 256, got "${String(v.workers)}"`);
      }
      return runBatch(one(pos, 'whatif'), { out: v.out as string | undefined, workers, json: !!v.json, quiet: !!v.quiet, map: !!v.map });
    },
  },
  validate: {
    summary: 'report every problem of a committees GeoJSON; exit 1 if any is fatal',
    usage: 'yizhan validate <dataset.geojson|.zip|.shp|.gpkg|.fgb> [--mapping JSON|FILE] [--crs EPSG:xxxx|GCJ-02|BD-09] [--layer NAME] [--encoding GBK] [--json]',
    options: { ...COMMON, mapping: { type: 'string' }, crs: { type: 'string' }, layer: { type: 'string' }, encoding: { type: 'string' }, json: { type: 'boolean' } },
    run: (pos, v) => runValidate(one(pos, 'dataset'), { mapping: v.mapping as string | undefined, crs: v.crs as string | undefined, layer: v.layer as string | undefined, encoding: v.encoding as string | undefined, json: !!v.json }),
  },
  serve: {
    summary: 'the HTTP API (embedded database in --data; DATABASE_URL selects PostgreSQL)',
    usage: 'yizhan serve [--port P] [--host H] [--data DIR] [--workers N] [--quiet]',
    options: { ...COMMON, port: { type: 'string', short: 'p' }, host: { type: 'string' }, data: { type: 'string' }, workers: { type: 'string', short: 'w' }, quiet: { type: 'boolean', short: 'q' } },
    run: (pos, v) => {
      if (pos.length > 0) throw new UsageError(`unexpected argument(s): ${pos.join(' ')}`);
      return runServe({ port: v.port as string | undefined, host: v.host as string | undefined, data: v.data as string | undefined, workers: v.workers as string | undefined, quiet: !!v.quiet });
    },
  },
  token: {
    summary: 'make a bearer token for a role; prints it alone on stdout',
    usage: 'yizhan token create --role ROLE [--street-office NAME] [--label TEXT] [--data DIR]',
    options: { ...COMMON, role: { type: 'string' }, 'street-office': { type: 'string' }, label: { type: 'string' }, data: { type: 'string' } },
    run: (pos, v) => runToken(one(pos, 'action'), {
      role: v.role as string | undefined, streetOffice: v['street-office'] as string | undefined, label: v.label as string | undefined, data: v.data as string | undefined,
    }),
  },
};

function one(positionals: string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`missing <${what}>`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument(s): ${positionals.slice(1).join(' ')}`);
  return positionals[0]!;
}

export function formatUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'yizhan 一站: plan the consolidation of community workstations (一站多居)',
    '',
    'Usage:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 done, 1 the input or the plan breaks a fatal rule, 2 usage error.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(formatUsage() + '\n');
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (parsed.values.help) {
      process.stdout.write(`${command.usage}\n\n${command.summary}\n`);
      return EXIT.ok;
    }
    return await command.run(parsed.positionals, parsed.values as Record<string, string | boolean | undefined>);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`yizhan: ${e.message}\n\n${formatUsage()}\n`);
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
