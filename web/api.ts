/**
 * The API client: the bearer token from sessionStorage on every call, JSON errors turned into
 * ApiError (status, code, message). Types come from the server's own TypeBox schemas.
 */
import type { Static } from '@sinclair/typebox';
import type {
  CompareSchema, DatasetCreatedSchema, DatasetSchema, ProblemSchema, HistorySchema, JobSchema, PlanCreatedSchema, PlanSchema, ScenarioSchema, JobAcceptedSchema,
  ActionBody, ScenarioBody,
} from '../server/schemas.js';
import type { MeSchema } from '../server/routes/me.js';
import type { PlanSummary } from '../solver/types.js';
import type { EvaluateResult } from '../server/routes/evaluate.js';
import type { Settings } from '../server/routes/settings.js';

export type Plan = Omit<Static<typeof PlanSchema>, 'summary'> & { summary: PlanSummary };
export type History = Static<typeof HistorySchema>;
export type Compare = Static<typeof CompareSchema>;
export type Dataset = Static<typeof DatasetSchema>;
export type DatasetCreated = Static<typeof DatasetCreatedSchema>;
export type Problem = Static<typeof ProblemSchema>;
export type Scenario = Static<typeof ScenarioSchema>;
export type Job = Static<typeof JobSchema>;
export type Me = Static<typeof MeSchema>;
export type ActionRequest = Static<typeof ActionBody>;
export type ScenarioRequest = Static<typeof ScenarioBody>;
export type PlanCreated = Static<typeof PlanCreatedSchema>;
export type JobAccepted = Static<typeof JobAcceptedSchema>;

export interface Feature { type: 'Feature'; id?: string; properties: Record<string, unknown>; geometry: { type: 'MultiPolygon' | 'Polygon'; coordinates: number[][][][] | number[][][] } }
export interface FeatureCollection { type: 'FeatureCollection'; features: Feature[] }

const KEY = 'yizhan-token';
export const getToken = (): string | null => sessionStorage.getItem(KEY);
export const setToken = (token: string): void => sessionStorage.setItem(KEY, token);
export const clearToken = (): void => sessionStorage.removeItem(KEY);

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
  const token = getToken();
  // every route the page calls needs a token: after sign-out, a view still loading asks nothing more
  if (!token) throw new ApiError(401, 'signed-out', 'signed out');
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const type = res.headers.get('content-type') ?? '';
  const data: unknown = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const e = (typeof data === 'object' && data !== null ? data : {}) as { code?: string; message?: string; details?: unknown };
    throw new ApiError(res.status, e.code ?? 'http-error', e.message ?? `HTTP ${res.status}`, e.details);
  }
  return { status: res.status, data: data as T };
}

/** A file the API answers (a plan's documents): the bytes, or the API's JSON error as an ApiError. */
async function getBlob(path: string): Promise<Blob> {
  const token = getToken();
  if (!token) throw new ApiError(401, 'signed-out', 'signed out');
  const res = await fetch(`/api${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as { code?: string; message?: string; details?: unknown };
    throw new ApiError(res.status, e.code ?? 'http-error', e.message ?? `HTTP ${res.status}`, e.details);
  }
  return res.blob();
}

/** The content type that tells POST /api/datasets the file's format (server/routes/datasets.ts); the server also reads by content. */
export function uploadType(fileName: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (ext === 'geojson' || ext === 'json') return 'application/geo+json';
  if (ext === 'zip') return 'application/zip';
  if (ext === 'gpkg') return 'application/geopackage+sqlite3';
  if (ext === 'fgb') return 'application/flatgeobuf';
  return 'application/octet-stream';
}

/**
 * Uploads a file's bytes to POST /api/datasets. XMLHttpRequest, not fetch: only it reports upload
 * progress (`onProgress(fraction)`); resolves once the bytes are sent and the server has checked them.
 */
function uploadDataset(file: File, query: Record<string, string>, onProgress: (sent: number) => void): Promise<DatasetCreated> {
  const token = getToken();
  if (!token) return Promise.reject(new ApiError(401, 'signed-out', 'signed out'));
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/datasets?${new URLSearchParams(query).toString()}`);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', uploadType(file.name));
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.upload.onload = () => onProgress(1);
    xhr.onerror = () => reject(new ApiError(0, 'network-error', 'network error'));
    xhr.onload = () => {
      let data: unknown = null;
      try { data = JSON.parse(xhr.responseText); } catch { /* not JSON: the status says what happened */ }
      if (xhr.status === 201) { resolve(data as DatasetCreated); return; }
      const e = (typeof data === 'object' && data !== null ? data : {}) as { code?: string; message?: string; details?: unknown };
      reject(new ApiError(xhr.status, e.code ?? 'http-error', e.message ?? `HTTP ${xhr.status}`, e.details));
    };
    xhr.send(file);
  });
}

