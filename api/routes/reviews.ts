import type { FastifyInstance } from 'fastify';
import { getProject, reapplyForReview } from '../../client/projects';
import { actOnTask, departmentInbox, getReviewState, INBOX_ORDER, resubmitTask, submitMissingMaterial } from '../../client/reviews';
import { ReapplyForReview, ReapplyResult } from '../../schemas/lifecycle';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { DepartmentParams, PageQuery, pageOf, ReviewParams, TaskParams, type Principal } from '../../schemas/api';
import { ActionResult, ActOnTaskInput, InboxItem, ResubmitInput, ReviewState, SubmitMissingMaterialInput } from '../../schemas/jointReview';
import { ValidationError } from '../../schemas/validation';
import { forbidden, invalid } from '../errors';
import { paginate } from '../pagination';
import { withModelLag } from '../readModelLag';
import { addRoute, type ApiDeps } from '../route';

/** A department acts for itself only: its inbox and its tasks. */
const ownDepartment =
  (what: string) =>
  (principal: Principal, params: Record<string, string>): string | null =>
    principal.role === 'department' && params.dept !== principal.department
      ? `a token of ${principal.department} may not ${what} of ${params.dept}`
      : null;

/** The task is named by the path; a body that names another is a mistake, not a second choice. */
function taskBody(raw: unknown, params: { dept: string }): unknown {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const named = (raw as { department?: unknown }).department;
  if (named !== undefined && named !== params.dept) {
    throw invalid(new ValidationError([{ field: 'department', rule: `must match the task's department in the path (${params.dept}) or be left out` }]), 'body');
  }
  return { ...raw, department: params.dept };
}

const inboxKey = (i: InboxItem) => `${i.projectCode}/${i.stageId}/${i.department}/${i.kind}`;

/** Joint review (联审联批): a stage's review, a department's inbox (待办) and its actions. */
export async function reviewRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { ctx } = deps;

  addRoute(app, deps, {
    method: 'GET',
    url: '/projects/:code/reviews/:stage',
    operationId: 'getReview',
    summary: 'The review of one stage: tasks, deadlines, pauses, follow-ups, audit records, outcome',
    description: 'A department token sees only its own task of the stage (403 when it has none there).',
    tag: 'reviews',
    access: ['department', 'supervisor', 'meetingOffice', 'admin'],
    narrowed: { department: 'own task only' },
    params: ReviewParams,
    response: ReviewState,
    refusals: [404, 409],
    handler: async ({ params, principal }) => {
      const state = await getReviewState(ctx, params.code, params.stage);
      if (principal.role !== 'department') return state;
      const own = state.tasks.filter((t) => t.department === principal.department);
      if (own.length === 0) throw forbidden(`${principal.department} has no task in stage ${params.stage} of project ${params.code}`);
      return { ...state, tasks: own };
    },
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/projects/:code/reviews/:stage/reapplication',
    operationId: 'reapplyForReview',
    summary: 'Apply again for a rejected stage (重新申请): a new review attempt starts with fresh tasks for every department',
    description:
      'After a rejection the stage waits, rejected with its reasons, until the applicant has revised and applies again. For the single window (一窗受理) or the project\'s lead department; the note says what was revised. 409 IllegalTransition when the stage is not rejected or the project is not in the stage where it is applied for.',
    tag: 'reviews',
    access: ['department', 'admin'],
    narrowed: { department: 'single window or lead' },
    params: ReviewParams,
    authorize: async ({ params, principal }) => {
      if (principal.role !== 'department') return;
      const singleWindow = loadJointReviewConfig().policy.singleWindow;
      if (principal.department === singleWindow) return;
      const project = await getProject(ctx, params.code);
      if (project.leadDepartment !== principal.department) {
        throw forbidden(`only the single window (${singleWindow}) or the lead department (${project.leadDepartment}) may apply again; a token of ${principal.department} may not`);
      }
    },
    prepareBody: (raw, params) => (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw, stageId: params.stage } : raw),
    body: ReapplyForReview,
    bodyDoc: ReapplyForReview.omit({ stageId: true }),
    response: ReapplyResult,
    refusals: [404, 409],
    handler: ({ params, body }) => reapplyForReview(ctx, params.code, body),
  });

  addRoute(app, deps, {
    method: 'GET',
    url: '/departments/:dept/inbox',
    operationId: 'departmentInbox',
    summary: 'A department\'s inbox (待办): open tasks, returned tasks and open 容缺 follow-ups, most urgent first',
    description: `Order: ${INBOX_ORDER}. A department token reads only its own inbox.`,
    tag: 'reviews',
    access: ['department', 'supervisor', 'admin'],
    narrowed: { department: 'own' },
    scope: ownDepartment('read the inbox'),
    params: DepartmentParams,
    query: PageQuery,
    response: pageOf(InboxItem),
    handler: ({ params, query }) => withModelLag(ctx.readModel, async () => paginate(await departmentInbox(ctx, params.dept, { now: deps.now() }), query, inboxKey)),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/projects/:code/reviews/:stage/tasks/:dept/actions',
    operationId: 'actOnTask',
    summary: 'A department approves, rejects, returns for supplement or approves with missing materials (容缺)',
    description:
      'The task is the department\'s in the path; a department token acts only on its own tasks, and `actor.department` defaults to it. A repeated requestId returns the first answer.',
    tag: 'reviews',
    // An administrator is no department: the task's decision is the department's own people's.
    access: ['department'],
    narrowed: { department: 'own' },
    scope: ownDepartment('act on the tasks'),
    params: TaskParams,
    prepareBody: taskBody,
    body: ActOnTaskInput,
    bodyDoc: ActOnTaskInput.innerType().omit({ department: true }),
    response: ActionResult,
    refusals: [404, 409, 422],
    handler: ({ params, body }) => actOnTask(ctx, params.code, params.stage, body),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/projects/:code/reviews/:stage/tasks/:dept/resubmission',
    operationId: 'resubmitTask',
    summary: 'The single window (一窗受理) resubmits a task returned for supplement (补正); its clock runs again',
    description: 'Only the single window department (policy.singleWindow) or an admin acting for the applicant may; others get 403 NotTaskOwner.',
    tag: 'reviews',
    access: ['department', 'admin'],
    narrowed: { department: 'single window' },
    params: TaskParams,
    prepareBody: taskBody,
    body: ResubmitInput,
    bodyDoc: ResubmitInput.omit({ department: true }),
    response: ActionResult,
    refusals: [404, 409, 422],
    handler: ({ params, body }) => resubmitTask(ctx, params.code, params.stage, body),
  });

  addRoute(app, deps, {
    method: 'POST',
    url: '/projects/:code/reviews/:stage/tasks/:dept/missing-materials',
    operationId: 'submitMissingMaterial',
    summary: 'The single window hands in the materials an approval with missing materials (容缺) waited for',
    description: 'Only the single window department or an admin acting for the applicant may; others get 403 NotTaskOwner.',
    tag: 'reviews',
    access: ['department', 'admin'],
    narrowed: { department: 'single window' },
    params: TaskParams,
    prepareBody: taskBody,
    body: SubmitMissingMaterialInput,
    bodyDoc: SubmitMissingMaterialInput.omit({ department: true }),
    response: ActionResult,
    refusals: [404, 409, 422],
    handler: ({ params, body }) => submitMissingMaterial(ctx, params.code, params.stage, body),
  });
}
