/**
 * Reading Shapefile (zipped and bare), GeoPackage and FlatGeobuf: the same committees as the
 * GeoJSON they were made from by ogr2ogr (tests/fixtures/formats/make.sh), through the same
 * validation; and a corpus of broken files (tests/fixtures/invalid/formats/) giving clear errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { wgs84ToGcj02 } from '../geo/china-offsets.js';
import { calcDistanceMeters } from '../geo/distance.js';
import { detectFormat, readDatasetSource } from '../geo/ingest.js';
import { isDbfCutOf, listZipShapefiles, readShapefileParts } from '../geo/read-shapefile.js';
import { makeDbf } from '../render/gis/dbf.js';
import type { Column } from '../render/gis/fields.js';
import type { DatasetSource, ReadSourceOptions, SourceReport } from '../geo/ingest.js';
import type { Committee, Position } from '../geo/types.js';
import { readDatasetReport } from '../cli/load.js';

const FORMATS = join(import.meta.dirname, 'fixtures', 'formats');
const INVALID = join(import.meta.dirname, 'fixtures', 'invalid', 'formats');
const file = (dir: string, name: string): DatasetSource => ({ name, bytes: readFileSync(join(dir, name)) });
const read = (dir: string, name: string, options: ReadSourceOptions = {}): Promise<SourceReport> => readDatasetSource(file(dir, name), options);
const codes = (r: SourceReport): string[] => r.problems.map((p) => p.code);

/** Same committees: fields equal, every vertex within `toleranceM` (the formats store the same points). */
function expectSameCommittees(got: readonly Committee[], want: readonly Committee[], toleranceM: number): void {
  expect(got.length).toBe(want.length);
  const byId = new Map(got.map((c) => [c.id, c]));
  for (const w of want) {
    const g = byId.get(w.id)!;
    expect(g, w.id).toBeDefined();
    expect({ name: g.name, streetOffice: g.streetOffice, households: g.households, population: g.population, type: g.type, partyMembers: g.partyMembers })
      .toEqual({ name: w.name, streetOffice: w.streetOffice, households: w.households, population: w.population, type: w.type, partyMembers: w.partyMembers });
    const gr = g.geometry.flat(2), wr = w.geometry.flat(2);
    expect(gr.length, w.id).toBe(wr.length);
    let worst = 0;
    for (let i = 0; i < wr.length; i++) worst = Math.max(worst, calcDistanceMeters(gr[i]!, wr[i]!));
    expect(worst, w.id).toBeLessThan(toleranceM);
  }
}

describe('format detection', () => {
  it('tells the formats by their magic bytes first, then by extension', () => {
    expect(detectFormat('x.bin', readFileSync(join(FORMATS, 'huangbei-4490.gpkg')))).toBe('geopackage');
    expect(detectFormat('x.bin', readFileSync(join(FORMATS, 'huangbei.fgb')))).toBe('flatgeobuf');
    expect(detectFormat('x.bin', readFileSync(join(FORMATS, 'huangbei-4547-gbk.zip')))).toBe('shapefile');
    expect(detectFormat('x.bin', readFileSync(join(FORMATS, 'huangbei-4547.shp')))).toBe('shapefile');
    expect(detectFormat('x.gpkg', new Uint8Array([1, 2, 3]))).toBe('geopackage');
    expect(detectFormat('x.json', new TextEncoder().encode('{}'))).toBe('geojson');
  });
});

