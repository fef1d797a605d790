import { z } from 'zod';
import { Sha256Hex } from '../audit';
import { Instant, LocalDate, YearMonth } from '../common';
import { ReviewStageId } from '../jointReview';
import { OpenProblem, StallReason, SupervisionOrder, WarningLevel } from '../lifecycle';
import { ProjectInput, Stage } from '../project';

/** `cn.keyflow.project.registered` (项目入库): the project as registered. */
export const ProjectRegistered = z.object({
  /** The project's audit chain head after this action (GET /projects/{code}/audit verifies against it). */
  auditHead: Sha256Hex.optional(),
  project: ProjectInput,
  registeredBy: z.string(),
});
export type ProjectRegistered = z.infer<typeof ProjectRegistered>;

/** `cn.keyflow.project.stageChanged` (阶段变更). */
export const StageChanged = z.object({
  /** The project's audit chain head after this action (GET /projects/{code}/audit verifies against it). */
  auditHead: Sha256Hex.optional(),
  seq: z.number().int(),
  from: Stage,
  to: Stage,
  by: z.string(),
  reason: z.string().optional(),
  county: z.string(),
});

/** `cn.keyflow.project.progressReported` (月报). */
export const ProgressReported = z.object({
  /** The project's audit chain head after this action (GET /projects/{code}/audit verifies against it). */
  auditHead: Sha256Hex.optional(),
  month: YearMonth,
  investmentThisMonth: z.number(),
  investmentToDate: z.number(),
  physicalProgress: z.number(),
  completionRate: z.number(),
  correction: z.boolean(),
  correctionReason: z.string().optional(),
  problemsRaised: z.array(OpenProblem),
  problemsResolved: z.array(z.string()),
  by: z.string(),
  county: z.string(),
});

/** `cn.keyflow.project.warningChanged` (红黄绿灯预警). */
export const WarningChanged = z.object({
  from: WarningLevel,
  to: WarningLevel,
  completionRate: z.number(),
  expectedRate: z.number(),
  county: z.string(),
});

/** `cn.keyflow.project.stalled` (项目停滞). */
export const ProjectStalled = z.object({
  reason: StallReason,
  since: Instant,
  detail: z.string(),
  orderId: z.string(),
  county: z.string(),
  leadDepartment: z.string(),
});

/** `cn.keyflow.project.stallCleared`. */
export const StallCleared = z.object({
  reason: StallReason,
  since: Instant,
  clearedAt: Instant,
  clearedBy: z.string(),
  orderId: z.string(),
});

/** `cn.keyflow.project.annualPlanSet` (年度计划下达): the year's planned investment changed. */
export const AnnualPlanSet = z.object({
  /** The project's audit chain head after this action (GET /projects/{code}/audit verifies against it). */
  auditHead: Sha256Hex.optional(),
  year: z.number().int(),
  annualPlannedInvestment: z.number(),
  previous: z.number(),
  by: z.string(),
  reason: z.string().optional(),
  county: z.string(),
});

/** `cn.keyflow.project.calendarGap`: a deadline could not be counted because a year's holiday notice is missing. */
export const CalendarGapRaised = z.object({ what: z.string(), message: z.string() });

/** `cn.keyflow.project.reviewReapplied` (重新申请): a rejected stage is applied for again; its new review attempt starts. */
export const ReviewReapplied = z.object({
  /** The project's audit chain head after this action (GET /projects/{code}/audit verifies against it). */
  auditHead: Sha256Hex.optional(),
  stageId: ReviewStageId,
  /** The attempt the re-application starts (2 for the first re-application). */
  attempt: z.number().int().positive(),
  workflowId: z.string(),
  by: z.string(),
  note: z.string(),
  county: z.string(),
});

/**
 * `cn.keyflow.project.reviewActionChained` (审批记录上链): a joint review's action or outcome, forwarded by
 * the review, appended to the project's audit chain. The review's own events cannot carry the project's
 * head (the review emits before the project appends), so this event does: a consumer of the projects
 * topic sees the head after every entry, review lines included.
 */
export const ReviewActionChained = z.object({
  auditHead: Sha256Hex,
  /** The entry's position in the project's chain (0 is the registration). */
  seq: z.number().int().nonnegative(),
  kind: z.enum(['reviewAction', 'reviewDecided']),
  key: z.string(),
  stageId: z.string(),
  by: z.string(),
});

export const PROJECT_EVENTS = {
  'cn.keyflow.project.registered': ProjectRegistered,
  'cn.keyflow.project.stageChanged': StageChanged,
  'cn.keyflow.project.progressReported': ProgressReported,
  'cn.keyflow.project.warningChanged': WarningChanged,
  'cn.keyflow.project.stalled': ProjectStalled,
  'cn.keyflow.project.stallCleared': StallCleared,
  'cn.keyflow.project.calendarGap': CalendarGapRaised,
  'cn.keyflow.project.annualPlanSet': AnnualPlanSet,
  'cn.keyflow.project.reviewReapplied': ReviewReapplied,
  'cn.keyflow.project.reviewActionChained': ReviewActionChained,
} as const;

/** `cn.keyflow.supervision.orderIssued` (督办单下达): subject is the project code. */
export const SupervisionOrderIssued = z.object({
  /** The project's audit chain head after this action (GET /projects/{code}/audit verifies against it). */
  auditHead: Sha256Hex.optional(),
  order: SupervisionOrder,
  projectName: z.string(),
  county: z.string(),
  responsibleLeader: z.string(),
  leadDepartment: z.string(),
});

/** `cn.keyflow.supervision.orderClosed` (督办办结). */
export const SupervisionOrderClosed = z.object({
  /** The project's audit chain head after this action (GET /projects/{code}/audit verifies against it). */
  auditHead: Sha256Hex.optional(),
  orderId: z.string(),
  closedAt: Instant,
  closedBecause: z.string(),
  dueDate: LocalDate.nullable(),
});

export const SUPERVISION_EVENTS = {
  'cn.keyflow.supervision.orderIssued': SupervisionOrderIssued,
  'cn.keyflow.supervision.orderClosed': SupervisionOrderClosed,
} as const;
