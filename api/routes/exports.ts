import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { listOverdueApprovals, listStalledProjects, listSupervisionOrders, warningGrid } from '../../client/supervision';
import { EXPORT_LISTS, EXPORT_TITLES, exportWorkbook, type ExportList, type ExportRows } from '../../documents/supervisionExports';
import { KeyflowError } from '../../client/errors';
import { getAgenda } from '../../client/meetings';
import { latestChecks, latestTours } from '../../client/rankings';
import { FailureType } from '../../schemas/errors';
import { agendaDocument, minutesDocument } from '../../documents/meetingDocuments';
import { loadReferenceData } from '../../seeds';
import { ALL_ROLES } from '../auth';
import { MeetingParams } from './meetings';
import { addRoute, type ApiDeps } from '../route';

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** `attachment` with the Chinese file name (RFC 6266 filename*), and an ASCII one for old clients. */
export function attachment(ascii: string, chinese: string): string {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(chinese)}`;
}

/**
 * Where a plugin's handlers name the file they answer with: the name goes on the answer as
 * Content-Disposition once the file is made (encapsulated: this plugin's answers only).
 */
export function downloadNames(app: FastifyInstance): WeakMap<FastifyRequest, string> {
  const fileNames = new WeakMap<FastifyRequest, string>();
  app.addHook('onSend', async (request, reply, payload) => {
    const name = fileNames.get(request);
    if (reply.statusCode === 200 && name) void reply.header('content-disposition', name);
    return payload;
  });
  return fileNames;
}

/** Every supervisor list as an Excel file (导出): the same rows the JSON lists answer, all pages. */
export async function exportRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { ctx } = deps;
  const rowsOf: { [L in ExportList]: () => Promise<ExportRows[L]> } = {
    stalled: () => listStalledProjects(ctx),
    'overdue-approvals': () => listOverdueApprovals(ctx, { now: deps.now() }),
    orders: () => listSupervisionOrders(ctx, deps.now()),
    warnings: async () => (await warningGrid(ctx, deps.now())).counties,
  };

  const fileNames = downloadNames(app);

  addRoute(app, deps, {
    method: 'GET',
    url: '/supervision/exports/:list',
    operationId: 'exportSupervisionList',
    summary: 'A supervisor list as an Excel file (.xlsx): stalled, overdue-approvals, orders or warnings',
    description: 'Columns in Chinese, department and county names instead of ids, times in Asia/Shanghai; every row, not one page.',
    tag: 'supervision',
    access: ['supervisor', 'meetingOffice', 'admin'],
    params: z.object({ list: z.enum(EXPORT_LISTS) }),
    response: z.string(),
    produces: XLSX,
    handler: async ({ params, request }) => {
      const rows = await rowsOf[params.list]();
      fileNames.set(request, attachment(`${params.list}.xlsx`, `${EXPORT_TITLES[params.list]}.xlsx`));
      return (await exportWorkbook(params.list, rows as never, loadReferenceData(), deps.now())) as never;
    },
  });

  for (const kind of ['agenda', 'minutes'] as const) {
    addRoute(app, deps, {
      method: 'GET',
      url: `/meetings/:week/documents/${kind}`,
      operationId: kind === 'agenda' ? 'meetingAgendaDocument' : 'meetingMinutesDocument',
      summary: kind === 'agenda' ? 'The meeting\'s agenda (会议议程) as a Word document (.docx)' : 'The meeting\'s minutes (会议纪要): decisions with owner department and due date, as a Word document (.docx)',
      tag: 'meetings',
      access: ALL_ROLES,
      params: MeetingParams,
      response: z.string(),
      produces: DOCX,
      refusals: [404],
      handler: async ({ params, request }) => {
        const view = await getAgenda(ctx, params.week);
        const chinese = `${kind === 'agenda' ? '周例会议程' : '周例会会议纪要'}-${view.plan.week}.docx`;
        fileNames.set(request, attachment(`${kind}-${view.plan.week}.docx`, chinese));
        return (await (kind === 'agenda' ? agendaDocument(view) : minutesDocument(view))) as never;
      },
    });
  }

  // The ranking reports the workers publish (四比四看 checks, 观摩 tours), served from where the
  // worker wrote them: the run command's API and worker share the state folder.
  const report = async (kind: 'four-compare' | 'tours', id: string, format: 'html' | 'csv', request: FastifyRequest) => {
    const records = kind === 'four-compare' ? await latestChecks(ctx) : await latestTours(ctx);
    const found = records.find((r) => ('checkId' in r ? r.checkId : r.tourId) === id);
    const file = found?.reports[format];
    if (!file || !file.endsWith(`.${format}`) || !fs.existsSync(file)) {
      throw new KeyflowError(FailureType.NotFound, `no ${format} report of ${kind === 'four-compare' ? 'check' : 'tour'} ${id} on this server (kept: the latest published)`);
    }
    fileNames.set(request, attachment(path.basename(file), `${kind === 'four-compare' ? '四比四看' : '观摩'}-${id}.${format}`));
    return fs.readFileSync(file) as never;
  };
  for (const format of ['html', 'csv'] as const) {
    const produces = format === 'html' ? 'text/html; charset=utf-8' : 'text/csv; charset=utf-8';
    addRoute(app, deps, {
      method: 'GET',
      url: `/reports/four-compare/:checkId/${format}`,
      operationId: `fourCompareReport${format === 'html' ? 'Html' : 'Csv'}`,
      summary: `A published four-compare check's report (四比四看 评比报告) as ${format.toUpperCase()}`,
      tag: 'rankings',
      access: ['supervisor', 'meetingOffice', 'admin'],
      params: z.object({ checkId: z.string().min(1).max(80) }),
      response: z.string(),
      produces,
      refusals: [404],
      handler: ({ params, request }) => report('four-compare', params.checkId, format, request),
    });
    addRoute(app, deps, {
      method: 'GET',
      url: `/reports/tours/:tourId/${format}`,
      operationId: `tourReport${format === 'html' ? 'Html' : 'Csv'}`,
      summary: `A published inspection tour's ranking report (观摩排序) as ${format.toUpperCase()}`,
      tag: 'rankings',
      access: ['supervisor', 'meetingOffice', 'admin'],
      params: z.object({ tourId: z.string().min(1).max(80) }),
      response: z.string(),
      produces,
      refusals: [404],
      handler: ({ params, request }) => report('tours', params.tourId, format, request),
    });
  }
}
