import fs from 'node:fs';
import path from 'node:path';
import type { ImportPhase } from '../../client/importProjects';
import type { ImportReport } from '../../schemas/importProjects';
import { actorName, JSON_OPTION, type Command } from '../command';
import { connect, findTarget, type Connected } from '../connect';
import { CliError, ExitCode, usageError } from '../exitCodes';
import { formatTable, say, writeJson, type Io } from '../output';
import { progress, type Progress } from '../progress';

const PHASE_LABEL: Record<ImportPhase, string> = { checking: 'checking registered projects', registering: 'registering' };

function describe(r: ImportReport): string {
  const where = `${r.file ?? 'file'}: ${r.rows} row(s), ${r.encoding.toUpperCase()}, header on line ${r.headerLine}`;
  const what: Record<ImportReport['outcome'], string> = {
    complete: r.dryRun ? `every row is good (dry run: nothing imported)` : `all ${r.imported.length} imported`,
    partial: `${r.imported.length} imported, ${r.refused.length} refused`,
    refused: `nothing imported: ${r.refused.length} row(s) refused${r.mode === 'allOrNothing' ? ' (all-or-nothing)' : ''}`,
    validated: `dry run: ${r.good} good, ${r.refused.length} refused; nothing imported`,
    interrupted: `STOPPED at line ${r.interruption?.line}: ${r.interruption?.message}; ${r.imported.length} imported before that (listed below)`,
  };
  let out = `${where} — ${what[r.outcome]}\n`;
  if (r.refused.length > 0) {
    const lines = r.refused.flatMap((row) => row.issues.map((i, k) => [k === 0 ? row.line : '', k === 0 ? (row.code ?? null) : '', i.field, i.column ?? null, i.rule] as const));
    out += `\nRefused rows\n${formatTable(['LINE', 'CODE', 'FIELD', 'COLUMN', 'RULE'], lines)}`;
  }
  if (r.outcome === 'interrupted' && r.imported.length > 0) {
    out += `\nImported before the stop\n${formatTable(['LINE', 'CODE'], r.imported.map((i) => [i.line, i.code]))}`;
  }
  if (r.outcome === 'interrupted' && r.notImported.length > 0) {
    out += `\nNot imported\n${formatTable(['LINE', 'CODE', 'WHY'], r.notImported.map((i) => [i.line, i.code, i.why]))}`;
  }
  if (r.notes.length > 0) out += `\nNotes\n${r.notes.map((n) => `  ${n.line ? `line ${n.line}: ` : ''}${n.message}`).join('\n')}\n`;
  if (!r.checkedRegistered) out += '\nNot checked against the projects already registered (no Temporal reachable).\n';
  return out;
}

function exitCodeOfReport(r: ImportReport): number {
  switch (r.outcome) {
    case 'complete':
      return ExitCode.ok;
    case 'interrupted':
      return r.interruption?.kind === 'unreachable' ? ExitCode.unreachable : r.interruption?.kind === 'refused' ? ExitCode.refused : ExitCode.unexpected;
    default:
      return ExitCode.badInput;
  }
}

/** A dry run checks against registered projects when a server is there, and validates offline when not. */
async function connectFor(io: Io, dryRun: boolean): Promise<Connected | null> {
  if (!dryRun) return connect(io.env);
  if (!findTarget(io.env)) return null;
  try {
    return await connect(io.env);
  } catch (err) {
    if (err instanceof CliError && err.exitCode === ExitCode.unreachable) {
      say(io, `keyflow: ${err.message}\nkeyflow: validating offline instead`);
      return null;
    }
    throw err;
  }
}

export const importProjectsCommand: Command = {
  words: ['import', 'projects'],
  args: ['FILE'],
  summary: 'import projects from a CSV or Excel-exported CSV file; every row validated, each bad row reported',
  usage: 'keyflow import projects FILE.csv [--all-or-nothing] [--dry-run] [--as ACTOR] [--json]',
  help: [
    '  FILE               CSV as offices keep it: Chinese headers (项目代码, 项目名称, 项目单位, 县区, 行业, 类别,',
    '                     总投资(万元), 年度计划投资(万元), 计划开工, 计划竣工, 分包市领导, 牵头部门, 联系人, 联系电话, 阶段)',
    '                     or the English field names; UTF-8 (with or without BOM), GBK/GB18030, or UTF-16 tab-separated',
    '  --all-or-nothing   import nothing unless every row is good',
    '  --dry-run          validate only (checks registered projects when a server is reachable)',
    '  --as ACTOR         who registers (default cli:<your login>)',
    '  --json             the import report as JSON',
    'Exits 0 when every row is imported (or, in a dry run, good); 2 when any row is refused (the report names',
    'line, field, column and rule); 5 when the server went away half-way (the report lists what was imported —',
    'run the same file again: rows already registered are refused as such, the rest are imported).',
    'Operator command: talks to the engines (Temporal) directly, not through the API, so it needs access to them (TEMPORAL_ADDRESS or the local stack); people act through the API (acting commands with KEYFLOW_TOKEN).',
  ].join('\n'),
  options: { 'all-or-nothing': { type: 'boolean' }, 'dry-run': { type: 'boolean' }, as: { type: 'string' }, ...JSON_OPTION },
  async run(input, io) {
    const file = input.args[0]!;
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      throw usageError(`FILE: cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    const dryRun = input.options['dry-run'] === true;
    const connected = await connectFor(io, dryRun);
    const { importProjects } = await import('../../client/importProjects');
    const bars: Partial<Record<ImportPhase, Progress>> = {};
    let report: ImportReport;
    try {
      report = await importProjects(connected?.ctx ?? null, bytes, {
        registeredBy: actorName(input),
        mode: input.options['all-or-nothing'] ? 'allOrNothing' : 'partial',
        dryRun,
        file: path.basename(file),
        onProgress: (phase, done, total) => {
          bars[phase] ??= progress(io, PHASE_LABEL[phase], total);
          bars[phase]!.update(done, total);
          if (done === total) bars[phase]!.finish();
        },
      });
    } finally {
      for (const bar of Object.values(bars)) bar.finish();
      await connected?.close().catch(() => undefined);
    }
    if (input.json) writeJson(io, report);
    else io.stdout.write(describe(report));
    return exitCodeOfReport(report);
  },
};
