/**
 * A plan's documents as files: the 方案 (plan.docx, GB/T 9704 layout), the workbook (plan.xlsx,
 * ?lang=en for English headers), and the approval documents drawn from the plan's history:
 * request.docx (请示), opinion-<role>.docx (意见 of organisation, civil-affairs, establishment),
 * reply.docx (批复), filing.docx (备案 to 市民政局), party-filing.docx (report to 区委组织部 where
 * party organisations change). ?documentNumber= sets the 发文字号. A document whose step has not
 * happened yet is 409 document-not-ready.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApprovalDocumentNotReady, makeApprovalDocument, parseApprovalDocumentName } from '../../render/approval-documents.js';
import { makeDocx } from '../../render/docx.js';
import { PARTY_ZH, formatStationNameZh, makePartyChanges, makePlanDocument } from '../../render/plan-document.js';
import { makePlanXlsx } from '../../render/xlsx.js';
import { makeDefaultScenario, makeDocumentSettings } from '../../scenarios/defaults.js';
import type { ScenarioFile } from '../../scenarios/schema.js';
import { makeOutcome } from '../../solver/outcome.js';
import type { PlanSummary } from '../../solver/types.js';
import { LIMITS, withErrors } from '../schemas.js';
import { REVIEWER_ROLES, StoreError, type OpinionRecord } from '../store/types.js';
import { getPlanOr404, getScenarioOr404, loadStoredDataset, makeResolvedScenario } from '../planning.js';
import { listConcurrences } from '../workflow.js';

const DocumentParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: LIMITS.id }),
  file: Type.String({ minLength: 1, maxLength: 100, description: 'plan.docx, plan.xlsx, request.docx, opinion-<role>.docx, reply.docx, filing.docx, party-filing.docx' }),
});
const DocumentQuery = Type.Object({
  lang: Type.Optional(Type.Union([Type.Literal('zh'), Type.Literal('en')], { description: 'plan.xlsx headers [zh]' })),
  documentNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: '发文字号, e.g. 罗府〔2006〕45号' })),
}, { additionalProperties: false });

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function documentRoutes(app: FastifyInstance): Promise<void> {
  const store = app.store;

  app.get<{ Params: Static<typeof DocumentParams>; Querystring: Static<typeof DocumentQuery> }>('/plans/:id/documents/:file', {
    schema: {
      tags: ['exports'],
      summary: 'A plan\'s documents: plan.docx (方案), plan.xlsx (?lang=en), and from the history request.docx (请示), opinion-organisation|civil-affairs|establishment.docx (意见), reply.docx (批复), filing.docx (备案), party-filing.docx; 409 document-not-ready before its step',
      params: DocumentParams, querystring: DocumentQuery,
      response: withErrors({ 200: Type.String({ format: 'binary' }) }),
    },
  }, async (request, reply) => {
    const { file } = request.params;
    const approval = parseApprovalDocumentName(file);
    if (file !== 'plan.docx' && file !== 'plan.xlsx' && approval === undefined) {
      throw new StoreError('document-not-found', 404, `no document "${file}": plan.docx, plan.xlsx, request.docx, ${REVIEWER_ROLES.map((r) => `opinion-${r}.docx`).join(', ')}, reply.docx, filing.docx or party-filing.docx`, 'file');
    }
    const plan = await getPlanOr404(store, request.params.id);
    const dataset = await loadStoredDataset(store, plan.datasetId);
    const body = plan.scenarioId !== null ? (await getScenarioOr404(store, plan.scenarioId, 'scenarioId')).body as ScenarioFile : null;
    const scenario = body ? makeResolvedScenario({ ...body, streetOffices: plan.scope }, dataset.committees) : makeDefaultScenario(plan.name ?? 'plan');
    const settings = { ...makeDocumentSettings(body), ...(request.query.documentNumber ? { documentNumber: request.query.documentNumber } : {}) };
    const summary = plan.summary as PlanSummary;
    const outcome = makeOutcome(summary, dataset.committees);
    const planDocument = makePlanDocument({ outcome, committees: dataset.committees, datasetName: dataset.name, rules: scenario.rules, settings });
    const attachment = (name: string) => `attachment; filename="${name}"`;
    if (file === 'plan.xlsx') {
      const bytes = await makePlanXlsx({ outcome, committees: dataset.committees, rules: scenario.rules, lang: request.query.lang ?? 'zh' });
      return reply.type(XLSX).header('content-disposition', attachment(file)).send(bytes);
    }
    if (file === 'plan.docx') return reply.type(DOCX).header('content-disposition', attachment(file)).send(await makeDocx(planDocument));
    const steps = await store.getPlanHistory(plan.id);
    // the concurrences the district submitted with: those standing at its last submission
    const lastSubmit = steps.map((e) => e.action).lastIndexOf('submit');
    const concurred = listConcurrences(lastSubmit >= 0 ? steps.slice(0, lastSubmit) : steps);
    const opinions: OpinionRecord[] = (await Promise.all(Array.from({ length: plan.round }, (_, i) => store.getOpinions(plan.id, { round: i + 1 })))).flat();
    const partyChanges = makePartyChanges(outcome, dataset.committees, scenario.rules.party)
      .map((c) => `${formatStationNameZh(c.station)}由${PARTY_ZH[c.before]}改设${PARTY_ZH[c.after]}`);
    try {
      const doc = makeApprovalDocument(approval!, {
        planTitle: planDocument.title, scope: plan.scope, stationsBefore: summary.stationsBefore, stationsAfter: summary.stationsAfter,
        ...(settings.district ? { district: settings.district } : {}),
        steps, opinions, partyChanges, concurred,
        ...(settings.documentNumber ? { documentNumber: settings.documentNumber } : {}),
      });
      return reply.type(DOCX).header('content-disposition', attachment(file)).send(await makeDocx(doc));
    } catch (e) {
      if (e instanceof ApprovalDocumentNotReady) throw new StoreError('document-not-ready', 409, e.message, 'file');
      throw e;
    }
  });
}
