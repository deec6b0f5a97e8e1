/**
 * plan.xlsx made with the `exceljs` package, as render/xlsx.ts made it before it wrote the XML
 * itself: the reference tests/plan-documents-bytes.test.ts compares the hand-made workbook with.
 */
import ExcelJS from 'exceljs';
import { makeSheets, textWidth, type PlanWorkbookInput } from '../../render/xlsx.js';

/**
 * The workbook of a plan.
 * @param [input.lang='zh'] Chinese or English sheet names stay Chinese in zh, English in en
 * @returns the bytes of plan.xlsx
 */
export async function makePlanXlsx(input: PlanWorkbookInput): Promise<Buffer> {
  const lang = input.lang ?? 'zh';
  const book = new ExcelJS.Workbook();
  book.creator = 'yizhan';
  for (const spec of makeSheets(input)) {
    const sheet = book.addWorksheet(spec.name[lang], { views: [{ state: 'frozen', ySplit: 1 }] });
    const headers = spec.columns.map((c) => (lang === 'zh' ? c[0] : c[1]));
    sheet.columns = spec.columns.map((c, i) => {
      const width = Math.max(textWidth(headers[i]!), ...spec.rows.map((r) => textWidth(r[i] ?? null)));
      return { header: headers[i]!, key: `c${i}`, width: Math.min(60, Math.max(6, width + 2)), ...(c[2] ? { style: { numFmt: c[2] } } : {}) };
    });
    sheet.getRow(1).font = { bold: true };
    for (const r of spec.rows) sheet.addRow(r);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
