/**
 * Scale benchmark (issue 4): a Shenzhen-sized district (≈ 700 committees, ≈ 74 street offices)
 * planned end to end, and a national-sized batch (≈ 120,000 committees, ≈ 9,000 street offices),
 * both through the real CLI from dist/ (`node dist/cli/bin.js plan|batch …`), with wall time,
 * CPU time and peak RSS; where the main thread's time goes, by stage, from a `--cpu-prof` run; and
 * in the same run the adjacency of the same polygons computed by PostGIS (PGlite + postgis) as the
 * baseline, its edge set compared with ours (same pairs ≥ 20 m, lengths within 1%).
 *
 *   npm run build && npx tsx bench/national.ts [--quick] [--runs N] [--national N] [--postgis-subset N] [--skip-national]
 *
 * - `--runs N` [5]: runs of the Shenzhen-sized plan (median reported); the national batch runs twice.
 * - `--national N` [120000]: committees of the national batch; `--quick` uses 20,000 and 3 runs.
 * - `--postgis-subset N` [15000]: PostGIS on the N committees nearest the national district's
 *   centre (PGlite is single-threaded WebAssembly: the whole 120,000 takes far longer than the
 *   rest of the benchmark); the Shenzhen-sized district is compared whole.
 * Districts are generated once with bench/generate and cached in bench/out/cache/ (byte-identical
 * for the same options). The machine is shared: the load average before each run is printed, and
 * CPU time beside wall time (CPU time is the less disturbed figure).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { calcSharedBorders, makeAdjacency } from '../geo/adjacency.js';
import { readCommittees } from '../geo/ingest.js';
import type { Committee } from '../geo/types.js';
import { generateDistrict, type DistrictOptions } from './generate/district.js';
import { calcPostgisSharedBorders, pairKey } from './postgis-borders.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const CACHE = join(ROOT, 'bench', 'out', 'cache');
const WORK = join(ROOT, 'bench', 'out', 'national');
const MIN_EDGE_M = 20;

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const quick = args.includes('--quick');
const runs = Number(flag('--runs') ?? (quick ? 3 : 5));
const nationalSize = Number(flag('--national') ?? (quick ? 20_000 : 120_000));
const subsetSize = Number(flag('--postgis-subset') ?? (quick ? 5_000 : Number.POSITIVE_INFINITY));
const skipNational = args.includes('--skip-national');

/** Street-office sizes that give ≈ 74 offices for 700 committees and ≈ 9,000 for 120,000 (seed 1). */
const SHENZHEN: DistrictOptions = { committees: 700, seed: 1, streetOfficeSize: [4, 11] };
const NATIONAL: DistrictOptions = { committees: nationalSize, seed: 1, streetOfficeSize: [5, 22] };

const median = (xs: readonly number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]!; };
const fmtS = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const fmtMB = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;
const log = (s: string): void => void process.stderr.write(`${s}\n`);

/** The district's GeoJSON file (generated once per options), a scenario and a what-if beside it. */
function prepareDistrict(name: string, options: DistrictOptions): { geojson: string; scenario: string; whatif: string; offices: number } {
  mkdirSync(CACHE, { recursive: true });
  const stem = `district-${options.committees}-s${options.seed}-o${options.streetOfficeSize!.join('-')}`;
  const geojson = join(CACHE, `${stem}.geojson`);
  const meta = join(CACHE, `${stem}.meta.json`);
  if (!existsSync(geojson) || !existsSync(meta)) {
    const t0 = performance.now();
    const district = generateDistrict(options);
    const offices = new Set(district.features.map((f) => f.properties.streetOffice)).size;
    writeFileSync(geojson, JSON.stringify(district));
    writeFileSync(meta, JSON.stringify({ offices }));
    log(`generated ${options.committees} committees in ${offices} street offices in ${fmtS(performance.now() - t0)} → ${geojson}`);
  }
  const { offices } = JSON.parse(readFileSync(meta, 'utf8')) as { offices: number };
  const scenario = join(CACHE, `${stem}.scenario.json`);
  writeFileSync(scenario, `${JSON.stringify({ name, dataset: `${stem}.geojson` })}\n`);
  const whatif = join(CACHE, `${stem}.whatif.json`);
  writeFileSync(whatif, `${JSON.stringify({ name: `${name}-batch`, datasets: [`${stem}.scenario.json`] })}\n`);
  return { geojson, scenario, whatif, offices };
}

