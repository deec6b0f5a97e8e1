/**
 * GIS interchange checked with a real GIS reader (GDAL's ogrinfo and ogr2ogr): every output of
 * `yizhan plan --gis gpkg,shp,fgb --out-crs EPSG:4547` read back, and Luohu 2006 converted to a
 * Shapefile in EPSG:4547, to a GeoPackage in EPSG:4490 and shifted into GCJ-02 planning to the same
 * stations as the GeoJSON. Runs the CLI from dist/ (`npm run build` first). Skipped, by name, where
 * GDAL is not installed (Debian: gdal-bin).
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { wgs84ToGcj02 } from '../geo/china-offsets.js';
import { readDatasetSource } from '../geo/ingest.js';
import type { Position } from '../geo/types.js';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'dist/cli/bin.js');
const LUOHU = join(root, 'scenarios/luohu-2006/committees.geojson');
const hasGdal = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' }).status === 0;

const execFileAsync = promisify(execFile);

/** Runs a command without blocking the test worker (a long spawnSync starves vitest's RPC). */
async function run(cmd: string, args: string[]): Promise<string> {
  try {
    const r = await execFileAsync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
    return r.stdout;
  } catch (e) {
    const err = e as { code?: number; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} exited ${err.code}: ${err.stderr}`);
  }
}
const yizhan = (...args: string[]): Promise<string> => run(process.execPath, [bin, ...args]);

/** The plan's stations as sorted lists of committee ids, sorted. */
function stationsOf(outDir: string): string[] {
  const fc = JSON.parse(readFileSync(join(outDir, 'stations.geojson'), 'utf8')) as { features: { properties: { committeeIds: string[] } }[] };
  return fc.features.map((f) => [...f.properties.committeeIds].sort().join('+')).sort();
}

async function planScenario(dir: string, name: string, dataset: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  const scenario = join(dir, `${name}.json`);
  writeFileSync(scenario, JSON.stringify({ name, dataset, ...extra }));
  const out = join(dir, `out-${name}`);
  await yizhan('plan', scenario, '--out', out, '--quiet');
  return stationsOf(out);
}

describe.skipIf(!hasGdal)('GIS outputs read by ogrinfo (needs Debian gdal-bin)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yizhan-gis-'));
  const out = join(dir, 'out');
  let stations: { id: string; label: string; committeeIds: string[] }[];
  let committees: number;
  beforeAll(async () => {
    if (!existsSync(bin)) throw new Error('dist/cli/bin.js is missing: run `npm run build`');
    await yizhan('plan', 'luohu-2006', '--out', out, '--quiet', '--gis', 'gpkg,shp,fgb', '--out-crs', 'EPSG:4547');
    const fc = JSON.parse(readFileSync(join(out, 'stations.geojson'), 'utf8')) as { features: { properties: { id: string; label: string; committeeIds: string[] } }[] };
    stations = fc.features.map((f) => f.properties);
    committees = stations.reduce((n, s) => n + s.committeeIds.length, 0);
    await run('unzip', ['-q', '-o', join(out, 'stations.shp.zip'), '-d', join(dir, 'shp')]);
    await run('unzip', ['-q', '-o', join(out, 'committees.shp.zip'), '-d', join(dir, 'shp')]);
  }, 300_000);

  // a FlatGeobuf file is one layer whose name the flatgeobuf package leaves unset: read it with -al
  const sources = (layer: 'stations' | 'committees'): [string, string, string][] => [
    ['GeoPackage', join(out, `${layer}.gpkg`), layer],
    ['Shapefile', join(dir, 'shp', `${layer}.shp`), layer],
    ['FlatGeobuf', join(out, `${layer}.fgb`), '-al'],
  ];

  it('has a .qml style beside the outputs and inside the GeoPackage, filling from the fill attribute', async () => {
    for (const layer of ['stations', 'committees']) {
      const qml = readFileSync(join(out, `${layer}.qml`), 'utf8');
      expect(qml).toContain('<Option name="field" type="QString" value="fill"/>');
      expect(await run('ogrinfo', ['-q', join(out, `${layer}.gpkg`), '-sql', 'SELECT count(*) AS n FROM layer_styles WHERE useAsDefault = 1'])).toMatch(/n \(Integer\) = 1/);
    }
  });

  for (const layer of ['stations', 'committees'] as const) {
    it(`${layer}: every format has the feature count, the SRS (EPSG:4547) and the fields`, async () => {
      for (const [format, path, which] of sources(layer)) {
        const info = await run('ogrinfo', ['-so', path, which]);
        const count = Number(/Feature Count: (\d+)/.exec(info)?.[1]);
        expect(count, format).toBe(layer === 'stations' ? stations.length : committees);
        expect(info, format).toMatch(/CGCS2000 \/ 3-degree Gauss-Kruger CM 114E/);
        // the flatgeobuf package writes every number as a Real
        expect(info, format).toMatch(layer === 'stations' ? (format === 'FlatGeobuf' ? /households: Real/ : /households: Integer/) : /name: String/);
        expect(info, format).toMatch(/fill: String/);
      }
    });
  }

  it('stations: Chinese names and field values intact in every format (Shapefile names by the 10-character mapping)', async () => {
    const merged = stations.find((s) => s.committeeIds.length > 1)!;
    for (const [format, path, which] of sources('stations')) {
      const text = await run('ogrinfo', ['-q', path, which, '-where', `id = '${merged.id}'`]);
      expect(text, format).toContain(`label (String) = ${merged.label}`);
      expect(text, format).toMatch(format === 'Shapefile' ? /streetOffi \(String\) = \p{Script=Han}+/u : /streetOffice \(String\) = \p{Script=Han}+/u);
      expect(text, format).toMatch(/fill \(String\) = #[0-9a-f]{6}/);
    }
  });

  it('coordinates in EPSG:4547 agree with PROJ converting the WGS84 output (ogr2ogr), to a centimetre', async () => {
    const wgs = join(dir, 'stations-wgs.gpkg');
    await run('ogr2ogr', ['-f', 'GPKG', '-t_srs', 'EPSG:4547', wgs, join(out, 'stations.geojson')]);
    const ours = await run('ogrinfo', ['-q', join(out, 'stations.gpkg'), '-sql', 'SELECT id, ST_X(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1)) AS x, ST_Y(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1)) AS y FROM stations ORDER BY id LIMIT 5', '-dialect', 'SQLite']);
    const theirs = await run('ogrinfo', ['-q', wgs, '-sql', 'SELECT id, ST_X(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1)) AS x, ST_Y(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1)) AS y FROM stations ORDER BY id LIMIT 5', '-dialect', 'SQLite']);
    const nums = (t: string): number[] => [...t.matchAll(/[xy] \(Real\) = ([\d.]+)/g)].map((m) => Number(m[1]));
    const a = nums(ours), b = nums(theirs);
    expect(a.length).toBe(10);
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(0.01));
  });
});

describe.skipIf(!hasGdal)('Luohu 2006 round trips through ogr2ogr (needs Debian gdal-bin)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yizhan-roundtrip-'));
  let reference: string[];
  beforeAll(async () => {
    reference = await planScenario(dir, 'geojson', LUOHU);
  }, 300_000);

  it('a Shapefile in EPSG:4547 plans to the same stations as the GeoJSON', async () => {
    await run('ogr2ogr', ['-f', 'ESRI Shapefile', '-t_srs', 'EPSG:4547', '-lco', 'ENCODING=GBK', join(dir, 'luohu.shp'), LUOHU]);
    expect(reference.length).toBeGreaterThan(50);
    expect(await planScenario(dir, 'shp', 'luohu.shp')).toEqual(reference);
  }, 300_000);

  it('a GeoPackage in EPSG:4490 plans to the same stations', async () => {
    await run('ogr2ogr', ['-f', 'GPKG', '-t_srs', 'EPSG:4490', '-nln', 'committees', join(dir, 'luohu.gpkg'), LUOHU]);
    expect(await planScenario(dir, 'gpkg', 'luohu.gpkg')).toEqual(reference);
  }, 300_000);

  it('a GCJ-02-shifted copy declared GCJ-02 plans to the same stations after conversion', async () => {
    const fc = JSON.parse(readFileSync(LUOHU, 'utf8')) as { features: { geometry: { coordinates: unknown } }[] };
    const shift = (v: unknown): unknown => (typeof (v as number[])[0] === 'number' ? wgs84ToGcj02(v as Position) : (v as unknown[]).map(shift));
    for (const f of fc.features) f.geometry.coordinates = shift(f.geometry.coordinates);
    writeFileSync(join(dir, 'luohu-gcj02.geojson'), JSON.stringify(fc));
    // the shift is real: hundreds of metres before the conversion
    const raw = await readDatasetSource({ name: 'x.geojson', bytes: readFileSync(join(dir, 'luohu-gcj02.geojson')) });
    const orig = await readDatasetSource({ name: 'y.geojson', bytes: readFileSync(LUOHU) });
    const a = raw.dataset!.committees[0]!.geometry[0]![0]![0]!, b = orig.dataset!.committees[0]!.geometry[0]![0]![0]!;
    expect(Math.hypot((a[0] - b[0]) * 102_000, (a[1] - b[1]) * 111_000)).toBeGreaterThan(200);
    // converted with ogr2ogr to a FlatGeobuf first: the pseudo-CRS is declared by the scenario
    await run('ogr2ogr', ['-f', 'FlatGeobuf', '-a_srs', 'EPSG:4326', join(dir, 'luohu-gcj02.fgb'), join(dir, 'luohu-gcj02.geojson')]);
    expect(await planScenario(dir, 'gcj', 'luohu-gcj02.fgb', { crs: 'GCJ-02' })).toEqual(reference);
  }, 300_000);
});
