import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { renderCheckCsv, renderCheckHtml, renderTourCsv, renderTourHtml } from '../../domain/reports/rankingReport';
import type { ReportPaths, ReportRequest } from '../../schemas/rankings';

/** Where reports go when the worker is not told: `<tmp>/keyflow-reports`. */
export function defaultReportsDir(): string {
  return path.join(os.tmpdir(), 'keyflow-reports');
}

/** Writes through a temporary file and a rename, so a reader never sees half a report. */
async function writeAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await fs.writeFile(tmp, content, 'utf8');
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Renders a check or a tour as HTML and CSV (domain/reports/rankingReport.ts) into `dir`, named
 * after its id (`four-compare-2026-03.html`, `tour-<tourId>.csv`): a retried activity overwrites
 * the same two files with the same content. Returns absolute paths.
 */
export async function writeRankingReport(dir: string, req: ReportRequest): Promise<ReportPaths> {
  const root = path.resolve(dir);
  await fs.mkdir(root, { recursive: true });
  const html = path.join(root, `${req.id}.html`);
  const csv = path.join(root, `${req.id}.csv`);
  if (req.kind === 'check') {
    await writeAtomically(html, renderCheckHtml(req.result, req.counties, req.readModel));
    await writeAtomically(csv, renderCheckCsv(req.result));
  } else {
    await writeAtomically(html, renderTourHtml(req.result, req.projects));
    await writeAtomically(csv, renderTourCsv(req.result));
  }
  return { html, csv };
}
