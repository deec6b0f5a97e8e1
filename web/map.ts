/**
 * The plan map: the committees' own polygons (no basemap), filled with their station's colour
 * (neighbouring stations never share one), committee outlines, station borders from the dissolved
 * stations, street-office borders where two offices meet, a numbered badge per station, and the
 * marks of map.svg: stations breaking a fatal rule hatched in red (map.svg's pattern) and outlined
 * in red, stations under the household band with an amber triangle. `data-stations-drawn` says how
 * many stations are drawn. An optional basemap (tile URL templates set on the server, e.g. a
 * 天地图 WMTS) goes under the polygons; without one the committees' polygons are the map.
 */
import L from 'leaflet';
import type { Station } from '../solver/types.js';
import { api, type Feature, type FeatureCollection } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** Light fills that keep dark labels readable; neighbours get different ones. */
const PALETTE = ['#8ecae6', '#ffd166', '#95d5b2', '#f4a6a6', '#cdb4db', '#f6bd60', '#a3c4f3', '#b5e48c', '#ffafcc', '#90dbf4'];
export const FATAL_RED = '#c62828';
export const UNDER_AMBER = '#b86e00';

type Ring = number[][];
const polygonsOf = (f: Feature): Ring[][] =>
  f.geometry.type === 'Polygon' ? [f.geometry.coordinates as Ring[]] : (f.geometry.coordinates as Ring[][]);
/** A vertex to about 0.1 m (integers: much cheaper than toFixed over a district's vertices). */
const vkey = (p: number[]): string => `${Math.round(p[0]! * 1e6)},${Math.round(p[1]! * 1e6)}`;

/**
 * map.svg's hatch (render/map-svg.ts: red lines at 45°, 7 px apart, over a 12% red wash) as a
 * canvas pattern, which Leaflet's canvas renderer takes for a fill colour.
 */
function fatalHatch(): CanvasPattern | string {
  const size = 10; // 7 px between lines at 45°: 7·√2 along an axis
  const tile = document.createElement('canvas');
  tile.width = tile.height = size;
  const ctx = tile.getContext('2d');
  if (!ctx) return FATAL_RED;
  ctx.fillStyle = 'rgba(198, 40, 40, 0.12)';
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = 'rgba(198, 40, 40, 0.75)';
  ctx.lineWidth = 2.2;
  ctx.beginPath();
  for (const k of [-1, 0, 1]) { ctx.moveTo(k * size, size); ctx.lineTo(k * size + size, 0); }
  ctx.stroke();
  return ctx.createPattern(tile, 'repeat') ?? FATAL_RED;
}

/** Greedy colouring, most-connected first, of stations that share a vertex. */
function colourStations(committees: Feature[], stationIds: string[]): Map<string, string> {
  const byVertex = new Map<string, Set<string>>();
  for (const f of committees) {
    const s = String(f.properties.station);
    for (const poly of polygonsOf(f)) for (const ring of poly) for (const p of ring) {
      const k = vkey(p);
      let set = byVertex.get(k);
      if (!set) byVertex.set(k, (set = new Set()));
      set.add(s);
    }
  }
  const nb = new Map<string, Set<string>>(stationIds.map((s) => [s, new Set()]));
  for (const set of byVertex.values()) if (set.size > 1) for (const a of set) for (const b of set) if (a !== b) nb.get(a)?.add(b);
  const order = [...stationIds].sort((a, b) => nb.get(b)!.size - nb.get(a)!.size);
  const colour = new Map<string, number>();
  for (const s of order) {
    const used = new Set([...nb.get(s)!].map((x) => colour.get(x)).filter((x) => x !== undefined));
    let c = 0;
    while (used.has(c)) c++;
    colour.set(s, c);
  }
  return new Map([...colour].map(([s, c]) => [s, PALETTE[c % PALETTE.length]!]));
}

/** Edges where committees of two groups meet (`groupOf`: street office, station), matched on shared vertices. */
function bordersBetween(committees: Feature[], groupOf: (f: Feature) => string): L.LatLngExpression[][] {
  const edges = new Map<string, { office: string; a: number[]; b: number[]; other: boolean }>();
  const lines: L.LatLngExpression[][] = [];
  for (const f of committees) {
    const office = groupOf(f);
    for (const poly of polygonsOf(f)) for (const ring of poly) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i]!, b = ring[i + 1]!;
        const ka = vkey(a), kb = vkey(b);
        const k = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
        const seen = edges.get(k);
        if (seen === undefined) edges.set(k, { office, a, b, other: false });
        else if (seen.office !== office && !seen.other) { seen.other = true; lines.push([[a[1]!, a[0]!], [b[1]!, b[0]!]]); }
      }
    }
  }
  return lines;
}

