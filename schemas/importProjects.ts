import { z } from 'zod';

/**
 * Bulk import of key projects (项目批量入库) from the spreadsheets offices keep: what the importer
 * reports, row by row. The same report is the CLI's `--json` output and the API's answer.
 */

/** One broken rule of one row: the project field, the file's column header, and the rule. */
export const ImportIssue = z.object({
  /** The project field (`totalInvestment`, `contacts.0.phone`), or `row` for the row as a whole. */
  field: z.string(),
  /** The column header as written in the file, e.g. `总投资（万元）`, when the issue is one column's. */
  column: z.string().optional(),
  rule: z.string(),
});
export type ImportIssue = z.infer<typeof ImportIssue>;

/** A row that was not imported because it is wrong; `line` is the file line the row starts on (1-based). */
export const RefusedRow = z.object({
  line: z.number().int().positive(),
  code: z.string().optional(),
  issues: z.array(ImportIssue).min(1),
});
export type RefusedRow = z.infer<typeof RefusedRow>;

export const ImportedRow = z.object({
  line: z.number().int().positive(),
  code: z.string(),
  workflowId: z.string(),
});
export type ImportedRow = z.infer<typeof ImportedRow>;

/** A good row that was not registered, and why (dry run, all-or-nothing refusal, interruption). */
export const PendingRow = z.object({
  line: z.number().int().positive(),
  code: z.string(),
  why: z.string(),
});
export type PendingRow = z.infer<typeof PendingRow>;

/** A note that refuses nothing: an unused column, a blank or total row skipped, a month-only date. */
export const ImportNote = z.object({
  line: z.number().int().positive().optional(),
  message: z.string(),
});
export type ImportNote = z.infer<typeof ImportNote>;

/**
 * - partial: import every good row, report the bad ones (the default);
 * - allOrNothing: import nothing unless every row is good.
 */
export const ImportMode = z.enum(['partial', 'allOrNothing']);
export type ImportMode = z.infer<typeof ImportMode>;

/**
 * - complete: every row imported (or, in a dry run, every row good);
 * - partial: the good rows imported, some refused;
 * - refused: nothing imported because some row is bad (all-or-nothing), or every row is bad;
 * - validated: a dry run found bad rows; nothing was meant to be imported;
 * - interrupted: registration stopped half-way (server unreachable, or a row registered by
 *   someone else in the meantime); `imported` lists exactly what was registered.
 */
export const ImportOutcome = z.enum(['complete', 'partial', 'refused', 'validated', 'interrupted']);
export type ImportOutcome = z.infer<typeof ImportOutcome>;

export const ImportReport = z.object({
  file: z.string().optional(),
  encoding: z.enum(['utf-8', 'gb18030', 'utf-16le']),
  /** The line of the header row (title rows above it are skipped). */
  headerLine: z.number().int().positive(),
  mode: ImportMode,
  dryRun: z.boolean(),
  outcome: ImportOutcome,
  /** Data rows read (blank and total rows not counted). */
  rows: z.number().int().nonnegative(),
  /** Rows with no issue, imported or not. */
  good: z.number().int().nonnegative(),
  imported: z.array(ImportedRow),
  refused: z.array(RefusedRow),
  notImported: z.array(PendingRow),
  notes: z.array(ImportNote),
  /** Whether rows were checked against the projects already registered (needs the server). */
  checkedRegistered: z.boolean(),
  /** Set when outcome is `interrupted`: the row at which registration stopped and why. */
  interruption: z
    .object({
      line: z.number().int().positive(),
      code: z.string(),
      /** unreachable: the server did not answer · refused: the row was refused at registration · error: anything else. */
      kind: z.enum(['unreachable', 'refused', 'error']),
      message: z.string(),
    })
    .optional(),
});
export type ImportReport = z.infer<typeof ImportReport>;
