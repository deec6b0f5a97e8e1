/**
 * The plan as an SVG map a planner can read: committees coloured by station, station borders
 * dissolved and dark, street office borders as a grey casing, committee names inside their
 * polygons, rule-breaking stations marked, a legend, a scale bar. Pure: plain data in, a string out.
 */
import { makeAdjacency } from '../geo/adjacency.js';
import { dissolve } from '../geo/dissolve.js';
import { calcRingBBox, calcRingDoubleArea, extendBBox, M_PER_DEG, RAD, type BBox } from '../geo/planar.js';
import type { Committee, MultiPolygonCoords } from '../geo/types.js';
import type { PlanOutcome } from '../solver/outcome.js';
import type { Station } from '../solver/types.js';
import { BoxSet, type Box } from './box-set.js';
import { polyScan, type PolyScan } from './poly-scan.js';
import { FONT_FAMILY, formatPx as f, textWidth } from './svg.js';
import { escapeXml as esc } from './xml.js';

export interface PlanMapOptions {
  /** Width of the SVG in px (the height follows the territory's shape). [1000] */
  width?: number;
  /** Title line. [`<scenario> 社区工作站整合方案`, plus the street office when one is drawn] */
  title?: string;
  /** Draw only this street office's stations (at the full width). [all street offices of the plan] */
  streetOffice?: string;
  /** 'auto': names where they fit; 'all': every name (small ones at the smallest size); 'none'. ['auto'] */
  labels?: 'auto' | 'all' | 'none';
  /**
   * Station shapes already dissolved (by station id), e.g. the geometries of stations.geojson, so
   * the union is not computed twice; stations missing here are dissolved. [none]
   */
  stationGeometries?: ReadonlyMap<string, MultiPolygonCoords>;
}

type Pt = [number, number];
type PxRing = Pt[];
type PxPoly = PxRing[];
type PxMulti = PxPoly[];

const MARGIN = 16;
const HEADER = 62;

/** Calm qualitative palette: merged stations take `strong`, single-committee stations `light`. */
const PALETTE: readonly { strong: string; light: string }[] = [
  { strong: '#7fbfb3', light: '#d3ebe6' }, // teal
  { strong: '#e8c16f', light: '#f7e9c9' }, // sand
  { strong: '#92acd6', light: '#dae3f2' }, // blue
  { strong: '#a9cf7e', light: '#e1f0d2' }, // green
  { strong: '#bba3d6', light: '#e7def1' }, // lilac
  { strong: '#eea97c', light: '#f9e0cf' }, // peach
  { strong: '#8ccbe0', light: '#d7edf4' }, // sky
  { strong: '#cdbb92', light: '#eee7d7' }, // khaki
];
const FATAL_RED = '#d0312d';
const UNDER_AMBER = '#b86e00';

/**
 * Draws a plan as a self-contained SVG map.
 *
 * Projection: equirectangular, x scaled by cos(mean latitude), north up, fitted to the width with
 * a margin (a very tall territory is capped at 1.6 × the width and centred). Fills: one colour per
 * station by DSatur colouring of the station adjacency (stations whose committees share a border
 * within about one pixel never share a colour), the stronger shade for merged stations, the lighter
 * for single-committee ones. Borders: committees thin and white, stations (the dissolved union of
 * members) dark, street offices as a wide grey casing when several are drawn. Marks: stations that
 * break a fatal rule (households over the band, not contiguous, or any fatal violation naming the
 * station) are hatched and outlined in red; stations under the band get a small amber triangle;
 * enclave links are dashed. Labels: the committee name at an interior point where the name's box
 * fits inside the polygon, size 8–16 px by room (a second line with households when it fits), with a white halo. Output is deterministic and
 * coordinates are printed to 0.1 px.
 *
 * @param outcome the plan (stations, summary) from solvePlan / evaluatePlan
 * @param committees the dataset's committees (at least every committee of the drawn stations)
 * @param [options.width=1000] SVG width in px (200–20000)
 * @param [options.title] title line (default: scenario name + 社区工作站整合方案)
 * @param [options.streetOffice] draw only this street office
 * @param [options.labels='auto'] which committee names to write
 * @returns the SVG document as a string
 * @throws Error naming the option, or the station and committee id a station refers to but the data lacks
 * @example writeFileSync('map.svg', makePlanMapSvg(outcome, dataset.committees, { streetOffice: '黄贝' }))
 */
