import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { KeyflowError } from '../../client/errors';
import { getProject, listProjects, reportProgress } from '../../client/projects';
import { mapLimited, QUERY_CONCURRENCY } from '../../client/concurrency';
import { shanghaiDate } from '../../domain/calendar';
import { addMonths, monthOf } from '../../domain/lifecycle/months';
import { monthlyTemplate, readMonthlyUpload, rowRefusal } from '../../documents/monthlyReport';
import type { Principal } from '../../schemas/api';
import { MonthlyTemplateQuery, MonthlyUploadAnswer } from '../../schemas/monthlyReport';
import { actorOf, addRoute, type ApiDeps } from '../route';
import { attachment, downloadNames, XLSX } from './exports';

/** The largest template taken: a few thousand rows. */
const UPLOAD_LIMIT = 5 * 1024 * 1024;

/**
 * The monthly report for many projects at once (月报批量上报): the template to download, filled
 * in Excel, uploaded back with a report per row. A department reports for the projects it leads.
 */
export async function monthlyReportRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { ctx } = deps;
  app.addContentTypeParser(XLSX, { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT }, (_request, body, done) => done(null, body));
  const fileNames = downloadNames(app);

  /** The caller's projects: a department's those it leads, anyone else's all running ones. */
  const projectsOf = async (principal: Principal) => {
    const listed = await listProjects(ctx, { includeClosed: false });
    const projects = await mapLimited(listed, QUERY_CONCURRENCY, (p) => getProject(ctx, p.code).catch(() => undefined));
    const own = principal.role === 'enterprise' ? new Set(principal.enterprise?.projects ?? []) : null;
    return projects
      .filter((p) => p && (principal.role !== 'department' || p.leadDepartment === principal.department) && (!own || own.has(p.code)))
      .map((p) => ({ code: p!.code, name: p!.name }));
  };

  addRoute(app, deps, {
    method: 'GET',
    url: '/reports/monthly/template',
    operationId: 'monthlyReportTemplate',
    summary: 'The monthly report template (月报模板, .xlsx) with one row per project of the caller',
    tag: 'projects',
    access: ['department', 'admin', 'enterprise'],
    narrowed: { department: 'lead', enterprise: 'own projects' },
    query: MonthlyTemplateQuery,
    response: z.string(),
    produces: XLSX,
    handler: async ({ query, principal, request }) => {
      const month = query.month ?? addMonths(monthOf(shanghaiDate(deps.now())), -1);
      fileNames.set(request, attachment(`monthly-report-${month}.xlsx`, `重点项目月报-${month}.xlsx`));
      return (await monthlyTemplate(month, await projectsOf(principal))) as never;
    },
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/reports/monthly/upload',
    operationId: 'uploadMonthlyReports',
    summary: 'Upload a filled monthly report template (.xlsx): each good row is reported, each bad row answered with its line, column and rule',
    description: `Send the file as the body with Content-Type ${XLSX} (at most 5 MiB). The same file sent again is answered as before, never recorded twice.`,
    tag: 'projects',
    access: ['department', 'admin', 'enterprise'],
    narrowed: { department: 'lead', enterprise: 'own projects' },
    response: MonthlyUploadAnswer,
    handler: async ({ principal, request }) => {
      const data = request.body;
      const actor = actorOf(principal);
      if (!Buffer.isBuffer(data)) return { rows: 0, reported: [], refused: [], fileIssues: [`请以 ${XLSX} 上传填写好的模板`] };
      const { rows, fileIssues } = await readMonthlyUpload(data, actor);
      const answer: MonthlyUploadAnswer = { rows: rows.length, reported: [], refused: [], fileIssues };
      for (const row of rows) {
        if (!row.report) {
          answer.refused.push({ line: row.line, code: row.code, issues: row.issues });
          continue;
        }
        const refusal = await reportRow(row.code, row.report, principal);
        if (refusal) answer.refused.push({ line: row.line, code: row.code, issues: refusal.map((r) => rowRefusal(row.line, r.field, r.rule)) });
        else answer.reported.push({ line: row.line, code: row.code, month: row.report.month, correction: row.report.correctionReason !== undefined });
      }
      return answer;
    },
  });

  /** Reports one row; the rules it broke, or null when it was recorded. */
  async function reportRow(code: string, report: Parameters<typeof reportProgress>[2], principal: Principal): Promise<Array<{ field: string; rule: string }> | null> {
    try {
      const project = await getProject(ctx, code);
      if (principal.role === 'department' && project.leadDepartment !== principal.department) {
        return [{ field: 'code', rule: `must be a project your department leads (${code} is led by ${project.leadDepartment})` }];
      }
      if (principal.role === 'enterprise' && !(principal.enterprise?.projects ?? []).includes(code)) {
        return [{ field: 'code', rule: 'must be a project of your enterprise' }];
      }
      await reportProgress(ctx, code, report);
      return null;
    } catch (err) {
      if (!(err instanceof KeyflowError)) throw err;
      if (err.type === 'ProjectNotFound') return [{ field: 'code', rule: 'must be a registered project' }];
      return err.issues.length > 0 ? err.issues.map((i) => ({ field: i.field.replace(/^request\./, ''), rule: i.rule })) : [{ field: 'month', rule: err.message }];
    }
  }
}
