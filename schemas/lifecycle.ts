import { AuditEntry } from './audit';
import { z } from 'zod';
import { Actor, Instant, LocalDate, Reason, RequestId, Text, Wan, YearMonth } from './common';
import { ReviewStageId } from './jointReview';
import { ProjectShape, Stage } from './project';

/** Traffic-light warning (红黄绿灯) on investment progress against the annual plan. */
export const WarningLevel = z.enum(['green', 'yellow', 'red']);
export type WarningLevel = z.infer<typeof WarningLevel>;

/** A request to move a project to another stage (阶段变更). */
export const TransitionRequest = z.object({
  requestId: RequestId,
  to: Stage,
  actor: Actor,
  /** Required when going back a stage or withdrawing (退库). */
  reason: Reason.optional(),
});
export type TransitionRequest = z.input<typeof TransitionRequest>;

/** A problem needing coordination (存在问题), raised in a monthly report. */
export const ProblemInput = z.object({
  text: z.string().trim().min(2, 'must describe the problem in at least 2 characters').max(1000),
  /** Department expected to solve it. */
  department: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a department id').optional(),
});

/** The monthly progress report (月报). Amounts in 万元. */
export const ProgressReport = z.object({
  requestId: RequestId,
  month: YearMonth,
  investmentThisMonth: Wan,
  /** Cumulative investment completed this year (年度累计完成投资). */
  investmentToDate: Wan,
  /** Physical progress (形象进度), 0–100 %. */
  physicalProgress: z.number().min(0, 'must be at least 0').max(100, 'must be at most 100'),
  progressNote: z.string().trim().max(2000).default(''),
  problems: z.array(ProblemInput).max(20).default([]),
  /** Ids of earlier problems this report says are solved. */
  resolvedProblemIds: z.array(z.string()).default([]),
  actor: Actor,
  /** Set when re-reporting a month already reported: a correction must say why. */
  correctionReason: Reason.optional(),
});
export type ProgressReportInput = z.input<typeof ProgressReport>;
export type ProgressReport = z.output<typeof ProgressReport>;

export const OpenProblem = z.object({
  id: z.string(),
  text: z.string(),
  department: z.string().optional(),
  raisedIn: YearMonth,
  raisedAt: Instant,
});
export type OpenProblem = z.infer<typeof OpenProblem>;

export const StageChange = z.object({
  seq: z.number().int(),
  from: Stage.nullable(),
  to: Stage,
  at: Instant,
  by: z.string(),
  reason: z.string().optional(),
});
export type StageChange = z.infer<typeof StageChange>;

export const RecordedReport = z.object({
  month: YearMonth,
  investmentThisMonth: Wan,
  investmentToDate: Wan,
  physicalProgress: z.number(),
  progressNote: z.string(),
  problemIds: z.array(z.string()),
  reportedAt: Instant,
  by: z.string(),
  /** Earlier versions of this month's report, newest last, each with why it was replaced. */
  corrections: z.array(z.object({ replacedAt: Instant, by: z.string(), reason: z.string(), previous: z.object({ investmentThisMonth: Wan, investmentToDate: Wan, physicalProgress: z.number() }) })),
});
export type RecordedReport = z.infer<typeof RecordedReport>;

export const WarningChange = z.object({
  level: WarningLevel,
  at: Instant,
  /** Cumulative investment this year ÷ annual plan (年度计划投资完成率). */
  completionRate: z.number(),
  /** The pro-rata share of the annual plan expected by now. */
  expectedRate: z.number(),
});
export type WarningChange = z.infer<typeof WarningChange>;

/** A supervision order (督办单) issued when a project stalls. */
export const SupervisionOrder = z.object({
  id: z.string(),
  issuedAt: Instant,
  /** Null when the calendar cannot count the working days yet (holiday notice missing). */
  dueDate: LocalDate.nullable(),
  /** Who must act: the lead department, the responsible leader, the supervisors' office. */
  escalatedTo: z.array(z.string()),
  reason: z.string(),
  closedAt: Instant.optional(),
  closedBecause: z.string().optional(),
});
export type SupervisionOrder = z.infer<typeof SupervisionOrder>;

/** A supervisor opens a supervision order (督办单) on a project by hand. */
export const OpenSupervisionOrder = z.object({
  requestId: RequestId,
  actor: Actor,
  reason: Reason,
  /** Working days the escalated parties have; default the lifecycle configuration's. */
  dueInWorkingDays: z.number().int('must be a whole number').min(1, 'must be at least 1').max(60, 'must be at most 60').optional(),
  /** Who must act besides the supervisors; default the lead department and the responsible leader. */
  escalateTo: z.array(z.string().trim().min(1)).max(10).optional(),
});
export type OpenSupervisionOrderInput = z.input<typeof OpenSupervisionOrder>;

/** Closing a supervision order needs a note on what was done. */
export const CloseSupervisionOrder = z.object({
  requestId: RequestId,
  actor: Actor,
  orderId: z.string().min(1, 'must name the order'),
  note: Text(z.string().trim().min(2, 'must say what was done, in at least 2 characters').max(2000)),
});
export type CloseSupervisionOrderInput = z.input<typeof CloseSupervisionOrder>;

/**
 * The year's planned investment (年度计划投资) as the city's annual key-project plan sets it
 * (年度计划下达). It replaces the figure the warning light measures the year's investment
 * against. Only for the current year: a plan is set for the year it covers.
 */
