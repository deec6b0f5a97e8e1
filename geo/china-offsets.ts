/**
 * GCJ-02 (国测局坐标, the offset of AMap/Tencent/Google China maps) and BD-09 (Baidu), converted
 * to and from WGS84 with the published formulas (the ones of eviltransform and coordtransform).
 *
 * These are not datums: the offset is a deliberate, non-invertible-in-closed-form distortion of
 * roughly 100–700 m inside mainland China and none outside it. The forward formula is exact by
 * definition; the inverse is solved by fixed-point iteration to a few millimetres of the forward
 * formula (Baidu's own published inverse, good to about 10 cm, is refined the same way), so the
 * error is that of the formulas themselves against the maps (about a metre).
 */
import type { Position } from './types.js';

const A = 6_378_245.0; // Krasovsky 1940, as in the published formula
const EE = 0.006_693_421_622_965_943_23;
const X_PI = (Math.PI * 3000) / 180;

/** The box in which the published formula applies an offset (outside it GCJ-02 = WGS84). */
export function isOutsideChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function offsetLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function offsetLon(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** WGS84 → GCJ-02 (the published forward formula). */
export function wgs84ToGcj02(p: Position): Position {
  const [lon, lat] = p;
  if (isOutsideChina(lon, lat)) return [lon, lat];
  let dLat = offsetLat(lon - 105, lat - 35);
  let dLon = offsetLon(lon - 105, lat - 35);
  const radLat = (lat / 180) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** GCJ-02 → WGS84: the inverse of {@link wgs84ToGcj02} by fixed-point iteration (to ~1e-9°). */
export function gcj02ToWgs84(p: Position): Position {
  let lon = p[0], lat = p[1];
  for (let i = 0; i < 30; i++) {
    const q = wgs84ToGcj02([lon, lat]);
    const dLon = p[0] - q[0], dLat = p[1] - q[1];
    lon += dLon;
    lat += dLat;
    if (Math.abs(dLon) < 1e-10 && Math.abs(dLat) < 1e-10) break;
  }
  return [lon, lat];
}

/** GCJ-02 → BD-09 (Baidu's published formula). */
export function gcj02ToBd09(p: Position): Position {
  const [x, y] = p;
  const z = Math.sqrt(x * x + y * y) + 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) + 0.000003 * Math.cos(x * X_PI);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

/** BD-09 → GCJ-02 (Baidu's published inverse formula). */
export function bd09ToGcj02(p: Position): Position {
  const x = p[0] - 0.0065, y = p[1] - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
  return [z * Math.cos(theta), z * Math.sin(theta)];
}

/** BD-09 → WGS84: Baidu's inverse refined by iterating its forward formula, then GCJ-02 → WGS84. */
export function bd09ToWgs84(p: Position): Position {
  let [lon, lat] = bd09ToGcj02(p);
  for (let i = 0; i < 10; i++) {
    const q = gcj02ToBd09([lon, lat]);
    const dLon = p[0] - q[0], dLat = p[1] - q[1];
    lon += dLon;
    lat += dLat;
    if (Math.abs(dLon) < 1e-11 && Math.abs(dLat) < 1e-11) break;
  }
  return gcj02ToWgs84([lon, lat]);
}
export const wgs84ToBd09 = (p: Position): Position => gcj02ToBd09(wgs84ToGcj02(p));
