/**
 * The `yizhan` command end to end, as a user runs it: the built binary in a child process.
 * `npm test` builds first, so dist/ is current.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltBin, ROOT, yizhan } from './helpers/cli.js';
import { parseSeedPlanText } from './helpers/seed-plan-text.js';
import { findLabelClashes, labelBoxes } from './helpers/svg-labels.js';


function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'yizhan-cli-'));
}

beforeAll(async () => {
  requireBuiltBin();
});

describe('yizhan usage', () => {
  it('prints the usage and exits 2 without a command, an unknown command or an unknown flag', async () => {
    for (const args of [[], ['frobnicate'], ['plan', 'luohu-2006', '--bogus'], ['plan'], ['evaluate', 'luohu-2006']]) {
      const r = await yizhan(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout + r.stderr).toContain('Usage:');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('says which scenario does not exist, without a stack trace', async () => {
    const r = await yizhan('plan', 'no-such-scenario');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no-such-scenario');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('yizhan help, version and typos', () => {
  it('writes a scenario named "../x" into one folder under out/, never beside it (red team)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yizhan-escape-'));
    const name = `../rt-escape-${process.pid}`;
    writeFileSync(join(dir, 'scenario.json'), JSON.stringify({ name, dataset: join(ROOT, 'tests/fixtures/valid/basic.geojson') }));
    const inside = join(ROOT, 'out', `.._rt-escape-${process.pid}`);
    const outside = join(ROOT, `rt-escape-${process.pid}`);
    try {
      const r = await yizhan('plan', join(dir, 'scenario.json'), '--quiet', '--no-map');
      expect(existsSync(outside)).toBe(false);
      expect(existsSync(join(inside, 'summary.json')), r.stderr).toBe(true);
    } finally {
      rmSync(inside, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('prints the version of package.json', async () => {
    const r = await yizhan('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`yizhan ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}`);
  });

  it('suggests the nearest command for a typo and exits 2', async () => {
    const r = await yizhan('plna', 'luohu-2006');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "plna"; did you mean "plan"?');
    expect((await yizhan('valdiate')).stderr).toContain('did you mean "validate"?');
    expect((await yizhan('frobnicate')).stderr).not.toContain('did you mean');
    const scenario = await yizhan('plan', 'luohu-2060');
    expect(scenario.code).toBe(1);
    expect(scenario.stderr).toContain('did you mean "luohu-2006"?');
  });

  it('gives each option of a command its own line of help', async () => {
    const r = await yizhan('plan', '--help');
    expect(r.code).toBe(0);
    for (const flag of ['--out DIR', '--json', '--quiet', '--map', '--no-map', '--help']) {
      const line = r.stdout.split('\n').find((l) => l.trimStart().replace(/^-\w, /, '').startsWith(flag));
      expect(line, flag).toBeDefined();
      expect(line!.length, flag).toBeGreaterThan(flag.length + 10); // the flag and what it does
    }
    expect((await yizhan('evaluate', '--help')).stdout).toMatch(/^\s+--plan FILE\s+\S/m);
  });

  it('lists every built-in scenario (each folder of scenarios/ with a scenario.json) in the usage and the not-found message', async () => {
    const builtins = readdirSync(join(ROOT, 'scenarios'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(ROOT, 'scenarios', e.name, 'scenario.json'))).map((e) => e.name);
    expect(builtins).toContain('ri-2010');
    const usage = (await yizhan('--help')).stdout;
    const missing = (await yizhan('plan', 'no-such-scenario')).stderr;
    for (const name of builtins) {
      expect(usage).toContain(name);
      expect(missing).toContain(name);
    }
  });

  it('refuses an unknown flag with balanced quotes and the nearest flag', async () => {
    const r = await yizhan('plan', 'luohu-2006', '--nomap');
    expect(r.code).toBe(2);
    const first = r.stderr.split('\n')[0]!;
    expect(first).toBe('yizhan: unknown option --nomap for "plan"; did you mean --no-map?');
    expect((await yizhan('plan', 'luohu-2006', '--bogus')).stderr.split('\n')[0]!.match(/["']/g)?.length ?? 0).toSatisfy((n: number) => n % 2 === 0);
  });

  it('says that a dataset needs a scenario file naming it', async () => {
    const r = await yizhan('plan', 'scenarios/luohu-2006/committees.geojson');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is a dataset, not a scenario');
    expect(r.stderr).toContain('"dataset": "committees.geojson"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('outputs of an earlier run', () => {
  it('plan --no-map removes the map.svg of the previous run, and no file that is not its own', async () => {
    const out = tmp();
    expect((await yizhan('plan', 'luohu-2006', '--out', out, '--quiet', '--map')).code).toBe(0);
    expect(existsSync(join(out, 'map.svg'))).toBe(true);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    writeFileSync(join(out, 'map.svg.bak'), 'mine too');
    expect((await yizhan('plan', 'luohu-2006', '--out', out, '--quiet', '--no-map')).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['committees.geojson', 'map.svg.bak', 'notes.txt', 'plan.csv', 'plan.docx', 'plan.xlsx', 'plan.zh.md', 'stations.geojson', 'summary.json']);
  });

  it('evaluate --no-map does the same', async () => {
    const out = tmp();
    writeFileSync(join(out, 'map.svg'), '<svg/>');
    const r = await yizhan('evaluate', 'luohu-2006', '--plan', 'scenarios/luohu-2006/plan-2006.json', '--out', out, '--quiet', '--no-map');
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'map.svg'))).toBe(false);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
  });
});

describe('yizhan plan luohu-2006', () => {
  const out = tmp();
  let r: Awaited<ReturnType<typeof yizhan>>;
  beforeAll(async () => {
    r = await yizhan('plan', 'luohu-2006', '--out', out);
  });

  it('solves to proven optimality and writes the five files', async () => {
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['committees.geojson', 'map.svg', 'plan.csv', 'plan.docx', 'plan.xlsx', 'plan.zh.md', 'stations.geojson', 'summary.json']);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.scenario).toBe('luohu-2006');
    expect(summary.stationsBefore).toBe(115);
    expect(summary.solver.status).toBe('optimal');
    expect(summary.stationsAfter).toBeLessThan(115);
    expect(summary.streetOffices).toHaveLength(10);
    const stations = summary.streetOffices.flatMap((o: { stations: unknown[] }) => o.stations);
    expect(stations).toHaveLength(summary.stationsAfter);
    expect(stations.flatMap((s: { committees: string[] }) => s.committees)).toHaveLength(115);
    for (const s of stations) {
      expect(Object.keys(s.checks).sort()).toEqual(['contiguous', 'households', 'office', 'plaza', 'service']);
      expect(s.committees).toContain(s.host);
    }
  });

  it('prints a table per street office with Chinese names', async () => {
    for (const office of ['黄贝', '南湖', '莲塘']) expect(r.stdout).toContain(office);
    expect(r.stdout).toContain('households');
  });

  it('exports GeoJSON that GIS reads: one dissolved station per feature, committees with their station', async () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const stations = JSON.parse(readFileSync(join(out, 'stations.geojson'), 'utf8'));
    const committees = JSON.parse(readFileSync(join(out, 'committees.geojson'), 'utf8'));
    expect(stations.type).toBe('FeatureCollection');
    expect(stations.crs).toBeUndefined();
    expect(stations.features).toHaveLength(summary.stationsAfter);
    for (const f of stations.features) {
      expect(f.geometry.type).toBe('MultiPolygon');
      for (const key of ['id', 'streetOffice', 'committees', 'households']) expect(f.properties).toHaveProperty(key);
    }
    // A contiguous station dissolves into one polygon.
    const merged = stations.features.filter((f: { properties: { size: number; enclaveLinks: string[] } }) => f.properties.size > 1 && f.properties.enclaveLinks.length === 0);
    expect(merged.length).toBeGreaterThan(0);
    for (const f of merged) expect(f.geometry.coordinates.length).toBe(1);
    expect(committees.features).toHaveLength(115);
    const ids = new Set(stations.features.map((f: { properties: { id: string } }) => f.properties.id));
    for (const f of committees.features) {
      for (const key of ['id', 'name', 'streetOffice', 'households', 'station']) expect(f.properties).toHaveProperty(key);
      expect(ids.has(f.properties.station)).toBe(true);
    }
  });

  it('draws map.svg with a name for every committee and no two labels overlapping', async () => {
    const svg = readFileSync(join(out, 'map.svg'), 'utf8');
    const committees = JSON.parse(readFileSync(join(out, 'committees.geojson'), 'utf8')).features.map((f: { id: string }) => f.id);
    const labelled = new Set(labelBoxes(svg).filter((b) => b.cls === 'committee-label').map((b) => b.id));
    expect([...labelled].sort()).toEqual([...committees].sort());
    expect(labelBoxes(svg).filter((b) => b.cls === 'street-office-label')).toHaveLength(10);
    expect(findLabelClashes(svg)).toEqual([]);
  });

  it('rounds its numbers: coordinates to 7 decimals (≈ 1 cm), areaKm2 to 2, a solver gap of float noise to 0', async () => {
    const decimals = (v: number) => (String(v).split('.')[1] ?? '').length;
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.solver.gap === undefined || summary.solver.gap === 0 || summary.solver.gap >= 1e-9).toBe(true);
    for (const file of ['stations.geojson', 'committees.geojson']) {
      const fc = JSON.parse(readFileSync(join(out, file), 'utf8'));
      let points = 0;
      for (const f of fc.features) {
        // committees.geojson passes the dataset's own properties through untouched; stations' figures are ours
        if (file === 'stations.geojson') expect(decimals(f.properties.areaKm2), `${file} ${f.id} areaKm2`).toBeLessThanOrEqual(2);
        for (const poly of f.geometry.coordinates) for (const ring of poly) {
          expect(ring.length).toBeGreaterThanOrEqual(4);
          expect(ring[0]).toEqual(ring[ring.length - 1]);
          for (const p of ring) {
            points += 1;
            expect(Math.max(decimals(p[0]), decimals(p[1])), `${file} ${f.id}`).toBeLessThanOrEqual(7);
          }
        }
      }
      expect(points).toBeGreaterThan(1000);
    }
    const station = JSON.parse(readFileSync(join(out, 'stations.geojson'), 'utf8')).features[0].properties;
    expect(station.areaKm2).toBeGreaterThan(0);
  });

  it('writes a CSV row per station and the plan text in the seed phrasing', async () => {
    const csv = readFileSync(join(out, 'plan.csv'), 'utf8');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.trim().split('\r\n')).toHaveLength(summary.stationsAfter + 1);
    const md = readFileSync(join(out, 'plan.zh.md'), 'utf8');
    const parsed = parseSeedPlanText(md);
    expect(parsed.map((p) => p.office)).toEqual(summary.streetOffices.map((o: { name: string }) => o.name));
  });

  it('is deterministic: the same scenario gives the same files byte for byte', async () => {
    const again = tmp();
    expect((await yizhan('plan', 'luohu-2006', '--out', again, '--quiet')).code).toBe(0);
    for (const f of ['summary.json', 'stations.geojson', 'committees.geojson', 'plan.csv', 'plan.zh.md']) {
      const a = readFileSync(join(out, f), 'utf8');
      const b = readFileSync(join(again, f), 'utf8');
      // solver times differ between runs; everything else is identical
      const strip = (s: string) => s.replace(/"ms": [0-9.e+-]+/g, '"ms": 0');
      expect(strip(b), f).toBe(strip(a));
    }
  });
});

describe('yizhan evaluate luohu-2006 --plan plan-2006.json', () => {
  const out = tmp();
  let r: Awaited<ReturnType<typeof yizhan>>;
  beforeAll(async () => {
    r = await yizhan('evaluate', 'luohu-2006', '--plan', join(ROOT, 'scenarios/luohu-2006/plan-2006.json'), '--out', out);
  });

  it('gives the published 83 stations', async () => {
    expect(r.stderr).not.toContain('internal error');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.solver.status).toBe('evaluated');
    expect(summary.stationsBefore).toBe(115);
    expect(summary.stationsAfter).toBe(83);
    expect(summary.checks.staffBefore).toBe(653);
    expect(summary.checks.staffAfter).toBe(653);
  });

  it('writes plan text that matches seed 004 station for station', async () => {
    const ours = parseSeedPlanText(readFileSync(join(out, 'plan.zh.md'), 'utf8'));
    const seed = parseSeedPlanText(readFileSync(join(ROOT, 'scenarios/luohu-2006/seed-004-plan.txt'), 'utf8'));
    expect(ours).toEqual(seed);
  });
});

describe('yizhan evaluate with a broken plan', () => {
  it('names unknown committees with their place and exits 1', async () => {
    const dir = tmp();
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ stations: [['碧波', '湖滨'], ['不存在', 42]] }));
    const r = await yizhan('evaluate', 'luohu-2006', '--plan', plan, '--out', join(dir, 'out'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stations[1][0]');
    expect(r.stderr).toContain('不存在');
    expect(r.stderr).toContain('stations[1][1]');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('reports a plan that breaks fatal rules and exits 1 (crossing street offices, too many committees)', async () => {
    const dir = tmp();
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ stations: [['碧波', '建南'], ['水库', '怡景', '新谊', '凤凰']] }));
    const r = await yizhan('evaluate', 'luohu-2006', '--plan', plan, '--out', join(dir, 'out'), '--json');
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    const rules = summary.checks.violations.map((v: { rule: string }) => v.rule);
    expect(rules).toContain('cross-street-office');
    expect(rules).toContain('max-committees');
  });
});

describe('yizhan plan with a scenario file', () => {
  const dataset = join(ROOT, 'scenarios/luohu-2006/committees.geojson');

  it('keeps locks: together, separate and keep hold in the plan', async () => {
    const dir = tmp();
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({
      name: 'locks', dataset, streetOffices: ['黄贝'],
      locks: { together: [['罗芳', '羲龙']], separate: [['碧波', '湖滨']], keep: ['水库'] },
    }));
    const r = await yizhan('plan', file, '--out', join(dir, 'out'), '--json');
    expect(r.stderr).not.toContain('internal error');
    const summary = JSON.parse(r.stdout);
    expect(summary.streetOffices.map((o: { name: string }) => o.name)).toEqual(['黄贝']);
    const stations: { committees: string[] }[] = summary.streetOffices[0].stations;
    const stationOf = (name: string) => stations.find((s) => s.committees.includes(name))!;
    expect(stationOf('罗芳')).toBe(stationOf('羲龙'));
    expect(stationOf('碧波')).not.toBe(stationOf('湖滨'));
    expect(stationOf('水库').committees).toEqual(['水库']);
  });

  it('says which lock cannot be satisfied, and exits 1', async () => {
    const dir = tmp();
    const file = join(dir, 'scenario.json');
    // 碧波 (黄贝) and 莲塘 (莲塘) are in different street offices and far apart
    writeFileSync(file, JSON.stringify({ name: 'impossible', dataset, locks: { together: [['碧波', '莲塘']] } }));
    const r = await yizhan('plan', file, '--out', join(dir, 'out'), '--json');
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    const infeasible = summary.checks.violations.filter((v: { rule: string }) => v.rule === 'infeasible');
    expect(infeasible.length).toBeGreaterThan(0);
    expect(infeasible.map((v: { message: string }) => v.message).join(' ')).toMatch(/碧波|莲塘/);
  });

  it('refuses a misspelt scenario field with its path, without a stack trace', async () => {
    const dir = tmp();
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({ name: 'typo', dataset, rules: { maxComitteesPerStation: 4 } }));
    const r = await yizhan('plan', file, '--out', join(dir, 'out'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rules.maxComitteesPerStation');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('yizhan validate', () => {
  it('accepts the built-in dataset and exits 0', async () => {
    const r = await yizhan('validate', join(ROOT, 'scenarios/luohu-2006/committees.geojson'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid: 115 committees');
  });

  it('reads the Rhode Island tracts through a field mapping', async () => {
    const ri = join(ROOT, 'tests/fixtures/real/ri-tracts-2010.geojson');
    const r = await yizhan('validate', ri, '--mapping', JSON.stringify({ id: 'GEOID10', households: 'households2010', streetOffice: 'county_fips', population: 'pop2010' }), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).committees).toBe(244);
  });

  it('lists every problem of a broken file with its code and exits 1', async () => {
    const dir = tmp();
    const f = join(dir, 'bad.geojson');
    writeFileSync(f, JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'a', name: 'A', streetOffice: 'S', households: -5 }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]] } },
        { type: 'Feature', properties: { id: 'a', name: 'B', streetOffice: '', households: 10 }, geometry: { type: 'Point', coordinates: [0, 0] } },
      ],
    }));
    const r = await yizhan('validate', f, '--json');
    expect(r.code).toBe(1);
    const codes = JSON.parse(r.stdout).problems.map((p: { code: string }) => p.code);
    for (const c of ['households-negative', 'id-duplicate', 'street-office-missing', 'geometry-type']) expect(codes).toContain(c);
  });

  it('plans on a dataset that is JSON but not GeoJSON at all: a clear error, not a crash', async () => {
    const dir = tmp();
    for (const [i, text] of ['null', '42', '"x"', '[]', '{}'].entries()) {
      writeFileSync(join(dir, `d${i}.geojson`), text);
      writeFileSync(join(dir, `s${i}.json`), JSON.stringify({ name: 's', dataset: `d${i}.geojson` }));
      const r = await yizhan('plan', join(dir, `s${i}.json`), '--out', join(dir, `out${i}`));
      expect(r.code, text).toBe(1);
      expect(r.stderr, text).not.toContain('internal error');
      expect(r.stderr, text).toMatch(/not-feature-collection|FeatureCollection/);
      expect(existsSync(join(dir, `out${i}`))).toBe(false);
    }
  });

  it('says where malformed JSON breaks', async () => {
    const dir = tmp();
    const f = join(dir, 'bad.geojson');
    writeFileSync(f, '{"type": "FeatureCollection", "features": [\n  {"type": "Feature",}\n]}');
    const r = await yizhan('validate', f);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/line 2/);
  });
});
