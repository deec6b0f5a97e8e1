/**
 * Worker thread that builds one plan's plan.docx and plan.xlsx (cli/plan-documents.ts): loads the
 * renderers at once, takes `{ data }` then `{ summary }`, answers `{ files }` or `{ error }`.
 */
import { parentPort } from 'node:worker_threads';
import { saveCodeCache } from '../scenarios/code-cache.js';
import { loadDocumentRenderers, makePlanDocumentBuffersFromSummary, type DocumentsAnswer, type DocumentsRequest, type PlanDocumentData } from './plan-documents.js';

if (!parentPort) throw new Error('cli/documents-worker.ts runs only as a worker thread');
const port = parentPort;
// loading the docx and exceljs packages is half the documents' cost: started before any message
loadDocumentRenderers().catch(() => undefined); // a failure is reported when the documents are asked for
let data: PlanDocumentData | undefined;

port.on('message', (request: DocumentsRequest) => {
  if ('data' in request) {
    data = request.data;
    return;
  }
  const answer = (a: DocumentsAnswer): void => port.postMessage(a);
  if (!data) return answer({ error: 'the documents worker got a plan before its dataset' });
  makePlanDocumentBuffersFromSummary(request.summary, data).then(
    (files) => { saveCodeCache(); answer({ files }); }, // the cache before the answer, after which the thread is stopped
    (e: unknown) => answer({ error: (e as Error)?.message ?? String(e) }),
  );
});