interface RunFigures { wallMs: number; cpuMs: number; peakKb: number; load: number; code: number | null; stderr: string }

const HAS_TIME = existsSync('/usr/bin/time');

/** Runs the CLI once: wall and CPU time, peak RSS (GNU time, else sampling /proc VmHWM). */
async function runCli(cliArgs: string[], nodeFlags: string[] = []): Promise<RunFigures> {
  const load = os.loadavg()[0]!;
  if (HAS_TIME) {
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, ...nodeFlags, BIN, ...cliArgs], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const wallMs = performance.now() - t0;
    const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
    if (!m) throw new Error(`no timing from /usr/bin/time: ${r.stderr.slice(-500)}`);
    return { wallMs, cpuMs: (Number(m[2]) + Number(m[3])) * 1000, peakKb: Number(m[4]), load, code: r.status, stderr: r.stderr };
  }
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeFlags, BIN, ...cliArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peakKb = 0;
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch { /* exited */ }
    }, 20);
    child.on('error', fail);
    child.on('exit', (code) => {
      clearInterval(sample);
      done({ wallMs: performance.now() - t0, cpuMs: Number.NaN, peakKb, load, code, stderr });
    });
  });
}

// ---------- where the time goes: a --cpu-prof run, main thread by stage, workers in total ----------

interface CpuProfile { nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[]; samples: number[]; timeDeltas: number[] }

/** Stages of the main thread: a sample goes to the innermost of these functions on its stack. */
const STAGES: { label: string; fn: string; within?: string }[] = [
  { label: 'read file', fn: 'readTextFile' },
  { label: 'parse JSON', fn: 'parseGeoJsonText' },
  { label: 'validate: overlaps and gaps', fn: 'findTopologyProblems' },
  { label: 'validate: geometry, properties, ids', fn: 'readCommittees' },
  { label: 'adjacency', fn: 'makeAdjacency', within: 'makePlanContext' },
  { label: 'adjacency (rows in the workers, the rest here)', fn: 'makeAdjacencyWith' },
  { label: 'measures, units', fn: 'makePlanContextWith' },
  { label: 'street offices finished in this thread (0 workers, or stopped at the time limit)', fn: 'finishOfficeJob' },
  { label: 'solver jobs (geometry packed for the workers)', fn: 'makeOfficeExtras' },
  { label: 'GeoJSON features joined in file order', fn: 'joinFeatureCollection' },
  { label: 'measures, units', fn: 'makePlanContext' },
  { label: 'scenario locks resolved (resolveLocks)', fn: 'resolveLocks' },
  { label: 'solver jobs (slim problems)', fn: 'makeSlimProblem' },
  { label: 'solver jobs (messages to the workers)', fn: 'postMessage' },
  { label: 'stations made while the workers solve', fn: 'makeOfficeStations' },
  { label: 'solve, in this thread', fn: 'solveStreetOffice' },
  { label: 'dissolve while the workers solve', fn: 'addOfficeOutlines' },
  { label: 'assemble plan (stations, checks, text)', fn: 'assemblePlan' },
  { label: 'outputs: dissolve left over', fn: 'makeStationsGeoJson' },
  { label: 'outputs: map.svg', fn: 'makePlanMapSvg' },
  { label: 'outputs: JSON, CSV, text', fn: 'makePlanFiles' },
  { label: 'write files', fn: 'writeFilesAtomically' },
  { label: 'garbage collector', fn: '(garbage collector)' },
  { label: 'idle (waiting for workers)', fn: '(idle)' },
];
const OTHER = 'start-up, module loading, other';

/** CPU time (ms) per stage, and in all. */
function timeByStage(profile: CpuProfile): { total: number; byStage: Map<string, number>; byName: Map<string, number> } {
  const parent = new Map<number, number>();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byStage = new Map<string, number>();
  const byName = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    total += us;
    const stack: string[] = [];
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) stack.push(byId.get(x)!.callFrame.functionName || '(anonymous)');
    const names = new Set(stack);
    for (const name of names) byName.set(name, (byName.get(name) ?? 0) + us / 1000);
    let label = OTHER;
    for (const name of stack) {
      const stage = STAGES.find((st) => st.fn === name && (!st.within || names.has(st.within)));
      if (stage) {
        label = stage.label;
        break;
      }
    }
    byStage.set(label, (byStage.get(label) ?? 0) + us / 1000);
  }
  return { total: total / 1000, byStage, byName };
}