export function makePlanMapSvg(outcome: PlanOutcome, committees: readonly Committee[], options: PlanMapOptions = {}): string {
  const fn = 'makePlanMapSvg';
  const width = options.width ?? 1000;
  if (typeof width !== 'number' || !Number.isFinite(width) || width < 200 || width > 20000) {
    throw new RangeError(`${fn}: options.width must be a number of px from 200 to 20000, got ${String(width)}`);
  }
  const labelMode = options.labels ?? 'auto';
  if (labelMode !== 'auto' && labelMode !== 'all' && labelMode !== 'none') {
    throw new RangeError(`${fn}: options.labels must be 'auto', 'all' or 'none', got ${JSON.stringify(labelMode)}`);
  }
  const office = options.streetOffice;
  const stations = office === undefined ? outcome.stations : outcome.stations.filter((s) => s.streetOffice === office);
  if (office !== undefined && stations.length === 0) {
    const known = [...new Set(outcome.stations.map((s) => s.streetOffice))];
    throw new Error(`${fn}: options.streetOffice "${office}" has no station in the plan (street offices: ${known.join(', ')})`);
  }
  const byId = new Map(committees.map((c) => [c.id, c]));
  const members: Committee[][] = stations.map((s) =>
    s.committeeIds.map((id) => {
      const c = byId.get(id);
      if (!c) throw new Error(`${fn}: station ${s.id} names committee ${id}, which is not among the committees given`);
      return c;
    }),
  );
  const title = options.title ?? `${outcome.summary.scenario} 社区工作站整合方案${office !== undefined ? ` · ${officeName(office)}` : ''}`;
  if (stations.length === 0) return makeEmptySvg(width, title);

  // Projection.
  const bounds: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const group of members) for (const c of group) for (const poly of c.geometry) if (poly[0]) extendBBox(bounds, poly[0]);
  const [minLon, minLat, maxLon, maxLat] = bounds;
  if (!Number.isFinite(minLon)) return makeEmptySvg(width, title);
  const kx = Math.cos(((minLat + maxLat) / 2) * RAD);
  const spanX = Math.max((maxLon - minLon) * kx, 1e-9);
  const spanY = Math.max(maxLat - minLat, 1e-9);
  const mapW = width - 2 * MARGIN;
  const scale = Math.min(mapW / spanX, (1.6 * width) / spanY);
  const offX = MARGIN + (mapW - spanX * scale) / 2;
  const mapH = spanY * scale;
  const project = (mp: MultiPolygonCoords): PxMulti =>
    mp.map((poly) => poly.map((ring) => ring.map((p): Pt => [offX + (p[0] - minLon) * kx * scale, HEADER + (maxLat - p[1]) * scale])));
  const metresPerPx = M_PER_DEG / scale;

  // Station colours.
  const flat = members.flat();
  const stationOfCommittee = new Map<string, number>();
  members.forEach((group, si) => group.forEach((c) => stationOfCommittee.set(c.id, si)));
  const colours = colourStations(flat, stationOfCommittee, stations.length, metresPerPx);

  // Shapes.
  const committeePx = new Map(flat.map((c) => [c.id, project(c.geometry)]));
  const given = options.stationGeometries;
  const stationPx = members.map((group, si) => project(given?.get(stations[si]!.id) ?? safeDissolve(group.map((c) => c.geometry))));
  const offices = [...new Set(stations.map((s) => s.streetOffice))];

  const fatalIds = new Set<string>();
  for (const v of outcome.summary.checks.violations) if (v.severity === 'fatal' && v.station) for (const id of v.station.split(',')) fatalIds.add(id);
  const isFatal = (s: Station) => s.checks.households === 'over' || !s.checks.contiguous || fatalIds.has(s.id);
  const isUnder = (s: Station) => s.checks.households === 'under';

  const reserved = new BoxSet();
  const out: string[] = [];
  const footer = makeLegend(width, stations, isFatal, isUnder, offices.length > 1, metresPerPx);
  const height = Math.ceil(HEADER + mapH + 14 + footer.height + MARGIN);

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    '<defs>',
    `<pattern id="hatch" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)"><rect width="7" height="7" fill="${FATAL_RED}" fill-opacity="0.12"/><line x1="0" y1="0" x2="0" y2="7" stroke="${FATAL_RED}" stroke-width="2.2" stroke-opacity="0.75"/></pattern>`,
    `<path id="under" d="M-5.5 -4 L5.5 -4 L0 5.5 Z" fill="${UNDER_AMBER}" stroke="#fff" stroke-width="1.3" stroke-linejoin="round"/>`,
    '</defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );

  // Committees.
  out.push('<g class="committees" stroke="#ffffff" stroke-width="0.7" stroke-linejoin="round" fill-rule="evenodd">');
  stations.forEach((s, si) => {
    const fill = s.committeeIds.length > 1 ? PALETTE[colours[si]!]!.strong : PALETTE[colours[si]!]!.light;
    for (const c of members[si]!) {
      out.push(`<path class="committee" data-id="${esc(c.id)}" data-station="${esc(s.id)}" data-colour="${colours[si]}" fill="${fill}" d="${pathData(committeePx.get(c.id)!)}"><title>${esc(c.name)} · ${c.households} 户</title></path>`);
    }
  });
  out.push('</g>');

  // Fatal hatching under the borders.
  out.push('<g class="violations" fill="url(#hatch)" fill-rule="evenodd">');
  stations.forEach((s, si) => {
    if (isFatal(s)) out.push(`<path class="violation" data-station="${esc(s.id)}" d="${pathData(stationPx[si]!)}"/>`);
  });
  out.push('</g>');

  // Street office borders: each office strokes its committees' outlines, masked to outside the
  // office, so only its boundary shows (half on each side; the neighbour draws the other half).
  // Same picture as stroking the dissolved office, without a costly union.
  if (offices.length > 1) {
    const defs: string[] = [];
    const uses: string[] = [];
    offices.forEach((o, k) => {
      const d = stations.flatMap((s, si) => (s.streetOffice === o ? members[si]!.map((c) => pathData(committeePx.get(c.id)!)) : [])).join('');
      defs.push(`<path id="office-${k}" d="${d}"/>`, `<mask id="outside-${k}" maskUnits="userSpaceOnUse" x="0" y="0" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="#ffffff"/><use href="#office-${k}" fill="#000000" stroke="#000000" stroke-width="0.6"/></mask>`);
      uses.push(`<use class="street-office" data-name="${esc(o)}" href="#office-${k}" mask="url(#outside-${k})"/>`);
    });
    out.push('<defs>', ...defs, '</defs>', '<g class="street-offices" fill="none" stroke="#6e6e6e" stroke-width="7" stroke-linejoin="round">', ...uses, '</g>');
  }

  out.push('<g class="stations" fill="none" stroke="#262626" stroke-width="1.5" stroke-linejoin="round" fill-rule="evenodd">');
  stations.forEach((s, si) => {
    const red = isFatal(s) ? ` stroke="${FATAL_RED}" stroke-width="2.6"` : '';
    out.push(`<path class="station" data-id="${esc(s.id)}"${red} d="${pathData(stationPx[si]!)}"><title>${esc(stationTooltip(s))}</title></path>`);
  });
  out.push('</g>');

  // Enclave links: dashed between the linked members' interior points.
  const links: string[] = [];
  stations.forEach((s, si) => {
    for (const [a, b] of s.enclaveLinks) {
      const ca = members[si]!.find((c) => c.name === a), cb = members[si]!.find((c) => c.name === b);
      if (!ca || !cb) continue;
      const pa = calcInteriorPoint(largestPolygon(committeePx.get(ca.id)!)), pb = calcInteriorPoint(largestPolygon(committeePx.get(cb.id)!));
      if (pa && pb) links.push(`<line class="enclave-link" x1="${f(pa[0])}" y1="${f(pa[1])}" x2="${f(pb[0])}" y2="${f(pb[1])}"/>`);
    }
  });
  if (links.length > 0) out.push(`<g stroke="#262626" stroke-width="1.4" stroke-dasharray="4 3">`, ...links, '</g>');

  // Committee names, then street office names in the room left (several offices only), then the
  // under marks. No two labels overlap: a name that fits nowhere inside its polygon is written
  // beside it with a leader line; a street office name goes where its office has room.
  const textOut: string[] = [];
  const leaders: string[] = [];
  const labelBoxOf = new Map<string, Box>();
  const frame: Box = { x0: 2, y0: HEADER - 6, x1: width - 2, y1: HEADER + mapH + 10 };
  const callout = (anchor: Pt, lines: string[], size: number, reach: number): LabelSpot | undefined => {
    const spot = findCalloutSpot(anchor, lines, size, reserved, frame, reach);
    if (!spot) return undefined;
    leaders.push(makeLeader(anchor, spot.box));
    // the leader line is kept clear too: small boxes along it
    const end = nearestOnBox(spot.box, anchor);
    const n = Math.ceil(Math.hypot(end[0] - anchor[0], end[1] - anchor[1]) / 3);
    for (let i = 0; i < n; i++) {
      const x = anchor[0] + ((end[0] - anchor[0]) * i) / n, y = anchor[1] + ((end[1] - anchor[1]) * i) / n;
      reserved.push({ x0: x - 1, y0: y - 1, x1: x + 1, y1: y + 1 });
    }
    return spot;
  };
  if (labelMode !== 'none') {
    const order = flat
      .map((c) => ({ c, poly: largestPolygon(committeePx.get(c.id)!) }))
      .filter((e): e is { c: Committee; poly: PxPoly } => e.poly !== undefined)
      .map((e) => ({ ...e, area: Math.abs(ringArea(e.poly[0]!)) }))
      .sort((a, b) => b.area - a.area || cmp(a.c.id, b.c.id));
    const stationOfId = new Map<string, Station>();
    for (const st of stations) for (const id of st.committeeIds) stationOfId.set(id, st);
    const unplaced: { c: Committee; poly: PxPoly }[] = [];
    for (const { c, poly, area } of order) {
      const pref = clamp(Math.sqrt(area) / 7, 9, 16);
      const st = stationOfId.get(c.id)!;
      const second = `${formatThousands(c.households)} 户${st.committeeIds.length > 1 && st.host === c.name ? ` · 站 ${formatThousands(st.households)}` : ''}`;
      const sizes = (lo: number): number[] => {
        const out: number[] = [];
        for (let z = pref; z >= lo - 1e-9; z -= 0.5) out.push(z);
        return out;
      };
      let spot = pref >= 10.5 ? findLabelSpot(poly, [c.name, second], sizes(10.5), reserved, false) : undefined;
      spot ??= findLabelSpot(poly, [c.name], sizes(8), reserved, false);
      spot ??= findGridSpot([poly], polyBox(poly), [c.name], sizes(8), reserved, ringCentroid(poly[0]!));
      if (!spot) { unplaced.push({ c, poly }); continue; }
      reserved.push(spot.box);
      labelBoxOf.set(c.id, spot.box);
      textOut.push(makeLabelText(spot, 'committee-label', ` data-id="${esc(c.id)}"`));
    }
    // The names with no room inside, after every name that has: beside the polygon, nearest first.
    for (const { c, poly } of unplaced) {
      const anchor = calcInteriorPoint(poly) ?? poly[0]![0]!;
      let spot = callout(anchor, [c.name], 8.5, labelMode === 'all' ? Infinity : CALLOUT_REACH);
      if (!spot && labelMode === 'all') spot = findLabelSpot(poly, [c.name], [8], new BoxSet(), true);
      if (!spot) continue;
      reserved.push(spot.box);
      labelBoxOf.set(c.id, spot.box);
      textOut.push(makeLabelText(spot, 'committee-label', ` data-id="${esc(c.id)}"`));
    }
  }
  if (offices.length > 1 && labelMode !== 'none') {
    const top = Math.max(12, Math.min(17, width / 60));
    offices.forEach((o) => {
      const name = officeName(o);
      const polys = stations
        .flatMap((s, si) => (s.streetOffice === o ? stationPx[si]! : []))
        .filter((poly) => poly[0] && poly[0].length >= 3)
        .sort((a, b) => Math.abs(ringArea(b[0]!)) - Math.abs(ringArea(a[0]!)));
      if (polys.length === 0) return;
      const sizes = [top, top * 0.85, top * 0.72, top * 0.62];
      let spot: LabelSpot | undefined;
      for (const size of sizes) {
        for (const poly of polys) {
          spot = findLabelSpot(poly, [name], [size], reserved, false);
          if (spot) break;
        }
        if (spot) break;
      }
      // Across station borders anywhere in the office, nearest its middle.
      const box = polys.map(polyBox).reduce((a, b) => ({ x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) }));
      spot ??= findGridSpot(polys, box, [name], sizes, reserved, multiCentroid(polys));
      spot ??= callout(calcInteriorPoint(polys[0]) ?? polys[0]![0]![0]!, [name], sizes[2]!, Infinity);
      if (!spot) return;
      reserved.push(spot.box);
      textOut.push(makeLabelText(spot, 'street-office-label', ' font-weight="bold" fill="#3a3a3a"'));
    });
  }
  const marks: string[] = [];
  stations.forEach((s, si) => {
    if (!isUnder(s)) return;
    const poly = largestPolygon(stationPx[si]!);
    if (!poly) return;
    // Beside a member's name (the host first), so that the mark reads as the station's; else free room.
    const hostFirst = [...s.committeeIds].sort((a, b) => Number(byId.get(b)?.name === s.host) - Number(byId.get(a)?.name === s.host));
    let p: Pt | undefined;
    for (const id of hostFirst) {
      const b = labelBoxOf.get(id);
      if (!b) continue;
      const yc = (b.y0 + b.y1) / 2, xc = (b.x0 + b.x1) / 2;
      p = ([[b.x1 + 8, yc], [b.x0 - 8, yc], [xc, b.y0 - 8], [xc, b.y1 + 8]] as Pt[]).find((q) => {
        const box = { x0: q[0] - 6, y0: q[1] - 6, x1: q[0] + 6, y1: q[1] + 6 };
        return boxFits(poly, q[0], q[1], 10, 10) && !reserved.overlapsAny(box);
      });
      if (p) break;
    }
    p ??= findMarkSpot(poly, reserved);
    reserved.push({ x0: p[0] - 6, y0: p[1] - 6, x1: p[0] + 6, y1: p[1] + 6 });
    marks.push(`<use class="under-mark" data-station="${esc(s.id)}" href="#under" x="${f(p[0])}" y="${f(p[1])}"/>`);
  });
  if (marks.length > 0) out.push('<g class="under-marks">', ...marks, '</g>');
  if (leaders.length > 0) out.push('<g class="leaders" stroke="#3a3a3a" stroke-width="0.8" fill="#3a3a3a">', ...leaders, '</g>');
  if (textOut.length > 0) {
    out.push('<g class="labels" text-anchor="middle" fill="#1a1a1a" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke" stroke-opacity="0.9">', ...textOut, '</g>');
  }

  // Title and summary line.
  out.push(`<text x="${MARGIN}" y="28" font-size="20" font-weight="bold" fill="#1a1a1a">${esc(title)}</text>`);
  out.push(`<text x="${MARGIN}" y="50" font-size="13" fill="#555555">${esc(makeSubtitle(outcome, stations, office, isFatal, isUnder))}</text>`);

  // Legend and scale bar.
  out.push(`<g class="legend" transform="translate(0 ${f(HEADER + mapH + 14)})">`, footer.svg, '</g>');
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function officeName(o: string): string {
  return /街道(办事处)?$/.test(o) ? o : `${o}街道`;
}

