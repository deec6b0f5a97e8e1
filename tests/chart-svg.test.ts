/**
 * The batch sensitivity chart: well-formed SVG, one line and one marker per finite point, round
 * ticks covering the data, labels and legend written and escaped, gaps for missing values,
 * deterministic bytes, errors that name the series and point.
 */
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { makeLineChartSvg, type LineSeries } from '../render/chart-svg.js';

const mins = [4000, 4500, 5000, 5500, 6000, 6500, 7000];
const series: LineSeries[] = [
  { name: '最多两居', points: mins.map((m, i): [number, number] => [m, 100 - 3 * i]) },
  { name: 'max <3> & "more"', points: mins.map((m, i): [number, number] => [m, 96 - 4 * i]) },
];
const opts = { xLabel: '户数下限 (band minimum)', yLabel: '整合后工作站数', title: '敏感性 <罗湖>' };

function render(svg: string): { width: number; height: number } {
  const r = new Resvg(svg, { font: { loadSystemFonts: false } });
  return { width: r.width, height: r.height };
}
function numbers(svg: string, cls: string): number[] {
  return [...svg.matchAll(new RegExp(`class="${cls}"[^>]*>([^<]*)<`, 'g'))].map((m) => Number(m[1]!.replace(/,/g, '')));
}
/** Pixel positions of the markers of one series, in drawing order. */
function markers(svg: string, name: string): [number, number][] {
  const group = svg.split('<g class="series"').find((g) => g.startsWith(` data-name="${name}"`))!.split('</g>')[0]!;
  return [...group.matchAll(/<circle class="marker"[^>]*cx="([\d.-]+)" cy="([\d.-]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('makeLineChartSvg', () => {
  const svg = makeLineChartSvg(series, opts);

  it('is well-formed SVG of the requested size (800×480 by default)', () => {
    expect(render(svg)).toEqual({ width: 800, height: 480 });
    expect(render(makeLineChartSvg(series, { ...opts, width: 640, height: 360 }))).toEqual({ width: 640, height: 360 });
  });

  it('draws one line per series and one marker per point, with x increasing to the right', () => {
    expect(svg.match(/class="line"/g)).toHaveLength(2);
    expect(svg.match(/class="marker"/g)!.length).toBe(2 * mins.length + 2); // + one per legend entry
    const m = markers(svg, '最多两居');
    expect(m).toHaveLength(mins.length);
    for (let k = 1; k < m.length; k++) {
      expect(m[k]![0]).toBeGreaterThan(m[k - 1]![0]);
      expect(m[k]![1]).toBeGreaterThan(m[k - 1]![1]); // y falls, so the marker goes down the page
    }
    // Points given out of order are drawn in order of x (and the input is left alone).
    const shuffled: LineSeries = { name: '最多两居', points: [...series[0]!.points].reverse() };
    const before = JSON.stringify(shuffled);
    expect(markers(makeLineChartSvg([shuffled, series[1]!], opts), '最多两居')).toEqual(m);
    expect(JSON.stringify(shuffled)).toBe(before);
  });

  it('has round ticks that cover the data', () => {
    const xt = numbers(svg, 'x-tick'), yt = numbers(svg, 'y-tick');
    for (const t of [xt, yt]) {
      expect(t.length).toBeGreaterThanOrEqual(3);
      const step = t[1]! - t[0]!;
      for (let k = 1; k < t.length; k++) expect(t[k]! - t[k - 1]!).toBeCloseTo(step, 9);
      const mant = step / 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 2.5, 5].some((v) => Math.abs(v - mant) < 1e-9)).toBe(true);
    }
    expect(xt[0]).toBeLessThanOrEqual(4000);
    expect(xt[xt.length - 1]).toBeGreaterThanOrEqual(7000);
    const ys = series.flatMap((s) => s.points.map((p) => p[1]));
    expect(yt[0]).toBeLessThanOrEqual(Math.min(...ys));
    expect(yt[yt.length - 1]).toBeGreaterThanOrEqual(Math.max(...ys));
    // Small decimals keep their digits.
    const small = makeLineChartSvg([{ name: 'w', points: [[0.1, 0.0012], [0.4, 0.004]] }], { xLabel: 'x', yLabel: 'y' });
    expect(new Set(numbers(small, 'y-tick')).size).toBe(numbers(small, 'y-tick').length);
  });

  it('writes the axis labels, title and legend, escaped', () => {
    expect(svg).toContain('户数下限 (band minimum)');
    expect(svg).toContain('整合后工作站数');
    expect(svg).toContain('敏感性 &lt;罗湖&gt;');
    expect(svg).toContain('>最多两居<');
    expect(svg).toContain('max &lt;3&gt; &amp; &quot;more&quot;');
    expect(svg).not.toContain('<3>');
  });

  it('leaves a gap where a value is missing', () => {
    const gappy = makeLineChartSvg([{ name: 'g', points: [[1, 5], [2, 6], [3, NaN], [4, 7], [5, 8]] }], opts);
    render(gappy);
    const d = gappy.match(/class="line" d="([^"]*)"/)![1]!;
    expect(d.match(/M/g)).toHaveLength(2);
    expect(markers(gappy, 'g')).toHaveLength(4);
  });

  it('draws empty axes for no data and is deterministic', () => {
    render(makeLineChartSvg([], opts));
    expect(makeLineChartSvg([], opts)).toContain('no data');
    expect(makeLineChartSvg(series, opts)).toBe(svg);
    for (const n of svg.match(/(?<=[ "ML])-?\d+\.\d+/g) ?? []) expect(n.split('.')[1]!.length).toBeLessThanOrEqual(1);
  });

  it('names the series and point that is not a pair of numbers, and bad options', () => {
    const bad = [{ name: 'ok', points: [[1, 2]] }, { name: '坏', points: [[1, 2], [3, '4']] }] as unknown as LineSeries[];
    expect(() => makeLineChartSvg(bad, opts)).toThrow(/series 1 \(坏\): points\[1\]/);
    expect(() => makeLineChartSvg(series, { ...opts, width: 10 })).toThrow(/options\.width/);
    expect(() => makeLineChartSvg(series, { xLabel: 'x' } as never)).toThrow(/options\.yLabel/);
  });
});
