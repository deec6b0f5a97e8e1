/**
 * Test/bench helper: a synthetic grid of jittered squares ("committees") whose neighbours share
 * their vertices exactly, with a deterministic seed. `rows × cols` squares of about `sideM`
 * metres, each side split into `perSide` segments; interior vertices are jittered by up to
 * `jitterM` metres. Street offices are blocks of `blockSize × blockSize` squares.
 */
import type { Committee, Position } from '../../geo/types.js';
import { mulberry32 as makeRandom } from '../../scenarios/random.js';

export interface GridOptions {
  rows: number;
  cols: number;
  sideM?: number;
  perSide?: number;
  jitterM?: number;
  origin?: Position;
  blockSize?: number;
  seed?: number;
  /** Each committee's own copy of a vertex moves by up to this much (m), so neighbours no longer share vertices exactly. [0] */
  ownJitterM?: number;
}

export { makeRandom };

export function makeGridCommittees(o: GridOptions): Committee[] {
  const { rows, cols } = o;
  const side = o.sideM ?? 300;
  const per = o.perSide ?? 4;
  const jitter = o.jitterM ?? 30;
  const origin = o.origin ?? [114.0, 22.5];
  const block = o.blockSize ?? 4;
  const rnd = makeRandom(o.seed ?? 1);
  const my = 111_195.08;
  const mx = my * Math.cos((origin[1] * Math.PI) / 180);
  // lattice of (rows*per+1) x (cols*per+1) points, jittered except on the outer frame
  const R = rows * per + 1, C = cols * per + 1;
  const lon = new Float64Array(R * C), lat = new Float64Array(R * C);
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const edge = r === 0 || c === 0 || r === R - 1 || c === C - 1;
      const jx = edge ? 0 : (rnd() * 2 - 1) * jitter / 2;
      const jy = edge ? 0 : (rnd() * 2 - 1) * jitter / 2;
      lon[r * C + c] = origin[0] + ((c * side) / per + jx) / mx;
      lat[r * C + c] = origin[1] + ((r * side) / per + jy) / my;
    }
  }
  const p = (r: number, c: number): Position => [lon[r * C + c]!, lat[r * C + c]!];
  const out: Committee[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const r0 = i * per, c0 = j * per;
      const ring: Position[] = [];
      for (let k = 0; k < per; k++) ring.push(p(r0, c0 + k)); // bottom, west→east
      for (let k = 0; k < per; k++) ring.push(p(r0 + k, c0 + per)); // east, south→north
      for (let k = 0; k < per; k++) ring.push(p(r0 + per, c0 + per - k)); // top, east→west
      for (let k = 0; k < per; k++) ring.push(p(r0 + per - k, c0)); // west, north→south
      const own = o.ownJitterM ?? 0;
      if (own > 0) {
        for (let k = 0; k < ring.length; k++) {
          const q = ring[k]!;
          ring[k] = [q[0] + ((rnd() * 2 - 1) * own) / mx, q[1] + ((rnd() * 2 - 1) * own) / my];
        }
      }
      ring.push([ring[0]![0], ring[0]![1]]);
      out.push({
        id: `g${i}_${j}`,
        name: `grid ${i},${j}`,
        streetOffice: `so${Math.floor(i / block)}_${Math.floor(j / block)}`,
        households: 1000,
        geometry: [[ring]],
      });
    }
  }
  return out;
}