function stationTooltip(s: Station): string {
  const check: Record<string, string> = { ok: '户数达标', under: '户数不足', over: '户数超标', exempt: '户数豁免' };
  return `${s.committees.join('、')} · ${s.households} 户 · ${check[s.checks.households] ?? s.checks.households}${s.checks.contiguous ? '' : ' · 不连片'}`;
}

function makeSubtitle(outcome: PlanOutcome, stations: readonly Station[], office: string | undefined, isFatal: (s: Station) => boolean, isUnder: (s: Station) => boolean): string {
  const offices = office === undefined ? outcome.summary.streetOffices : outcome.summary.streetOffices.filter((o) => o.name === office);
  const before = offices.reduce((s, o) => s + o.stationsBefore, 0);
  const merged = stations.filter((s) => s.committeeIds.length > 1).length;
  const committees = stations.reduce((n, s) => n + s.committeeIds.length, 0);
  const parts = [
    `${committees} 个社区`,
    `工作站 ${before} → ${stations.length}`,
    `一站多居 ${merged} 个`,
  ];
  if (offices.length > 1) parts.splice(1, 0, `${offices.length} 个街道`);
  const fatal = stations.filter(isFatal).length, under = stations.filter(isUnder).length;
  parts.push(fatal > 0 ? `违反硬性规则 ${fatal} 个` : '无硬性违规');
  if (under > 0) parts.push(`户数不足 ${under} 个`);
  return parts.join(' · ');
}

