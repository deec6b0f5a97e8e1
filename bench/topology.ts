/**
 * The checks of a dataset's geometry, alone: reading the committees without the checks between
 * them (rings, properties), and the overlap and gap checks (geo/validate-topology.ts) on a
 * generated district, clean and with some committees moved by metres and some vertices nudged
 * (so that overlaps and gaps are found and clipped). Prints CPU per run and a digest of the
 * problems, so that two builds can be compared for speed and for the same answers.
 *
 *   npx tsx bench/topology.ts [--committees 20000] [--runs 3] [--seed 1]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { readCommittees } from '../geo/ingest.js';
import type { Position } from '../geo/types.js';
import { findTopologyProblems } from '../geo/validate-topology.js';
import { generateDistrict, type CommitteeFeature } from './generate/district.js';
import { makeRandom } from './generate/random.js';

const { values } = parseArgs({ options: { committees: { type: 'string', default: '20000' }, runs: { type: 'string', default: '3' }, seed: { type: 'string', default: '1' } } });
const committees = Number(values.committees);
const runs = Number(values.runs);
const seed = Number(values.seed);

/** A copy of the district with 5% of the committees moved by up to 20 m and 20% with vertices nudged by up to 3 m. */
function perturb(features: CommitteeFeature[]): CommitteeFeature[] {
  const random = makeRandom(seed, 99);
  const M = 1 / 111_320;
  return features.map((f) => {
    const copy = structuredClone(f);
    const g = copy.geometry as { type: string; coordinates: unknown };
    const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Position[][][];
    const r = random();
    if (r < 0.05) {
      const dx = (random() - 0.5) * 40 * M, dy = (random() - 0.5) * 40 * M;
      for (const poly of polygons) for (const ring of poly) for (const p of ring) { p[0] += dx; p[1] += dy; }
    } else if (r < 0.25) {
      for (const poly of polygons) {
        for (const ring of poly) {
          for (let i = 0; i + 1 < ring.length; i++) {
            if (random() < 0.3) { ring[i]![0] += (random() - 0.5) * 6 * M; ring[i]![1] += (random() - 0.5) * 6 * M; }
          }
          ring[ring.length - 1] = [...ring[0]!];
        }
      }
    }
    return copy;
  });
}

const cpuMs = (since: NodeJS.CpuUsage): number => { const u = process.cpuUsage(since); return (u.user + u.system) / 1000; };
const digest = (x: unknown): string => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 12);

const district = generateDistrict({ committees, seed, streetOfficeSize: committees > 1000 ? [5, 22] : [4, 11] });
console.log(`machine: ${process.arch}, node ${process.version}, ${new Date().toISOString()}; ${committees} committees, seed ${seed}`);
for (const [name, features] of [['clean', district.features], ['perturbed', perturb(district.features)]] as const) {
  const report = readCommittees({ type: 'FeatureCollection', features }, { topology: false });
  if (!report.dataset) throw new Error(`${name}: the district does not read: ${report.problems[0]?.message}`);
  const items = report.dataset.committees.map((c, i) => ({ feature: i, id: c.id, ...(c.streetOffice !== undefined ? { streetOffice: c.streetOffice } : {}), geometry: c.geometry }));
  for (let r = 0; r < runs; r++) {
    const input = { type: 'FeatureCollection', features: structuredClone(features) };
    let t = process.cpuUsage();
    const read = readCommittees(input, { topology: false });
    const readMs = cpuMs(t);
    t = process.cpuUsage();
    const problems = findTopologyProblems(items);
    const topoMs = cpuMs(t);
    console.log(`${name} run ${r + 1}: read (no topology) ${readMs.toFixed(0)} ms CPU [${digest(read.problems)}], overlap+gap ${topoMs.toFixed(0)} ms CPU, ${problems.length} problems [${digest(problems)}]`);
  }
}
