/**
 * Bulk import of key projects (项目批量入库) from a CSV or Excel-exported CSV file as offices keep
 * them (Chinese headers, GBK or UTF-8, title rows, 合计 rows). Every row is validated first —
 * the schema, the reference data, duplicates within the file, projects already registered — and
 * the report names each refused row by its line, field, column and rule.
 *
 * What "nothing half-imported" means here: registering a project is one workflow start, so a
 * row is registered wholly or not at all. In all-or-nothing mode nothing is registered unless
 * every row is good. Registration itself cannot be undone as a batch (a registered project can
 * only be withdrawn, which is an event of its own): if the server goes away, or someone else
 * registers one of the codes, half-way through the registrations, the import stops there and
 * the report (outcome `interrupted`) lists exactly which rows were registered. Running the same
 * file again in the default mode then registers the rest: rows already registered are refused
 * as such, never registered twice.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { FailureType } from '../schemas/errors';
import type { ImportedRow, ImportMode, ImportNote, ImportReport, PendingRow, RefusedRow } from '../schemas/importProjects';
import type { ReferenceData } from '../schemas/reference';
import { loadReferenceData } from '../seeds';
import { projectWorkflowId } from '../workflows/project/messages';
import { KeyflowError } from './errors';
import { isServerUnreachable } from './unreachable';
import { parseProjectSheet, UnreadableFile, type GoodRow, type ParsedSheet } from './import/sheet';
import { registerProject, type ClientContext } from './projects';

export { parseProjectSheet, type ParsedSheet };

export type ImportPhase = 'checking' | 'registering';

export interface ImportOptions {
  /** Who registers the projects (recorded on each registration). */
  registeredBy: string;
  mode?: ImportMode;
  /** Validate (and check against registered projects) only. */
  dryRun?: boolean;
  /** The file's name, for the report. */
  file?: string;
  reference?: ReferenceData;
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
}

const CHECK_CONCURRENCY = 8;