export const SetAnnualPlan = z.object({
  requestId: RequestId,
  actor: Actor,
  year: z.number({ invalid_type_error: 'must be a year, e.g. 2026' }).int('must be a whole year').min(2000, 'must be 2000 or later').max(2100, 'must be 2100 or earlier'),
  annualPlannedInvestment: Wan,
  reason: Reason.optional(),
});
export type SetAnnualPlanInput = z.input<typeof SetAnnualPlan>;

/** One annual plan set on a project, with the figure it replaced. */
export const AnnualPlan = z.object({
  year: z.number().int(),
  annualPlannedInvestment: z.number(),
  previous: z.number(),
  setAt: Instant,
  by: z.string(),
  reason: z.string().optional(),
});
export type AnnualPlan = z.infer<typeof AnnualPlan>;

export const StallReason = z.enum(['noReport', 'noStageChange']);
export type StallReason = z.infer<typeof StallReason>;

export const Stall = z.object({
  reason: StallReason,
  since: Instant,
  detail: z.string(),
  order: SupervisionOrder,
  /** For a noReport stall: the month whose report was missing; only a report for it or a later month clears the stall. */
  month: z.string().optional(),
  clearedAt: Instant.optional(),
  clearedBy: z.string().optional(),
});
export type Stall = z.infer<typeof Stall>;

/** Joint-review progress as the project sees it, per review stage id. */
/** withdrawn: the review was open when the project was withdrawn (退库), and was closed with it. */
export const ApprovalStatus = z.enum(['notStarted', 'inReview', 'approved', 'rejected', 'withdrawn']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

/** A department's rejection (不予许可) of a stage, with its reason. */
export const ReviewRejection = z.object({ department: z.string(), by: z.string(), reason: z.string(), at: Instant });

/**
 * One attempt at a stage's joint review (联审联批) as the project tracks it. After a rejection the
 * stage waits for the applicant to revise and apply again (重新申请); each application is a new
 * attempt with a review workflow of its own (`review-<code>-<stage>`, then `…-r2`, `…-r3`).
 */
export const ReviewAttempt = z.object({
  stageId: ReviewStageId,
  attempt: z.number().int().positive(),
  /** The review workflow of this attempt: every caller addresses the stage's review through it. */
  workflowId: z.string(),
  status: ApprovalStatus,
  startedAt: Instant,
  decidedAt: Instant.optional(),
  rejections: z.array(ReviewRejection).default([]),
  /** The re-application that ended this attempt's wait after its rejection. */
  reapplied: z.object({ at: Instant, by: z.string(), note: z.string() }).optional(),
});
export type ReviewAttempt = z.infer<typeof ReviewAttempt>;

/** The applicant applies again for a rejected stage (重新申请), after revising what the reasons named. */
export const ReapplyForReview = z.object({
  requestId: RequestId,
  actor: Actor,
  stageId: ReviewStageId,
  /** What was revised since the rejection. */
  note: Reason,
});
export type ReapplyForReviewInput = z.input<typeof ReapplyForReview>;

/** The answer to a re-application: the new attempt and the review workflow that runs it. */
export const ReapplyResult = z.object({
  stageId: ReviewStageId,
  attempt: z.number().int().positive(),
  workflowId: z.string(),
  /** Whether the new attempt's review had started when the answer was given. */
  started: z.boolean(),
});
export type ReapplyResult = z.infer<typeof ReapplyResult>;

/** Everything a supervisor may ask of a project at any moment (the `getProjectState` query). */
export const ProjectState = z.object({
  /**
   * The project's tamper-evident record (domain/audit/chain.ts): one entry per action, each with the
   * hash of the one before. Absent in runs started before the chain (patch project-audit-chain).
   */
  audit: z.array(AuditEntry).optional(),
  project: ProjectShape,
  stage: Stage,
  stageSince: Instant,
  stageHistory: z.array(StageChange),
  reports: z.array(RecordedReport),
  warning: WarningChange,
  warningHistory: z.array(WarningChange),
  stall: Stall.nullable(),
  stallHistory: z.array(Stall),
  /** Supervision orders opened by hand (those of stalls are under `stall`/`stallHistory`). */
  orders: z.array(SupervisionOrder).default([]),
  /** Annual plans set after registration (the registered figure stands until one is). */
  annualPlans: z.array(AnnualPlan).default([]),
  openProblems: z.array(OpenProblem),
  approvals: z.record(z.string(), ApprovalStatus),
  /** The current attempt of each stage's review; earlier attempts are in `reviewHistory`. */
  reviews: z.record(z.string(), ReviewAttempt).default({}),
  reviewHistory: z.array(ReviewAttempt).default([]),
  closed: z.boolean(),
  registeredAt: Instant,
  /** When the project first entered a stage that reports monthly (started or later). */
  reportingSince: Instant.nullable(),
  /** Deadlines the calendar could not count yet, and why (e.g. next year's notice missing). */
  calendarGaps: z.array(z.object({ what: z.string(), message: z.string(), at: Instant })),
  lastReportAt: Instant.nullable(),
  /** How many times the workflow continued as new, carrying this state. */
  generation: z.number().int(),
});
export type ProjectState = z.infer<typeof ProjectState>;
