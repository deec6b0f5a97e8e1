/**
 * plan.docx opened by another word processor: LibreOffice converts it to PDF (Debian
 * `libreoffice-writer-nogui`; skipped by name where `soffice` is absent). The page count must fit
 * the text (about 22 lines a page) and every page must be A4.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../cli/load.js';
import { makeDocx } from '../render/docx.js';
import { makePlanDocument } from '../render/plan-document.js';
import { evaluatePlan, makePlanContext } from '../solver/pipeline.js';

const hasSoffice = spawnSync('soffice', ['--version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'yizhan-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pages of a PDF and their sizes, from its page objects (LibreOffice writes them uncompressed). */
function readPdfPages(pdf: Buffer): { count: number; boxes: string[] } {
  const text = pdf.toString('latin1');
  const pages = text.match(/\/Type\s*\/Page(?![s\w])/g) ?? [];
  const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*([\d.\s]+)\]/g)].map((m) => m[1]!.trim().split(/\s+/).map((x) => Math.round(Number(x))).join(' '));
  return { count: pages.length, boxes };
}

describe.skipIf(!hasSoffice)('plan.docx in LibreOffice (needs Debian libreoffice-writer-nogui)', () => {
  it('converts to an A4 PDF whose page count fits 22 lines a page', async () => {
    const loaded = await loadScenario('luohu-2006');
    const hand = JSON.parse(readFileSync(new URL('../scenarios/luohu-2006/plan-2006.json', import.meta.url), 'utf8')) as { stations: string[][] };
    const outcome = evaluatePlan(makePlanContext(loaded.dataset, loaded.scenario), hand.stations.map((names) =>
      names.map((n) => loaded.dataset.committees.find((c) => c.name === n)!.id)));
    const doc = makePlanDocument({ outcome, committees: loaded.dataset.committees, datasetName: 'x', rules: loaded.scenario.rules, settings: { title: '罗湖区社区工作站整合方案', district: '罗湖区', date: '2006-05-20' } });
    return makeDocx(doc).then((bytes) => {
      writeFileSync(join(dir, 'plan.docx'), bytes);
      execFileSync('soffice', ['--headless', `-env:UserInstallation=file://${join(dir, 'profile')}`, '--convert-to', 'pdf', '--outdir', dir, join(dir, 'plan.docx')], { stdio: 'ignore', timeout: 170_000 });
      const { count, boxes } = readPdfPages(readFileSync(join(dir, 'plan.pdf')));
      // the body's paragraphs at 28 characters a line and 22 lines a page, plus the annex pages
      const bodyLines = doc.sections.flatMap((s) => [s.heading, ...s.blocks.map((b) => (b.kind === 'table' ? '' : b.text))])
        .reduce((n, t) => n + Math.max(1, Math.ceil((t.length + 2) / 28)), 0);
      const bodyPages = Math.ceil((bodyLines + 8) / 22);
      const tableRows = outcome.stations.length + 1;
      expect(count).toBeGreaterThanOrEqual(bodyPages + 2);
      expect(count).toBeLessThanOrEqual(bodyPages + Math.ceil(tableRows / 15) + 4);
      expect(new Set(boxes)).toEqual(new Set(['0 0 595 842']));
    });
  }, 180_000);
});
