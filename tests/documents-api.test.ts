/**
 * GET /api/plans/:id/documents/…: the 方案 (.docx), the workbook (.xlsx) and the approval
 * documents (请示, 意见, 批复, 备案) drawn from the plan's history, read back and checked against the
 * plan's summary and the steps taken. On embedded PGlite + PostGIS.
 */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../cli/load.js';
import { formatChinaDate } from '../render/approval-documents.js';
import { formatPunctuationZh as f, makePartyChanges } from '../render/plan-document.js';
import { makeOutcome } from '../solver/outcome.js';
import type { PlanSummary } from '../solver/types.js';
import { readDocx, readTexts } from './helpers/docx-read.js';
import { startTestApi, type TestApi } from './helpers/api.js';

const LUOHU_GEOJSON = readFileSync(new URL('../scenarios/luohu-2006/committees.geojson', import.meta.url), 'utf8');
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('plan documents over the API (embedded PGlite + PostGIS)', () => {
  let api: TestApi;
  let tokens: Record<string, string>;
  let datasetId: string;
  let planId: string;
  let summary: PlanSummary;

  async function call(method: 'GET' | 'POST', url: string, token: string, body?: unknown, contentType?: string) {
    const r = await api.call(method, url, {
      token, ...(contentType ? { contentType } : {}),
      ...(body === undefined ? {} : typeof body === 'string' ? { raw: body } : { body }),
    });
    return { status: r.status, headers: Object.fromEntries(r.headers), bytes: r.bytes, json: r.json };
  }

  const doc = (id: string, file: string, token = tokens.planner!) => call('GET', `/api/plans/${id}/documents/${file}`, token);

  async function act(id: string, token: string, body: Record<string, unknown>) {
    const plan = await call('GET', `/api/plans/${id}`, token);
    const r = await call('POST', `/api/plans/${id}/actions`, token, { ...body, version: plan.json.version }, 'application/json');
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return r.json;
  }

  beforeAll(async () => {
    api = await startTestApi({
      app: { solveWorkers: 0, solveSyncWaitMs: 120_000 },
      tokens: {
        planner: 'district-planner', huangbei: ['street-office', '黄贝'], organisation: 'organisation', civilAffairs: 'civil-affairs',
        establishment: 'establishment', government: 'district-government', city: 'city-civil-affairs',
      },
    });
    ({ tokens } = api);
    const up = await call('POST', '/api/datasets?name=luohu', tokens.planner!, LUOHU_GEOJSON, 'application/geo+json');
    expect(up.status).toBe(201);
    datasetId = up.json.id;
    const scenario = await call('POST', '/api/scenarios', tokens.huangbei!, {
      datasetId, name: 'huangbei', streetOffices: ['黄贝'], document: { title: '黄贝街道社区工作站整合方案', district: '罗湖区' },
    }, 'application/json');
    expect(scenario.status, JSON.stringify(scenario.json)).toBe(201);
    const solved = await call('POST', `/api/scenarios/${scenario.json.id}/plans`, tokens.huangbei!);
    expect(solved.status).toBe(201);
    planId = solved.json.id;
    summary = solved.json.summary;
  }, 180_000);

  afterAll(async () => {
    await api?.close();
  }, 60_000);

  it('serves plan.docx titled from the scenario\'s document block, its station table equal to the summary', async () => {
    const r = await doc(planId, 'plan.docx');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe(DOCX);
    expect(r.headers['content-disposition']).toBe('attachment; filename="plan.docx"');
    const d = await readDocx(r.bytes);
    expect(d.paragraphs.find((p) => p.text)!.text).toBe('黄贝街道社区工作站整合方案');
    const stations = summary.streetOffices.flatMap((o) => o.stations);
    expect(d.tables[0]!.slice(1).map((row) => Number(row[d.tables[0]![0]!.indexOf('户数')]))).toEqual(stations.map((s) => s.households));
    expect(d.paragraphs.map((p) => p.text)).toContain(f(`将黄贝街道办事处目前${summary.stationsBefore}个社区工作站调整合并为${summary.stationsAfter}个社区工作站,具体如下:`));
  }, 60_000);

  it('serves plan.xlsx, English with ?lang=en', async () => {
    for (const [lang, first] of [['zh', '工作站'], ['en', 'stations']] as const) {
      const r = await doc(planId, `plan.xlsx?lang=${lang}`);
      expect(r.status).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(r.bytes as never);
      expect(book.worksheets[0]!.name).toBe(first);
      expect(book.worksheets[0]!.rowCount).toBe(summary.stationsAfter + 1);
    }
  });

  it('refuses an unknown document (404) and a document whose step has not happened (409 document-not-ready)', async () => {
    const unknown = await doc(planId, 'secret.docx');
    expect([unknown.status, unknown.json.code, unknown.json.field]).toEqual([404, 'document-not-found', 'file']);
    const early = await doc(planId, 'request.docx');
    expect([early.status, early.json.code]).toEqual([409, 'document-not-ready']);
  });

  it('draws 请示, 意见, 批复 and 备案 from the history, each with date, issuer, recipient, subject and 发文字号', async () => {
    await act(planId, tokens.huangbei!, { action: 'submit', opinion: '申请整合' });
    const request = await doc(planId, `request.docx?documentNumber=${encodeURIComponent('罗黄办〔2026〕3号')}`);
    expect(request.status).toBe(200);
    const at = async (action: string) => {
      const history = (await call('GET', `/api/plans/${planId}/history`, tokens.planner!)).json;
      return formatChinaDate(history.entries.filter((e: { action: string }) => e.action === action).at(-1).at);
    };
    const texts = readTexts(await readDocx(request.bytes));
    const day = (iso: string) => iso.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, '$1年$2月$3日');
    expect(texts.slice(0, 3)).toEqual(['罗黄办〔2026〕3号', '关于黄贝街道办事处社区工作站整合方案的请示', f('罗湖区人民政府:')]);
    expect(texts).toContain(f('附件:黄贝街道社区工作站整合方案'));
    expect(texts.slice(-2)).toEqual(['黄贝街道办事处', day(await at('submit'))]);
    expect(texts.join('')).toContain(`调整合并为${summary.stationsAfter}个`);

    expect((await doc(planId, 'opinion-organisation.docx')).json.code).toBe('document-not-ready');
    await act(planId, tokens.organisation!, { action: 'opinion', agree: true, opinion: '同意。' });
    await act(planId, tokens.civilAffairs!, { action: 'opinion', agree: true, opinion: '同意,请做好居民宣传。' });
    await act(planId, tokens.establishment!, { action: 'opinion', agree: false, opinion: '工作站人员编制须另行核定。' });
    const opinion = readTexts(await readDocx((await doc(planId, 'opinion-establishment.docx')).bytes));
    expect(opinion[0]).toBe('关于对《黄贝街道社区工作站整合方案》的意见');
    expect(opinion.join('\n')).toContain('我办不同意该方案');
    expect(opinion).toContain('工作站人员编制须另行核定。');
    expect(opinion.slice(-2)[0]).toBe('罗湖区编办');
    const civil = readTexts(await readDocx((await doc(planId, 'opinion-civil-affairs.docx')).bytes));
    expect(civil.join('\n')).toContain('我局同意该方案');

    expect((await doc(planId, 'reply.docx')).json.code).toBe('document-not-ready');
    expect((await doc(planId, 'filing.docx')).json.code).toBe('document-not-ready');
    await act(planId, tokens.government!, { action: 'approve', opinion: '同意实施。' });
    const reply = readTexts(await readDocx((await doc(planId, 'reply.docx')).bytes));
    expect(reply[0]).toBe('关于黄贝街道办事处社区工作站整合方案的批复');
    expect(reply[1]).toBe(f('黄贝街道办事处:'));
    expect(reply.join('\n')).toContain(f(`一、同意《黄贝街道社区工作站整合方案》,将辖区${summary.stationsBefore}个社区工作站调整合并为${summary.stationsAfter}个。`));
    expect(reply.slice(-2)).toEqual(['罗湖区人民政府', day(await at('approve'))]);

    await act(planId, tokens.city!, { action: 'file', opinion: '已备案' });
    const filing = readTexts(await readDocx((await doc(planId, 'filing.docx')).bytes));
    expect(filing.slice(0, 2)).toEqual(['关于黄贝街道办事处社区工作站整合情况的备案报告', f('市民政局:')]);
    expect(filing.slice(-2)).toEqual(['罗湖区民政局', day(await at('file'))]);

    const changes = makePartyChanges(makeOutcome(summary, (await loadScenario('luohu-2006')).dataset.committees), (await loadScenario('luohu-2006')).dataset.committees);
    const party = await doc(planId, 'party-filing.docx');
    expect(party.status).toBe(changes.length > 0 ? 200 : 409);
    if (changes.length > 0) {
      const t = readTexts(await readDocx(party.bytes));
      expect(t[1]).toBe(f('罗湖区委组织部:'));
      expect(t.filter((x) => /^\d+\./.test(x))).toHaveLength(changes.length);
    }
  }, 120_000);

  it('a rejected plan\'s 批复 refuses it and gives the reasons', async () => {
    const made = await call('POST', `/api/datasets/${datasetId}/plans`, tokens.huangbei!, { stations: [['碧波', '湖滨']] }, 'application/json');
    const id = made.json.id as string;
    await act(id, tokens.huangbei!, { action: 'submit' });
    await act(id, tokens.government!, { action: 'reject', opinion: '合并后户数仍低于标准。' });
    const reply = readTexts(await readDocx((await doc(id, 'reply.docx')).bytes));
    expect(reply.join('\n')).toMatch(/一、不同意《.+》。/);
    expect(reply).toContain('合并后户数仍低于标准。');
    expect((await doc(id, 'filing.docx')).json.code).toBe('document-not-ready');
  }, 60_000);
});
