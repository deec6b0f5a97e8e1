/**
 * A line chart as SVG, for what-if batches: how a result (stations after, cost, …) moves with a
 * swept parameter (the band's minimum, the cap on committees per station, …). Pure: data in,
 * string out.
 */
import { FONT_FAMILY, formatPx as f, textWidth } from './svg.js';
import { escapeXml as esc } from './xml.js';

export interface LineSeries {
  /** Shown in the legend (Chinese is fine). */
  name: string;
  /** [x, y] pairs, drawn in order of x. A point with a non-finite x or y breaks the line there. */
  points: [number, number][];
}

export interface LineChartOptions {
  xLabel: string;
  yLabel: string;
  title?: string;
  /** [800] */
  width?: number;
  /** [480] */
  height?: number;
}

/** Tableau 10: distinct, print- and colour-blind-friendlier with the marker shapes below. */
const COLOURS = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7', '#bab0ac'];
const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const;

/**
 * Draws series of [x, y] points as lines with markers, axes with round ticks, axis labels, a legend
 * and an optional title. The y axis starts at 0 when every y is ≥ 0 and 0 is not far below the data
 * (min < 40 % of max); otherwise it is fitted to the data with 5 % room above and below. The x
 * axis is fitted to the data. Both are rounded out to ticks.
 * Points are sorted by x (the input is not modified); a non-finite x or y leaves a gap in the line.
 * Output is deterministic, coordinates printed to 0.1 px.
 *
 * @param series the lines, each `{ name, points: [[x, y], …] }`
 * @param options.xLabel label of the horizontal axis (the swept parameter)
 * @param options.yLabel label of the vertical axis (the result)
 * @param [options.title] title above the chart
 * @param [options.width=800] width in px (240–10000)
 * @param [options.height=480] height in px (160–10000)
 * @returns the SVG document as a string
 * @throws TypeError naming the series (index and name) and point that is not a pair of numbers, or the option
 * @example makeLineChartSvg([{ name: '工作站', points: [[5000, 90], [6000, 83]] }], { xLabel: '户数下限', yLabel: '工作站数' })
 */
