import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { closeSupervisionOrder, getProject, openSupervisionOrder } from '../../client/projects';
import { escalationIssues } from '../../domain/supervision';
import { loadReferenceData } from '../../seeds';
import { ValidationError } from '../../schemas/validation';
import { invalid } from '../errors';
import { listOverdueApprovals, listStalledProjects, listSupervisionOrders, warningGrid } from '../../client/supervision';
import { SupervisionOrderEntry, SupervisionOrderQuery } from '../../schemas/supervision';
import { ProjectParams } from '../../schemas/api';
import { CloseSupervisionOrder, OpenSupervisionOrder, SupervisionOrder } from '../../schemas/lifecycle';
import { ProjectCode } from '../../schemas/project';
import { PageQuery, pageOf, StalledProject, WarningGrid } from '../../schemas/api';
import { InboxItem } from '../../schemas/jointReview';
import { paginate } from '../pagination';
import { withModelLag } from '../readModelLag';
import { addRoute, type ApiDeps } from '../route';

const SUPERVISING = ['supervisor', 'meetingOffice', 'admin'] as const;

/** Supervision (督查): stalled projects with their orders (督办单), overdue approvals, warning lights per county. */
export async function supervisionRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { ctx } = deps;
  const departments = new Set(loadReferenceData().departments.map((d) => d.id));

  addRoute(app, deps, {
    method: 'GET',
    url: '/supervision/stalled',
    operationId: 'stalledProjects',
    summary: 'Stalled projects (停滞项目) with their open supervision orders, longest stalled first',
    tag: 'supervision',
    access: SUPERVISING,
    query: PageQuery,
    response: pageOf(StalledProject),
    handler: ({ query }) => withModelLag(ctx.readModel, async () => paginate(await listStalledProjects(ctx), query, (p) => p.code)),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/supervision/orders',
    operationId: 'supervisionOrders',
    summary: 'Every supervision order (督办单), automatic (停滞) and opened by hand, with its due date and state; overdue first',
    tag: 'supervision',
    access: SUPERVISING,
    query: PageQuery.merge(SupervisionOrderQuery),
    response: pageOf(SupervisionOrderEntry),
    refusals: [404],
    handler: ({ query }) =>
      withModelLag(ctx.readModel, async () => {
        const all = await listSupervisionOrders(ctx, deps.now(), query.code ? { code: query.code } : {});
        const chosen = all.filter((o) => (!query.state || o.state === query.state) && (!query.origin || o.origin === query.origin));
        return paginate(chosen, query, (o) => `${o.project.code}/${o.id}`);
      }),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/supervision/overdue-approvals',
    operationId: 'overdueApprovals',
    summary: 'Review tasks past their deadline (审批超时), most overdue first',
    tag: 'supervision',
    access: SUPERVISING,
    query: PageQuery,
    response: pageOf(InboxItem),
    handler: ({ query }) =>
      withModelLag(ctx.readModel, async () => paginate(await listOverdueApprovals(ctx, { now: deps.now() }), query, (i) => `${i.projectCode}/${i.stageId}/${i.department}`)),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/supervision/warnings',
    operationId: 'warningGrid',
    summary: 'Warning lights (红黄绿灯) of the running projects per county, district and zone',
    tag: 'supervision',
    access: SUPERVISING,
    response: WarningGrid,
    handler: () => withModelLag(ctx.readModel, () => warningGrid(ctx, deps.now())),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/projects/:code/supervision-orders',
    operationId: 'openSupervisionOrder',
    summary: 'Open a supervision order (督办单) on a project, with a reason and a due date in working days',
    description:
      'For the supervisors (督查) and admins. Refused with 409 ProjectClosed on a closed project. The order goes to the supervisors and, unless escalateTo says otherwise, the lead department and the responsible leader; escalateTo may name only departments of the reference data (GET /reference) or the project\'s responsible leader (400 otherwise).',
    tag: 'supervision',
    access: ['supervisor', 'admin'],
    params: ProjectParams,
    body: OpenSupervisionOrder,
    response: SupervisionOrder,
    status: 201,
    refusals: [404, 409],
    handler: async ({ params, body }) => {
      if (body.escalateTo !== undefined) {
        const project = await getProject(ctx, params.code);
        const issues = escalationIssues(body.escalateTo, departments, project.responsibleLeader);
        if (issues.length > 0) throw invalid(new ValidationError(issues), 'body');
      }
      return openSupervisionOrder(ctx, params.code, body);
    },
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/projects/:code/supervision-orders/:orderId/close',
    operationId: 'closeSupervisionOrder',
    summary: 'Close a supervision order opened by hand, with a note on what was done',
    description: 'For the supervisors (督查) and admins.',
    tag: 'supervision',
    access: ['supervisor', 'admin'],
    params: z.object({ code: ProjectCode, orderId: z.string().min(1) }),
    prepareBody: (raw, params) => (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw, orderId: params.orderId } : raw),
    body: CloseSupervisionOrder,
    bodyDoc: CloseSupervisionOrder.omit({ orderId: true }),
    response: SupervisionOrder,
    refusals: [404, 409],
    handler: ({ params, body }) => closeSupervisionOrder(ctx, params.code, body),
  });
}
