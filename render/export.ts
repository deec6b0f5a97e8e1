/**
 * GIS and table exports of a plan: stations.geojson (one dissolved feature per station),
 * committees.geojson (each committee with its station), plan.csv, plan.zh.md.
 * RFC 7946: WGS84 lon/lat, right-hand rings, no `crs` member; opens in QGIS as it is.
 */
import { dissolve } from '../geo/dissolve.js';
import type { Committee, MultiPolygonCoords } from '../geo/types.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { formatCsv } from './csv.js';
import { FAIL_BANNER, describeViolationZh } from './plan-document.js';
import { makePlanTextZh } from './text.js';
import type { FacilityKind, Station } from '../solver/types.js';

export interface GeoJsonFeatureCollection {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    id?: string;
    properties: Record<string, unknown>;
    geometry: { type: 'MultiPolygon'; coordinates: unknown };
  }[];
}

/** Decimals of exported lon/lat: 1e-7° is about 1 cm, finer than any committee boundary is surveyed. */
export const COORDINATE_DECIMALS = 7;

function roundTo(v: number, decimals: number): number {
  const k = 10 ** decimals;
  const r = Math.round(v * k) / k;
  return Object.is(r, -0) ? 0 : r;
}

/**
 * Coordinates at {@link COORDINATE_DECIMALS} decimals; points that become equal to the one before
 * are dropped, and a ring left with fewer than 4 points (a sliver under a centimetre) with them.
 */
export function roundCoordinates(mp: MultiPolygonCoords, decimals = COORDINATE_DECIMALS): MultiPolygonCoords {
  const out: MultiPolygonCoords = [];
  for (const poly of mp) {
    const rings: MultiPolygonCoords[number] = [];
    for (const ring of poly) {
      const r: [number, number][] = [];
      for (const p of ring) {
        const q: [number, number] = [roundTo(p[0], decimals), roundTo(p[1], decimals)];
        const last = r[r.length - 1];
        if (!last || last[0] !== q[0] || last[1] !== q[1]) r.push(q);
      }
      if (r.length >= 4) rings.push(r as MultiPolygonCoords[number][number]);
      else if (rings.length === 0) break; // the outer ring vanished: so does the polygon
    }
    if (rings.length > 0) out.push(rings);
  }
  return out;
}

const HOUSEHOLD_CHECK_ZH: Record<string, string> = { ok: '达标', under: '不足', over: '超标', exempt: '豁免' };

function stationProperties(s: Station): Record<string, unknown> {
  return {
    id: s.id,
    streetOffice: s.streetOffice,
    committees: s.committees,
    committeeIds: s.committeeIds,
    label: s.committees.join('、'),
    size: s.committees.length,
    host: s.host,
    households: s.households,
    population: s.population,
    office: s.office,
    service: s.service,
    plaza: s.plaza,
    staff: s.staff,
    partyMembers: s.partyMembers,
    party: s.party,
    areaKm2: roundTo(s.areaM2 / 1e6, 2),
    checkHouseholds: s.checks.households,
    checkOffice: s.checks.office,
    checkService: s.checks.service,
    checkPlaza: s.checks.plaza,
    contiguous: s.checks.contiguous,
    enclaveLinks: s.enclaveLinks.map((p) => p.join('–')),
  };
}

/** The key of a station's outline in `StationsGeoJsonOptions.outlines`: its committee ids in dataset order. */
export function makeOutlineKey(committeeIds: readonly string[]): string {
  return committeeIds.join('\n');
}

export interface StationsGeoJsonOptions {
  /**
   * Outlines already dissolved (for example while other street offices were still being solved),
   * by `makeOutlineKey(station.committeeIds)`; the others are dissolved here. They must be
   * `dissolve` of the members' geometries. [none]
   */
  outlines?: ReadonlyMap<string, MultiPolygonCoords>;
}

/**
 * One feature per station, its geometry the union of its committees (geo/dissolve.ts).
 * @param [options.outlines] outlines dissolved beforehand, by committee ids
 */
export function makeStationsGeoJson(outcome: PlanOutcome, committees: readonly Committee[], options: StationsGeoJsonOptions = {}): GeoJsonFeatureCollection {
  const byId = new Map(committees.map((c) => [c.id, c]));
  const outline = (s: Station): MultiPolygonCoords =>
    options.outlines?.get(makeOutlineKey(s.committeeIds)) ?? dissolve(s.committeeIds.map((id) => byId.get(id)!.geometry));
  return {
    type: 'FeatureCollection',
    features: outcome.stations.map((s) => ({
      type: 'Feature',
      id: s.id,
      properties: stationProperties(s),
      geometry: { type: 'MultiPolygon', coordinates: roundCoordinates(outline(s)) },
    })),
  };
}