async function isRegistered(ctx: ClientContext, code: string): Promise<boolean> {
  try {
    await ctx.client.workflow.getHandle(projectWorkflowId(code)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Rows sharing a code are all refused: which of them is right is the office's call. */
function refuseDuplicates(sheet: ParsedSheet, codeColumn: string | undefined): { good: GoodRow[]; refused: RefusedRow[] } {
  const lines = new Map<string, number[]>();
  const note = (code: string | undefined, line: number) => {
    if (code) lines.set(code, [...(lines.get(code) ?? []), line]);
  };
  sheet.good.forEach((g) => note(g.project.code, g.line));
  sheet.refused.forEach((r) => note(r.code, r.line));
  const duplicateRule = (code: string) => {
    const at = lines.get(code) ?? [];
    return at.length > 1 ? `appears on lines ${at.join(', ')}: a project is registered once, keep one row` : undefined;
  };
  const issue = (rule: string) => ({ field: 'code', ...(codeColumn ? { column: codeColumn } : {}), rule });

  const refused = sheet.refused.map((r) => {
    const rule = r.code ? duplicateRule(r.code) : undefined;
    return rule ? { ...r, issues: [...r.issues, issue(rule)] } : r;
  });
  const good: GoodRow[] = [];
  for (const g of sheet.good) {
    const rule = duplicateRule(g.project.code);
    if (rule) refused.push({ line: g.line, code: g.project.code, issues: [issue(rule)] });
    else good.push(g);
  }
  return { good, refused };
}

/**
 * Validates and (unless `dryRun`) registers the projects of a spreadsheet export. `ctx` null
 * validates offline: rows are then not checked against registered projects (say so to the user;
 * the report's `checkedRegistered` is false) and nothing can be registered.
 * Throws KeyflowError ValidationFailed when the file as a whole cannot be read (no header row,
 * a required column missing, a quote never closed): then no row is considered.
 */
export async function importProjects(ctx: ClientContext | null, bytes: Uint8Array, opts: ImportOptions): Promise<ImportReport> {
  const mode = opts.mode ?? 'partial';
  const dryRun = opts.dryRun ?? false;
  if (!ctx && !dryRun) throw new Error('importProjects: registering needs a Temporal client (ctx)');
  let sheet: ParsedSheet;
  try {
    sheet = parseProjectSheet(bytes, opts.reference ?? loadReferenceData());
  } catch (err) {
    if (err instanceof UnreadableFile) throw new KeyflowError(FailureType.ValidationFailed, err.message, err.issues);
    throw err;
  }
  const codeColumn = sheet.columns.find((c) => c.field === 'code')?.header;
  let { good, refused } = refuseDuplicates(sheet, codeColumn);
  const notes: ImportNote[] = [...sheet.notes];

  if (ctx) {
    const registered = new Set<string>();
    for (let i = 0; i < good.length; i += CHECK_CONCURRENCY) {
      const batch = good.slice(i, i + CHECK_CONCURRENCY);
      const answers = await Promise.all(batch.map((g) => isRegistered(ctx, g.project.code)));
      batch.forEach((g, j) => answers[j] && registered.add(g.project.code));
      opts.onProgress?.('checking', Math.min(i + CHECK_CONCURRENCY, good.length), good.length);
    }
    for (const g of good.filter((g) => registered.has(g.project.code))) {
      refused.push({ line: g.line, code: g.project.code, issues: [{ field: 'code', ...(codeColumn ? { column: codeColumn } : {}), rule: 'is already registered' }] });
    }
    good = good.filter((g) => !registered.has(g.project.code));
  }
  refused = refused.sort((a, b) => a.line - b.line);

  const base = {
    ...(opts.file ? { file: opts.file } : {}),
    encoding: sheet.encoding,
    headerLine: sheet.headerLine,
    mode,
    dryRun,
    rows: sheet.rows,
    good: good.length,
    notes,
    checkedRegistered: ctx !== null,
  };
  const pending = (rows: GoodRow[], why: string): PendingRow[] => rows.map((g) => ({ line: g.line, code: g.project.code, why }));

  if (dryRun) {
    return { ...base, outcome: refused.length > 0 ? 'validated' : 'complete', imported: [], refused, notImported: pending(good, 'dry run') };
  }
  if (good.length === 0 || (mode === 'allOrNothing' && refused.length > 0)) {
    const why = `all-or-nothing: ${refused.length} row(s) refused, so none is imported`;
    return { ...base, outcome: 'refused', imported: [], refused, notImported: mode === 'allOrNothing' ? pending(good, why) : [] };
  }

  const imported: ImportedRow[] = [];
  for (const [i, g] of good.entries()) {
    try {
      const r = await registerProject(ctx!, g.project, opts.registeredBy);
      imported.push({ line: g.line, code: r.code, workflowId: r.workflowId });
    } catch (err) {
      const refusal = err instanceof KeyflowError && (err.type === FailureType.ProjectAlreadyRegistered || err.type === FailureType.ValidationFailed);
      if (refusal) {
        const issues = err.issues.length > 0 ? err.issues : [{ field: 'code', rule: 'is already registered (by someone else during this import)' }];
        refused.push({ line: g.line, code: g.project.code, issues });
        refused.sort((a, b) => a.line - b.line);
        if (mode === 'partial') {
          opts.onProgress?.('registering', i + 1, good.length);
          continue;
        }
      }
      const message = (err as Error)?.message ?? String(err);
      const here = refusal ? [] : pending([g], `unknown: the registration failed without an answer (${message}); check with keyflow project show ${g.project.code}`);
      return {
        ...base,
        outcome: 'interrupted',
        imported,
        refused,
        notImported: [...here, ...pending(good.slice(i + 1), `registration stopped at line ${g.line}`)],
        interruption: { line: g.line, code: g.project.code, kind: refusal ? 'refused' : isServerUnreachable(err) ? 'unreachable' : 'error', message },
      };
    }
    opts.onProgress?.('registering', i + 1, good.length);
  }
  return { ...base, outcome: refused.length > 0 ? 'partial' : 'complete', imported, refused, notImported: [] };
}
