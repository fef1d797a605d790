/**
 * The monthly report (月报) for many projects at once: an .xlsx template with one row per project
 * (code and name filled in), and the filled file read back row by row. Each row becomes a
 * ProgressReport checked by the same schema as the form; a bad row is reported with its line, its
 * column, the rule and the rule in Chinese, and never sent. Nothing in a good row is dropped.
 */
import { createHash } from 'node:crypto';
import { amount, splitList } from '../client/import/values';
import { issueInChinese, labelOf, ruleInChinese } from '../schemas/chinese';
import { ProgressReport, type ProgressReportInput } from '../schemas/lifecycle';
import { readSheet, workbookOf } from './workbook';

/** The template's columns, in order; `field` is the ProgressReport field a column fills. */
export const MONTHLY_COLUMNS = [
  { field: 'code', header: '项目代码' },
  { field: 'name', header: '项目名称' },
  { field: 'month', header: '月份' },
  { field: 'investmentThisMonth', header: '本月完成投资（万元）' },
  { field: 'investmentToDate', header: '年度累计完成投资（万元）' },
  { field: 'physicalProgress', header: '形象进度（%）' },
  { field: 'progressNote', header: '形象进度说明' },
  { field: 'problems', header: '存在问题（多条用；分隔）' },
  { field: 'correctionReason', header: '更正理由（更正已报月份时必填）' },
] as const;

export interface RowIssue {
  line: number;
  column: string;
  field: string;
  rule: string;
  /** In Chinese: `第 4 行「本月完成投资（万元）」：须为数字`. */
  message: string;
}

export interface UploadedRow {
  line: number;
  code: string;
  report?: ProgressReportInput;
  issues: RowIssue[];
}

/** The template for `month`, one row per project. */
export function monthlyTemplate(month: string, projects: ReadonlyArray<{ code: string; name: string }>): Promise<Buffer> {
  const columns = MONTHLY_COLUMNS.map((c) => ({
    header: c.header,
    value: (p: { code: string; name: string }) => (c.field === 'code' ? p.code : c.field === 'name' ? p.name : c.field === 'month' ? month : ''),
  }));
  return workbookOf(`${month}月报`, `重点项目月报（${month}）：金额单位万元，形象进度填 0–100；请勿修改项目代码和表头`, columns, projects);
}

/** `2026-11`, `2026/11`, `2026.11`, `2026年11月` → `2026-11`; anything else as it was, for the schema to refuse. */
function monthOf(cell: string): string {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$/.exec(cell.normalize('NFKC').trim());
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}` : cell.trim();
}

/**
 * The rows of a filled template, each checked. `by` is who uploads (the actor of every report);
 * request ids come from the file's content and the line, so the same file uploaded again is
 * answered as before, never recorded twice.
 */
export async function readMonthlyUpload(data: Buffer, by: { by: string; department?: string }): Promise<{ rows: UploadedRow[]; fileIssues: string[] }> {
  let sheet: Awaited<ReturnType<typeof readSheet>>;
  try {
    sheet = await readSheet(data);
  } catch {
    return { rows: [], fileIssues: ['文件不是有效的 Excel（.xlsx）文件：请用下载的模板填写后上传'] };
  }
  const headerAt = sheet.findIndex((r) => r.cells[0]?.trim() === MONTHLY_COLUMNS[0].header);
  if (headerAt < 0) return { rows: [], fileIssues: [`找不到表头“${MONTHLY_COLUMNS[0].header}”：请用下载的模板填写`] };
  const header = sheet[headerAt]!.cells.map((c) => c.trim());
  const index = new Map<string, number>();
  const missing: string[] = [];
  for (const c of MONTHLY_COLUMNS) {
    const i = header.indexOf(c.header);
    if (i < 0 && c.field !== 'name') missing.push(c.header);
    index.set(c.field, i);
  }
  if (missing.length > 0) return { rows: [], fileIssues: [`模板缺少列：${missing.join('、')}`] };
  const fileId = createHash('sha256').update(data).digest('hex').slice(0, 16);
  const rows: UploadedRow[] = [];
  for (const { line, cells } of sheet.slice(headerAt + 1)) {
    const cell = (field: string) => (cells[index.get(field) ?? -1] ?? '').trim();
    if (MONTHLY_COLUMNS.every((c) => cell(c.field) === '' || c.field === 'name' || c.field === 'month')) continue;
    rows.push(readRow(line, cell, fileId, by));
  }
  return { rows, fileIssues: rows.length === 0 ? ['文件中没有填写任何项目的月报'] : [] };
}

function readRow(line: number, cell: (field: string) => string, fileId: string, by: { by: string; department?: string }): UploadedRow {
  const issues: RowIssue[] = [];
  const headerOf = (field: string) => MONTHLY_COLUMNS.find((c) => c.field === field)?.header ?? labelOf(field);
  const issue = (field: string, rule: string) =>
    issues.push({ line, column: headerOf(field), field, rule, message: `第 ${line} 行「${headerOf(field)}」：${ruleInChinese(rule)}` });
  const number = (field: string, what: string): number | undefined => {
    const v = cell(field).replace(/%$/, '');
    if (v === '') {
      issue(field, 'is required');
      return undefined;
    }
    const n = amount(v, 1);
    if (!n.ok) issue(field, `must be a number (${what}), got "${cell(field)}"`);
    return n.ok ? n.value : undefined;
  };
  const code = cell('code');
  const raw = {
    requestId: `upload-${fileId}-${line}`,
    month: monthOf(cell('month')),
    investmentThisMonth: number('investmentThisMonth', '万元'),
    investmentToDate: number('investmentToDate', '万元'),
    physicalProgress: number('physicalProgress', '%'),
    progressNote: cell('progressNote'),
    problems: splitList(cell('problems')).map((text) => ({ text })),
    actor: by,
    ...(cell('correctionReason') ? { correctionReason: cell('correctionReason') } : {}),
  };
  if (code === '') issue('code', 'is required');
  if (issues.length === 0) {
    const checked = ProgressReport.safeParse(raw);
    if (!checked.success) {
      for (const i of checked.error.issues) {
        const field = String(i.path[0] ?? 'month');
        const rule = i.message === 'Required' ? 'is required' : i.message;
        issues.push({ line, column: headerOf(field), field: i.path.join('.'), rule, message: `第 ${line} 行「${headerOf(field)}」：${ruleInChinese(rule)}` });
      }
    }
  }
  return { line, code, ...(issues.length === 0 ? { report: raw as ProgressReportInput } : {}), issues };
}

/** A refusal by the project's own rules (a month not yet reportable, a correction without reason …), as a row issue. */
export function rowRefusal(line: number, field: string, rule: string): RowIssue {
  const column = MONTHLY_COLUMNS.find((c) => c.field === field)?.header ?? labelOf(field);
  return { line, column, field, rule, message: `第 ${line} 行「${column}」：${issueInChinese({ field, rule }).replace(/^[^：]*：/, '')}` };
}