/** A point to hang the station's badge on: the centroid of its largest member ring. */
function labelPoint(features: Feature[]): L.LatLng {
  let best: Ring | null = null, bestArea = -1;
  for (const f of features) for (const poly of polygonsOf(f)) {
    const ring = poly[0]!;
    let a = 0;
    for (let i = 0; i + 1 < ring.length; i++) a += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
    if (Math.abs(a) > bestArea) { bestArea = Math.abs(a); best = ring; }
  }
  let cx = 0, cy = 0, a2 = 0;
  for (let i = 0; i + 1 < best!.length; i++) {
    const [x0, y0] = best![i]! as [number, number];
    const [x1, y1] = best![i + 1]! as [number, number];
    const cross = x0 * y1 - x1 * y0;
    a2 += cross; cx += (x0 + x1) * cross; cy += (y0 + y1) * cross;
  }
  if (a2 === 0) return L.latLng(best![0]![1]!, best![0]![0]!);
  return L.latLng(cy / (3 * a2), cx / (3 * a2));
}

export interface PlanMapOptions {
  stations: Station[];
  committees: FeatureCollection;
  /** Dissolved station outlines (stations.geojson); without them only committee outlines are drawn. */
  outlines?: FeatureCollection;
  /** Station ids breaking a fatal rule. */
  fatal: Set<string>;
  /** Committees to mark (compare: their station changed). */
  marked?: Set<string>;
  onSelect?(stationId: string): void;
  describe(station: Station, no: number): string;
  householdsText(n: number): string;
}

export interface PlanMap {
  select(stationId: string | null): void;
  destroy(): void;
}