/** Every committee in the plan's scope with the id of its station and the station's figures. */
export function makeCommitteesGeoJson(outcome: PlanOutcome, committees: readonly Committee[]): GeoJsonFeatureCollection {
  const stationOf = new Map<string, Station>();
  for (const s of outcome.stations) for (const id of s.committeeIds) stationOf.set(id, s);
  return {
    type: 'FeatureCollection',
    features: committees
      .filter((c) => stationOf.has(c.id))
      .map((c) => {
        const s = stationOf.get(c.id)!;
        return {
          type: 'Feature' as const,
          id: c.id,
          properties: {
            ...(c.extra ?? {}),
            id: c.id,
            name: c.name,
            streetOffice: c.streetOffice,
            households: c.households,
            population: c.population ?? null,
            type: c.type ?? null,
            office: c.office ?? null,
            service: c.service ?? null,
            plaza: c.plaza ?? null,
            staff: c.staff ?? null,
            partyMembers: c.partyMembers ?? null,
            station: s.id,
            stationCommittees: s.committees.join('、'),
            stationSize: s.committees.length,
            isHost: s.host === c.name,
            stationHouseholds: s.households,
            stationCheckHouseholds: s.checks.households,
          },
          geometry: { type: 'MultiPolygon' as const, coordinates: roundCoordinates(c.geometry) },
        };
      }),
  };
}

const PARTY_CSV_ZH: Record<string, string> = { none: '无', branch: '党支部', 'general-branch': '党总支', committee: '党委' };

/** The columns of plan.csv: English key and Chinese header. */
const PLAN_CSV_COLUMNS: [string, string][] = [
  ['station', '工作站编号'], ['streetOffice', '街道'], ['committees', '所辖社区'], ['size', '社区数'], ['host', '驻地社区'],
  ['households', '户数'], ['population', '人口'], ['office_m2', '办公用房(㎡)'], ['service_m2', '公共服务设施(㎡)'], ['plaza_m2', '户外文体广场(㎡)'],
  ['staff', '工作人员'], ['partyMembers', '党员'], ['party', '党组织'], ['area_km2', '面积(平方公里)'], ['check_households', '户数检查'],
  ['check_office', '办公用房达标'], ['check_service', '服务设施达标'], ['check_plaza', '广场达标'], ['contiguous', '地域相连'], ['cost', '目标函数代价'],
];

/**
 * One row per station; UTF-8 with a BOM so that spreadsheet programs show Chinese names.
 * @param [lang='zh'] headers and words in Chinese (是/否, 达标 …) or English (true/false, ok …)
 */
export function makePlanCsv(outcome: PlanOutcome, lang: 'zh' | 'en' = 'zh'): string {
  const zh = lang === 'zh';
  const head = PLAN_CSV_COLUMNS.map(([en, cn]) => (zh ? cn : en));
  const yes = (b: boolean) => (zh ? (b ? '是' : '否') : b);
  const targets = outcome.summary.checks.facilityTargets;
  // blank where the data has no areas of the kind: not judged, rather than 否
  const met = (s: Station, kind: FacilityKind) => (targets[kind].noData ? '' : yes(s.checks[kind]));
  const rows = outcome.stations.map((s) => [
    s.id, s.streetOffice, s.committees.join('、'), s.committees.length, s.host, s.households, s.population, s.office, s.service, s.plaza, s.staff,
    s.partyMembers, zh ? PARTY_CSV_ZH[s.party] : s.party, (s.areaM2 / 1e6).toFixed(2), zh ? HOUSEHOLD_CHECK_ZH[s.checks.households] : s.checks.households,
    met(s, 'office'), met(s, 'service'), met(s, 'plaza'), yes(s.checks.contiguous), s.cost.toFixed(6),
  ]);
  return formatCsv([head, ...rows], { bom: true });
}

/**
 * The plan document: the seed's phrasing per street office, then the checks, all in Chinese
 * (violations described from the summary alone, so that a stored plan reads the same).
 */
export function makePlanMarkdown(outcome: PlanOutcome, title: string): string {
  const { summary } = outcome;
  const lines = [
    `# ${title}`,
    '',
    ...(outcome.fatal ? [`**${FAIL_BANNER}**`, ''] : []),
    `社区工作站由原来${summary.stationsBefore}个调整为${summary.stationsAfter}个。`,
    '',
    ...makePlanTextZh(outcome.summary.streetOffices, outcome.isUnchanged).split('\n').flatMap((p) => [p, '']),
    '## 检查情况',
    '',
  ];
  const t = summary.checks.facilityTargets;
  const target = (kind: FacilityKind) => (t[kind].noData ? '数据中没有此项,未检查'
    : `${t[kind].met}/${t[kind].stations} (${(t[kind].share * 100).toFixed(1)}%, 目标 ${(t[kind].target * 100).toFixed(0)}%)`);
  lines.push(
    `- 办公用房≥200㎡的工作站: ${target('office')}`,
    `- 公共服务设施达标的工作站: ${target('service')}`,
    `- 户外文体广场达标的工作站: ${target('plaza')}`,
    `- 工作人员总数: ${summary.checks.staffBefore} → ${summary.checks.staffAfter}`,
    '',
  );
  const under = outcome.stations.filter((s) => s.checks.households !== 'ok');
  if (under.length > 0) {
    lines.push('| 街道 | 社区 | 户数 | 户数检查 |', '|---|---|---:|---|');
    for (const s of under) lines.push(`| ${s.streetOffice} | ${s.committees.join('、')} | ${s.households} | ${HOUSEHOLD_CHECK_ZH[s.checks.households]} |`);
    lines.push('');
  }
  if (summary.checks.violations.length > 0) {
    lines.push('### 存在的问题', '');
    for (const v of summary.checks.violations) {
      lines.push(`- ${v.severity === 'fatal' ? '必须纠正' : '需要说明'}:${describeViolationZh(v, outcome)}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
