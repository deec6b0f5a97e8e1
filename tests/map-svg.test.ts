/**
 * The plan map: well-formed SVG, one path per committee and one outline per station, neighbouring
 * stations in different colours, names written and escaped, marks for stations that break a rule,
 * deterministic bytes. A hand-made 3×2 grid for the exact cases, the Luohu 2006 published plan for
 * real shapes.
 */
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { loadDataset, loadHandPlan } from '../cli/load.js';
import { makeAdjacency } from '../geo/adjacency.js';
import type { Committee, MultiPolygonCoords } from '../geo/types.js';
import { makeDefaultScenario } from '../scenarios/defaults.js';
import { makePlanMapSvg } from '../render/map-svg.js';
import { evaluatePlan, makePlanContext } from '../solver/pipeline.js';
import type { PlanOutcome } from '../solver/outcome.js';
import type { HouseholdCheck, Station } from '../solver/types.js';
import { findLabelClashes, labelBoxes } from './helpers/svg-labels.js';

const LUOHU = new URL('../scenarios/luohu-2006/committees.geojson', import.meta.url).pathname;
const LUOHU_PLAN = new URL('../scenarios/luohu-2006/plan-2006.json', import.meta.url).pathname;

/** A square of `d` degrees with its south-west corner at (lon, lat), counter-clockwise. */
function square(lon: number, lat: number, d: number): MultiPolygonCoords {
  return [[[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]];
}

function committee(id: string, name: string, col: number, row: number, households: number, d = 0.01): Committee {
  return { id, name, streetOffice: '测试', households, geometry: square(114 + col * 0.01, 22.5 + row * 0.01, d) };
}

function station(id: string, members: Committee[], households: HouseholdCheck, contiguous = true): Station {
  return {
    id, streetOffice: members[0]!.streetOffice, committeeIds: members.map((c) => c.id), committees: members.map((c) => c.name),
    host: members[0]!.name, households: members.reduce((s, c) => s + c.households, 0), population: 0, office: 0, service: 0, plaza: 0,
    staff: 0, partyMembers: 0, party: 'none', areaM2: 0, enclaveLinks: [],
    checks: { households, office: true, service: true, plaza: true, contiguous }, cost: 0,
  };
}

function outcomeOf(stations: Station[], before: number): PlanOutcome {
  const target = { met: 0, stations: stations.length, share: 0, target: 0, ok: true };
  return {
    summary: {
      scenario: 'grid', stationsBefore: before, stationsAfter: stations.length,
      solver: { status: 'evaluated', objective: 0, ms: 0 },
      streetOffices: [{ name: '测试', stationsBefore: before, stationsAfter: stations.length, stations, solver: null }],
      checks: { violations: [], facilityTargets: { office: target, service: target, plaza: target }, staffBefore: 0, staffAfter: 0 },
    },
    stations, fatal: false, isUnchanged: () => false,
  };
}

// Row 0 (south): c1 c2 c3; row 1: c4 c5 c6; c7 a 11 m square far east (too small for a name).
const c = [
  committee('c1', '东门', 0, 0, 4000), committee('c2', '西门', 1, 0, 4000), committee('c3', '南山', 2, 0, 3000),
  committee('c4', '北岭', 0, 1, 6000), committee('c5', '湖贝', 1, 1, 7000), committee('c6', 'A&B <"新">\'村\'', 2, 1, 8000),
  committee('c7', '小小社区', 6, 0, 100, 0.0001),
];
const gridStations = [
  station('S1', [c[0]!, c[1]!], 'ok'),
  station('S2', [c[2]!], 'under'),
  station('S3', [c[3]!, c[4]!], 'over'),
  station('S4', [c[5]!], 'ok'),
  station('S7', [c[6]!], 'under'),
];
const grid = outcomeOf(gridStations, 7);

function attrs(tag: string): Map<string, string> {
  return new Map([...tag.matchAll(/([\w:-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}
function elements(svg: string, cls: string): Map<string, string>[] {
  return [...svg.matchAll(new RegExp(`<(?:path|use|text|line)[^>]*class="${cls}"[^>]*>`, 'g'))].map((m) => attrs(m[0]));
}
function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
/** Text of the committee labels (first line of each). */
function labelTexts(svg: string): string[] {
  return [...svg.matchAll(/<text class="committee-label"[^>]*><tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => unescape(m[1]!));
}
/** resvg parses strictly (roxmltree) and throws on malformed XML. */
function render(svg: string): { width: number; height: number } {
  const r = new Resvg(svg, { font: { loadSystemFonts: false } });
  return { width: r.width, height: r.height };
}

describe('makePlanMapSvg on a hand-made grid', () => {
  const svg = makePlanMapSvg(grid, c, { title: '网格 <测试> & 检查' });

  it('is well-formed SVG of the requested width', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(render(svg).width).toBe(1000);
    expect(render(makePlanMapSvg(grid, c, { width: 480 })).width).toBe(480);
  });

  it('has one path per committee and one outline per station', () => {
    const paths = elements(svg, 'committee');
    expect(paths.map((a) => a.get('data-id')).sort()).toEqual(c.map((x) => x.id).sort());
    for (const p of paths) expect(p.get('data-station')).toBe(gridStations.find((s) => s.committeeIds.includes(p.get('data-id')!))!.id);
    expect(elements(svg, 'station').map((a) => a.get('data-id'))).toEqual(gridStations.map((s) => s.id));
  });

  it('gives neighbouring stations different colours, and merged stations the stronger shade', () => {
    const paths = elements(svg, 'committee');
    const colourOf = new Map(paths.map((a) => [a.get('data-station')!, a.get('data-colour')!]));
    const fillOf = new Map(paths.map((a) => [a.get('data-station')!, a.get('fill')!]));
    const stationOf = new Map(gridStations.flatMap((s) => s.committeeIds.map((id) => [id, s.id] as const)));
    const graph = makeAdjacency(c);
    let pairs = 0;
    for (const [a, m] of graph.border) for (const b of m.keys()) {
      const sa = stationOf.get(a)!, sb = stationOf.get(b)!;
      if (sa === sb) continue;
      pairs += 1;
      expect(colourOf.get(sa), `${sa} / ${sb}`).not.toBe(colourOf.get(sb));
    }
    expect(pairs).toBeGreaterThanOrEqual(8); // S1–S2, S1–S3, S2–S4, S3–S4, both ways
    // Members of one station share their fill; a single-committee station is lighter than a merged one.
    for (const s of gridStations) expect(new Set(paths.filter((a) => a.get('data-station') === s.id).map((a) => a.get('fill'))).size).toBe(1);
    const lum = (hex: string) => [1, 3, 5].reduce((t, k) => t + parseInt(hex.slice(k, k + 2), 16), 0);
    expect(lum(fillOf.get('S2')!)).toBeGreaterThan(lum(fillOf.get('S1')!));
  });

  it('writes the committee names and escapes XML special characters', () => {
    const names = labelTexts(svg);
    for (const x of c.slice(0, 6)) expect(names).toContain(x.name);
    expect(svg).toContain('A&amp;B &lt;&quot;新&quot;&gt;&apos;村&apos;');
    expect(svg).not.toContain('A&B');
    expect(svg).toContain('网格 &lt;测试&gt; &amp; 检查');
  });

  it("labels 'auto' writes the name of a polygon too small for it beside it with a leader line, 'none' writes none", () => {
    expect(labelTexts(svg)).toContain('小小社区');
    const leaders = elements(svg, 'leader');
    expect(leaders).toHaveLength(1);
    // the leader starts in the small square and ends on the edge of its label
    const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((k) => Number(leaders[0]!.get(k)));
    const box = labelBoxes(svg).find((b) => b.text === '小小社区')!;
    expect(x2! >= box.x0 - 1 && x2! <= box.x1 + 1 && y2! >= box.y0 - 3 && y2! <= box.y1 + 3).toBe(true);
    expect(Math.hypot(x2! - x1!, y2! - y1!)).toBeGreaterThan(3);
    expect(labelTexts(makePlanMapSvg(grid, c, { labels: 'all' }))).toContain('小小社区');
    expect(labelTexts(makePlanMapSvg(grid, c, { labels: 'none' }))).toEqual([]);
  });

  it("marks a station over the band (fatal) in red and a station under it with the under mark", () => {
    const fatal = elements(svg, 'violation').map((a) => a.get('data-station'));
    expect(fatal).toEqual(['S3']);
    const outlines = new Map(elements(svg, 'station').map((a) => [a.get('data-id')!, a]));
    expect(outlines.get('S3')!.get('stroke')).toMatch(/^#d/);
    expect(outlines.get('S1')!.has('stroke')).toBe(false);
    expect(elements(svg, 'under-mark').map((a) => a.get('data-station')).sort()).toEqual(['S2', 'S7']);
    // A station that is not contiguous is fatal too, without any household problem.
    const split = outcomeOf([station('S1', [c[0]!, c[2]!], 'ok', false), station('S2', [c[1]!], 'ok')], 3);
    expect(elements(makePlanMapSvg(split, c), 'violation').map((a) => a.get('data-station'))).toEqual(['S1']);
    // The legend explains both marks.
    expect(svg).toContain('违反硬性规则');
    expect(svg).toContain('户数低于下限');
  });

  it('is deterministic and independent of the order of the committees given', () => {
    expect(makePlanMapSvg(grid, c, { title: '网格 <测试> & 检查' })).toBe(svg);
    expect(makePlanMapSvg(grid, [...c].reverse(), { title: '网格 <测试> & 检查' })).toBe(svg);
    // Coordinates are printed to 0.1 px.
    const d = elements(svg, 'committee')[0]!.get('d')!;
    for (const n of d.match(/-?\d+(\.\d+)?/g)!) expect(n.split('.')[1]?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('refuses bad options and missing committees with the name of what is wrong', () => {
    expect(() => makePlanMapSvg(grid, c, { width: 0 })).toThrow(/options\.width/);
    expect(() => makePlanMapSvg(grid, c, { labels: 'some' as 'auto' })).toThrow(/options\.labels/);
    expect(() => makePlanMapSvg(grid, c, { streetOffice: '黄贝' })).toThrow(/黄贝.*测试/);
    expect(() => makePlanMapSvg(grid, c.slice(1))).toThrow(/station S1 .*committee c1/);
    expect(render(makePlanMapSvg(outcomeOf([], 0), c)).width).toBe(1000);
  });
});

const { dataset: luohu } = await loadDataset(LUOHU);
describe('makePlanMapSvg on the Luohu 2006 published plan', () => {
  const dataset = luohu;
  const ctx = makePlanContext(dataset, makeDefaultScenario('luohu-2006'));
  const outcome = evaluatePlan(ctx, loadHandPlan(LUOHU_PLAN, dataset).stations);

  it('draws all 115 committees, 83 stations and 10 street offices; neighbours differ in colour', () => {
    const svg = makePlanMapSvg(outcome, dataset.committees);
    render(svg);
    expect(elements(svg, 'committee')).toHaveLength(115);
    expect(elements(svg, 'station')).toHaveLength(outcome.stations.length);
    expect(outcome.stations).toHaveLength(83);
    expect(elements(svg, 'street-office')).toHaveLength(10);
    const colourOf = new Map(elements(svg, 'committee').map((a) => [a.get('data-id')!, a.get('data-colour')!]));
    const stationOf = new Map(outcome.stations.flatMap((s) => s.committeeIds.map((id) => [id, s.id] as const)));
    let pairs = 0;
    for (const [a, m] of ctx.graph.border) for (const b of m.keys()) {
      if (stationOf.get(a) === stationOf.get(b)) continue;
      pairs += 1;
      expect(colourOf.get(a), `${a} / ${b}`).not.toBe(colourOf.get(b));
    }
    expect(pairs).toBeGreaterThan(200);
    // Most names fit at this size.
    expect(labelTexts(svg).length).toBeGreaterThan(100);
    expect(elements(svg, 'under-mark')).toHaveLength(outcome.stations.filter((s) => s.checks.households === 'under').length);
  }, 30_000);

  it('names every committee, and no two labels (street office names included) or under marks overlap', () => {
    const svg = makePlanMapSvg(outcome, dataset.committees);
    const boxes = labelBoxes(svg);
    const labelled = new Set(boxes.filter((b) => b.cls === 'committee-label').map((b) => b.id));
    expect([...labelled].sort()).toEqual(dataset.committees.map((c) => c.id).sort());
    for (const name of ['罗湖', '翠园', '百仕达', '翠宁', '翠平']) expect(labelTexts(svg)).toContain(name);
    expect(boxes.filter((b) => b.cls === 'street-office-label')).toHaveLength(10);
    const clashes = findLabelClashes(svg);
    expect(clashes).toEqual([]);
    // names with no room inside are drawn beside their committee with a leader line
    expect(elements(svg, 'leader').length).toBeGreaterThan(0);
  }, 30_000);

  it('draws one street office on its own, with only its stations', () => {
    const svg = makePlanMapSvg(outcome, dataset.committees, { streetOffice: '黄贝' });
    render(svg);
    const own = outcome.stations.filter((s) => s.streetOffice === '黄贝');
    expect(elements(svg, 'station').map((a) => a.get('data-id'))).toEqual(own.map((s) => s.id));
    expect(labelTexts(svg).sort()).toEqual(own.flatMap((s) => s.committees).sort());
    expect(svg).toContain('黄贝街道');
  }, 30_000);
});