export function makeLineChartSvg(series: readonly LineSeries[], options: LineChartOptions): string {
  const fn = 'makeLineChartSvg';
  if (!Array.isArray(series as unknown)) throw new TypeError(`${fn}: series must be an array of { name, points }`);
  if (options === null || typeof options !== 'object') throw new TypeError(`${fn}: options { xLabel, yLabel } are required`);
  for (const k of ['xLabel', 'yLabel'] as const) {
    if (typeof options[k] !== 'string') throw new TypeError(`${fn}: options.${k} must be a string, got ${JSON.stringify(options[k])}`);
  }
  if (options.title !== undefined && typeof options.title !== 'string') throw new TypeError(`${fn}: options.title must be a string`);
  const width = readSize(options.width, 800, 240, 'width', fn);
  const height = readSize(options.height, 480, 160, 'height', fn);
  series.forEach((s, i) => {
    const where = `series ${i}${s && typeof s.name === 'string' ? ` (${s.name})` : ''}`;
    if (s === null || typeof s !== 'object' || typeof s.name !== 'string') throw new TypeError(`${fn}: ${where}: name must be a string`);
    if (!Array.isArray(s.points)) throw new TypeError(`${fn}: ${where}: points must be an array of [x, y]`);
    s.points.forEach((p, j) => {
      if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') {
        throw new TypeError(`${fn}: ${where}: points[${j}] must be [x, y] numbers, got ${JSON.stringify(p)}`);
      }
    });
  });

  const lines = series.map((s) => ({
    name: s.name,
    points: s.points.map((p): [number, number] => [p[0], p[1]]).sort((a, b) => sortKey(a[0]) - sortKey(b[0])),
  }));
  const finite = lines.flatMap((l) => l.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])));

  // Layout: title, legend rows, plot, x label.
  const titleH = options.title ? 34 : 10;
  const legendItems = lines.map((l) => textWidth(l.name, 12) + 50);
  const legendRows: number[][] = [];
  let rowW = 0;
  const legendMaxW = width - 80;
  legendItems.forEach((w, i) => {
    if (legendRows.length === 0 || (rowW + w > legendMaxW && rowW > 0)) { legendRows.push([]); rowW = 0; }
    legendRows[legendRows.length - 1]!.push(i);
    rowW += w;
  });
  const legendH = lines.length > 1 || (lines.length === 1 && lines[0]!.name !== '') ? legendRows.length * 20 + 6 : 0;

  const xs = finite.map((p) => p[0]), ys = finite.map((p) => p[1]);
  const xDom = calcDomain(xs, false);
  const yDom = calcDomain(ys, true);
  const xTicks = makeTicks(xDom[0], xDom[1], Math.max(3, Math.round(width / 110)));
  const yTicks = makeTicks(yDom[0], yDom[1], Math.max(3, Math.round(height / 70)));
  const x0 = xTicks[0]!, x1 = xTicks[xTicks.length - 1]!, y0 = yTicks[0]!, y1 = yTicks[yTicks.length - 1]!;
  const yTickLabels = yTicks.map((v) => formatTick(v, yTicks));
  const left = 34 + Math.max(...yTickLabels.map((t) => textWidth(t, 12))) + 10;
  const right = 24;
  const top = titleH + legendH + 12;
  const bottom = 58;
  const pw = Math.max(40, width - left - right), ph = Math.max(40, height - top - bottom);
  const sx = (v: number) => left + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v: number) => top + ph - ((v - y0) / (y1 - y0)) * ph;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  if (options.title) out.push(`<text x="${f(left)}" y="24" font-size="17" font-weight="bold" fill="#1a1a1a">${esc(options.title)}</text>`);

  // Grid and axes.
  out.push('<g class="grid" stroke="#e3e3e3" stroke-width="1">');
  for (const v of yTicks) out.push(`<line x1="${f(left)}" y1="${f(sy(v))}" x2="${f(left + pw)}" y2="${f(sy(v))}"/>`);
  for (const v of xTicks) out.push(`<line x1="${f(sx(v))}" y1="${f(top)}" x2="${f(sx(v))}" y2="${f(top + ph)}" stroke-dasharray="2 3"/>`);
  out.push('</g>');
  out.push(`<g class="axes" stroke="#333333" stroke-width="1.2"><line x1="${f(left)}" y1="${f(top + ph)}" x2="${f(left + pw)}" y2="${f(top + ph)}"/><line x1="${f(left)}" y1="${f(top)}" x2="${f(left)}" y2="${f(top + ph)}"/></g>`);
  out.push('<g class="ticks" font-size="12" fill="#333333">');
  xTicks.forEach((v) => out.push(`<line x1="${f(sx(v))}" y1="${f(top + ph)}" x2="${f(sx(v))}" y2="${f(top + ph + 5)}" stroke="#333333"/><text class="x-tick" x="${f(sx(v))}" y="${f(top + ph + 19)}" text-anchor="middle">${esc(formatTick(v, xTicks))}</text>`));
  yTicks.forEach((v, k) => out.push(`<line x1="${f(left - 5)}" y1="${f(sy(v))}" x2="${f(left)}" y2="${f(sy(v))}" stroke="#333333"/><text class="y-tick" x="${f(left - 8)}" y="${f(sy(v) + 4)}" text-anchor="end">${esc(yTickLabels[k]!)}</text>`));
  out.push('</g>');
  out.push(`<text class="x-label" x="${f(left + pw / 2)}" y="${f(height - 14)}" font-size="13" fill="#1a1a1a" text-anchor="middle">${esc(options.xLabel)}</text>`);
  out.push(`<text class="y-label" transform="translate(16 ${f(top + ph / 2)}) rotate(-90)" font-size="13" fill="#1a1a1a" text-anchor="middle" dominant-baseline="central">${esc(options.yLabel)}</text>`);
  if (finite.length === 0) out.push(`<text x="${f(left + pw / 2)}" y="${f(top + ph / 2)}" font-size="14" fill="#888888" text-anchor="middle">没有数据 (no data)</text>`);

  // Lines and markers.
  lines.forEach((l, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const marker = MARKERS[i % MARKERS.length]!;
    const runs: string[] = [];
    let run: string[] = [];
    for (const p of l.points) {
      if (Number.isFinite(p[0]) && Number.isFinite(p[1])) run.push(`${f(sx(p[0]))} ${f(sy(p[1]))}`);
      else if (run.length > 0) { runs.push(run.join('L')); run = []; }
    }
    if (run.length > 0) runs.push(run.join('L'));
    out.push(`<g class="series" data-name="${esc(l.name)}" stroke="${colour}">`);
    if (runs.length > 0) out.push(`<path class="line" d="${runs.map((r) => `M${r}`).join('')}" fill="none" stroke-width="2.2" stroke-linejoin="round" stroke-linecap="round"/>`);
    for (const p of l.points) {
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
      out.push(markerSvg(marker, sx(p[0]), sy(p[1]), colour, `<title>${esc(`${l.name} · ${formatValue(p[0])}, ${formatValue(p[1])}`)}</title>`));
    }
    out.push('</g>');
  });

  // Legend.
  if (legendH > 0) {
    out.push('<g class="legend" font-size="12" fill="#333333">');
    legendRows.forEach((row, r) => {
      let x = left;
      const y = titleH + 10 + r * 20;
      for (const i of row) {
        const colour = COLOURS[i % COLOURS.length]!;
        const marker = MARKERS[i % MARKERS.length]!;
        out.push(`<g class="legend-item"><line x1="${f(x)}" y1="${f(y)}" x2="${f(x + 24)}" y2="${f(y)}" stroke="${colour}" stroke-width="2.2"/>${markerSvg(marker, x + 12, y, colour)}<text x="${f(x + 30)}" y="${f(y + 4)}">${esc(lines[i]!.name)}</text></g>`);
        x += legendItems[i]!;
      }
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function readSize(v: number | undefined, dflt: number, min: number, name: string, fn: string): number {
  const x = v ?? dflt;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > 10000) {
    throw new RangeError(`${fn}: options.${name} must be a number of px from ${min} to 10000, got ${String(v)}`);
  }
  return x;
}

/** Non-finite x sort last, keeping their given order among themselves (stable sort). */
function sortKey(x: number): number {
  return Number.isFinite(x) ? x : Infinity;
}

/** [lo, hi] of the values, widened when flat; y includes 0 when the data are ≥ 0 and 0 is near. */
function calcDomain(values: number[], isY: boolean): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values), hi = Math.max(...values);
  if (isY && lo >= 0 && lo < 0.4 * hi) lo = 0;
  else if (isY && hi > lo) lo -= 0.05 * (hi - lo); // keep the lowest line off the axis
  if (isY && hi > lo) hi += 0.05 * (hi - lo);
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
    if (isY && values.every((v) => v >= 0) && lo < 0) lo = 0;
  }
  return [lo, hi];
}