describe('every format reads the same committees as the GeoJSON', async () => {
  const reference = await read(FORMATS, 'huangbei.geojson');
  const want = reference.dataset!.committees;

  // the subset has one gap warning of its own (where a committee of another office was)
  const refCodes = codes(reference);
  it('the GeoJSON itself is valid: 13 committees of 黄贝, one gap warning', () => {
    expect(refCodes).toEqual(['gap']);
    expect(want).toHaveLength(13);
  });

  it('a zipped Shapefile in CGCS2000 GK CM 114E (EPSG:4547) with GBK text named by its .cpg', async () => {
    const r = await read(FORMATS, 'huangbei-4547-gbk.zip');
    expect(codes(r)).toEqual(refCodes);
    expect(r.format).toBe('shapefile');
    expect(r.layer).toBe('huangbei');
    expectSameCommittees(r.dataset!.committees, want, 0.01);
    expect(r.dataset!.committees.map((c) => c.name)).toContain('碧波');
  });

  it('a bare .shp with its siblings (UTF-8), the DBF names cut at 10 characters read as committee fields', async () => {
    const src = file(FORMATS, 'huangbei-4547.shp');
    src.siblings = {};
    for (const ext of ['dbf', 'shx', 'prj', 'cpg'] as const) src.siblings[ext] = readFileSync(join(FORMATS, `huangbei-4547.${ext}`));
    const r = await readDatasetSource(src);
    expect(codes(r)).toEqual(refCodes);
    expectSameCommittees(r.dataset!.committees, want, 0.01);
    // streetOffi and partyMembe in the DBF
    expect(r.dataset!.committees[0]!.extra ?? {}).not.toHaveProperty('streetOffi');
  });

  it('a mapping naming the full field names reads them from their 10-byte DBF cuts, UTF-8 cut mid-character too (red team)', async () => {
    // the fixture's attributes in a DBF whose fields are named as a data's documentation spells
    // them, cut at 10 bytes as GDAL writes them: streetOffi, households, 常住人� (常住人口数)
    const dir = (ext: string) => readFileSync(join(FORMATS, `huangbei-4547.${ext}`));
    const plain = readShapefileParts({ shp: dir('shp'), dbf: dir('dbf'), cpg: dir('cpg') });
    const rows = plain.value!.features.map((f) => (f as { properties: Record<string, unknown> }).properties);
    const columns: Column[] = [
      { name: 'id', type: 'text' }, { name: 'name', type: 'text' }, { name: 'streetOffice', type: 'text' },
      { name: 'households', type: 'integer' }, { name: 'population', type: 'integer' },
    ];
    const dbf = makeDbf(columns, ['id', 'name', 'streetOfficeName', 'households2010', '常住人口数'], rows);
    const zip = zipSync({ 'cut.shp': dir('shp'), 'cut.shx': dir('shx'), 'cut.prj': dir('prj'), 'cut.cpg': new TextEncoder().encode('UTF-8'), 'cut.dbf': dbf });
    const mapping = { streetOffice: 'streetOfficeName', households: 'households2010', population: '常住人口数' };
    const r = await readDatasetSource({ name: 'cut.zip', bytes: zip }, { mapping });
    expect(codes(r)).toEqual(refCodes);
    expect(r.dataset!.committees.map((c) => [c.id, c.streetOffice, c.households, c.population]))
      .toEqual(want.map((c) => [c.id, c.streetOffice, c.households, c.population]));
    // a much shorter field is another field, not a cut: still missing, the fields found listed
    const short = await readDatasetSource({ name: 'cut.zip', bytes: zip }, { mapping: { ...mapping, name: 'name_cn' } });
    expect(short.problems.find((p) => p.code === 'mapping-field-missing')).toMatchObject({ field: 'name', message: expect.stringContaining('"name_cn"') });
    expect(isDbfCutOf('街道办事处', '街道办事处名')).toBe(true); // GBK: 10 bytes
    expect(isDbfCutOf('常住人\uFFFD', '常住人口数')).toBe(true); // UTF-8: 9 bytes and half a character
    expect(isDbfCutOf('name', 'name_cn')).toBe(false);
  });

  it('a GeoPackage in CGCS2000 geographic (EPSG:4490), its only layer', async () => {
    const r = await read(FORMATS, 'huangbei-4490.gpkg');
    expect(codes(r)).toEqual(refCodes);
    expect(r.format).toBe('geopackage');
    expect(r.layer).toBe('committees');
    expectSameCommittees(r.dataset!.committees, want, 0.001);
    const named = await read(FORMATS, 'huangbei-4490.gpkg', { layer: 'committees' });
    expect(named.ok).toBe(true);
  });

  it('a FlatGeobuf file (EPSG:4326 in its header)', async () => {
    const r = await read(FORMATS, 'huangbei.fgb');
    expect(codes(r)).toEqual(refCodes);
    expectSameCommittees(r.dataset!.committees, want, 0.001);
  });

  it('the crs option wins over the file\'s own CRS, with a crs-conflict warning', async () => {
    const r = await read(FORMATS, 'huangbei-4547-gbk.zip', { crs: 'EPSG:4548' });
    expect(codes(r)).toEqual(['crs-conflict', ...refCodes]);
    expect(r.problems[0]!.message).toMatch(/\.prj of huangbei\.shp says EPSG:4547/);
    // CM 117°E instead of 114°E: three degrees east
    expect(r.dataset!.committees[0]!.geometry[0]![0]![0]![0]).toBeGreaterThan(117);
  });

  it('a GCJ-02-shifted copy declared GCJ-02 reads back to the WGS84 committees (to a millimetre)', async () => {
    const fc = JSON.parse(readFileSync(join(FORMATS, 'huangbei.geojson'), 'utf8')) as { features: { geometry: { coordinates: Position[][] | Position[][][] } }[] };
    const shift = (v: unknown): unknown => (typeof (v as number[])[0] === 'number' ? wgs84ToGcj02(v as Position) : (v as unknown[]).map(shift));
    for (const f of fc.features) f.geometry.coordinates = shift(f.geometry.coordinates) as Position[][];
    const bytes = new TextEncoder().encode(JSON.stringify(fc));
    const undeclared = await readDatasetSource({ name: 'gcj.geojson', bytes });
    expect(calcDistanceMeters(undeclared.dataset!.committees[0]!.geometry[0]![0]![0]!, want[0]!.geometry[0]![0]![0]!)).toBeGreaterThan(100);
    const r = await readDatasetSource({ name: 'gcj.geojson', bytes }, { crs: 'GCJ-02' });
    expect(codes(r)).toEqual(['crs-approximate', ...refCodes]);
    expectSameCommittees(r.dataset!.committees, want, 0.001);
  });
});

