import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ReviewChainRecord } from '../../schemas/audit';
import type { EmitRequest } from '../../schemas/events/envelope';
import type { JointReviewConfig } from '../../schemas/jointReview';
import type { LifecycleConfig } from '../../schemas/lifecycleConfig';
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
  WarningLevel,
} from '../../schemas/lifecycle';
import type { Project, Stage } from '../../schemas/project';

/** Input of the project lifecycle workflow, at registration (入库) and at every continue-as-new. */
export interface ProjectWorkflowInput {
  project: Project;
  registeredBy: string;
  /** Lifecycle rules; omitted → defaults of schemas/lifecycleConfig.ts. */
  config?: Partial<LifecycleConfig>;
  /**
   * Joint review (联审联批) stages, lead and participating departments and time limits, as the
   * city configured them when the project was registered. Without it, entering preliminary
   * work starts no review (and construction is not held back by approvals).
   */
  jointReview?: JointReviewConfig;
  /** Present when continuing as new: everything the previous run knew. */
  carried?: CarriedState;
}

/** What a run hands to the next when it continues as new. */
export interface CarriedState {
  state: ProjectState;
  pendingEvents: EmitRequest[];
  /** Results of recent requests by id, so a request repeated across the boundary is still recognised. */
  answered: Array<[string, unknown]>;
  eventSeq: number;
  reportDue: Record<string, string | null>;
  /** How many review workflows were started per stage, so a repeated review gets a fresh id. */
  reviewAttempts?: Record<string, number>;
}

export const projectWorkflowId = (code: string): string => `project-${code}`;

export interface TransitionResult {
  stage: Stage;
  seq: number;
}

export interface ReportResult {
  month: string;
  correction: boolean;
  warning: WarningLevel;
  stallCleared: boolean;
  openProblemIds: string[];
}

export const getProjectQuery = defineQuery<Project>('getProject');
export const getProjectStateQuery = defineQuery<ProjectState>('getProjectState');

/** Move a project to another stage (阶段变更). */
export const transitionUpdate = defineUpdate<TransitionResult, [TransitionRequest]>('transition');

/** Monthly progress report (月报), or a correction of one. */
export const reportProgressUpdate = defineUpdate<ReportResult, [ProgressReportInput]>('reportProgress');

/** A supervisor opens a supervision order (督办单) by hand. */
export const openSupervisionOrderUpdate = defineUpdate<SupervisionOrder, [OpenSupervisionOrderInput]>('openSupervisionOrder');

/** A supervision order opened by hand is closed with a note. */
export const closeSupervisionOrderUpdate = defineUpdate<SupervisionOrder, [CloseSupervisionOrderInput]>('closeSupervisionOrder');

/** The year's planned investment is set (年度计划下达); the warning light is measured against it. */
export const setAnnualPlanUpdate = defineUpdate<AnnualPlan, [SetAnnualPlanInput]>('setAnnualPlan');

/** The applicant applies again for a stage whose review was rejected (重新申请): a new review attempt starts. */
export const reapplyForReviewUpdate = defineUpdate<ReapplyResult, [ReapplyForReviewInput]>('reapplyForReview');

/**
 * A joint-review workflow forwards each line of its tasks' audit, and its outcome, so the
 * project's hash chain (one writer: this workflow) covers the review's actions too.
 */
export const reviewActionRecordedSignal = defineSignal<[ReviewChainRecord]>('reviewActionRecorded');
