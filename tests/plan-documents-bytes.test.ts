/**
 * plan.docx and plan.xlsx are written by hand-made writers (render/docx.ts, render/xlsx.ts, render/zip.ts)
 * instead of the `docx` and `exceljs` packages, which took most of a plan's time. Every part of
 * both packages must stay exactly what those packages wrote: each document below is made both
 * ways and unzipped; the entries must come in the same order with the same bytes, except the
 * creation times in docProps/core.xml.
 */
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, type LoadedScenario } from '../cli/load.js';
import { makeDocx } from '../render/docx.js';
import { makePlanDocument, type OfficialDocument } from '../render/plan-document.js';
import { makeDocumentSettings } from '../scenarios/defaults.js';
import type { PlanOutcome } from '../solver/outcome.js';
import { makePlanContext, solvePlan, evaluatePlan } from '../solver/pipeline.js';
import { loadEngines } from '../solver/solve.js';
import { makeDocx as makeDocxWithLibrary } from './helpers/docx-library.js';

/** The entries of a zip in order, with their text; the creation times blanked. */
async function unzipParts(bytes: Buffer): Promise<[string, string][]> {
  const zip = await JSZip.loadAsync(bytes);
  const out: [string, string][] = [];
  for (const f of Object.values(zip.files)) {
    const text = f.dir ? '' : await f.async('string');
    out.push([f.name, f.name === 'docProps/core.xml' ? text.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIME') : text]);
  }
  return out;
}

async function expectSameDocx(doc: OfficialDocument): Promise<void> {
  const ours = await unzipParts(await makeDocx(doc));
  const theirs = await unzipParts(await makeDocxWithLibrary(doc));
  expect(ours.map(([n]) => n)).toEqual(theirs.map(([n]) => n));
  for (let i = 0; i < ours.length; i++) expect(ours[i]![1], ours[i]![0]).toBe(theirs[i]![1]);
}

const ODD: OfficialDocument = {
  title: '关于罗湖区社区工作站整合方案的请示与一个很长很长的标题 & <其他>',
  recipient: '罗湖区人民政府',
  banner: '未通过检查,不得上报',
  issuer: '罗湖区民政局 "甲" \'乙\'',
  date: '2026-12-01',
  documentNumber: '罗府〔2006〕45号',
  attachmentNotes: ['a & b < c > d "e" \'f\'', '第二'],
  sections: [
    { heading: '一、目的', blocks: [{ kind: 'paragraph', text: ' lead & trail ' }, { kind: 'subheading', text: '（一）x' }, { kind: 'table', caption: 'c', table: { columns: [{ header: 'a<', width: 3 }, { header: 'b', numeric: true }], rows: [['x<y', 1.5], ['', -2]] } }] },
    { heading: '', blocks: [{ kind: 'paragraph', text: '' }] },
  ],
  annexes: [{ heading: '附件标题', blocks: [{ kind: 'paragraph', text: 'p' }] }, { heading: '附件二', blocks: [] }],
};

let loaded: LoadedScenario;
let outcome: PlanOutcome;

beforeAll(async () => {
  loaded = await loadScenario('luohu-2006');
  outcome = solvePlan(makePlanContext(loaded.dataset, loaded.scenario), await loadEngines());
}, 120_000);

describe('plan.docx written by hand is what the docx package wrote', () => {
  it('for the luohu-2006 方案', async () => {
    await expectSameDocx(makePlanDocument({ outcome, committees: loaded.dataset.committees, datasetName: loaded.dataset.name, rules: loaded.scenario.rules, settings: makeDocumentSettings(loaded.file) }));
  });

  it('for a failing plan (banner on the page and in the headers)', async () => {
    const hand = evaluatePlan(makePlanContext(loaded.dataset, loaded.scenario), [['碧波', '建南']].map((s) => s.map((n) => loaded.dataset.committees.find((c) => c.name === n)!.id)));
    const doc = makePlanDocument({ outcome: hand, committees: loaded.dataset.committees, datasetName: loaded.dataset.name, rules: loaded.scenario.rules, settings: makeDocumentSettings(loaded.file) });
    expect(doc.banner).toBeTruthy();
    await expectSameDocx(doc);
  });

  it('for every part of the layout: document number, recipient, attachments, annexes, tables, characters to escape', async () => {
    await expectSameDocx(ODD);
    await expectSameDocx({ ...ODD, banner: undefined, documentNumber: undefined, recipient: undefined, attachmentNotes: [], annexes: [] });
    await expectSameDocx({ ...ODD, attachmentNotes: ['一个'], annexes: [ODD.annexes[0]!] });
  });
});