export function drawPlanMap(container: HTMLElement, o: PlanMapOptions): PlanMap {
  container.removeAttribute('data-stations-drawn');
  container.removeAttribute('data-fatal-hatched');
  // Canvas: one bitmap instead of an SVG element per polygon (a district has hundreds); clicks still hit-test per polygon.
  const map = L.map(container, { attributionControl: false, zoomControl: false, zoomSnap: 0.25, renderer: L.canvas({ padding: 0.2 }), keyboard: true });
  // the zoom buttons' titles (and so their accessible names) in the page's language, not Leaflet's English
  L.control.zoom({ zoomInTitle: t('zoomIn'), zoomOutTitle: t('zoomOut') }).addTo(map);
  const ids = o.stations.map((s) => s.id);
  const colours = colourStations(o.committees.features, ids);
  const no = new Map(o.stations.map((s, i) => [s.id, i + 1]));
  const byStation = new Map<string, L.Path[]>();
  const single = new Set(o.stations.filter((s) => s.committeeIds.length === 1).map((s) => s.id));
  /** Stations left alone are paler, as on map.svg. */
  let fade = 1; // lower over a basemap, so that its streets show through
  const opacity = (station: unknown): number => (single.has(String(station)) ? 0.4 : 0.9) * fade;
  const featuresOf = new Map<string, Feature[]>();

  // The basemap, when the server sets one, arrives after the polygons are drawn and goes under them
  // (the page never waits for it: tiles from outside may be slow or, on an intranet, absent).
  let removed = false;
  void api.settings().then(({ basemap }) => {
    if (removed || basemap === null) return;
    container.classList.add('has-basemap');
    for (const url of basemap.urls) L.tileLayer(url, { subdomains: basemap.subdomains, maxZoom: 18, pane: 'tilePane' }).addTo(map);
    fade = 0.6;
    committeeLayer.setStyle(committeeStyle);
    if (selected) paint(selected, true);
  }).catch(() => {});

  const committeeStyle = (f?: GeoJSON.Feature<GeoJSON.Geometry, Record<string, unknown>>): L.PathOptions => {
    const marked = o.marked?.has(String(f?.properties.id));
    return {
      fillColor: colours.get(String(f?.properties.station)) ?? '#ddd', fillOpacity: opacity(f?.properties.station),
      color: marked ? '#1a1a1a' : '#6b6b6b', weight: marked ? 3 : 0.7, dashArray: marked ? '5 3' : undefined,
    };
  };
  const committeeLayer = L.geoJSON(o.committees as unknown as GeoJSON.FeatureCollection, {
    style: committeeStyle,
    onEachFeature: (f, layer) => {
      const s = String(f.properties.station);
      (byStation.get(s) ?? byStation.set(s, []).get(s)!).push(layer as L.Path);
      (featuresOf.get(s) ?? featuresOf.set(s, []).get(s)!).push(f as unknown as Feature);
      // an element, not a string: Leaflet writes a string tooltip as HTML, and names come from uploaded data
      layer.bindTooltip(h('span', {}, `${String(f.properties.name)} · ${o.householdsText(Number(f.properties.households))}`), { sticky: true, direction: 'top' });
      layer.on('click', () => o.onSelect?.(s));
    },
  });
  // The view first: Leaflet clips lines against the renderer's bounds, which exist only once the map has a view.
  const bounds = committeeLayer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12] });
  else map.setView([0, 0], 1);
  committeeLayer.addTo(map);

  const hatch = o.fatal.size > 0 ? fatalHatch() : FATAL_RED;
  // Leaflet's canvas renderer hands fillColor to the context's fillStyle, which takes a pattern
  const hatched = { fill: true, fillColor: hatch as unknown as string, fillOpacity: 1 };
  let hatchedCount = 0;
  // Without dissolved outlines (the editor), station borders are the edges between two stations,
  // and a station that breaks a fatal rule has its committees hatched.
  if (!o.outlines) {
    const fatalCommittees = o.committees.features.filter((f) => o.fatal.has(String(f.properties.station)));
    hatchedCount = new Set(fatalCommittees.map((f) => String(f.properties.station))).size;
    if (fatalCommittees.length > 0) {
      L.geoJSON({ type: 'FeatureCollection', features: fatalCommittees } as unknown as GeoJSON.FeatureCollection,
        { style: () => ({ ...hatched, stroke: false }), interactive: false }).addTo(map);
    }
    const lines = bordersBetween(o.committees.features, (f) => String(f.properties.station));
    if (lines.length > 0) L.polyline(lines, { color: '#303030', weight: 2, interactive: false }).addTo(map);
  }
  const borders = bordersBetween(o.committees.features, (f) => String(f.properties.streetOffice));
  if (borders.length > 0) L.polyline(borders, { color: '#222', weight: 4, opacity: 0.9, interactive: false }).addTo(map);

  let drawn = 0;
  const outlineOf = new Map<string, L.Path>();
  if (o.outlines) {
    L.geoJSON(o.outlines as unknown as GeoJSON.FeatureCollection, {
      style: (f) => {
        const fatal = o.fatal.has(String(f?.properties.id));
        if (fatal) hatchedCount++;
        return fatal ? { ...hatched, color: FATAL_RED, weight: 3 } : { fill: false, color: '#303030', weight: 2 };
      },
      interactive: false,
      onEachFeature: (f, layer) => { drawn++; outlineOf.set(String(f.properties.id), layer as L.Path); },
    }).addTo(map);
  }

  const badges: { marker: L.Marker; weight: number }[] = [];
  for (const s of o.stations) {
    const feats = featuresOf.get(s.id);
    if (!feats || feats.length === 0) continue;
    if (!o.outlines) drawn++;
    const under = s.checks.households === 'under';
    const fatal = o.fatal.has(s.id);
    const html = `<span class="badge${fatal ? ' badge-fatal' : ''}">${no.get(s.id)}</span>${under ? '<span class="under-mark" aria-hidden="true">▼</span>' : ''}`;
    const marker = L.marker(labelPoint(feats), {
      icon: L.divIcon({ className: 'station-label', html, iconSize: [40, 22], iconAnchor: [11, 11] }),
      keyboard: false, title: o.describe(s, no.get(s.id)!),
    }).on('click', () => o.onSelect?.(s.id)).addTo(map);
    badges.push({ marker, weight: s.areaM2 });
  }
  // Badges that would overlap at this zoom: the larger station's shows, the other waits for a closer
  // zoom (its number stays in the table and in the polygon's tooltip).
  const declutter = (): void => {
    const kept: L.Point[] = [];
    for (const b of [...badges].sort((x, y) => y.weight - x.weight)) {
      const p = map.latLngToContainerPoint(b.marker.getLatLng());
      const free = kept.every((q) => Math.abs(q.x - p.x) > 26 || Math.abs(q.y - p.y) > 20);
      const el = b.marker.getElement();
      if (el) el.style.visibility = free ? '' : 'hidden';
      if (free) kept.push(p);
    }
  };
  map.on('zoomend', declutter);

  declutter();
  container.setAttribute('data-committees-drawn', String(o.committees.features.length));
  container.setAttribute('data-stations-drawn', String(drawn));
  container.setAttribute('data-fatal-hatched', String(hatchedCount));

  let selected: string | null = null;
  const paint = (id: string, on: boolean): void => {
    for (const l of byStation.get(id) ?? []) {
      const marked = o.marked?.has(String((l as L.Path & { feature?: Feature }).feature?.properties.id));
      l.setStyle(on ? { color: '#0b3d91', weight: 2.5, fillOpacity: 1 } : { color: marked ? '#1a1a1a' : '#6b6b6b', weight: marked ? 3 : 0.7, fillOpacity: opacity(id) });
      if (on) l.bringToFront();
    }
    const outline = outlineOf.get(id);
    if (outline) {
      if (on) outline.setStyle({ color: '#0b3d91', weight: 4 }).bringToFront();
      else outline.setStyle({ color: o.fatal.has(id) ? FATAL_RED : '#303030', weight: o.fatal.has(id) ? 3 : 2 });
    }
  };
  return {
    select(id) {
      if (selected) paint(selected, false);
      selected = id;
      if (id) {
        paint(id, true);
        const b = L.featureGroup(byStation.get(id) ?? []).getBounds();
        if (b.isValid() && !map.getBounds().contains(b)) map.panTo(b.getCenter());
      }
    },
    destroy() { removed = true; map.remove(); },
  };
}