/** GETs started before they are asked for (the plan page's data while the token is checked); each is used once. */
const early = new Map<string, Promise<unknown>>();
export function prefetch(paths: string[]): void {
  for (const path of paths) {
    const p = call<unknown>('GET', path).then((r) => r.data);
    p.catch(() => {}); // a refused prefetch is asked again, and reported, by whoever needs it
    early.set(path, p);
  }
}

const get = async <T>(path: string): Promise<T> => {
  const pending = early.get(path);
  if (pending) {
    early.delete(path);
    try { return (await pending) as T; } catch { /* ask again below */ }
  }
  return (await call<T>('GET', path)).data;
};
const enc = encodeURIComponent;

/** Every item of a paged list (`?limit=&cursor=`, answered with `nextCursor`), page after page. */
async function getAll<T>(path: string, key: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: Record<string, unknown> = await get<Record<string, unknown>>(`${path}${sep}limit=500${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    items.push(...(page[key] as T[]));
    cursor = typeof page.nextCursor === 'string' ? page.nextCursor : null;
  } while (cursor !== null);
  return items;
}

/** The paths the plan page reads (web/views/plan.ts), to start them early. */
export const planPaths = (id: string): string[] =>
  [`/plans/${enc(id)}`, `/plans/${enc(id)}/history`, `/plans/${enc(id)}/committees.geojson`, `/plans/${enc(id)}/stations.geojson`];

let settings: Promise<Settings> | undefined;

export const api = {
  me: () => get<Me>('/me'),
  /** The server's settings for the page (the basemap), asked once per page load. */
  settings: (): Promise<Settings> => {
    settings ??= get<Settings>('/settings');
    settings.catch(() => { settings = undefined; });
    return settings;
  },
  plans: () => getAll<Plan>('/plans', 'plans'),
  plan: (id: string) => get<Plan>(`/plans/${enc(id)}`),
  history: async (id: string): Promise<History> => {
    // the first page as planPaths prefetches it, then the rest of the steps page by page
    const first = await get<History>(`/plans/${enc(id)}/history`);
    const entries = [...first.entries];
    for (let cursor = first.nextCursor; cursor !== null;) {
      const page: History = await get<History>(`/plans/${enc(id)}/history?limit=500&cursor=${enc(cursor)}`);
      entries.push(...page.entries);
      cursor = page.nextCursor;
    }
    return { ...first, entries, nextCursor: null };
  },
  text: (id: string, lang: 'zh' | 'en') => get<string>(`/plans/${enc(id)}/text?lang=${lang}`),
  committees: (id: string) => get<FeatureCollection>(`/plans/${enc(id)}/committees.geojson`),
  stations: (id: string) => get<FeatureCollection>(`/plans/${enc(id)}/stations.geojson`),
  /** One of the plan's documents (server/routes/documents.ts): plan.docx, plan.xlsx, request.docx, … */
  document: (id: string, file: string) => getBlob(`/plans/${enc(id)}/documents/${enc(file)}`),
  compare: (a: string, b: string) => get<Compare>(`/plans/${enc(a)}/compare/${enc(b)}`),
  act: (id: string, body: ActionRequest) => call<{ plan: Plan }>('POST', `/plans/${enc(id)}/actions`, body).then((r) => r.data.plan),
  datasets: () => getAll<Dataset>('/datasets', 'datasets'),
  uploadDataset,
  scenarios: (datasetId: string) => getAll<Scenario>(`/scenarios?datasetId=${enc(datasetId)}`, 'scenarios'),
  createScenario: (body: ScenarioRequest) => call<Scenario>('POST', '/scenarios', body).then((r) => r.data),
  solve: (scenarioId: string) => call<PlanCreated | JobAccepted>('POST', `/scenarios/${enc(scenarioId)}/plans`),
  job: (id: string) => get<Job>(`/jobs/${enc(id)}`),
  evaluate: (id: string, stations: string[][]) => call<EvaluateResult>('POST', `/plans/${enc(id)}/evaluate`, { stations }).then((r) => r.data),
  handPlan: (datasetId: string, body: { name: string; scenarioId?: string; streetOffices: string[]; stations: string[][] }) =>
    call<PlanCreated>('POST', `/datasets/${enc(datasetId)}/plans`, body).then((r) => r.data),
  revise: (id: string, body: { version: number; name: string; stations: string[][] }) =>
    call<PlanCreated>('POST', `/plans/${enc(id)}/revisions`, body).then((r) => r.data),
};