/** Legend rows (wrapping) on the left, scale bar and north arrow on the right. */
function makeLegend(width: number, stations: readonly Station[], isFatal: (s: Station) => boolean, isUnder: (s: Station) => boolean, offices: boolean, metresPerPx: number): { svg: string; height: number } {
  const items: { sym: string; text: string }[] = [];
  const sw = (fill: string) => `<rect x="0" y="-6" width="18" height="12" fill="${fill}" stroke="#262626" stroke-width="1.2"/>`;
  const merged = stations.filter((s) => s.committeeIds.length > 1).length;
  items.push({ sym: sw(PALETTE[0]!.strong), text: `合并的工作站 (一站多居) ${merged}` });
  items.push({ sym: sw(PALETTE[0]!.light), text: `单居工作站 ${stations.length - merged}` });
  items.push({ sym: `<rect x="0" y="-6" width="18" height="12" fill="${PALETTE[2]!.strong}"/><line x1="9" y1="-6" x2="9" y2="6" stroke="#fff" stroke-width="0.9"/><rect x="0" y="-6" width="18" height="12" fill="none" stroke="#262626" stroke-width="1.5"/>`, text: '工作站边界 / 社区边界' });
  if (offices) items.push({ sym: '<line x1="0" y1="0" x2="18" y2="0" stroke="#7a7a7a" stroke-width="5" stroke-opacity="0.75"/><line x1="0" y1="0" x2="18" y2="0" stroke="#262626" stroke-width="1.5"/>', text: '街道边界' });
  const fatal = stations.filter(isFatal).length;
  items.push({ sym: `<rect x="0" y="-6" width="18" height="12" fill="url(#hatch)" stroke="${FATAL_RED}" stroke-width="2"/>`, text: `违反硬性规则 (户数超标、不连片等) ${fatal}` });
  const under = stations.filter(isUnder).length;
  items.push({ sym: '<use href="#under" x="9" y="0"/>', text: `户数低于下限 ${under}` });
  if (stations.some((s) => s.enclaveLinks.length > 0)) items.push({ sym: '<line x1="0" y1="0" x2="18" y2="0" stroke="#262626" stroke-width="1.4" stroke-dasharray="4 3"/>', text: '插花地连接 (无共同边界)' });

  // Scale bar: a round length near 1/6 of the width.
  const target = (width / 6) * metresPerPx;
  const pow = 10 ** Math.floor(Math.log10(target));
  const nice = [1, 2, 5, 10].map((k) => k * pow).filter((v) => v <= target).pop() ?? pow;
  const barPx = nice / metresPerPx;
  const barLabel = nice >= 1000 ? `${trimNumber(nice / 1000)} km` : `${trimNumber(nice)} m`;
  const rightW = barPx + 56;

  const size = 12;
  const avail = width - 2 * MARGIN - rightW - 16;
  const rows: string[] = [];
  let x = 0, row = 0;
  for (const item of items) {
    const w = 24 + textWidth(item.text, size) + 22;
    if (x > 0 && x + w > avail) { row += 1; x = 0; }
    const y = 10 + row * 22;
    rows.push(`<g transform="translate(${f(MARGIN + x)} ${f(y)})">${item.sym}<text x="24" y="${f(size * 0.36)}" font-size="${size}" fill="#333333">${esc(item.text)}</text></g>`);
    x += w;
  }
  const bx = width - MARGIN - rightW;
  const scaleBar = [
    `<g class="scale-bar" transform="translate(${f(bx)} 10)">`,
    `<rect x="0" y="-3" width="${f(barPx / 2)}" height="6" fill="#262626"/><rect x="${f(barPx / 2)}" y="-3" width="${f(barPx / 2)}" height="6" fill="#ffffff" stroke="#262626" stroke-width="1"/>`,
    `<text x="0" y="18" font-size="11" fill="#333333" text-anchor="middle">0</text><text x="${f(barPx)}" y="18" font-size="11" fill="#333333" text-anchor="middle">${esc(barLabel)}</text>`,
    `<g transform="translate(${f(barPx + 36)} 4)"><path d="M0 -12 L6 4 L0 0 L-6 4 Z" fill="#262626"/><text x="0" y="18" font-size="11" font-weight="bold" fill="#262626" text-anchor="middle">N</text></g>`,
    '</g>',
  ].join('');
  return { svg: rows.join('\n') + '\n' + scaleBar, height: Math.max(30, 22 * (row + 1)) };
}

