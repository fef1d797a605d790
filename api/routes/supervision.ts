import type { FastifyInstance } from 'fastify';
import { listOverdueApprovals, listStalledProjects, warningGrid } from '../../client/supervision';
import { PageQuery, pageOf, StalledProject, WarningGrid } from '../../schemas/api';
import { InboxItem } from '../../schemas/jointReview';
import { paginate } from '../pagination';
import { addRoute, type ApiDeps } from '../route';

const SUPERVISING = ['supervisor', 'meetingOffice', 'admin'] as const;

/** Supervision (督查): stalled projects with their orders (督办单), overdue approvals, warning lights per county. */
export async function supervisionRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { ctx } = deps;

  addRoute(app, deps, {
    method: 'GET',
    url: '/supervision/stalled',
    operationId: 'stalledProjects',
    summary: 'Stalled projects (停滞项目) with their open supervision orders, longest stalled first',
    tag: 'supervision',
    access: SUPERVISING,
    query: PageQuery,
    response: pageOf(StalledProject),
    handler: async ({ query }) => paginate(await listStalledProjects(ctx), query, (p) => p.code),
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
    handler: async ({ query }) =>
      paginate(await listOverdueApprovals(ctx, { now: deps.now() }), query, (i) => `${i.projectCode}/${i.stageId}/${i.department}`),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/supervision/warnings',
    operationId: 'warningGrid',
    summary: 'Warning lights (红黄绿灯) of the running projects per county, district and zone',
    tag: 'supervision',
    access: SUPERVISING,
    response: WarningGrid,
    handler: () => warningGrid(ctx, deps.now()),
  });
}
