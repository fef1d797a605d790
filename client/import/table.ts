import { parse } from 'csv-parse/sync';
import type { FieldIssue } from '../../schemas/validation';

/** A record of the file and the line it starts on (1-based; a quoted cell may span lines). */
export interface SheetRecord {
  line: number;
  cells: string[];
}

/** The file cannot be read as a table at all: nothing in it is imported. */
export class UnreadableFile extends Error {
  override name = 'UnreadableFile';
  constructor(
    message: string,
    readonly issues: FieldIssue[],
  ) {
    super(message);
  }
}

/**
 * Excel's "Unicode text" export separates cells by tabs; everything else here by commas. The
 * first lines decide, so a tab inside one quoted cell does not.
 */
function delimiterOf(text: string): ',' | '\t' {
  const head = text.split(/\r\n|\n|\r/, 5).join('\n');
  const tabs = head.split('\t').length - 1;
  const commas = head.split(',').length - 1;
  return tabs > commas ? '\t' : ',';
}

/**
 * Splits CSV (or tab-separated) text into records, each with the line it starts on, so a
 * refusal can say "line 17" and the clerk finds the row in the file. Blank lines stay as
 * records (of one empty cell) to keep the line count exact; callers skip them.
 */
export function readRecords(text: string): { records: SheetRecord[]; delimiter: ',' | '\t' } {
  const delimiter = delimiterOf(text);
  // Parsed as bytes so that `info.bytes` (where each record ends) can be turned into lines:
  // csv-parse's own line count takes a CR LF inside a quoted cell for two lines.
  const buf = Buffer.from(text, 'utf8');
  let parsed: Array<{ record: string[]; info: { bytes: number } }>;
  try {
    parsed = parse(buf, {
      delimiter,
      info: true,
      relax_column_count: true,
      // A stray quote inside an unquoted cell (5" pipe) is text, as Excel means it.
      relax_quotes: true,
      skip_empty_lines: false,
    }) as unknown as Array<{ record: string[]; info: { bytes: number } }>;
  } catch (err) {
    const e = err as Error & { code?: string; lines?: number };
    const where = e.lines ? ` (near line ${e.lines})` : '';
    const rule = e.code === 'CSV_QUOTE_NOT_CLOSED' ? `a quoted cell is never closed${where}` : `not readable as CSV${where}: ${e.message}`;
    throw new UnreadableFile(`file: ${rule}`, [{ field: 'file', rule }]);
  }
  const records: SheetRecord[] = [];
  let line = 1;
  let offset = 0;
  for (const { record, info } of parsed) {
    records.push({ line, cells: record.map((c) => c.trim()) });
    line += lineBreaks(buf, offset, info.bytes);
    offset = info.bytes;
  }
  return { records, delimiter };
}

/** Line breaks (CR LF, LF or CR alone) in `buf[from, to)`. */
function lineBreaks(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    if (buf[i] === 0x0a) n += 1;
    else if (buf[i] === 0x0d && buf[i + 1] !== 0x0a) n += 1;
  }
  return n;
}

export function isBlank(cells: readonly string[]): boolean {
  return cells.every((c) => c === '');
}
