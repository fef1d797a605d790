import { Client, WorkflowExecutionInfo, WorkflowIdReusePolicy } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type {
  AnnualPlan,
  CloseSupervisionOrderInput,
  OpenSupervisionOrderInput,
  ProgressReportInput,
  ProjectState,
  ReapplyForReviewInput,
  ReapplyResult,
  SetAnnualPlanInput,
  SupervisionOrder,
  TransitionRequest,
} from '../schemas/lifecycle';
import { ProjectState as ProjectStateSchema, WarningLevel } from '../schemas/lifecycle';
import type { JointReviewConfig } from '../schemas/jointReview';
import type { LifecycleConfigInput } from '../schemas/lifecycleConfig';
import { loadJointReviewConfig } from '../seeds/jointReview';
import { Project, ProjectCode, ProjectInput, Stage } from '../schemas/project';
import { SA } from '../schemas/searchAttributes';
import { validate } from '../schemas/validation';
import { z } from 'zod';
import type { projectLifecycle } from '../workflows/project/workflow';
import {
  closeSupervisionOrderUpdate,
  getProjectQuery,
  openSupervisionOrderUpdate,
  getProjectStateQuery,
  projectWorkflowId,
  reapplyForReviewUpdate,
  reportProgressUpdate,
  ReportResult,
  setAnnualPlanUpdate,
  transitionUpdate,
  TransitionResult,
} from '../workflows/project/messages';
import { WorkflowNotFoundError } from '@temporalio/client';
import { shanghaiDate } from '../domain/calendar';
import { referenceIssues } from '../domain/projects/references';
import { loadReferenceData } from '../seeds';
import { backdatedIssues } from '../domain/projects/backdated';
import { ValidationError } from '../schemas/validation';
import { KeyflowError, toKeyflowError } from './errors';
import type { ReadModelSource } from '../activities/index';
import { projectListingRows } from '../projections/queries';

export interface ClientContext {
  client: Client;
  taskQueue: string;
  /** Lifecycle rules given to newly registered projects. */
  lifecycleConfig?: LifecycleConfigInput;
  /** Joint-review stages for newly registered projects; default seeds/joint-review.json. */
  jointReviewConfig?: JointReviewConfig;
  /** The clock of rules that depend on today (a project code's year); default the system clock. */
  now?: () => Date;
  /** The workers' holiday folder (KEYFLOW_HOLIDAYS_DIR), so client-side counts use the same calendar. */
  holidaysDir?: string;
  /** The read model (projections/): when set, the lists (inboxes, supervision) read it instead of every workflow. */
  readModel?: ReadModelSource;
}

/** A project workflow's search attributes at its start, before its first workflow task has run. */
export function projectStartSearchAttributes(project: Project): SearchAttributePair[] {
  return [
    { key: SA.kind, value: 'project' },
    { key: SA.projectCode, value: project.code },
    { key: SA.stage, value: project.stage },
    { key: SA.county, value: project.county },
    { key: SA.industry, value: project.industry },
    { key: SA.leadDepartment, value: project.leadDepartment },
    { key: SA.warning, value: 'green' },
    { key: SA.stalled, value: false },
  ];
}

/**
 * Registers a key project (项目入库): validates it, then starts its lifecycle workflow under
 * an id derived from the national project code, so a project can be registered once only.
 */
