import { QueryNotRegisteredError, WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { ReviewCalendar } from '../domain/jointReview/deadlines';
import { inboxOf, TIE_RULE } from '../domain/jointReview/urgency';
import { Slug } from '../schemas/common';
import { FailureType } from '../schemas/errors';
import {
  ActOnTaskInput,
  ResubmitInput,
  ReviewStageId,
  ReviewStageInput,
  SubmitMissingMaterialInput,
  type ActionResult,
  type ActOnTaskInputRaw,
  type DepartmentItem,
  type InboxItem,
  type ResubmitInputRaw,
  type ReviewStageInputRaw,
  type ReviewState,
  type SubmitMissingMaterialInputRaw,
} from '../schemas/jointReview';
import { SA } from '../schemas/searchAttributes';
import { validate, ValidationError } from '../schemas/validation';
import { shanghaiDate } from '../domain/calendar';
import { backdatedIssues } from '../domain/projects/backdated';
import { loadReferenceData } from '../seeds';
import { liveCalendar } from './calendar';
import {
  actOnTaskUpdate,
  departmentItemsQuery,
  getReviewStateQuery,
  requestResultQuery,
  requestUseQuery,
  resubmitUpdate,
  reviewStageWorkflowId,
  reviewStartAttributes,
  submitMissingMaterialUpdate,
} from '../workflows/review/messages';
import { ProjectCode } from '../schemas/project';
import type { ProjectState } from '../schemas/lifecycle';
import { STAGE_NAMES_ZH } from '../domain/lifecycle/stages';
import { fingerprintOf } from '../domain/requestFingerprint';
import { KeyflowError, toKeyflowError } from './errors';
import { departmentItemsFromModel } from '../projections/queries';
import { loadJointReviewConfig } from '../seeds/jointReview';
import { getProjectState, onTaskQueue, type ClientContext } from './projects';

export { TIE_RULE as INBOX_ORDER };

/**
 * Starts the review of one stage (受理 at the single window): the clock of every task starts now.
 * One review runs per project and stage at a time; after a rejection a new application may start
 * a new review under the same id. The project lifecycle normally starts reviews as its children;
 * this is for tools and tests.
 */
export async function startReviewStage(ctx: ClientContext, input: ReviewStageInputRaw): Promise<{ workflowId: string; runId: string }> {
  try {
    const req = validate(ReviewStageInput, input, 'review');
    if (req.acceptedAt !== undefined) {
      const today = shanghaiDate(ctx.now?.() ?? new Date());
      const issues = backdatedIssues({ reviewAcceptedOn: shanghaiDate(req.acceptedAt) }, today);
      if (issues.length > 0 || Date.parse(req.acceptedAt) > (ctx.now?.() ?? new Date()).getTime()) {
        throw new ValidationError([{ field: 'review.acceptedAt', rule: issues[0]?.rule ?? `must not be in the future (now ${(ctx.now?.() ?? new Date()).toISOString()})` }]);
      }
    }
    const workflowId = reviewStageWorkflowId(req.project.code, req.stage.id);
    const handle = await ctx.client.workflow.start('reviewStage', {
      taskQueue: ctx.taskQueue,
      workflowId,
      args: [req],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      // Visible to listings from the first moment, before the first workflow task runs.
      typedSearchAttributes: new TypedSearchAttributes(reviewStartAttributes(req)),
    });
    return { workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const i = input as { project?: { code?: string }; stage?: { id?: string } };
      throw new KeyflowError(FailureType.IllegalTransition, `stage ${i.stage?.id} of project ${i.project?.code} is already under review`);
    }
    throw toKeyflowError(err);
  }
}

/** The project's state, or null when no lifecycle runs for the code (a review started on its own). */
async function projectStateOrNull(ctx: ClientContext, code: string): Promise<ProjectState | null> {
  try {
    return await getProjectState(ctx, code);
  } catch (err) {
    if (err instanceof KeyflowError && err.type === FailureType.ProjectNotFound) return null;
    throw err;
  }
}

/**
 * The review workflow of the current attempt at a stage — the one every caller (API, CLI, inbox,
 * dashboard) acts on and reads. The project's state names it: after a rejection and a re-application
 * (重新申请) it is `review-<code>-<stage>-r<n>`. A review started without a project lifecycle (tools,
 * tests) has the stage's own id.
 */
export async function currentReviewId(ctx: ClientContext, projectCode: string, stageId: string): Promise<string> {
  const stage = validate(ReviewStageId, stageId, 'stageId');
  const code = validate(ProjectCode, projectCode, 'code');
  const state = await projectStateOrNull(ctx, code);
  return state?.reviews?.[stage]?.workflowId ?? reviewStageWorkflowId(code, stage);
}

async function handleOf(ctx: ClientContext, projectCode: string, stageId: string): Promise<WorkflowHandle> {
  return ctx.client.workflow.getHandle(await currentReviewId(ctx, projectCode, stageId));
}

const notFound = (projectCode: string, stageId: string): KeyflowError =>
  new KeyflowError(FailureType.NotFound, `no review of stage ${stageId} for project ${projectCode}`);

/**
 * Why a stage's review cannot be read or acted on yet: 404 when keyflow runs no review of that stage
 * for the project, 409 ReviewNotStarted with the reason when it waits for something.
 */
async function notStarted(ctx: ClientContext, projectCode: string, stageId: ReviewStageId, starting: boolean): Promise<KeyflowError> {
  const state = await projectStateOrNull(ctx, projectCode).catch(() => null);
  const status = state?.approvals[stageId];
  if (!state || status === undefined) {
    if (starting) return new KeyflowError(FailureType.ReviewNotStarted, `the review of stage ${stageId} for project ${projectCode} is starting; try again in a moment`, [], { stageId });
    return state
      ? new KeyflowError(FailureType.NotFound, `project ${projectCode} has no joint review of stage ${stageId} in keyflow (its approvals were given outside keyflow)`)
      : notFound(projectCode, stageId);
  }
  const order = ['landUsePlanning', 'engineeringPermit', 'constructionPermit'];
  const before = order.slice(0, order.indexOf(stageId)).find((id) => state.approvals[id] !== 'approved');
  const gap = [...state.calendarGaps].reverse().find((g) => g.what.startsWith(`review:${stageId}:`));
  const why =
    starting || status === 'inReview'
      ? 'its review is starting; try again in a moment'
      : gap
        ? `it could not start: ${gap.message}`
        : before
          ? `it starts once ${before} is approved (now ${state.approvals[before] ?? 'notStarted'})`
          : stageId === 'completionAcceptance'
            ? `it starts when the project is completed (竣工; now ${state.stage} ${STAGE_NAMES_ZH[state.stage]})`
            : state.stage !== 'preliminary'
              ? `it starts in preliminary work (前期; the project is in ${state.stage} ${STAGE_NAMES_ZH[state.stage]})`
              : `it has not been applied for (${status})`;
  return new KeyflowError(FailureType.ReviewNotStarted, `the review of stage ${stageId} for project ${projectCode} has not started: ${why}`, [], { stageId, status });
}

/**
 * Sends an update; when the review has already finished, a repeated request id still gets its
 * first result (from the finished workflow's state) and a new request is refused as TaskClosed.
 */
async function update<S extends z.ZodTypeAny>(
  ctx: ClientContext,
  projectCode: string,
  stageId: string,
  def: UpdateDefinition<ActionResult, [z.input<S>]>,
  schema: S,
  input: unknown,
  kind: 'actOnTask' | 'resubmit' | 'submitMissingMaterial',
): Promise<ActionResult> {
  try {
    const req = validate(schema, input, 'input') as z.input<S> & { requestId: string };
    const handle = await handleOf(ctx, projectCode, stageId);
    try {
      return await handle.executeUpdate(def, { args: [req] });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      // Not found, or no longer running: an update reaches only a running workflow.
      const described = await handle.describe().catch((e: unknown) => {
        if (e instanceof WorkflowNotFoundError) return null;
        throw e;
      });
      if (!described) throw await notStarted(ctx, projectCode, validate(ReviewStageId, stageId, 'stageId'), false);
      // A used id is answered only for the same request, as while the review ran.
      const use = await handle.query(requestUseQuery, req.requestId).catch(() => null);
      if (use && use.fingerprint !== fingerprintOf(kind, req)) {
        const rule = `was already used at ${use.at} for ${use.what}; use a new request id for a new request`;
        throw new KeyflowError(FailureType.RequestIdReused, `request id ${req.requestId} ${rule}`, [{ field: 'requestId', rule }]);
      }
      const first = await handle.query(requestResultQuery, req.requestId);
      if (first) return first;
      const state = await handle.query(getReviewStateQuery);
      throw new KeyflowError(
        FailureType.TaskClosed,
        `the review of stage ${stageId} for project ${projectCode} is finished (${state.status}): its tasks and follow-ups are closed`,
        [],
        { status: state.status },
      );
    }
  } catch (err) {
    throw toKeyflowError(err, { projectCode });
  }
}

/** A department acts on its task: approve, reject, return for supplement, approve with missing materials. */
export function actOnTask(ctx: ClientContext, projectCode: string, stageId: string, input: ActOnTaskInputRaw): Promise<ActionResult> {
  return update(ctx, projectCode, stageId, actOnTaskUpdate, ActOnTaskInput, input, 'actOnTask');
}

/** The applicant (or the single window) resubmits a task returned for supplement. */
export function resubmitTask(ctx: ClientContext, projectCode: string, stageId: string, input: ResubmitInputRaw): Promise<ActionResult> {
  return update(ctx, projectCode, stageId, resubmitUpdate, ResubmitInput, input, 'resubmit');
}

/** The applicant hands in the materials of an approval with missing materials (容缺). */
export function submitMissingMaterial(
  ctx: ClientContext,
  projectCode: string,
  stageId: string,
  input: SubmitMissingMaterialInputRaw,
): Promise<ActionResult> {
  return update(ctx, projectCode, stageId, submitMissingMaterialUpdate, SubmitMissingMaterialInput, input, 'submitMissingMaterial');
}

/** The current attempt's review of a stage; 404/409 ReviewNotStarted with the reason when there is none yet. */
export async function getReviewState(ctx: ClientContext, projectCode: string, stageId: string): Promise<ReviewState> {
  try {
    const handle = await handleOf(ctx, projectCode, stageId);
    try {
      return await handle.query(getReviewStateQuery);
    } catch (err) {
      const stage = validate(ReviewStageId, stageId, 'stageId');
      if (err instanceof WorkflowNotFoundError) throw await notStarted(ctx, projectCode, stage, false);
      // The workflow exists but has not counted its deadlines yet (or failed before it could).
      if (err instanceof QueryNotRegisteredError) throw await notStarted(ctx, projectCode, stage, true);
      throw err;
    }
  } catch (err) {
    throw toKeyflowError(err, { projectCode });
  }
}

/** The department's id, checked against the reference data (it goes into a visibility query). */
function departmentId(department: string): string {
  const id = validate(Slug, department, 'department');
  if (!loadReferenceData().departments.some((d) => d.id === id)) {
    throw new KeyflowError(FailureType.ValidationFailed, `department: unknown department "${id}"`, [{ field: 'department', rule: `unknown department "${id}"` }]);
  }
  return id;
}

const QUERY_CONCURRENCY = 8;

/**
 * The same calendar the workers answer from: notices on disk (the context's holidaysDir, i.e.
 * KEYFLOW_HOLIDAYS_DIR, else seeds/holidays), the calendar registry's loaded notices, provisional years.
 */
async function workersCalendar(ctx: ClientContext): Promise<ReviewCalendar> {
  return (await liveCalendar(ctx.client, ctx.holidaysDir)).calendar;
}

/**
 * A department's inbox (待办): its open tasks, returned tasks and open 容缺 follow-ups across
 * all projects, most urgent first (INBOX_ORDER). Visibility finds the running reviews that name
 * the department in KeyflowOpenDepartments, so no workflow is scanned; each match is then
 * queried for the department's items. Working days left are counted at `now` on `calendar`
 * (default: the worker's calendar data); null where that calendar has no data for the year.
 */
export async function departmentInbox(
  ctx: ClientContext,
  department: string,
  opts: { now?: Date; calendar?: ReviewCalendar } = {},
): Promise<InboxItem[]> {
  try {
    const id = departmentId(department);
    if (ctx.readModel) {
      const items = await departmentItemsFromModel(ctx.readModel.model.db, id, ctx.jointReviewConfig ?? loadJointReviewConfig());
      return inboxOf(items, opts.now ?? new Date(), opts.calendar ?? (await workersCalendar(ctx)));
    }
    const query = `${SA.kind.name} = 'review-stage' AND ${SA.openDepartments.name} = '${id}' AND ExecutionStatus = 'Running' AND ${onTaskQueue(ctx.taskQueue)}`;
    const matches: Array<{ workflowId: string; runId: string }> = [];
    for await (const wf of ctx.client.workflow.list({ query })) matches.push({ workflowId: wf.workflowId, runId: wf.runId });
    const items: DepartmentItem[] = [];
    for (let i = 0; i < matches.length; i += QUERY_CONCURRENCY) {
      const batch = await Promise.all(
        matches.slice(i, i + QUERY_CONCURRENCY).map(async (m) => {
          try {
            return await ctx.client.workflow.getHandle(m.workflowId, m.runId).query(departmentItemsQuery, id);
          } catch (err) {
            // Gone between the listing and the query: nothing of it is open any more.
            if (err instanceof WorkflowNotFoundError) return [];
            throw err;
          }
        }),
      );
      for (const b of batch) items.push(...b);
    }
    return inboxOf(items, opts.now ?? new Date(), opts.calendar ?? (await workersCalendar(ctx)));
  } catch (err) {
    throw toKeyflowError(err);
  }
}