function stagesOf(main: ReturnType<typeof timeByStage>, workers: ReturnType<typeof timeByStage>[]): [string, number][] {
  const rows: [string, number][] = [...new Set(STAGES.map((st) => st.label)), OTHER].map((label) => [label, main.byStage.get(label) ?? 0]);
  rows.push(['all (main thread, profiled)', main.total]);
  workers.forEach((w, i) => {
    const idle = w.byName.get('(idle)') ?? 0;
    rows.push([`worker ${i + 1}: busy ${(w.total - idle).toFixed(0)} ms (solveStreetOffice ${(w.byName.get('solveStreetOffice') ?? 0).toFixed(0)} ms, finishing offices ${(w.byName.get('finishOfficeJob') ?? 0).toFixed(0)} ms, border rows ${(w.byName.get('calcDirectedBorderRows') ?? 0).toFixed(0)} ms), idle ${idle.toFixed(0)} ms`, Number.NaN]);
  });
  return rows;
}

async function profileRun(cliArgs: string[], dir: string): Promise<{ wallMs: number; rows: [string, number][] }> {
  rmSync(dir, { recursive: true, force: true });
  const r = await runCli(cliArgs, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  // the main thread's profile is the one with thread index 0 (CPU.<date>.<time>.<pid>.0.<seq>)
  const isMain = (f: string): boolean => f.split('.')[4] === '0';
  const main = timeByStage(JSON.parse(readFileSync(join(dir, files.find(isMain)!), 'utf8')) as CpuProfile);
  const workers = files.filter((f) => !isMain(f)).map((f) => timeByStage(JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile));
  return { wallMs: r.wallMs, rows: stagesOf(main, workers) };
}

// ---------- PostGIS baseline ----------

const key = pairKey;

interface EdgeDiff { edges: number; onlyOurs: string[]; onlyPostgis: string[]; over1: number; over1OursShorter: number; worst: number }
interface Comparison { committees: number; oursMs: number; postgisMs: number; loadMs: number; postgisEdges: number; snap2m: EdgeDiff; snap1mm: EdgeDiff }

/** Our pairs against PostGIS's: pairs ≥ 20 m on one side only, and length differences among the common ones. */
function diffEdges(oursGraph: Map<string, Map<string, number>>, theirs: Map<string, number>): EdgeDiff {
  const ours = new Map<string, number>();
  for (const [a, m] of oursGraph) for (const [b, len] of m) if (a < b && len >= MIN_EDGE_M) ours.set(key(a, b), len);
  const oursAny = (k: string): number => { const [a, b] = k.split('|') as [string, string]; return oursGraph.get(a)?.get(b) ?? oursGraph.get(b)?.get(a) ?? 0; };
  const onlyOurs: string[] = [], onlyPostgis: string[] = [];
  let over1 = 0, over1OursShorter = 0, worst = 0;
  for (const [k, len] of theirs) if (len >= MIN_EDGE_M && !ours.has(k)) onlyPostgis.push(`${k} (PostGIS ${len.toFixed(1)} m, ours ${oursAny(k).toFixed(1)} m)`);
  for (const [k, len] of ours) {
    const p = theirs.get(k) ?? 0;
    if (p < MIN_EDGE_M) { onlyOurs.push(`${k} (ours ${len.toFixed(1)} m, PostGIS ${p.toFixed(1)} m)`); continue; }
    const rel = Math.abs(len - p) / Math.max(len, p);
    if (rel > 0.01) {
      over1++;
      if (len < p) over1OursShorter++;
    }
    worst = Math.max(worst, rel);
  }
  return { edges: ours.size, onlyOurs, onlyPostgis, over1, over1OursShorter, worst };
}

async function compareWithPostgis(db: PGlite, table: string, committees: readonly Committee[]): Promise<Comparison> {
  const t0 = performance.now();
  await db.exec(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (id text PRIMARY KEY, geom geometry(MultiPolygon, 4326) NOT NULL)`);
  const batch = 2000;
  for (let i = 0; i < committees.length; i += batch) {
    const rows = committees.slice(i, i + batch).map((c) => ({ id: c.id, g: { type: 'MultiPolygon', coordinates: c.geometry } }));
    await db.query(`INSERT INTO ${table} SELECT r->>'id', ST_SetSRID(ST_GeomFromGeoJSON(r->>'g'), 4326) FROM json_array_elements($1::json) AS r`, [JSON.stringify(rows)]);
  }
  await db.exec(`CREATE INDEX ON ${table} USING gist (geom); ANALYZE ${table}`);
  const loadMs = performance.now() - t0;
  const { lengths: theirs, ms: postgisMs } = await calcPostgisSharedBorders(db, table);
  await db.exec(`DROP TABLE ${table}`);

  const t2 = performance.now();
  const graph = makeAdjacency(committees);
  const oursMs = performance.now() - t2;
  return {
    committees: committees.length, oursMs, postgisMs, loadMs,
    postgisEdges: [...theirs.values()].filter((len) => len >= MIN_EDGE_M).length,
    snap2m: diffEdges(graph.border, theirs),
    snap1mm: diffEdges(calcSharedBorders(committees, { snapToleranceMeters: 0.001 }), theirs),
  };
}

/** The `n` committees whose first vertex is nearest the centre of all (a compact patch of the district). */
function centralSubset(committees: readonly Committee[], n: number): Committee[] {
  if (n >= committees.length) return [...committees];
  const first = (c: Committee) => c.geometry[0]![0]![0]!;
  const cx = committees.reduce((s, c) => s + first(c)[0], 0) / committees.length;
  const cy = committees.reduce((s, c) => s + first(c)[1], 0) / committees.length;
  const k = Math.cos((cy * Math.PI) / 180);
  const d = (c: Committee) => ((first(c)[0] - cx) * k) ** 2 + (first(c)[1] - cy) ** 2;
  return [...committees].sort((a, b) => d(a) - d(b)).slice(0, n);
}

function readDistrict(path: string): Committee[] {
  const report = readCommittees(JSON.parse(readFileSync(path, 'utf8')), { topology: false });
  if (!report.dataset) throw new Error(`${path}: not a valid dataset`);
  return report.dataset.committees;
}

// ---------- main ----------

async function main(): Promise<void> {
  if (!existsSync(BIN)) {
    log(`${BIN} is missing: run \`npm run build\` first`);
    process.exit(2);
  }
  const builtAt = statSync(BIN).mtimeMs;
  const t0 = performance.now();
  mkdirSync(WORK, { recursive: true });
  const cpu = os.cpus();
  const header = [
    `machine: ${cpu[0]?.model ?? '?'} × ${cpu.length} (availableParallelism ${os.availableParallelism()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}`,
    `node ${process.version}; date ${new Date().toISOString()}; dist built ${new Date(builtAt).toISOString()}; peak RSS by ${HAS_TIME ? 'GNU time' : 'sampling /proc VmHWM'}`,
  ];
  log(header.join('\n'));
  const out: string[] = [...header, ''];

  // 1. Shenzhen-sized district: `yizhan plan`, median of `runs`, with and without map.svg
  const sz = prepareDistrict('shenzhen-sized', SHENZHEN);
  out.push(`## Shenzhen-sized: ${SHENZHEN.committees} committees, ${sz.offices} street offices, yizhan plan (median of ${runs})`, '');
  out.push('| command | wall (median, min–max) | CPU (median) | peak RSS | load avg | exit |', '|---|---:|---:|---:|---:|---:|');
  for (const variant of [[], ['--no-map']] as string[][]) {
    const figures: RunFigures[] = [];
    for (let i = 0; i < runs; i++) figures.push(await runCli(['plan', sz.scenario, '--out', join(WORK, 'shenzhen'), '--quiet', ...variant]));
    const walls = figures.map((f) => f.wallMs);
    out.push(`| yizhan plan ${variant.join(' ') || '(default: map.svg only up to 500 committees)'} | ${fmtS(median(walls))} (${fmtS(Math.min(...walls))}–${fmtS(Math.max(...walls))}) | ${fmtS(median(figures.map((f) => f.cpuMs)))} | ${fmtMB(Math.max(...figures.map((f) => f.peakKb)))} | ${median(figures.map((f) => f.load)).toFixed(1)} | ${figures.map((f) => f.code).join(',')} |`);
    log(out[out.length - 1]!);
  }
  const szProfile = await profileRun(['plan', sz.scenario, '--out', join(WORK, 'shenzhen'), '--quiet'], join(WORK, 'prof-shenzhen'));
  out.push('', `main thread by stage (one --cpu-prof run, ${fmtS(szProfile.wallMs)} wall with the profiler):`, '');
  out.push(...formatStages(szProfile.rows));

  // 2. National-sized batch
  if (!skipNational) {
    const nat = prepareDistrict('national-sized', NATIONAL);
    out.push('', `## National-sized: ${NATIONAL.committees} committees, ${nat.offices} street offices, yizhan batch (--workers default = ${os.availableParallelism()})`, '');
    out.push('| run | wall | CPU | peak RSS | load avg | exit |', '|---|---:|---:|---:|---:|---:|');
    for (let i = 0; i < 2; i++) {
      const dir = join(WORK, 'national');
      rmSync(dir, { recursive: true, force: true }); // a fresh folder: no resume
      const f = await runCli(['batch', nat.whatif, '--out', dir, '--quiet']);
      out.push(`| ${i + 1} | ${fmtS(f.wallMs)} | ${fmtS(f.cpuMs)} | ${fmtMB(f.peakKb)} | ${f.load.toFixed(1)} | ${f.code} |`);
      log(out[out.length - 1]!);
      if (i === 0) {
        const note = f.stderr.split('\n').find((l) => l.startsWith('note:'));
        if (note) out.push(`|  | ${note.replace(/\|/g, '/')} | | | | |`);
        const files = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => readdirSync(join(dir, d.name)).map((n) => [n, statSync(join(dir, d.name, n)).size] as const));
        out.push(`|  | outputs: ${files.map(([n, s]) => `${n} ${(s / 1e6).toFixed(1)} MB`).join(', ')} | | | | |`);
      }
    }
    const dir = join(WORK, 'national');
    rmSync(dir, { recursive: true, force: true });
    const natProfile = await profileRun(['batch', nat.whatif, '--out', dir, '--quiet'], join(WORK, 'prof-national'));
    out.push('', `main thread by stage (one --cpu-prof run, ${fmtS(natProfile.wallMs)} wall with the profiler):`, '');
    out.push(...formatStages(natProfile.rows));
  }

  // 3. PostGIS baseline, same run, same polygons
  out.push('', '## Adjacency: ours (geo/adjacency, default 2 m snap) against PostGIS 3.6 in PGlite, same polygons', '');
  const tpg = performance.now();
  const db = await PGlite.create({ extensions: { postgis } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  out.push(`PGlite + CREATE EXTENSION postgis: ${fmtS(performance.now() - tpg)}`, '');
  out.push('| polygons | committees | ours (makeAdjacency) | PostGIS query (+ load, index) | edges ≥ 20 m ours / PostGIS | only ours / only PostGIS | common pairs off > 1% (of which ours shorter) | worst | at 1 mm snap: only ours / only PostGIS, off > 1%, worst |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const sets: [string, Committee[]][] = [[`Shenzhen-sized (whole)`, readDistrict(sz.geojson)]];
  if (!skipNational) {
    const all = readDistrict(prepareDistrict('national-sized', NATIONAL).geojson);
    sets.push([subsetSize >= all.length ? `national-sized (whole)` : `national-sized, central ${subsetSize} of ${all.length}`, centralSubset(all, subsetSize)]);
  }
  for (const [name, cs] of sets) {
    const c = await compareWithPostgis(db, 'adj', cs);
    const a = c.snap2m, z = c.snap1mm;
    out.push(`| ${name} | ${c.committees} | ${fmtS(c.oursMs)} | ${fmtS(c.postgisMs)} (+ ${fmtS(c.loadMs)}) | ${a.edges} / ${c.postgisEdges} | ${a.onlyOurs.length} / ${a.onlyPostgis.length} | ${a.over1} (${a.over1OursShorter}) | ${(100 * a.worst).toFixed(2)}% | ${z.onlyOurs.length} / ${z.onlyPostgis.length}, ${z.over1}, ${(100 * z.worst).toFixed(3)}% |`);
    log(out[out.length - 1]!);
    for (const d of [...a.onlyOurs, ...a.onlyPostgis].slice(0, 6)) out.push(`  - 2 m snap, edge on one side only: ${d}`);
    for (const d of [...z.onlyOurs, ...z.onlyPostgis].slice(0, 6)) out.push(`  - 1 mm snap, edge on one side only: ${d}`);
  }
  await db.close();
  out.push('', `benchmark total ${fmtS(performance.now() - t0)}`);
  const text = out.join('\n') + '\n';
  writeFileSync(join(WORK, 'latest.md'), text);
  process.stdout.write(text);
}

function formatStages(rows: [string, number][]): string[] {
  return ['| stage (main thread CPU) | ms |', '|---|---:|', ...rows.map(([name, ms]) => (Number.isNaN(ms) ? `| ${name} | |` : `| ${name} | ${ms.toFixed(0)} |`))];
}

await main();