/** Round ticks (1, 2, 2.5, 5 × 10^k steps) covering [lo, hi], about `count` of them. */
function makeTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * pow).find((s) => s >= raw) ?? 10 * pow;
  const start = Math.floor(lo / step + 1e-9), end = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let k = start; k <= end; k++) ticks.push(k * step);
  if (ticks.length < 2) ticks.push((end + 1) * step);
  return ticks;
}

/** A tick label with as many decimals as the step needs, thousands separated. */
function formatTick(v: number, ticks: readonly number[]): string {
  const scale = Math.max(...ticks.map(Math.abs), 1e-300);
  let decimals = 0;
  while (decimals < 6 && ticks.some((t) => Math.abs(Number(t.toFixed(decimals)) - t) > 1e-9 * scale)) decimals += 1;
  return groupThousands(v.toFixed(decimals));
}

function formatValue(v: number): string {
  return groupThousands(String(Math.round(v * 1e6) / 1e6));
}

function groupThousands(s: string): string {
  const neg = s.startsWith('-') && !/^-0(\.0*)?$/.test(s);
  const body = s.replace(/^-/, '');
  const [int, frac] = body.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** A marker element; `inner` (a tooltip) goes inside it. */
function markerSvg(m: (typeof MARKERS)[number], x: number, y: number, colour: string, inner = ''): string {
  const common = `class="marker" fill="#ffffff" stroke="${colour}" stroke-width="2"`;
  const close = (tag: string) => (inner ? `>${inner}</${tag}>` : '/>');
  if (m === 'circle') return `<circle ${common} cx="${f(x)}" cy="${f(y)}" r="4"${close('circle')}`;
  if (m === 'square') return `<rect ${common} x="${f(x - 3.6)}" y="${f(y - 3.6)}" width="7.2" height="7.2"${close('rect')}`;
  if (m === 'triangle') return `<path ${common} d="M${f(x)} ${f(y - 5)}L${f(x + 4.6)} ${f(y + 3.4)}L${f(x - 4.6)} ${f(y + 3.4)}Z"${close('path')}`;
  return `<path ${common} d="M${f(x)} ${f(y - 5)}L${f(x + 5)} ${f(y)}L${f(x)} ${f(y + 5)}L${f(x - 5)} ${f(y)}Z"${close('path')}`;
}


/** Approximate advance width: CJK and full-width characters 1 em, others 0.6 em. */

