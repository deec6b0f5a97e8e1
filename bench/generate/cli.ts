/**
 * Writes a generated district as GeoJSON:
 *   npx tsx bench/generate/cli.ts --committees 700 --seed 1 --out /tmp/d700.geojson
 * Options: --committees N (required), --seed S [1], --origin LON,LAT [114.05,22.55],
 * --street-office-size MIN,MAX [5,60], --enclaves SHARE [0.03], --islands SHARE [0.01],
 * --shared-stations SHARE [0.02], --tracts (real-like census tracts: 1,000–3,000 households skewed low,
 * 150–250 per group, 3% islands), --out FILE (stdout when absent). A summary goes to stderr.
 * Exit codes: 0 done, 2 usage error.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateDistrict, type DistrictOptions } from './district.js';

const USAGE = 'usage: npx tsx bench/generate/cli.ts --committees N [--seed S] [--origin LON,LAT] [--street-office-size MIN,MAX] [--enclaves SHARE] [--islands SHARE] [--shared-stations SHARE] [--tracts] [--out FILE]';

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v)) usageError(`--${name} must be a number, got "${value}"`);
  return v;
}

function pairFlag(name: string, value: string | undefined): [number, number] | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(',').map((p) => Number(p));
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p))) usageError(`--${name} must be two numbers A,B, got "${value}"`);
  return [parts[0]!, parts[1]!];
}

function main(): void {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        committees: { type: 'string', short: 'n' },
        seed: { type: 'string', short: 's' },
        origin: { type: 'string' },
        'street-office-size': { type: 'string' },
        enclaves: { type: 'string' },
        islands: { type: 'string' },
        'shared-stations': { type: 'string' },
        tracts: { type: 'boolean' },
        out: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    usageError((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const committees = numberFlag('committees', values.committees as string | undefined);
  if (committees === undefined) usageError('--committees is required');
  const options: DistrictOptions = { committees, seed: numberFlag('seed', values.seed as string | undefined) ?? 1 };
  const origin = pairFlag('origin', values.origin as string | undefined);
  if (origin) options.origin = origin;
  const size = pairFlag('street-office-size', values['street-office-size'] as string | undefined);
  if (size) options.streetOfficeSize = size;
  const enclaves = numberFlag('enclaves', values.enclaves as string | undefined);
  if (enclaves !== undefined) options.enclaves = enclaves;
  const islands = numberFlag('islands', values.islands as string | undefined);
  if (islands !== undefined) options.islands = islands;
  const shared = numberFlag('shared-stations', values['shared-stations'] as string | undefined);
  if (shared !== undefined) options.sharedStations = shared;
  if (values.tracts) options.tracts = true;

  const t0 = performance.now();
  let district;
  try {
    district = generateDistrict(options);
  } catch (e) {
    usageError((e as Error).message);
  }
  const t1 = performance.now();
  const json = JSON.stringify(district);
  const out = values.out as string | undefined;
  if (out) writeFileSync(out, json);
  else process.stdout.write(json);
  const t2 = performance.now();
  const offices = new Set(district.features.map((f) => f.properties.streetOffice)).size;
  process.stderr.write(
    `${district.features.length} committees in ${offices} street offices: generated in ${Math.round(t1 - t0)} ms, ` +
      `written in ${Math.round(t2 - t1)} ms, ${(json.length / 1e6).toFixed(1)} MB${out ? ` → ${out}` : ''}\n`,
  );
}

main();
