/** `yizhan validate`: every problem of a dataset at once, with its code, feature and field. */
import { existsSync } from 'node:fs';
import type { FieldMapping } from '../geo/types.js';
import { EXIT, InputError } from './errors.js';
import { formatProblem, readDatasetReport, readJsonFile } from './load.js';
import { makePainter } from './table.js';

export interface ValidateOptions {
  mapping?: string;
  crs?: string;
  /** GeoPackage table or Shapefile in a zip. */
  layer?: string;
  /** DBF text encoding of a Shapefile. */
  encoding?: string;
  json: boolean;
}

/** `--mapping` is inline JSON (`{"households":"hh"}`) or the path of a JSON file. */
function readMapping(arg: string | undefined): FieldMapping | undefined {
  if (arg === undefined) return undefined;
  let value: unknown;
  if (arg.trim().startsWith('{')) {
    try {
      value = JSON.parse(arg);
    } catch (e) {
      throw new InputError(`--mapping is not valid JSON: ${(e as Error).message}`);
    }
  } else if (existsSync(arg)) value = readJsonFile(arg, 'mapping');
  else throw new InputError(`--mapping: no such file ${arg} (or give inline JSON such as {"households":"hh2010"})`);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new InputError('--mapping must be an object of canonical field → source property names, e.g. {"id":"GEOID10","households":"households2010"}');
  }
  return value as FieldMapping;
}

export async function runValidate(path: string, options: ValidateOptions): Promise<number> {
  const mapping = readMapping(options.mapping);
  const report = await readDatasetReport(path, {
    ...(mapping ? { mapping } : {}),
    ...(options.crs ? { crs: options.crs } : {}),
    ...(options.layer ? { layer: options.layer } : {}),
    ...(options.encoding ? { encoding: options.encoding } : {}),
  });
  if (options.json) {
    const { dataset, ...rest } = report;
    process.stdout.write(JSON.stringify({ ...rest, committees: dataset?.committees.length ?? 0 }, null, 2) + '\n');
  } else {
    const paint = makePainter(!!process.stdout.isTTY);
    for (const p of report.problems) process.stdout.write((p.severity === 'fatal' ? paint.red : paint.yellow)(formatProblem(p)) + '\n');
    const n = report.dataset?.committees.length;
    const verdict = report.ok ? paint.green(`valid: ${n} committees`) : paint.red('not valid');
    process.stdout.write(`${path}: ${verdict}, ${report.fatal} fatal, ${report.warnings} warning(s)\n`);
  }
  return report.ok ? EXIT.ok : EXIT.fatal;
}
