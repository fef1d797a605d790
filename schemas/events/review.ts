import { z } from 'zod';
import { ProvisionalMark } from '../calendar';
import { Instant, LocalDate, Slug } from '../common';
import { FollowUpStatus, Rejection, ReviewStageId, StageOutcome } from '../jointReview';
import { ProjectCode } from '../project';

/**
 * Events of joint review (联审联批), source `/keyflow/reviews`, topic keyflow.reviews, subject =
 * the project code. Keys (unique per project and type) start with the stage id, e.g.
 * `engineeringPermit:task:zjj:decided`.
 */

const TaskRef = z.object({
  projectCode: ProjectCode,
  projectName: z.string(),
  stageId: ReviewStageId,
  /** The department whose task (or follow-up) it is. */
  department: Slug,
  /** The stage's lead department (牵头部门). */
  leadDepartment: Slug,
});

/** `taskAssigned`: a department receives its task at acceptance (受理), with its deadline. */
export const TaskAssigned = TaskRef.extend({
  matter: z.string(),
  limitWorkingDays: z.number().int().positive(),
  acceptedAt: Instant,
  deadline: Instant,
  deadlineDate: LocalDate,
  /** The deadline was counted on provisional calendar years (暂定). */
  provisional: ProvisionalMark.optional(),
});

/** `taskReminder`: a deadline is near. */
export const TaskReminder = TaskRef.extend({
  deadline: Instant,
  deadlineDate: LocalDate,
  workingDaysLeft: z.number().int().nonnegative(),
  provisional: ProvisionalMark.optional(),
});

/** `taskOverdue`: a deadline passed with the task still open; escalated to the lead and the supervisors. */
export const TaskOverdue = TaskRef.extend({
  deadline: Instant,
  deadlineDate: LocalDate,
  escalatedTo: z.array(Slug).min(1),
});

/** `taskDecided`: approve, approve with missing materials (容缺), or reject — with lateness. */
export const TaskDecided = TaskRef.extend({
  decision: z.enum(['approve', 'approveWithMissing', 'reject']),
  by: z.string(),
  reason: z.string().optional(),
  decidedAt: Instant,
  deadline: Instant,
  late: z.boolean(),
  lateByWorkingDays: z.number().int().nonnegative(),
  workingDaysUsed: z.number().int().nonnegative(),
  limitWorkingDays: z.number().int().positive(),
  /** For approveWithMissing: what is missing and by when. */
  followUp: z.object({ missingMaterials: z.array(z.string()), dueDate: LocalDate, due: Instant, provisional: ProvisionalMark.optional() }).optional(),
});

/** `taskReturned`: returned for supplement (退回补正); the clock stops. */
export const TaskReturned = TaskRef.extend({
  by: z.string(),
  reason: z.string(),
  missingMaterials: z.array(z.string()),
  pausedAt: Instant,
  deadlineAtPause: Instant,
  /** Working days the department had left when it returned the task (negative when already late). */
  workingDaysLeftAtPause: z.number().int(),
});

/** `taskResubmitted`: the applicant resubmitted; the clock runs again and the deadline moved. */
export const TaskResubmitted = TaskRef.extend({
  by: z.string(),
  resumedAt: Instant,
  pausedWorkingDays: z.number().int().nonnegative(),
  previousDeadline: Instant,
  deadline: Instant,
  deadlineDate: LocalDate,
  provisional: ProvisionalMark.optional(),
});

/** `followUpDue`: the due date of missing materials (容缺) is near. */
export const FollowUpDue = TaskRef.extend({
  missingMaterials: z.array(z.string()),
  due: Instant,
  dueDate: LocalDate,
  workingDaysLeft: z.number().int().nonnegative(),
  provisional: ProvisionalMark.optional(),
});

