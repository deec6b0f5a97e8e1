/**
 * Reading a big dataset in each format: a generated district (bench/generate) written as GeoJSON,
 * converted by ogr2ogr to GeoPackage, FlatGeobuf and a zipped Shapefile, each read and validated
 * by readDatasetSource (overlap/gap checks off, as `yizhan plan` above 20,000 committees).
 * Median of --runs (3) wall times, and the peak RSS of this process.
 *
 * Run: npx tsx bench/gis-read.ts [--committees 120000] [--runs 3]   (needs GDAL's ogr2ogr and zip)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readDatasetSource } from '../geo/ingest.js';
import { generateDistrict } from './generate/district.js';

const { values } = parseArgs({ options: { committees: { type: 'string' }, runs: { type: 'string' } } });
const n = Number(values.committees ?? 120_000);
const runs = Number(values.runs ?? 3);
const dir = mkdtempSync(join(os.tmpdir(), 'yizhan-gis-bench-'));
try {
  const t0 = performance.now();
  const district = generateDistrict({ committees: n, seed: 1 });
  const geojson = join(dir, 'd.geojson');
  writeFileSync(geojson, JSON.stringify(district));
  const gen = performance.now() - t0;
  const ogr = (args: string[]): void => void execFileSync('ogr2ogr', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ogr(['-f', 'GPKG', '-nln', 'committees', join(dir, 'd.gpkg'), geojson]);
  ogr(['-f', 'FlatGeobuf', join(dir, 'd.fgb'), geojson]);
  ogr(['-f', 'ESRI Shapefile', '-lco', 'ENCODING=UTF-8', join(dir, 'd.shp'), geojson]);
  execFileSync('zip', ['-q', '-j', join(dir, 'd.zip'), ...['shp', 'shx', 'dbf', 'prj', 'cpg'].map((e) => join(dir, `d.${e}`))]);
  process.stdout.write(`${n} committees generated in ${(gen / 1000).toFixed(1)} s; ${os.cpus().length} × ${os.cpus()[0]?.model}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n\n`);
  process.stdout.write('| format | file | read + validate (median) | runs |\n|---|---:|---:|---|\n');
  for (const [label, file] of [['GeoJSON', 'd.geojson'], ['GeoPackage', 'd.gpkg'], ['FlatGeobuf', 'd.fgb'], ['Shapefile (zip)', 'd.zip']] as const) {
    const path = join(dir, file);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const bytes = readFileSync(path);
      // the generator's mapping: its own field names are the canonical ones, except in a Shapefile (cut at 10)
      const r = await readDatasetSource({ name: file, bytes }, { topology: false });
      times.push(performance.now() - t);
      if (!r.ok || r.dataset?.committees.length !== n) throw new Error(`${label}: ${r.problems.slice(0, 3).map((p) => p.message).join('; ')}`);
    }
    times.sort((a, b) => a - b);
    const mb = (statSync(path).size / 1e6).toFixed(0);
    process.stdout.write(`| ${label} | ${mb} MB | ${(times[Math.floor(times.length / 2)]! / 1000).toFixed(2)} s | ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} |\n`);
  }
  process.stdout.write(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