describe('broken files of each format give clear errors (tests/fixtures/invalid/formats)', () => {
  const cases: [string, string, RegExp, ReadSourceOptions?][] = [
    ['shp-truncated.zip', 'format-unreadable', /\.shp of cut\.shp is truncated: its header says \d+ bytes, the file has 300/],
    ['zip-without-shp.zip', 'format-unreadable', /holds no \.shp file \(it holds: readme\.txt\)/],
    ['shp-without-dbf.zip', 'shapefile-incomplete', /no \.dbf beside its \.shp/],
    ['shp-gbk-without-cpg.zip', 'encoding-mismatch', /the text of feature 0 does not decode as UTF-8.*reads cleanly as GB18030/],
    ['shp-cpg-gbk-text-utf8.zip', 'encoding-mismatch', /the \.cpg says GBK, but the DBF text is UTF-8/],
    ['shp-two-layers.zip', 'layer-ambiguous', /2 shapefiles \(huangbei, lying\).*layer option/],
    ['shp-two-layers.zip', 'layer-missing', /no shapefile "nope"; it has: huangbei, lying/, { layer: 'nope' }],
    ['shp-prj-unreadable.zip', 'crs-unsupported', /nonsense.*names no EPSG code and proj4 cannot read it/],
    ['huangbei-4547-gbk.zip', 'encoding-unknown', /"klingon", which is not known/, { encoding: 'klingon' }],
    ['not-a-geopackage.gpkg', 'format-unreadable', /SQLite database but not a GeoPackage/],
    ['gpkg-truncated.gpkg', 'format-unreadable', /gpkg-truncated\.gpkg is not a SQLite database \(database disk image is malformed\)/],
    ['gpkg-two-layers.gpkg', 'layer-ambiguous', /2 feature layers \(committees, more\)/],
    ['gpkg-two-layers.gpkg', 'layer-missing', /no feature layer "x"; its layers: committees, more/, { layer: 'x' }],
    ['gpkg-households-missing.gpkg', 'households-missing', /no feature has a property "households"/],
    ['gpkg-points.gpkg', 'geometry-type', /Point/],
    ['fgb-truncated.fgb', 'format-unreadable', /fgb-truncated\.fgb cannot be read: its header claims 836 bytes/],
    ['fgb-garbage.fgb', 'format-unreadable', /header claims \d+ bytes but the file has 19/],
    ['fgb-id-duplicate.fgb', 'id-duplicate', /ids must be unique/],
  ];
  for (const [name, code, message, options] of cases) {
    it(`${name}${options ? ` ${JSON.stringify(options)}` : ''}: ${code}`, async () => {
      const dir = name.startsWith('huangbei') ? FORMATS : INVALID;
      const r = await read(dir, name, options);
      expect(r.ok).toBe(false);
      expect(r.dataset).toBeUndefined();
      const p = r.problems.find((q) => q.code === code);
      expect(p, JSON.stringify(r.problems.slice(0, 3))).toBeDefined();
      expect(p!.severity).toBe('fatal');
      if (code === 'encoding-mismatch' && name.includes('without-cpg')) expect([p!.feature, p!.field]).toEqual([0, 'name']);
      expect(p!.message).toMatch(message);
    });
  }

  it('a zip whose shapefile parts declare more than MAX_UNZIPPED_BYTES: zip-too-large, nothing inflated (red team: a 1.5 MB zip bomb took 1.6 GB)', async () => {
    // a valid zip of the fixture's parts, the .shp's size in the central directory raised to
    // 600 MiB: fflate allocates what a zip declares, so the declared size is what must be checked
    const parts = unzipSync(readFileSync(join(FORMATS, 'huangbei-4547-gbk.zip')));
    const zip = zipSync({ ...parts, 'notes.txt': new Uint8Array(10) });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    let patched = 0;
    for (let at = 0; at + 46 <= zip.length; at++) {
      if (view.getUint32(at, true) !== 0x02014b50) continue; // central directory header
      const nameLength = view.getUint16(at + 28, true);
      const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
      if (name.endsWith('.shp')) {
        view.setUint32(at + 24, 600 * 1024 * 1024, true);
        patched++;
      }
    }
    expect(patched).toBe(1);
    const r = await readDatasetSource({ name: 'bomb.zip', bytes: zip });
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.code).toBe('zip-too-large');
    expect(r.problems[0]!.message).toMatch(/unpack to more than 512 MiB \(.*\.shp alone declares 600 MiB\).*GeoPackage or FlatGeobuf/);
    // within the limit the same parts read as before, the text file beside them ignored
    const fine = await readDatasetSource({ name: 'fine.zip', bytes: zipSync({ ...parts, 'notes.txt': new Uint8Array(10) }) });
    expect(fine.ok).toBe(true);
    expect(listZipShapefiles(zip, 1024)).toMatchObject({ code: 'zip-too-large' });
  });

  it('overlaps found in a FlatGeobuf file as in GeoJSON (the topology checks apply to every format)', async () => {
    const fgb = await read(INVALID, 'fgb-overlap.fgb');
    const json = await read(join(INVALID, '..'), 'overlap.geojson');
    expect(codes(fgb).filter((c) => c === 'overlap').length).toBe(codes(json).filter((c) => c === 'overlap').length);
    expect(codes(fgb)).toContain('overlap');
  });

  it('the CLI reads a bare .shp with its siblings from disk, and names a missing file', async () => {
    const r = await readDatasetReport(join(FORMATS, 'huangbei-4547.shp'));
    expect(r.ok).toBe(true);
    expect(r.dataset!.name).toBe('huangbei-4547');
    await expect(readDatasetReport(join(FORMATS, 'nope.gpkg'))).rejects.toThrow(/dataset not found: .*nope\.gpkg/);
  });
});