/** `followUpOverdue`: missing materials are late; escalated to the lead and the supervisors. */
export const FollowUpOverdue = TaskRef.extend({
  missingMaterials: z.array(z.string()),
  due: Instant,
  dueDate: LocalDate,
  escalatedTo: z.array(Slug).min(1),
});

/** `followUpClosed`: the missing materials came in, or the follow-up was cancelled with the stage. */
export const FollowUpClosed = TaskRef.extend({
  status: FollowUpStatus.exclude(['open']),
  by: z.string(),
  at: Instant,
  due: Instant,
  late: z.boolean(),
  lateByWorkingDays: z.number().int().nonnegative(),
});

/** `stageCompleted`: every task approved, or one rejected (the others cancelled). */
export const StageCompleted = StageOutcome.extend({
  projectName: z.string(),
  leadDepartment: Slug,
  rejections: z.array(Rejection),
  /** Tasks cancelled because the stage was rejected. */
  cancelledTasks: z.array(Slug),
});

/** `materialsHandedIn`: some of a 容缺 follow-up's missing materials came in; the rest are still awaited. */
export const MaterialsHandedIn = TaskRef.extend({
  by: z.string(),
  at: Instant,
  handedIn: z.array(z.string()),
  stillMissing: z.array(z.string()),
  due: Instant,
});

/** `stageWithdrawn`: the project was withdrawn (退库); the stage's open tasks and follow-ups were cancelled. */
export const StageWithdrawn = z.object({
  projectCode: z.string(),
  projectName: z.string(),
  stageId: z.string(),
  leadDepartment: Slug,
  reason: z.string(),
  by: z.string(),
  at: Instant,
  cancelledTasks: z.array(Slug),
  cancelledFollowUps: z.array(Slug),
});

/**
 * `deadlineRecounted`: a holiday notice was loaded (calendar version `calendarVersion`) and a
 * task's deadline or a follow-up's due date was counted again on it; old → new.
 */
export const DeadlineRecounted = TaskRef.extend({
  kind: z.enum(['task', 'followUp']),
  previousDeadline: Instant,
  previousDeadlineDate: LocalDate,
  deadline: Instant,
  deadlineDate: LocalDate,
  /** The notice the recount followed (发文字号). */
  documentNumber: z.string(),
  calendarVersion: z.number().int().nonnegative(),
  /** Still counted on provisional years after the recount (another year's notice is missing). */
  provisional: ProvisionalMark.optional(),
});

export const REVIEW_EVENTS = {
  'cn.keyflow.review.taskAssigned': TaskAssigned,
  'cn.keyflow.review.taskReminder': TaskReminder,
  'cn.keyflow.review.taskOverdue': TaskOverdue,
  'cn.keyflow.review.taskDecided': TaskDecided,
  'cn.keyflow.review.taskReturned': TaskReturned,
  'cn.keyflow.review.taskResubmitted': TaskResubmitted,
  'cn.keyflow.review.followUpDue': FollowUpDue,
  'cn.keyflow.review.followUpOverdue': FollowUpOverdue,
  'cn.keyflow.review.followUpClosed': FollowUpClosed,
  'cn.keyflow.review.stageCompleted': StageCompleted,
  'cn.keyflow.review.materialsHandedIn': MaterialsHandedIn,
  'cn.keyflow.review.stageWithdrawn': StageWithdrawn,
  'cn.keyflow.review.deadlineRecounted': DeadlineRecounted,
} as const;

/** Later data versions of review events (schemas/events/catalog.ts DATA_VERSIONS). */
export const REVIEW_DATA_VERSIONS = {
  /** v2: the materials the department needs (申请材料清单), as the task was assigned with them; empty when its list is free. */
  'cn.keyflow.review.taskAssigned': { 2: TaskAssigned.extend({ materials: z.array(z.string()) }) },
} as const;

export type ReviewEventType = keyof typeof REVIEW_EVENTS;
export type ReviewEventData<T extends ReviewEventType> = z.infer<(typeof REVIEW_EVENTS)[T]>;
