/**
 * A whole spreadsheet export → its rows as registrations or refusals, without a server: the
 * encoding, the header row (title rows above it skipped), the columns, then every row.
 */
import type { ImportIssue, ImportNote, RefusedRow } from '../../schemas/importProjects';
import type { ReferenceData } from '../../schemas/reference';
import type { Project } from '../../schemas/project';
import { Column, columnOf, headerWords, looksLikeHeader, REQUIRED_COLUMNS } from './columns';
import { decodeSpreadsheetText, type TextEncodingName } from './decode';
import { rowToProject } from './rowToProject';
import { isBlank, readRecords, UnreadableFile } from './table';

export { UnreadableFile };

/** A row that breaks no rule on its own (duplicates and registrations are checked later). */
export interface GoodRow {
  line: number;
  project: Project;
}

export interface ParsedSheet {
  encoding: TextEncodingName;
  headerLine: number;
  columns: Column[];
  /** Data rows read, good and bad (blank and total rows not counted). */
  rows: number;
  good: GoodRow[];
  refused: RefusedRow[];
  notes: ImportNote[];
}

/** How far down a title block may push the header row. */
const HEADER_SEARCH_ROWS = 10;

/** 合计 / 总计 / 小计 rows sum the amounts above them: not projects. */
function isTotalRow(cells: readonly string[]): boolean {
  const first = cells.find((c) => c !== '') ?? '';
  return /^(合计|总计|小计|total)/i.test(first.replace(/\s+/g, ''));
}

export function parseProjectSheet(bytes: Uint8Array, ref: ReferenceData): ParsedSheet {
  const { text, encoding } = decodeSpreadsheetText(bytes);
  const { records } = readRecords(text);

  const headerAt = records.slice(0, HEADER_SEARCH_ROWS).findIndex((r) => looksLikeHeader(r.cells));
  if (headerAt < 0) {
    const rule =
      `no header row found in the first ${HEADER_SEARCH_ROWS} rows: expected a row naming the columns, ` +
      `e.g. 项目代码, 项目名称, 项目单位, 县区 … (or code, name, owner, county …)`;
    throw new UnreadableFile(`file: ${rule}`, [{ field: 'header', rule }]);
  }
  const header = records[headerAt]!;
  const columns = header.cells.map((h, i) => columnOf(h, i));

  const problems: ImportIssue[] = [];
  const seen = new Map<string, Column>();
  for (const c of columns) {
    if (!c.field) continue;
    const first = seen.get(c.field);
    if (first) problems.push({ field: c.field, column: c.header, rule: `columns "${first.header}" and "${c.header}" both give ${c.field}` });
    else seen.set(c.field, c);
  }
  for (const field of REQUIRED_COLUMNS) {
    if (!seen.has(field)) problems.push({ field, rule: `no column for ${field} (header ${headerWords(field)})` });
  }
  if (problems.length > 0) {
    throw new UnreadableFile(
      `header (line ${header.line}): ${problems.map((p) => p.rule).join('; ')}`,
      problems.map((p) => ({ field: `header.${p.field}`, rule: p.rule })),
    );
  }

  const notes: ImportNote[] = columns
    .filter((c) => c.field === null && !c.ignored)
    .map((c) => ({ line: header.line, message: `column "${c.header}" is not used` }));
  const good: GoodRow[] = [];
  const refused: RefusedRow[] = [];
  let rows = 0;
  /** The same note for many rows is one note naming the lines. */
  const rowNotes = new Map<string, number[]>();
  for (const record of records.slice(headerAt + 1)) {
    if (isBlank(record.cells)) continue;
    if (isTotalRow(record.cells)) {
      notes.push({ line: record.line, message: 'a total row (合计), skipped' });
      continue;
    }
    rows += 1;
    const r = rowToProject(ref, columns, record);
    for (const n of r.notes) {
      const key = `${n.column}: ${n.message}`;
      rowNotes.set(key, [...(rowNotes.get(key) ?? []), r.line]);
    }
    if (r.project) good.push({ line: r.line, project: r.project });
    else refused.push({ line: r.line, ...(r.code ? { code: r.code } : {}), issues: r.issues });
  }
  for (const [message, lines] of rowNotes) {
    notes.push(lines.length === 1 ? { line: lines[0]!, message } : { message: `${message} (lines ${ranges(lines)})` });
  }
  return { encoding, headerLine: header.line, columns, rows, good, refused, notes };
}

/** [2, 3, 4, 9] → `2–4, 9`. */
function ranges(lines: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    out.push(j === i ? String(lines[i]) : `${lines[i]}–${lines[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}
