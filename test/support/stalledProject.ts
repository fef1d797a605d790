import { WorkflowIdReusePolicy } from '@temporalio/client';
import { projectStartSearchAttributes, type ClientContext } from '../../client/projects';
import type { ProjectState } from '../../schemas/lifecycle';
import { ProjectInput } from '../../schemas/project';
import { projectWorkflowId, type CarriedState, type ProjectWorkflowInput } from '../../workflows/project/messages';

const DAY_MS = 24 * 3600 * 1000;

/**
 * A project that has stood in its stage for `daysInStage` days, so that the lifecycle's own daily
 * check finds it stalled (no stage change beyond `stall.maxDaysInStage`) the moment it starts,
 * issues the supervision order (督办单), turns the light red and publishes the events — all by the
 * real workflow code, on the real server, within seconds.
 *
 * A stall takes months in real time, so the project enters the way a project carried over from an
 * earlier run does (the continue-as-new input): with its history, here a stage entered long ago.
 * Use a stage that does not report monthly (conceived, reserve, preliminary), so the stall is
 * `noStageChange` rather than a missed monthly report.
 */
export async function startStalledProject(ctx: ClientContext, input: ProjectInput, opts: { daysInStage: number; by?: string }): Promise<string> {
  const project = ProjectInput.parse(input);
  const since = new Date(Date.now() - opts.daysInStage * DAY_MS).toISOString();
  const by = opts.by ?? 'import:legacy-register';
  const state: ProjectState = {
    project,
    stage: project.stage,
    stageSince: since,
    stageHistory: [{ seq: 0, from: null, to: project.stage, at: since, by }],
    reports: [],
    orders: [],
    annualPlans: [],
    warning: { level: 'green', at: since, completionRate: 0, expectedRate: 0 },
    warningHistory: [],
    stall: null,
    stallHistory: [],
    openProblems: [],
    approvals: {},
    reviews: {},
    reviewHistory: [],
    closed: false,
    registeredAt: since,
    reportingSince: null,
    calendarGaps: [],
    lastReportAt: null,
    generation: 0,
  };
  const carried: CarriedState = { state, pendingEvents: [], answered: [], eventSeq: 0, reportDue: {} };
  const args: ProjectWorkflowInput = { project, registeredBy: by, carried };
  const workflowId = projectWorkflowId(project.code);
  await ctx.client.workflow.start('projectLifecycle', {
    taskQueue: ctx.taskQueue,
    workflowId,
    args: [args],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: projectStartSearchAttributes(project),
  });
  return workflowId;
}
