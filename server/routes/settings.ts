/**
 * The review desk's optional basemap: tile URL templates under the committees' polygons (for
 * example 天地图's WMTS, which needs a key), off by default so that the desk works on an intranet
 * without internet. Set by the one who runs the server: `yizhan serve --basemap 'URL …'` or the
 * environment variable YIZHAN_BASEMAP (several templates, space-separated, are stacked in order:
 * a map, then its labels), with `--basemap-subdomains` / YIZHAN_BASEMAP_SUBDOMAINS for `{s}`.
 * A template is Leaflet's: `{z}`, `{x}`, `{y}` and optionally `{s}`, in Web Mercator (EPSG:3857;
 * for 天地图 the `_w` layers, TILEMATRIXSET=w). `GET /api/settings` hands it to signed-in pages;
 * the page's Content-Security-Policy admits images from those hosts and no others.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { withErrors } from '../schemas.js';

export const BasemapSchema = Type.Object(
  {
    urls: Type.Array(Type.String(), { minItems: 1, description: 'tile URL templates ({z}/{x}/{y}, optional {s}), drawn bottom first' }),
    subdomains: Type.String({ description: 'the letters or digits that replace {s}, one per server' }),
  },
  { additionalProperties: false },
);
export type Basemap = Static<typeof BasemapSchema>;

export const SettingsSchema = Type.Object(
  { basemap: Type.Union([BasemapSchema, Type.Null()], { description: 'null: no basemap (the default)' }) },
  { additionalProperties: false },
);
export type Settings = Static<typeof SettingsSchema>;

/**
 * Reads the basemap setting, or throws an Error that names the setting and what is wrong.
 * @param urls - one or more templates, separated by spaces; empty or undefined: no basemap
 * @param [subdomains='abc']
 * @param [source='--basemap'] - the setting's name in messages
 */
export function parseBasemap(urls: string | undefined, subdomains: string | undefined, source = '--basemap'): Basemap | null {
  const list = (urls ?? '').split(/\s+/).filter((u) => u !== '');
  if (list.length === 0) return null;
  const subs = subdomains === undefined || subdomains === '' ? 'abc' : subdomains;
  if (!/^[A-Za-z0-9]+$/.test(subs)) throw new Error(`${source} subdomains must be letters or digits (e.g. 01234567), got "${subs}"`);
  for (const url of list) {
    let parsed: URL;
    try {
      parsed = new URL(url.replaceAll('{s}', subs[0]!));
    } catch {
      throw new Error(`${source}: "${url}" is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`${source}: "${url}" must start with http:// or https://`);
    for (const p of ['{z}', '{x}', '{y}']) if (!url.includes(p)) throw new Error(`${source}: "${url}" lacks ${p} (a tile URL template has {z}, {x} and {y})`);
  }
  return { urls: list, subdomains: subs };
}

/** The origins the page loads tiles from (for its Content-Security-Policy). */
export function basemapOrigins(basemap: Basemap | null): string[] {
  if (basemap === null) return [];
  const origins = new Set<string>();
  for (const url of basemap.urls) {
    for (const s of url.includes('{s}') ? [...basemap.subdomains] : ['']) origins.add(new URL(url.replaceAll('{s}', s)).origin);
  }
  return [...origins];
}

export const settingsRoutes: FastifyPluginAsyncTypebox<{ basemap: Basemap | null }> = async (app, options) => {
  app.get('/settings', {
    schema: { tags: ['tokens'], summary: 'What the review desk shows besides the data: the basemap set on the server (null: none)', response: withErrors({ 200: SettingsSchema }) },
  }, async (): Promise<Settings> => ({ basemap: options.basemap }));
};