export async function registerProject(ctx: ClientContext, input: unknown, registeredBy: string): Promise<{ code: string; workflowId: string; runId: string }> {
  try {
    const project: Project = validate(ProjectInput, input, 'project');
    const today = shanghaiDate(ctx.now?.() ?? new Date());
    const issues = [...referenceIssues(project, loadReferenceData(), Number(today.slice(0, 4))), ...backdatedIssues(project, today)];
    if (issues.length > 0) throw new ValidationError(issues.map((i) => ({ ...i, field: `project.${i.field}` })));
    const workflowId = projectWorkflowId(project.code);
    const handle = await ctx.client.workflow.start<typeof projectLifecycle>('projectLifecycle', {
      taskQueue: ctx.taskQueue,
      workflowId,
      args: [{ project, registeredBy, config: ctx.lifecycleConfig as never, jointReview: ctx.jointReviewConfig ?? loadJointReviewConfig() }],
      // A withdrawn or finished project keeps its code: it cannot be registered again either.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      // Set at start, so listings find the project before its first workflow task has run.
      typedSearchAttributes: projectStartSearchAttributes(project),
      // Listings show names (项目名称) without asking each workflow; a name never changes.
      memo: { name: project.name },
    });
    return { code: project.code, workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    throw toKeyflowError(err, { projectCode: (input as { code?: string })?.code });
  }
}

function handleFor(ctx: ClientContext, code: string) {
  const parsed = ProjectCode.safeParse(code);
  if (!parsed.success) {
    throw new KeyflowError('ValidationFailed', `code: ${parsed.error.issues[0]?.message}`, [{ field: 'code', rule: parsed.error.issues[0]?.message ?? 'invalid' }]);
  }
  return ctx.client.workflow.getHandle(projectWorkflowId(parsed.data));
}

/**
 * A closed project's workflow has completed: say so in the project's terms. A closed project is
 * still a project (its state stays readable): a write to it is ProjectClosed, never ProjectNotFound.
 */
async function closedOr(ctx: ClientContext, code: string, err: unknown): Promise<unknown> {
  if (err instanceof WorkflowNotFoundError) {
    const described = await handleFor(ctx, code)
      .describe()
      .catch(() => null);
    if (described && described.status.name !== 'RUNNING') {
      const state = await getProjectState(ctx, code).catch(() => undefined);
      return new KeyflowError('ProjectClosed', `project ${code} is closed in stage ${state?.stage ?? 'unknown'}; nothing more can change`, [], { currentStage: state?.stage });
    }
  }
  const mapped = toKeyflowError(err, { projectCode: code });
  if (mapped instanceof KeyflowError) return mapped;
  const text = String((err as Error)?.message ?? '');
  if (/already completed|workflow execution already completed|not running/i.test(text)) {
    const state = await getProjectState(ctx, code).catch(() => undefined);
    return new KeyflowError('ProjectClosed', `project ${code} is closed in stage ${state?.stage ?? 'unknown'}; nothing more can change`);
  }
  return mapped;
}

export async function getProject(ctx: ClientContext, code: string): Promise<Project> {
  try {
    return await handleFor(ctx, code).query(getProjectQuery);
  } catch (err) {
    throw toKeyflowError(err, { projectCode: code });
  }
}

/** The project's full current state and history (stages, reports, warnings, stalls). */
export async function getProjectState(ctx: ClientContext, code: string): Promise<ProjectState> {
  try {
    return ProjectStateSchema.parse(await handleFor(ctx, code).query(getProjectStateQuery));
  } catch (err) {
    throw toKeyflowError(err, { projectCode: code });
  }
}

/** Moves a project to another stage; refused with the reason when the move is not allowed. */
export async function transitionProject(ctx: ClientContext, code: string, request: TransitionRequest): Promise<TransitionResult> {
  try {
    return await handleFor(ctx, code).executeUpdate(transitionUpdate, { args: [request] });
  } catch (err) {
    throw await closedOr(ctx, code, err);
  }
}

/** Records a monthly progress report (or a correction of one, with a reason). */
export async function reportProgress(ctx: ClientContext, code: string, report: ProgressReportInput): Promise<ReportResult> {
  try {
    return await handleFor(ctx, code).executeUpdate(reportProgressUpdate, { args: [report] });
  } catch (err) {
    throw await closedOr(ctx, code, err);
  }
}

/**
 * Sets the current year's planned investment (年度计划下达); the warning light is measured
 * against it from then on. Refused for another year, above the total investment, or on a
 * closed project.
 */
export async function setAnnualPlan(ctx: ClientContext, code: string, request: SetAnnualPlanInput): Promise<AnnualPlan> {
  try {
    return await handleFor(ctx, code).executeUpdate(setAnnualPlanUpdate, { args: [request] });
  } catch (err) {
    throw await closedOr(ctx, code, err);
  }
}

/** A supervisor opens a supervision order (督办单) on a project. */
export async function openSupervisionOrder(ctx: ClientContext, code: string, request: OpenSupervisionOrderInput): Promise<SupervisionOrder> {
  try {
    return await handleFor(ctx, code).executeUpdate(openSupervisionOrderUpdate, { args: [request] });
  } catch (err) {
    throw await closedOr(ctx, code, err);
  }
}

/** Closes a supervision order opened by hand, with a note on what was done. */
export async function closeSupervisionOrder(ctx: ClientContext, code: string, request: CloseSupervisionOrderInput): Promise<SupervisionOrder> {
  try {
    return await handleFor(ctx, code).executeUpdate(closeSupervisionOrderUpdate, { args: [request] });
  } catch (err) {
    throw await closedOr(ctx, code, err);
  }
}

/**
 * The applicant applies again for a rejected stage (重新申请), saying what was revised. Answers once
 * the new attempt's review has started (`started`), so its tasks can be acted on at once.
 */
export async function reapplyForReview(ctx: ClientContext, code: string, request: ReapplyForReviewInput): Promise<ReapplyResult> {
  try {
    return await handleFor(ctx, code).executeUpdate(reapplyForReviewUpdate, { args: [request] });
  } catch (err) {
    throw await closedOr(ctx, code, err);
  }
}

/** Filters for listing projects, all optional; combined with AND. */
export const ProjectFilter = z.object({
  stage: Stage.optional(),
  county: z.string().regex(/^(\d{6}|[a-z][a-z0-9-]+)$/, 'must be a county id').optional(),
  industry: z.string().regex(/^[a-z0-9-]+$/, 'must be an industry id').optional(),
  warning: WarningLevel.optional(),
  stalled: z.boolean().optional(),
  /** Include projects whose workflow has finished (in production, withdrawn). */
  includeClosed: z.boolean().default(true),
});
export type ProjectFilter = z.input<typeof ProjectFilter>;

/**
 * keyflow's workflows are the ones on its own task queue: another deployment (or a test) sharing
 * the namespace is not listed, and its workflows — which may have no worker to answer a query —
 * are never asked.
 */
export function onTaskQueue(taskQueue: string): string {
  return `TaskQueue = '${taskQueue.replace(/'/g, '')}'`;
}

/** Temporal visibility query for a filter. Values are validated above, so quoting is safe. */
export function projectListQuery(filter: ProjectFilter, taskQueue?: string): string {
  const f = validate(ProjectFilter, filter, 'filter');
  const parts = ["KeyflowKind = 'project'"];
  if (taskQueue) parts.push(onTaskQueue(taskQueue));
  if (f.stage) parts.push(`KeyflowStage = '${f.stage}'`);
  if (f.county) parts.push(`KeyflowCounty = '${f.county}'`);
  if (f.industry) parts.push(`KeyflowIndustry = '${f.industry}'`);
  if (f.warning) parts.push(`KeyflowWarning = '${f.warning}'`);
  if (f.stalled !== undefined) parts.push(`KeyflowStalled = ${f.stalled}`);
  if (!f.includeClosed) parts.push(`ExecutionStatus = 'Running'`);
  return parts.join(' AND ');
}

export interface ProjectListing {
  code: string;
  /** The project's name (项目名称), from the workflow's memo; absent for projects registered before it was kept there. */
  name?: string;
  stage: string;
  county: string;
  industry: string;
  warning: string;
  stalled: boolean;
  daysSinceReport: number | null;
  completionRate: number | null;
  status: string;
}

function toListing(wf: WorkflowExecutionInfo): ProjectListing {
  const sa = wf.typedSearchAttributes;
  return {
    code: sa.get(SA.projectCode) ?? wf.workflowId.replace(/^project-/, ''),
    stage: sa.get(SA.stage) ?? '',
    county: sa.get(SA.county) ?? '',
    industry: sa.get(SA.industry) ?? '',
    warning: sa.get(SA.warning) ?? 'green',
    stalled: sa.get(SA.stalled) ?? false,
    daysSinceReport: sa.get(SA.daysSinceReport) ?? null,
    completionRate: sa.get(SA.completionRate) ?? null,
    status: wf.status.name,
    ...(typeof wf.memo?.name === 'string' ? { name: wf.memo.name } : {}),
  };
}

/**
 * Lists projects from the read model when the context has one, else through Temporal visibility
 * (search attributes) — never by visiting every workflow. Sorted by project code. Either trails
 * updates by a moment.
 */
export async function listProjects(ctx: ClientContext, filter: ProjectFilter = {}): Promise<ProjectListing[]> {
  const out: ProjectListing[] = [];
  try {
    if (ctx.readModel) return await projectListingRows(ctx.readModel.model.db, validate(ProjectFilter, filter, 'filter'), ctx.now?.() ?? new Date());
    const query = projectListQuery(filter, ctx.taskQueue);
    for await (const wf of ctx.client.workflow.list({ query })) out.push(toListing(wf));
  } catch (err) {
    throw toKeyflowError(err);
  }
  return out.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
