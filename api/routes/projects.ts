import type { FastifyInstance } from 'fastify';
import { getProject, getProjectState, listProjects, registerProject, reportProgress, setAnnualPlan, transitionProject } from '../../client/projects';
import {
  pageOf,
  ProjectListing,
  ProjectListQuery,
  ProjectParams,
  Registered,
  ReportAnswer,
  TransitionAnswer,
  type Principal,
} from '../../schemas/api';
import { AnnualPlan, ProgressReport, ProjectState, SetAnnualPlan, TransitionRequest } from '../../schemas/lifecycle';
import { ProjectInput } from '../../schemas/project';
import { AuditChain, AuditVerdict } from '../../schemas/audit';
import { GENESIS, verifyChain } from '../../domain/audit/chain';
import { EVERYONE } from '../auth';
import { allScopes, dutyOf, LEAD_DUTY, ownProjectsOnly } from '../authority';
import { forbidden } from '../errors';
import { paginate } from '../pagination';
import { withModelLag } from '../readModelLag';
import { actorOf, addRoute, type ApiDeps } from '../route';

/** The department that issues the city's annual key-project plan (发展和改革委员会). */
const PLAN_ISSUER = 'fgw';

/** Projects (重点项目): registration, listing, state with history, monthly reports, stage changes, annual plans. */
export async function projectRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { ctx } = deps;

  /** A department may report on and move only the projects it leads (牵头). */
  const reportDuty = dutyOf('填报月报', LEAD_DUTY);
  const leadDuty = dutyOf('变更项目阶段、下达年度计划', LEAD_DUTY);

  const leadDepartmentOnly = async ({ params, principal }: { params: { code: string }; principal: Principal }) => {
    if (principal.role !== 'department') return;
    const project = await getProject(ctx, params.code);
    if (project.leadDepartment !== principal.department) {
      throw forbidden(`project ${params.code} is led by ${project.leadDepartment}; a token of ${principal.department} may not change it`);
    }
  };

  /** Annual plans are the development and reform commission's to issue. */
  const planIssuerOnly = async ({ principal }: { principal: Principal }) => {
    if (principal.role === 'department' && principal.department !== PLAN_ISSUER) {
      throw forbidden(`annual plans are issued by ${PLAN_ISSUER}; a token of ${principal.department} may not set them`);
    }
  };

  addRoute(app, deps, {
    method: 'POST',
    url: '/projects',
    operationId: 'registerProject',
    summary: 'Register a key project (项目入库)',
    description: 'Starts the project\'s lifecycle under its national project code; a code can be registered once only (409).',
    tag: 'projects',
    access: ['admin'],
    body: ProjectInput,
    response: Registered,
    status: 201,
    refusals: [409],
    handler: ({ body, principal }) => registerProject(ctx, body, actorOf(principal).by),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/projects',
    operationId: 'listProjects',
    summary: 'List projects, filtered by stage, county, industry, warning light and stall',
    description: 'Read from the read model when the API has one (the answer\'s readModel says how far behind it is), else from Temporal visibility; either trails changes by a moment. Sorted by project code.',
    tag: 'projects',
    access: EVERYONE,
    narrowed: { enterprise: 'own projects' },
    query: ProjectListQuery,
    response: pageOf(ProjectListing),
    handler: ({ query, principal }) =>
      withModelLag(ctx.readModel, async () => {
        const { limit, cursor, ...filter } = query;
        const own = principal.role === 'enterprise' ? new Set(principal.enterprise?.projects ?? []) : null;
        const listed = (await listProjects(ctx, filter)).filter((p) => own === null || own.has(p.code));
        return paginate(listed, { limit, cursor }, (p) => p.code);
      }),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/projects/:code',
    operationId: 'getProject',
    summary: 'A project\'s state and history: stages, reports, warnings, stalls and supervision orders, approvals',
    tag: 'projects',
    access: EVERYONE,
    narrowed: { enterprise: 'own projects' },
    scope: ownProjectsOnly,
    params: ProjectParams,
    response: ProjectState,
    refusals: [404],
    handler: ({ params }) => getProjectState(ctx, params.code),
  });

  /** The project's audit chain (留痕), as the workflow keeps it. */
  const chainOf = async (code: string) => {
    const state = await getProjectState(ctx, code);
    const entries = state.audit ?? [];
    return { code, entries, head: entries.at(-1)?.hash ?? GENESIS };
  };

  addRoute(app, deps, {
    method: 'GET',
    url: '/projects/:code/audit',
    operationId: 'projectAudit',
    summary: "The project's tamper-evident record (留痕): every action with the hash of the one before",
    description: 'Entries carry seq, at, kind, key, actor, data, prev and hash (SHA-256 over RFC 8785 JSON); keep a copy and check it with `keyflow audit verify CODE --file`. Projects registered before the chain have none (empty).',
    tag: 'projects',
    access: EVERYONE,
    narrowed: { enterprise: 'own projects' },
    scope: ownProjectsOnly,
    params: ProjectParams,
    response: AuditChain,
    refusals: [404],
    handler: ({ params }) => chainOf(params.code),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/projects/:code/audit/verify',
    operationId: 'verifyProjectAudit',
    summary: "Checks the project's record end to end and names the first broken entry",
    tag: 'projects',
    access: EVERYONE,
    narrowed: { enterprise: 'own projects' },
    scope: ownProjectsOnly,
    params: ProjectParams,
    response: AuditVerdict,
    refusals: [404],
    handler: async ({ params }) => verifyChain((await chainOf(params.code)).entries),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/projects/:code/reports',
    operationId: 'reportProgress',
    summary: 'Record a monthly progress report (月报) or a correction of one',
    description:
      'A department reports only for projects it leads, through its lead-department officer or head; an enterprise (项目单位) files and corrects the reports of its own projects only. The actor recorded is the caller. A repeated requestId returns the first answer.',
    tag: 'projects',
    access: ['department', 'admin', 'enterprise'],
    narrowed: { department: 'lead', enterprise: 'own projects' },
    scope: allScopes(ownProjectsOnly, reportDuty),
    params: ProjectParams,
    authorize: leadDepartmentOnly,
    body: ProgressReport,
    response: ReportAnswer,
    refusals: [404, 409, 422],
    handler: ({ params, body }) => reportProgress(ctx, params.code, body),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/projects/:code/annual-plan',
    operationId: 'setAnnualPlan',
    summary: "Set the current year's planned investment (年度计划下达)",
    description:
      'The warning light is measured against it from then on. Issued by the development and reform commission (发展和改革委员会, fgw): a department token of another department is refused (403). 400 for another year or a figure above the total investment; 409 ProjectClosed.',
    tag: 'projects',
    access: ['department', 'admin'],
    narrowed: { department: 'fgw only' },
    scope: leadDuty,
    params: ProjectParams,
    authorize: planIssuerOnly,
    body: SetAnnualPlan,
    response: AnnualPlan,
    refusals: [404, 409],
    handler: ({ params, body }) => setAnnualPlan(ctx, params.code, body),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/projects/:code/transitions',
    operationId: 'transitionProject',
    summary: 'Move a project to another stage (阶段变更)',
    description:
      'Refused with 409 IllegalTransition (the move is not allowed from the current stage), ApprovalsIncomplete (joint review not finished) or ProjectClosed. A department token may move only projects its department leads.',
    tag: 'projects',
    access: ['department', 'admin'],
    narrowed: { department: 'lead' },
    scope: leadDuty,
    params: ProjectParams,
    authorize: leadDepartmentOnly,
    body: TransitionRequest,
    response: TransitionAnswer,
    refusals: [404, 409],
    handler: ({ params, body }) => transitionProject(ctx, params.code, body),
  });
}
