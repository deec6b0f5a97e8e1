/**
 * Renders a generated district to SVG and PNG, coloured by street office (enclaves outlined in
 * red, islands in blue), to look at it: `npx tsx bench/generate/preview.ts 700 1 /tmp/d700`
 * writes /tmp/d700.svg and /tmp/d700.png.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { generateDistrict, type DistrictCollection } from './district.js';
import { hashUnit } from './random.js';

/** SVG of a district, `width` pixels wide. */
export function renderDistrictSvg(district: DistrictCollection, width = 1200): string {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const f of district.features) {
    for (const [x, y] of f.geometry.coordinates[0]![0]!) {
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
  }
  const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const scale = width / ((maxX - minX) * k);
  const height = Math.ceil((maxY - minY) * scale);
  const colour = new Map<string, string>();
  const paths = district.features.map((f) => {
    const p = f.properties;
    let fill = colour.get(p.streetOffice);
    if (fill === undefined) {
      fill = `hsl(${Math.floor(360 * hashUnit(colour.size, 3))},${45 + Math.floor(30 * hashUnit(colour.size, 4))}%,${62 + Math.floor(20 * hashUnit(colour.size, 5))}%)`;
      colour.set(p.streetOffice, fill);
    }
    const d = f.geometry.coordinates[0]![0]!.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${((x - minX) * k * scale).toFixed(1)},${((maxY - y) * scale).toFixed(1)}`).join('') + 'Z';
    const stroke = p.type === 'enclave' ? '#c00' : '#444';
    return `<path d="${d}" fill="${fill}" stroke="${stroke}" stroke-width="${p.type === 'enclave' ? 1.2 : 0.4}"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="#cfe3f0"/>${paths.join('')}</svg>`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [count = '700', seed = '1', out = '/tmp/district'] = process.argv.slice(2);
  const svg = renderDistrictSvg(generateDistrict({ committees: Number(count), seed: Number(seed) }));
  writeFileSync(`${out}.svg`, svg);
  writeFileSync(`${out}.png`, new Resvg(svg).render().asPng());
  console.error(`wrote ${out}.svg and ${out}.png`);
}