function makeEmptySvg(width: number, title: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="120" viewBox="0 0 ${width} 120" font-family="${FONT_FAMILY}">`,
    `<rect width="${width}" height="120" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="28" font-size="20" font-weight="bold" fill="#1a1a1a">${esc(title)}</text>`,
    `<text x="${MARGIN}" y="60" font-size="13" fill="#555555">没有可绘制的工作站 (no stations to draw)</text>`,
    '</svg>',
  ].join('\n') + '\n';
}

/**
 * DSatur colouring of the station graph; among the free colours the least used so far is taken,
 * so that the palette is spread evenly. Stations are neighbours when any of their committees share
 * a border within about a pixel.
 */
function colourStations(committees: readonly Committee[], stationOf: Map<string, number>, n: number, metresPerPx: number): number[] {
  const graph = makeAdjacency(committees, {
    minSharedBorderMeters: 0,
    snapToleranceMeters: clamp(metresPerPx, 2, 50),
    enclaveLinkMeters: 0,
  });
  const nb: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (const [a, m] of graph.border) {
    const sa = stationOf.get(a)!;
    for (const b of m.keys()) {
      const sb = stationOf.get(b)!;
      if (sa !== sb) { nb[sa]!.add(sb); nb[sb]!.add(sa); }
    }
  }
  // Saturation kept per station as a bit set of its neighbours' colours (the palette has 8), updated
  // as each station is coloured, instead of recounted for every station at every step.
  const colour: number[] = new Array<number>(n).fill(-1);
  const used: number[] = new Array<number>(PALETTE.length).fill(0);
  const seen = new Int32Array(n);
  const satCount = new Int32Array(n);
  const deg = new Int32Array(n);
  const nbList = nb.map((set) => [...set]);
  for (let v = 0; v < n; v++) deg[v] = nbList[v]!.length;
  for (let step = 0; step < n; step++) {
    let best = -1, bestSat = -1, bestDeg = -1;
    for (let v = 0; v < n; v++) {
      if (colour[v] !== -1) continue;
      const sat = satCount[v]!, d = deg[v]!;
      if (sat > bestSat || (sat === bestSat && d > bestDeg)) { best = v; bestSat = sat; bestDeg = d; }
    }
    const taken = seen[best]!;
    let pick = -1;
    for (let c = 0; c < PALETTE.length; c++) if ((taken & (1 << c)) === 0 && (pick < 0 || used[c]! < used[pick]!)) pick = c;
    if (pick < 0) pick = step % PALETTE.length; // more than 8 neighbours all coloured differently: cannot avoid a clash
    colour[best] = pick;
    used[pick]! += 1;
    const bit = 1 << pick;
    for (const u of nbList[best]!) {
      if ((seen[u]! & bit) === 0) { seen[u] = seen[u]! | bit; satCount[u]! += 1; }
    }
  }
  return colour;
}

/** dissolve, falling back to the members side by side when the union fails. */
function safeDissolve(parts: MultiPolygonCoords[]): MultiPolygonCoords {
  try {
    return dissolve(parts);
  } catch {
    return parts.flat();
  }
}


function trimNumber(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}


const pathDataOf = new WeakMap<PxMulti, string>();

/**
 * Path data at 0.1 px, repeated points dropped; every ring closed with Z. Kept per shape: a
 * committee's path is written again in its street office's outline, a fatal station's twice.
 */
function pathData(mp: PxMulti): string {
  let d = pathDataOf.get(mp);
  if (d === undefined) {
    d = makePathData(mp);
    pathDataOf.set(mp, d);
  }
  return d;
}

function makePathData(mp: PxMulti): string {
  const parts: string[] = [];
  let first: string | undefined;
  for (const poly of mp) for (const ring of poly) {
    const pts: string[] = [];
    let last = '';
    for (const p of ring) {
      const s = `${f(p[0])} ${f(p[1])}`;
      if (s !== last) pts.push(s);
      last = s;
    }
    if (pts.length > 1 && pts[0] === pts[pts.length - 1]) pts.pop();
    first ??= pts[0];
    if (pts.length >= 3) parts.push(`M${pts.join('L')}Z`);
  }
  if (parts.length === 0) return first ? `M${first}Z` : 'M0 0Z';
  return parts.join('');
}

/** Approximate advance width: CJK and full-width characters 1 em, others 0.6 em. */

/** Area of a pixel ring (its sign is of no use here: y points down). */
function ringArea(r: PxRing): number {
  return Math.abs(calcRingDoubleArea(r)) / 2;
}

function largestPolygon(mp: PxMulti): PxPoly | undefined {
  let best: PxPoly | undefined, bestA = -1;
  for (const poly of mp) {
    if (!poly[0] || poly[0].length < 3) continue;
    const a = Math.abs(ringArea(poly[0]));
    if (a > bestA) { best = poly; bestA = a; }
  }
  return best;
}

/** Sorted x of the crossings of the horizontal line at y with every ring of the polygon. */
function crossingsX(poly: PxPoly, y: number): number[] {
  return polyScan(poly).crossingsX(y);
}


/** The inside run [lo, hi] of a sorted crossing list that contains v, if any. */
function runAt(cross: number[], v: number): [number, number] | undefined {
  for (let k = 0; k + 1 < cross.length; k += 2) if (cross[k]! <= v && v <= cross[k + 1]!) return [cross[k]!, cross[k + 1]!];
  return undefined;
}

/** Whether a w×h box centred at (x, y) lies inside the polygon (checked on 3 horizontal lines). */
function boxFits(poly: PxPoly, x: number, y: number, w: number, h: number): boolean {
  // the runs are looked up without building the crossing lists (this is asked for every
  // candidate point at every label size)
  const scan = polyScan(poly);
  if (!scan.runCovers(y + -h / 2, true, x, x - w / 2, x + w / 2)) return false;
  if (!scan.runCovers(y + 0, true, x, x - w / 2, x + w / 2)) return false;
  if (!scan.runCovers(y + h / 2, true, x, x - w / 2, x + w / 2)) return false;
  // v[0] <= y - h / 2 && v[1] >= y + h / 2 is !(v[0] > …) && !(v[1] < …) but for NaN, which a pixel coordinate never is
  return scan.runCovers(x, false, y, y - h / 2, y + h / 2);
}


/**
 * A candidate point with the inside runs through it: horizontal [hLo, hHi] and vertical [vLo, vHi]
 * (NaN when the point is on no run). They do not depend on a label's size, so the middle line and
 * the vertical line of {@link boxFits} are answered from them for every size tried.
 */
interface Candidate { p: Pt; hLo: number; hHi: number; vLo: number; vHi: number }

const candidatesOf = new WeakMap<PxPoly, Candidate[]>();

/** Candidate interior points: the centroid when inside, then run centres on 11 scan lines (re-centred vertically). */
function interiorCandidates(poly: PxPoly): Candidate[] {
  let out = candidatesOf.get(poly);
  if (!out) {
    out = findInteriorCandidates(poly);
    candidatesOf.set(poly, out);
  }
  return out;
}

/**
 * {@link boxFits} at a candidate: the same answer, with its middle and vertical lines read from
 * the candidate's runs (a NaN end fails both comparisons: no run, no fit).
 */
function boxFitsAt(scan: PolyScan, q: Candidate, w: number, h: number): boolean {
  const x = q.p[0], y = q.p[1];
  if (!(q.hLo <= x - w / 2 && q.hHi >= x + w / 2)) return false;
  if (!(q.vLo <= y - h / 2 && q.vHi >= y + h / 2)) return false;
  if (!scan.runCovers(y + -h / 2, true, x, x - w / 2, x + w / 2)) return false;
  return scan.runCovers(y + h / 2, true, x, x - w / 2, x + w / 2);
}

function findInteriorCandidates(poly: PxPoly): Candidate[] {
  const outer = poly[0]!;
  const scan = polyScan(poly);
  let y0 = Infinity, y1 = -Infinity;
  for (const p of outer) { y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]); }
  const out: Candidate[] = [];
  // each point's runs are found where the point is: the run it was centred in is the one
  // runAround would find (the first pair of sorted crossings that holds it), so only the run
  // across a line not yet scanned costs a scan
  const c = ringCentroid(outer);
  if (c && scan.runAround(c[1], true, c[0])) {
    const hLo = scan.runLo, hHi = scan.runHi;
    const v = scan.runAround(c[0], false, c[1]);
    out.push({ p: c, hLo, hHi, vLo: v ? scan.runLo : NaN, vHi: v ? scan.runHi : NaN });
  }
  const n = 11;
  for (let k = 0; k < n; k++) {
    const y = y0 + ((k + 0.5) / n) * (y1 - y0);
    const xs = scan.crossingsX(y);
    for (let r = 0; r + 1 < xs.length; r += 2) {
      const x = (xs[r]! + xs[r + 1]!) / 2;
      const h = runAt(xs, x)!;
      if (!scan.runAround(x, false, y)) {
        out.push({ p: [x, y], hLo: h[0], hHi: h[1], vLo: NaN, vHi: NaN });
        continue;
      }
      const vLo = scan.runLo, vHi = scan.runHi;
      out.push({ p: [x, y], hLo: h[0], hHi: h[1], vLo, vHi });
      const ym = (vLo + vHi) / 2;
      // ym is in [vLo, vHi]; an earlier pair (ending at or before vLo) can hold it only if ym = vLo
      const vFirst = vLo < ym ? [vLo, vHi] : runAt(scan.crossingsY(x), ym)!;
      const hm = scan.runAround(ym, true, x);
      out.push({ p: [x, ym], hLo: hm ? scan.runLo : NaN, hHi: hm ? scan.runHi : NaN, vLo: vFirst[0]!, vHi: vFirst[1]! });
    }
  }
  return out;
}

function ringCentroid(r: PxRing): Pt | undefined {
  let a = 0, cx = 0, cy = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const cr = r[j]![0] * r[i]![1] - r[i]![0] * r[j]![1];
    a += cr;
    cx += (r[j]![0] + r[i]![0]) * cr;
    cy += (r[j]![1] + r[i]![1]) * cr;
  }
  if (Math.abs(a) < 1e-12) return undefined;
  return [cx / (3 * a), cy / (3 * a)];
}

/** The widest-run interior point (used for enclave links). */
function calcInteriorPoint(poly: PxPoly | undefined): Pt | undefined {
  if (!poly) return undefined;
  let best: Pt | undefined, bestW = -1;
  for (const q of interiorCandidates(poly)) {
    const w = Number.isNaN(q.hLo) ? 0 : q.hHi - q.hLo;
    if (w > bestW) { best = q.p; bestW = w; }
  }
  return best;
}

interface LabelSpot { x: number; y: number; size: number; box: Box; lines: string[] }

/**
 * Share of a label's box that must lie inside its polygon: names may overhang the border a little
 * (the halo keeps them legible); they never overlap each other.
 */
const FIT = 0.8;

/** Second and further lines are this much smaller than the first. */
const SUB = 0.78;

function labelBox(lines: readonly string[], size: number): [number, number] {
  let w = textWidth(lines[0]!, size);
  for (const l of lines.slice(1)) w = Math.max(w, textWidth(l, size * SUB));
  return [w + 2, size * 1.2 + (lines.length - 1) * size * SUB * 1.15];
}

/** The label as SVG text: the first line at `size`, further lines smaller and grey, centred on the spot. */
function makeLabelText(spot: LabelSpot, cls: string, attrs = ''): string {
  const [, h] = labelBox(spot.lines, spot.size);
  const top = spot.y - h / 2;
  const first = `<tspan x="${f(spot.x)}" y="${f(top + spot.size * 0.6 + spot.size * 0.36)}">${esc(spot.lines[0]!)}</tspan>`;
  const rest = spot.lines.slice(1).map((l, i) => {
    const z = spot.size * SUB;
    return `<tspan x="${f(spot.x)}" y="${f(top + spot.size * 1.2 + i * z * 1.15 + z * 0.575 + z * 0.36)}" font-size="${f(z)}" fill="#4a4a4a">${esc(l)}</tspan>`;
  });
  return `<text class="${cls}" font-size="${f(spot.size)}"${attrs}>${first}${rest.join('')}</text>`;
}

/**
 * Where a label fits: the candidate point taking the largest of `sizes` (descending) whose box is
 * inside the polygon and clear of `reserved`; ties go to the point nearest the centroid.
 * `force` returns the widest-run point at sizes[0] when nothing fits.
 */
function findLabelSpot(poly: PxPoly, lines: string[], sizes: readonly number[], reserved: BoxSet, force: boolean): LabelSpot | undefined {
  if (!force) {
    // A box wider or taller than every ring's extent fits nowhere (a run lies within the
    // extent): the smallest size is tried against it before any candidate is made.
    const [wMin, hMin] = labelBox(lines, sizes[sizes.length - 1]!);
    const e = extentOf(poly);
    if (e[2] - e[0] < wMin * FIT - 1e-6 || e[3] - e[1] < hMin * FIT - 1e-6) return undefined;
  }
  const cands = interiorCandidates(poly);
  const scan = polyScan(poly);
  const c = ringCentroid(poly[0]!) ?? cands[0]?.p;
  let best: (LabelSpot & { d: number }) | undefined;
  const dims = sizes.map((size) => labelBox(lines, size));
  for (const q of cands) {
    const p = q.p;
    for (let z = 0; z < sizes.length; z++) {
      const size = sizes[z]!;
      if (best && size < best.size) break;
      const [w, h] = dims[z]!;
      const x0 = p[0] - w / 2, y0 = p[1] - h / 2, x1 = p[0] + w / 2, y1 = p[1] + h / 2;
      if (!boxFitsAt(scan, q, w * FIT, h * FIT) || reserved.overlapsRange(x0, y0, x1, y1)) continue;
      const d = c ? (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2 : 0;
      if (!best || size > best.size || d < best.d) best = { x: p[0], y: p[1], size, box: { x0, y0, x1, y1 }, lines, d };
      break;
    }
  }
  if (best) return { x: best.x, y: best.y, size: best.size, box: best.box, lines };
  if (!force) return undefined;
  const p = calcInteriorPoint(poly) ?? cands[0]?.p;
  if (!p) return undefined;
  const size = sizes[0]!;
  const [w, h] = labelBox(lines, size);
  return { x: p[0], y: p[1], size, lines, box: { x0: p[0] - w / 2, y0: p[1] - h / 2, x1: p[0] + w / 2, y1: p[1] + h / 2 } };
}

const extents = new WeakMap<PxPoly, BBox>();

/** The box of every ring of the polygon (holes included). */
function extentOf(poly: PxPoly): BBox {
  let e = extents.get(poly);
  if (!e) {
    e = [Infinity, Infinity, -Infinity, -Infinity];
    for (const ring of poly) extendBBox(e, ring);
    extents.set(poly, e);
  }
  return e;
}

/** How far (px) a name with no room inside its polygon may be written from it, with a leader line. */
const CALLOUT_REACH = 90;

function polyBox(poly: PxPoly): Box {
  const [x0, y0, x1, y1] = calcRingBBox(poly[0]!);
  return { x0, y0, x1, y1 };
}


/** Area-weighted centroid of several polygons' outer rings. */
function multiCentroid(polys: readonly PxPoly[]): Pt | undefined {
  let a = 0, x = 0, y = 0;
  for (const poly of polys) {
    const c = ringCentroid(poly[0]!);
    const w = Math.abs(ringArea(poly[0]!));
    if (!c) continue;
    a += w; x += c[0] * w; y += c[1] * w;
  }
  return a > 0 ? [x / a, y / a] : undefined;
}

/**
 * A label spot on a grid over `bounds`: the largest of `sizes` whose box (shrunk to FIT) has its
 * corners, edge midpoints and centre inside one of `polys` (even-odd) and is clear of `reserved`;
 * among those the point nearest `target`. Finds room the scan-line candidates of findLabelSpot miss.
 * The inside tests of a grid row are read from the crossings of its three lines (a point is inside
 * when an odd number of crossings lie right of it: the test of {@link insidePoly}, once per line).
 */
function findGridSpot(polys: readonly PxPoly[], bounds: Box, lines: string[], sizes: readonly number[], reserved: BoxSet, target: Pt | undefined): LabelSpot | undefined {
  const t = target ?? [(bounds.x0 + bounds.x1) / 2, (bounds.y0 + bounds.y1) / 2];
  const scans = polys.map((poly) => polyScan(poly));
  // the crossings of the row's three lines, per polygon, made when a point first asks for them
  const rows: (number[] | undefined)[][] = [[], [], []];
  let rowY = NaN;
  const inside = (k: number, y: number, x: number): boolean => {
    const line = rows[k]!;
    for (let q = 0; q < scans.length; q++) {
      const xs = (line[q] ??= scans[q]!.crossingsX(y));
      // an odd number of crossings right of x: the count of those after the last one ≤ x
      let lo = 0, hi = xs.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (x < xs[mid]!) hi = mid;
        else lo = mid + 1;
      }
      if ((xs.length - lo) % 2 === 1) return true;
    }
    return false;
  };
  for (const size of sizes) {
    const [w, h] = labelBox(lines, size);
    const step = Math.max(1.5, Math.min(w, h) / 4);
    let best: { p: Pt; d: number } | undefined;
    const hw = (w * FIT) / 2, hh = (h * FIT) / 2;
    const offX = [-hw, 0, hw], offY = [-hh, 0, hh];
    rowY = NaN; // the lines of a row depend on the size
    for (let y = bounds.y0 + h / 2; y <= bounds.y1 - h / 2 + 1e-9; y += step) {
      for (let x = bounds.x0 + w / 2; x <= bounds.x1 - w / 2 + 1e-9; x += step) {
        const d = (x - t[0]) ** 2 + (y - t[1]) ** 2;
        if (best && d >= best.d) continue;
        if (reserved.overlapsRange(x - w / 2, y - h / 2, x + w / 2, y + h / 2)) continue;
        if (y !== rowY) {
          for (const line of rows) line.length = 0;
          rowY = y;
        }
        let ok = true;
        for (const dx of offX) for (let k = 0; k < 3; k++) if (ok && !inside(k, y + offY[k]!, x + dx)) ok = false;
        if (ok) best = { p: [x, y], d };
      }
    }
    if (best) {
      const [x, y] = best.p;
      return { x, y, size, lines, box: { x0: x - w / 2, y0: y - h / 2, x1: x + w / 2, y1: y + h / 2 } };
    }
  }
  return undefined;
}


/**
 * A spot for a label outside its polygon: on rings of growing radius around `anchor` (up to
 * `reach` px), 16 directions each, the first box inside `frame`, clear of `reserved`, whose
 * leader line (when there is to be one) crosses no reserved box.
 */
function findCalloutSpot(anchor: Pt, lines: string[], size: number, reserved: BoxSet, frame: Box, reach: number, leader = true): LabelSpot | undefined {
  const [w, h] = labelBox(lines, size);
  const maxR = Math.min(reach, Math.hypot(frame.x1 - frame.x0, frame.y1 - frame.y0));
  for (let r = Math.max(w, h) / 2 + 6; r <= maxR; r += 5) {
    for (let k = 0; k < 16; k++) {
      const a = (k * Math.PI) / 8 - Math.PI / 2;
      const x = anchor[0] + r * Math.cos(a), y = anchor[1] + r * Math.sin(a);
      const bx0 = x - w / 2, by0 = y - h / 2, bx1 = x + w / 2, by1 = y + h / 2;
      if (bx0 < frame.x0 || by0 < frame.y0 || bx1 > frame.x1 || by1 > frame.y1) continue;
      if (reserved.overlapsRange(bx0, by0, bx1, by1)) continue;
      const box = { x0: bx0, y0: by0, x1: bx1, y1: by1 };
      const end = nearestOnBox(box, anchor);
      if (leader && reserved.hitBySegment(anchor, end)) continue;
      return { x, y, size, lines, box };
    }
  }
  return undefined;
}

function nearestOnBox(b: Box, p: Pt): Pt {
  return [clamp(p[0], b.x0, b.x1), clamp(p[1], b.y0, b.y1)];
}


/** A leader line from the polygon's point to the edge of its label, with a dot at the point. */
function makeLeader(anchor: Pt, box: Box): string {
  const end = nearestOnBox(box, anchor);
  return `<line class="leader" x1="${f(anchor[0])}" y1="${f(anchor[1])}" x2="${f(end[0])}" y2="${f(end[1])}"/><circle cx="${f(anchor[0])}" cy="${f(anchor[1])}" r="1.6"/>`;
}

function formatThousands(n: number): string {
  const s = String(Math.round(n));
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A spot for the 12-px under mark inside the station, clear of labels: run ends first, then centres. */
function findMarkSpot(poly: PxPoly, reserved: BoxSet): Pt {
  let y0 = Infinity, y1 = -Infinity;
  for (const p of poly[0]!) { y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]); }
  const cands: Pt[] = [];
  const n = 9;
  for (const k of [4, 3, 5, 2, 6, 1, 7, 0, 8]) {
    const y = y0 + ((k + 0.5) / n) * (y1 - y0);
    const xs = crossingsX(poly, y);
    for (let r = 0; r + 1 < xs.length; r += 2) {
      const a = xs[r]!, b = xs[r + 1]!;
      cands.push([b - 10, y], [a + 10, y], [(a + b) / 2, y]);
    }
  }
  for (const p of cands) {
    const box = { x0: p[0] - 7, y0: p[1] - 7, x1: p[0] + 7, y1: p[1] + 7 };
    if (boxFits(poly, p[0], p[1], 14, 14) && !reserved.overlapsAny(box)) return p;
  }
  // A small or crowded station: any free point inside, then the nearest free point beside it.
  const grid = findGridSpot([poly], polyBox(poly), ['口'], [10], reserved, ringCentroid(poly[0]!));
  if (grid) return [grid.x, grid.y];
  const anchor = calcInteriorPoint(poly) ?? poly[0]![0]!;
  const beside = findCalloutSpot(anchor, ['口'], 10, reserved, { x0: -Infinity, y0: -Infinity, x1: Infinity, y1: Infinity }, 40, false);
  return beside ? [beside.x, beside.y] : anchor;
}

/**
 * Each station's fill as makePlanMapSvg draws it at `width` (DSatur colour index into the palette;
 * the strong shade for merged stations, the light one for single committees), for GIS styles
 * (render/gis/qml.ts) that should look like the map.
 */
export function makeStationFills(outcome: PlanOutcome, committees: readonly Committee[], width = 1000): Map<string, { colour: number; fill: string }> {
  const byId = new Map(committees.map((c) => [c.id, c]));
  const stations = outcome.stations;
  const members = stations.map((s) => s.committeeIds.map((id) => byId.get(id)).filter((c): c is Committee => c !== undefined));
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  for (const group of members) for (const c of group) for (const poly of c.geometry) for (const ring of poly) for (const p of ring) {
    if (p[0] < minLon) minLon = p[0];
    if (p[0] > maxLon) maxLon = p[0];
    if (p[1] < minLat) minLat = p[1];
    if (p[1] > maxLat) maxLat = p[1];
  }
  const out = new Map<string, { colour: number; fill: string }>();
  if (!Number.isFinite(minLon)) return out;
  const kx = Math.cos(((minLat + maxLat) / 2) * RAD);
  const scale = Math.min((width - 2 * MARGIN) / Math.max((maxLon - minLon) * kx, 1e-9), (1.6 * width) / Math.max(maxLat - minLat, 1e-9));
  const stationOfCommittee = new Map<string, number>();
  members.forEach((group, si) => group.forEach((c) => stationOfCommittee.set(c.id, si)));
  const colours = colourStations(members.flat(), stationOfCommittee, stations.length, M_PER_DEG / scale);
  stations.forEach((s, si) => {
    const shade = PALETTE[colours[si]!]!;
    out.set(s.id, { colour: colours[si]!, fill: s.committeeIds.length > 1 ? shade.strong : shade.light });
  });
  return out;
}
