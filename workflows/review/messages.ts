import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import { SA } from '../../schemas/searchAttributes';
import type {
  ActionResult,
  ActOnTaskInputRaw,
  DepartmentItem,
  JointReviewConfig,
  ResubmitInputRaw,
  ReviewProject,
  ReviewStageId,
  ReviewStageInput,
  ReviewState,
  StageOutcome,
  SubmitMissingMaterialInputRaw,
} from '../../schemas/jointReview';

/** One review per (project, stage): `review-<projectCode>-<stageId>`. */
export const reviewStageWorkflowId = (projectCode: string, stageId: ReviewStageId): string => `review-${projectCode}-${stageId}`;

/**
 * The review workflow of one attempt at a stage: the first application has the stage's own id, each
 * re-application after a rejection (重新申请) `-r<attempt>`. Callers find the current attempt in the
 * project's state (`reviews[stage].workflowId`, see client/reviews.ts `currentReviewId`).
 */
export const reviewAttemptWorkflowId = (projectCode: string, stageId: ReviewStageId, attempt: number): string =>
  attempt <= 1 ? reviewStageWorkflowId(projectCode, stageId) : `${reviewStageWorkflowId(projectCode, stageId)}-r${attempt}`;

/**
 * The input of one stage's review, from the project and the configuration. Pure, so the
 * project lifecycle may build it in workflow code from configuration it carries.
 */
export function reviewStageInput(project: ReviewProject, config: JointReviewConfig, stageId: ReviewStageId, acceptedBy: string): ReviewStageInput {
  const stage = config.stages.find((s) => s.id === stageId);
  if (!stage) throw new Error(`the joint-review configuration has no stage ${stageId}`);
  return {
    project: { code: project.code, name: project.name, county: project.county, leadDepartment: project.leadDepartment },
    stage,
    policy: config.policy,
    acceptedBy,
  };
}

/**
 * A department approves, rejects, returns for supplement or approves with missing materials.
 * Refused (nothing changes) with NotTaskOwner, TaskClosed, TaskNotFound, IllegalTransition,
 * ValidationFailed or UnknownHolidayYear. A repeated requestId returns the first result.
 */
export const actOnTaskUpdate = defineUpdate<ActionResult, [ActOnTaskInputRaw]>('actOnTask');

/** The applicant (or the single window) resubmits a returned task; the clock runs again. */
export const resubmitUpdate = defineUpdate<ActionResult, [ResubmitInputRaw]>('resubmit');

/** The applicant hands in the materials a 容缺 approval waited for. */
export const submitMissingMaterialUpdate = defineUpdate<ActionResult, [SubmitMissingMaterialInputRaw]>('submitMissingMaterial');

/** Everything about the review: tasks, deadlines, pauses, follow-ups, audit records, outcome. */
export const getReviewStateQuery = defineQuery<ReviewState>('getReviewState');

/** A department's open items in this review (the inbox reads it for each match of its visibility query). */
export const departmentItemsQuery = defineQuery<DepartmentItem[], [string]>('departmentItems');

/** What a request id was used for (its fingerprint), or null: lets a caller refuse a reused id after the review has finished. */
export const requestUseQuery = defineQuery<{ what: string; fingerprint: string; at: string } | null, [string]>('requestUse');

/** The first result of a request id, or null: lets a caller recognise a repeat after the review has finished. */
export const requestResultQuery = defineQuery<ActionResult | null, [string]>('requestResult');

/**
 * Sent to the parent workflow (the project lifecycle), by workflow id, as soon as the stage is
 * decided — before any 容缺 follow-ups are closed, since an approval with missing materials is an
 * approval. The review itself runs on until its follow-ups are closed, then returns its result.
 */
export const reviewStageOutcomeSignal = defineSignal<[StageOutcome]>('reviewStageOutcome');

/** The project was withdrawn (退库): the review cancels what is still open, with the reason, and ends. */
export const projectWithdrawnSignal = defineSignal<[{ reason: string; by: string }]>('projectWithdrawn');

/**
 * What a review is listed by from the moment it starts (kind, project, stage, lead, county, and
 * every participant's department as open: the inbox filter), so a review started by the project
 * lifecycle is in the departments' inboxes before its first workflow task has run.
 */
export function reviewStartAttributes(input: ReviewStageInput): SearchAttributePair[] {
  return [
    { key: SA.kind, value: 'review-stage' },
    { key: SA.projectCode, value: input.project.code },
    { key: SA.reviewStage, value: input.stage.id },
    { key: SA.leadDepartment, value: input.stage.leadDepartment },
    { key: SA.county, value: input.project.county },
    { key: SA.openDepartments, value: input.stage.participants.map((p) => p.department) },
  ];
}
