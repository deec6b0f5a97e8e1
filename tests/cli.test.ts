/**
 * The `yizhan` command end to end, as a user runs it: the built binary in a child process.
 * `npm test` builds first, so dist/ is current.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSeedPlanText } from './helpers/seed-plan-text.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'dist/cli/bin.js');

function yizhan(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'yizhan-cli-'));
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error('dist/cli/bin.js is missing: run `npm run build` (npm test does it)');
});

describe('yizhan usage', () => {
  it('prints the usage and exits 2 without a command, an unknown command or an unknown flag', () => {
    for (const args of [[], ['frobnicate'], ['plan', 'luohu-2006', '--bogus'], ['plan'], ['evaluate', 'luohu-2006']]) {
      const r = yizhan(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout + r.stderr).toContain('Usage:');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('says which scenario does not exist, without a stack trace', () => {
    const r = yizhan('plan', 'no-such-scenario');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no-such-scenario');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('yizhan plan luohu-2006', () => {
  const out = tmp();
  let r: ReturnType<typeof yizhan>;
  beforeAll(() => {
    r = yizhan('plan', 'luohu-2006', '--out', out);
  });

  it('solves to proven optimality and writes the five files', () => {
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

  it('prints a table per street office with Chinese names', () => {
    for (const office of ['黄贝', '南湖', '莲塘']) expect(r.stdout).toContain(office);
    expect(r.stdout).toContain('households');
  });

  it('exports GeoJSON that GIS reads: one dissolved station per feature, committees with their station', () => {
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

  it('writes a CSV row per station and the plan text in the seed phrasing', () => {
    const csv = readFileSync(join(out, 'plan.csv'), 'utf8');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.trim().split('\r\n')).toHaveLength(summary.stationsAfter + 1);
    const md = readFileSync(join(out, 'plan.zh.md'), 'utf8');
    const parsed = parseSeedPlanText(md);
    expect(parsed.map((p) => p.office)).toEqual(summary.streetOffices.map((o: { name: string }) => o.name));
  });

  it('is deterministic: the same scenario gives the same files byte for byte', () => {
    const again = tmp();
    expect(yizhan('plan', 'luohu-2006', '--out', again, '--quiet').code).toBe(0);
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
  let r: ReturnType<typeof yizhan>;
  beforeAll(() => {
    r = yizhan('evaluate', 'luohu-2006', '--plan', join(root, 'scenarios/luohu-2006/plan-2006.json'), '--out', out);
  });

  it('gives the published 83 stations', () => {
    expect(r.stderr).not.toContain('internal error');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.solver.status).toBe('evaluated');
    expect(summary.stationsBefore).toBe(115);
    expect(summary.stationsAfter).toBe(83);
    expect(summary.checks.staffBefore).toBe(653);
    expect(summary.checks.staffAfter).toBe(653);
  });

  it('writes plan text that matches seed 004 station for station', () => {
    const ours = parseSeedPlanText(readFileSync(join(out, 'plan.zh.md'), 'utf8'));
    const seed = parseSeedPlanText(readFileSync(join(root, 'scenarios/luohu-2006/seed-004-plan.txt'), 'utf8'));
    expect(ours).toEqual(seed);
  });
});

describe('yizhan evaluate with a broken plan', () => {
  it('names unknown committees with their place and exits 1', () => {
    const dir = tmp();
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ stations: [['碧波', '湖滨'], ['不存在', 42]] }));
    const r = yizhan('evaluate', 'luohu-2006', '--plan', plan, '--out', join(dir, 'out'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stations[1][0]');
    expect(r.stderr).toContain('不存在');
    expect(r.stderr).toContain('stations[1][1]');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('reports a plan that breaks fatal rules and exits 1 (crossing street offices, too many committees)', () => {
    const dir = tmp();
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ stations: [['碧波', '建南'], ['水库', '怡景', '新谊', '凤凰']] }));
    const r = yizhan('evaluate', 'luohu-2006', '--plan', plan, '--out', join(dir, 'out'), '--json');
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    const rules = summary.checks.violations.map((v: { rule: string }) => v.rule);
    expect(rules).toContain('cross-street-office');
    expect(rules).toContain('max-committees');
  });
});

describe('yizhan plan with a scenario file', () => {
  const dataset = join(root, 'scenarios/luohu-2006/committees.geojson');

  it('keeps locks: together, separate and keep hold in the plan', () => {
    const dir = tmp();
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({
      name: 'locks', dataset, streetOffices: ['黄贝'],
      locks: { together: [['罗芳', '羲龙']], separate: [['碧波', '湖滨']], keep: ['水库'] },
    }));
    const r = yizhan('plan', file, '--out', join(dir, 'out'), '--json');
    expect(r.stderr).not.toContain('internal error');
    const summary = JSON.parse(r.stdout);
    expect(summary.streetOffices.map((o: { name: string }) => o.name)).toEqual(['黄贝']);
    const stations: { committees: string[] }[] = summary.streetOffices[0].stations;
    const stationOf = (name: string) => stations.find((s) => s.committees.includes(name))!;
    expect(stationOf('罗芳')).toBe(stationOf('羲龙'));
    expect(stationOf('碧波')).not.toBe(stationOf('湖滨'));
    expect(stationOf('水库').committees).toEqual(['水库']);
  });

  it('says which lock cannot be satisfied, and exits 1', () => {
    const dir = tmp();
    const file = join(dir, 'scenario.json');
    // 碧波 (黄贝) and 莲塘 (莲塘) are in different street offices and far apart
    writeFileSync(file, JSON.stringify({ name: 'impossible', dataset, locks: { together: [['碧波', '莲塘']] } }));
    const r = yizhan('plan', file, '--out', join(dir, 'out'), '--json');
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.stdout);
    const infeasible = summary.checks.violations.filter((v: { rule: string }) => v.rule === 'infeasible');
    expect(infeasible.length).toBeGreaterThan(0);
    expect(infeasible.map((v: { message: string }) => v.message).join(' ')).toMatch(/碧波|莲塘/);
  });

  it('refuses a misspelt scenario field with its path, without a stack trace', () => {
    const dir = tmp();
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({ name: 'typo', dataset, rules: { maxComitteesPerStation: 4 } }));
    const r = yizhan('plan', file, '--out', join(dir, 'out'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rules.maxComitteesPerStation');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('yizhan validate', () => {
  it('accepts the built-in dataset and exits 0', () => {
    const r = yizhan('validate', join(root, 'scenarios/luohu-2006/committees.geojson'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid: 115 committees');
  });

  it('reads the Rhode Island tracts through a field mapping', () => {
    const ri = join(root, 'tests/fixtures/real/ri-tracts-2010.geojson');
    const r = yizhan('validate', ri, '--mapping', JSON.stringify({ id: 'GEOID10', households: 'households2010', streetOffice: 'county_fips', population: 'pop2010' }), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).committees).toBe(244);
  });

  it('lists every problem of a broken file with its code and exits 1', () => {
    const dir = tmp();
    const f = join(dir, 'bad.geojson');
    writeFileSync(f, JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'a', name: 'A', streetOffice: 'S', households: -5 }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01], [0, 0]]] } },
        { type: 'Feature', properties: { id: 'a', name: 'B', streetOffice: '', households: 10 }, geometry: { type: 'Point', coordinates: [0, 0] } },
      ],
    }));
    const r = yizhan('validate', f, '--json');
    expect(r.code).toBe(1);
    const codes = JSON.parse(r.stdout).problems.map((p: { code: string }) => p.code);
    for (const c of ['households-negative', 'id-duplicate', 'street-office-missing', 'geometry-type']) expect(codes).toContain(c);
  });

  it('plans on a dataset that is JSON but not GeoJSON at all: a clear error, not a crash', () => {
    const dir = tmp();
    for (const [i, text] of ['null', '42', '"x"', '[]', '{}'].entries()) {
      writeFileSync(join(dir, `d${i}.geojson`), text);
      writeFileSync(join(dir, `s${i}.json`), JSON.stringify({ name: 's', dataset: `d${i}.geojson` }));
      const r = yizhan('plan', join(dir, `s${i}.json`), '--out', join(dir, `out${i}`));
      expect(r.code, text).toBe(1);
      expect(r.stderr, text).not.toContain('internal error');
      expect(r.stderr, text).toMatch(/not-feature-collection|FeatureCollection/);
      expect(existsSync(join(dir, `out${i}`))).toBe(false);
    }
  });

  it('says where malformed JSON breaks', () => {
    const dir = tmp();
    const f = join(dir, 'bad.geojson');
    writeFileSync(f, '{"type": "FeatureCollection", "features": [\n  {"type": "Feature",}\n]}');
    const r = yizhan('validate', f);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/line 2/);
  });
});
