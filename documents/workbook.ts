/**
 * Spreadsheets (.xlsx) people download: a title row, a header row of Chinese column names, one
 * row per item, frozen header, widths fitted to Chinese text. Written with exceljs.
 */
import ExcelJS from 'exceljs';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  /** Characters; CJK text counts double, so widths fit what Excel shows. */
  width?: number;
}

const displayWidth = (s: string): number => [...s].reduce((w, ch) => w + (/[\u2e80-\uffff]/.test(ch) ? 2 : 1), 0);

/** One sheet: `title` on the first row (e.g. 停滞项目清单（导出时间 2026-12-07 09:00）), then the table. */
export async function workbookOf<T>(sheetName: string, title: string, columns: readonly Column<T>[], rows: readonly T[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'keyflow';
  const ws = wb.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.addRow([title]);
  ws.mergeCells(1, 1, 1, Math.max(1, columns.length));
  ws.getRow(1).font = { bold: true, size: 14 };
  const header = ws.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    cell.border = { bottom: { style: 'thin' } };
  });
  for (const r of rows) ws.addRow(columns.map((c) => c.value(r) ?? ''));
  columns.forEach((c, i) => {
    const texts = [c.header, ...rows.map((r) => String(c.value(r) ?? ''))];
    ws.getColumn(i + 1).width = c.width ?? Math.min(60, Math.max(8, ...texts.map(displayWidth)) + 2);
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The rows of the first sheet as text, header row first: for reading an uploaded .xlsx or checking one. */
export async function readSheet(data: Buffer | ArrayBuffer): Promise<Array<{ line: number; cells: string[] }>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const out: Array<{ line: number; cells: string[] }> = [];
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellText(cell.value);
    });
    out.push({ line, cells: Array.from(cells, (c) => c ?? '') });
  });
  return out;
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('result' in v && v.result !== undefined) return cellText(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    return '';
  }
  return String(v).trim();
}
