import { z } from 'zod';
import { Actor, Instant, LocalDate, Reason, RequestId, Slug } from './common';
import { ProvisionalMark } from './calendar';
import { ProjectCode } from './project';

/**
 * Joint review and approval (联审联批) per 国办发〔2019〕11号: four stages, each with one lead
 * department (一家牵头) and the others reviewing in parallel (并联审批) within time limits counted
 * in working days (限时办结). Stage ids in their order.
 * - landUsePlanning 立项用地规划许可 · engineeringPermit 工程建设许可
 * - constructionPermit 施工许可 · completionAcceptance 竣工验收 (联合验收)
 */
export const REVIEW_STAGE_IDS = ['landUsePlanning', 'engineeringPermit', 'constructionPermit', 'completionAcceptance'] as const;
export const ReviewStageId = z.enum(REVIEW_STAGE_IDS);
export type ReviewStageId = z.infer<typeof ReviewStageId>;

/** The stages' names as on the application form, for every text a person reads. */
export const REVIEW_STAGE_NAMES_ZH: Readonly<Record<ReviewStageId, string>> = {
  landUsePlanning: '立项用地规划许可',
  engineeringPermit: '工程建设许可',
  constructionPermit: '施工许可',
  completionAcceptance: '竣工验收',
};

/** A stage's Chinese name; an id outside the four (an older or foreign record) as it is. */
export const reviewStageNameZh = (id: string): string => REVIEW_STAGE_NAMES_ZH[id as ReviewStageId] ?? id;

/** Stages whose approval must be complete before construction may start (开工). */
export const STAGES_BEFORE_CONSTRUCTION: readonly ReviewStageId[] = ['landUsePlanning', 'engineeringPermit', 'constructionPermit'];

/** The reform's ceiling for the main process, from project approval to completion acceptance. */
export const REFORM_CEILING_WORKING_DAYS = 120;

const WorkingDays = z
  .number({ invalid_type_error: 'must be a whole number of working days' })
  .int('must be a whole number of working days')
  .positive('must be at least 1 working day');

/** `HH:MM`, Asia/Shanghai. */
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM (Asia/Shanghai)');

/** One document the applicant hands in, e.g. 建设用地规划许可证申请表. */
const Material = z.string().trim().min(2, 'must name the material').max(200);

/** A department reviewing in a stage, and its time limit. */
export const Participant = z.object({
  department: Slug,
  limitWorkingDays: WorkingDays,
  /** What the department decides in this stage, e.g. 建设工程规划许可证. */
  matter: z.string().trim().min(2, 'must say what the department decides').max(200),
  /**
   * The materials the department needs (申请材料清单). A return for supplement and a 容缺 approval
   * name missing materials from this list; an empty list leaves them free text.
   */
  materials: z.array(Material).max(50).optional(),
});
export type Participant = z.infer<typeof Participant>;

export const StageConfig = z
  .object({
    id: ReviewStageId,
    name: z.string().trim().min(2, 'must give the Chinese name, e.g. 施工许可'),
    nameEn: z.string().trim().min(2, 'must give an English name'),
    /** 牵头部门: coordinates the stage and receives the overdue escalations. */
    leadDepartment: Slug,
    /** The stage's time limit: no participant may be given more. */
    limitWorkingDays: WorkingDays,
    participants: z.array(Participant).min(1, 'must list at least one participating department'),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.participants.forEach((p, i) => {
      if (seen.has(p.department)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['participants', i, 'department'], message: `department ${p.department} is listed twice` });
      }
      seen.add(p.department);
      if (p.limitWorkingDays > s.limitWorkingDays) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['participants', i, 'limitWorkingDays'],
          message: `must not exceed the stage limit of ${s.limitWorkingDays} working days (is ${p.limitWorkingDays})`,
        });
      }
    });
  });
export type StageConfig = z.infer<typeof StageConfig>;

/** Reminders, follow-ups of 容缺受理, escalation, the single window. */
export const ReviewPolicy = z
  .object({
    /** Working days before a deadline at which the department is reminded; 0 = on the deadline day. */
    reminderLeadWorkingDays: z.number().int('must be a whole number of working days').min(0, 'must not be negative').default(2),
    /** Time of day of reminders, Asia/Shanghai. */
    reminderTimeOfDay: TimeOfDay.default('09:00'),
    /** 容缺受理: working days the applicant gets for missing materials unless the department says otherwise. */
    followUpDefaultWorkingDays: WorkingDays.default(15),
    /** The longest follow-up a department may grant. */
    followUpMaxWorkingDays: WorkingDays.default(60),
    /** Supervisors (督查) that receive every overdue escalation beside the lead department. */
    supervisors: z.array(Slug).min(1, 'must name at least one supervising department').default(['dcs']),
    /** The single window (一窗受理) that may resubmit and hand in materials for the applicant. */
    singleWindow: Slug.default('xzsp'),
  })
  .refine((p) => p.followUpDefaultWorkingDays <= p.followUpMaxWorkingDays, {
    path: ['followUpDefaultWorkingDays'],
    message: 'must not exceed followUpMaxWorkingDays',
  });
export type ReviewPolicyInput = z.input<typeof ReviewPolicy>;
export type ReviewPolicy = z.output<typeof ReviewPolicy>;

/** The whole configuration (seeds/joint-review.json). */
export const JointReviewConfig = z
  .object({
    /** Ceiling of the four stage limits together; at most the reform's 120 working days. */
    ceilingWorkingDays: WorkingDays.max(REFORM_CEILING_WORKING_DAYS, `must not exceed the reform's ceiling of ${REFORM_CEILING_WORKING_DAYS} working days`).default(
      REFORM_CEILING_WORKING_DAYS,
    ),
    policy: ReviewPolicy.default({}),
    stages: z.array(StageConfig),
  })
  .superRefine((c, ctx) => {
    const ids = c.stages.map((s) => s.id);
    if (ids.join() !== REVIEW_STAGE_IDS.join()) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['stages'],
        message: `must list the four stages once each, in order: ${REVIEW_STAGE_IDS.join(', ')} (got ${ids.join(', ') || 'none'})`,
      });
    }
    const sum = c.stages.reduce((s, st) => s + st.limitWorkingDays, 0);
    if (sum > c.ceilingWorkingDays) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['stages'],
        message: `stage limits add up to ${sum} working days, more than the ceiling of ${c.ceilingWorkingDays}`,
      });
    }
  });
export type JointReviewConfigInput = z.input<typeof JointReviewConfig>;
export type JointReviewConfig = z.output<typeof JointReviewConfig>;

// ---------------------------------------------------------------------------------------------
// The review of one stage of one project: its workflow input.

/** What the review needs to know of the project. */
export const ReviewProject = z.object({
  code: ProjectCode,
  name: z.string().trim().min(2).max(200),
  county: z.string().regex(/^(\d{6}|[a-z][a-z0-9-]+)$/, 'must be a county id from the reference data'),
  /** The project's own lead department (项目牵头部门), which may differ from the stage's. */
  leadDepartment: Slug,
});
export type ReviewProject = z.infer<typeof ReviewProject>;

/**
 * Input of the `reviewStage` workflow. It carries the stage's configuration and the policy, so
 * the workflow never reads files and a running review keeps the rules it was accepted under.
 */
export const ReviewStageInput = z.object({
  project: ReviewProject,
  stage: StageConfig,
  policy: ReviewPolicy,
  /** Who accepted the application at the window (受理). */
  acceptedBy: z.string().trim().min(1, 'must name who accepted the application'),
  /**
   * 受理时间 of an approval brought in while in flight: the window accepted it before keyflow started
   * the review, and the deadlines count from then. Left out, the review's start is the acceptance.
   * The review refuses one later than its start or more than a year before it.
   */
  acceptedAt: Instant.optional(),
});
export type ReviewStageInputRaw = z.input<typeof ReviewStageInput>;
export type ReviewStageInput = z.output<typeof ReviewStageInput>;

// ---------------------------------------------------------------------------------------------
// Actions

/**
 * What a department does with its task:
 * - approve 通过 · reject 不予许可 (ends the stage as rejected)
 * - returnForSupplement 退回补正 (stops the task's clock until the applicant resubmits)
 * - approveWithMissing 容缺受理并通过 (approved; the missing materials follow by a due date)
 */
export const TaskAction = z.enum(['approve', 'reject', 'returnForSupplement', 'approveWithMissing']);
export type TaskAction = z.infer<typeof TaskAction>;

const Note = z.string().trim().max(2000);

/** A department's action on its task. `department` names the task; `actor.department` whom the actor acts for. */
export const ActOnTaskInput = z
  .object({
    requestId: RequestId,
    /** The task, named by the department it belongs to (one task per department per stage). */
    department: Slug,
    actor: Actor,
    action: TaskAction,
    /** Required to reject, return or approve with missing materials. */
    reason: Reason.optional(),
    /** 一次性告知 / 容缺: everything that is missing, at once. Required for approveWithMissing. */
    missingMaterials: z.array(Material).max(50).optional(),
    /** 容缺: working days the applicant has for the missing materials; the policy's default if left out. */
    followUpWorkingDays: WorkingDays.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.actor.department === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['actor', 'department'], message: 'must name the department the actor acts for' });
    }
    if (a.action !== 'approve' && a.reason === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['reason'], message: `must give a reason to ${a.action}` });
    }
    if (a.action === 'approveWithMissing' && (a.missingMaterials ?? []).length === 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['missingMaterials'], message: 'must list the missing materials to approve with missing materials' });
    }
    if (a.action !== 'approveWithMissing' && a.followUpWorkingDays !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['followUpWorkingDays'], message: 'only goes with approveWithMissing' });
    }
    if ((a.action === 'approve' || a.action === 'reject') && a.missingMaterials !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['missingMaterials'], message: `does not go with ${a.action}` });
    }
  });
export type ActOnTaskInputRaw = z.input<typeof ActOnTaskInput>;
export type ActOnTaskInput = z.output<typeof ActOnTaskInput>;

/** The applicant (or the single window for it) hands in what a returned task asked for (补正). */
export const ResubmitInput = z.object({
  requestId: RequestId,
  department: Slug,
  actor: Actor,
  materials: z.array(Material).max(50).optional(),
  note: Note.optional(),
});
export type ResubmitInputRaw = z.input<typeof ResubmitInput>;
export type ResubmitInput = z.output<typeof ResubmitInput>;

/** The applicant hands in the materials an approval with missing materials waited for (容缺补齐). */
export const SubmitMissingMaterialInput = z.object({
  requestId: RequestId,
  department: Slug,
  actor: Actor,
  /** The materials handed in now; the follow-up closes when every missing one is in. Left out: all still missing. */
  materials: z.array(Material).max(50).optional(),
  note: Note.optional(),
});
export type SubmitMissingMaterialInputRaw = z.input<typeof SubmitMissingMaterialInput>;
export type SubmitMissingMaterialInput = z.output<typeof SubmitMissingMaterialInput>;

// ---------------------------------------------------------------------------------------------
// State

/** open: the clock runs · returned: clock stopped, waiting for the applicant · the rest are closed. */
export const TaskStatus = z.enum(['open', 'returned', 'approved', 'rejected', 'cancelled']);
export type TaskStatus = z.infer<typeof TaskStatus>;
export const CLOSED_TASK_STATUSES: readonly TaskStatus[] = ['approved', 'rejected', 'cancelled'];

export const FollowUpStatus = z.enum(['open', 'submitted', 'cancelled']);
export type FollowUpStatus = z.infer<typeof FollowUpStatus>;

export const AuditAction = z.enum([
  'assigned',
  'reminded',
  'overdue',
  'approve',
  'reject',
  'returnForSupplement',
  'approveWithMissing',
  'resubmit',
  'followUpReminded',
  'followUpOverdue',
  'submitMissingMaterial',
  'cancelled',
  /** The deadline (or follow-up due date) was recounted on a new calendar (a notice loaded). */
  'deadlineRecounted',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** One line of a task's audit record: who, what, when, why, and the deadline at that moment. */
export const AuditEntry = z.object({
  at: Instant,
  /** A person or system account; `system` for reminders, escalations and cancellations. */
  by: z.string(),
  department: Slug.optional(),
  action: AuditAction,
  reason: z.string().optional(),
  requestId: z.string().optional(),
  /** The task's deadline (or, for follow-up entries, the follow-up's due instant) when it happened. */
  deadlineAtThatMoment: Instant,
  /** The deadline after the entry, where it changed it (resubmission moves the deadline). */
  deadlineAfter: Instant.optional(),
  /** Working days late at that moment; 0 on time; null where lateness does not apply. */
  lateByWorkingDays: z.number().int().nonnegative().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** A stop of the clock (退回补正 … 补正后重新提交). */
export const Pause = z.object({
  pausedAt: Instant,
  deadlineBefore: LocalDate,
  /** Working days the department had left when it returned the task (negative when already late). */
  workingDaysLeftAtPause: z.number().int(),
  /** What the department asked for, all at once (一次性告知). */
  missingMaterials: z.array(z.string()),
  resumedAt: Instant.optional(),
  /** Working days strictly after the pause's date up to and including the resumption's date. */
  pausedWorkingDays: z.number().int().nonnegative().optional(),
  deadlineAfter: LocalDate.optional(),
});
export type Pause = z.infer<typeof Pause>;

/** A missing material handed in for a 容缺 follow-up. */
export const HandedIn = z.object({ material: z.string(), at: Instant, by: z.string() });
export type HandedIn = z.infer<typeof HandedIn>;

/** The materials an approval with missing materials (容缺) still waits for. */
export const FollowUp = z.object({
  /** Every material missing at the approval; those handed in since are in `handedIn`. */
  missingMaterials: z.array(z.string()),
  /** Tracked one by one: the follow-up closes (`submitted`) only when every missing material is in. */
  handedIn: z.array(HandedIn).optional(),
  createdAt: Instant,
  workingDays: z.number().int().positive(),
  dueDate: LocalDate,
  /** End of the due date, Asia/Shanghai. */
  due: Instant,
  remindAt: Instant.nullable(),
  status: FollowUpStatus,
  reminded: z.boolean(),
  escalated: z.boolean(),
  submittedAt: Instant.optional(),
  submittedBy: z.string().optional(),
  late: z.boolean().optional(),
  lateByWorkingDays: z.number().int().nonnegative().optional(),
  /** The due date was counted on provisional calendar years (no notice yet): it will be recounted. */
  provisional: ProvisionalMark.optional(),
});
export type FollowUp = z.infer<typeof FollowUp>;

export const Decision = z.object({
  action: z.enum(['approve', 'reject', 'approveWithMissing']),
  by: z.string(),
  reason: z.string().optional(),
  at: Instant,
  late: z.boolean(),
  lateByWorkingDays: z.number().int().nonnegative(),
  /** Working days the department's clock ran: from acceptance to the decision, pauses excluded. */
  workingDaysUsed: z.number().int().nonnegative(),
});
export type Decision = z.infer<typeof Decision>;

/** One department's task in one stage. Its id is the department. */
export const ReviewTask = z.object({
  department: Slug,
  matter: z.string(),
  limitWorkingDays: z.number().int().positive(),
  /** The materials the department needs (申请材料清单), from the stage's configuration. */
  materials: z.array(z.string()).optional(),
  status: TaskStatus,
  assignedAt: Instant,
  /** The last working day of the limit (moved by pauses). */
  deadlineDate: LocalDate,
  /** End of deadlineDate, Asia/Shanghai: the task is overdue after this instant. */
  deadline: Instant,
  /** When the reminder for the current deadline goes out; null when there is none (limit too short). */
  remindAt: Instant.nullable(),
  /** The deadline date a reminder / an overdue escalation has gone out for. */
  remindedFor: LocalDate.nullable(),
  escalatedFor: LocalDate.nullable(),
  pauses: z.array(Pause),
  decision: Decision.optional(),
  followUp: FollowUp.optional(),
  audit: z.array(AuditEntry),
  /** The deadline was counted on provisional calendar years (no notice yet): it will be recounted. */
  provisional: ProvisionalMark.optional(),
});
export type ReviewTask = z.infer<typeof ReviewTask>;

export const Rejection = z.object({ department: Slug, by: z.string(), reason: z.string(), at: Instant });
export type Rejection = z.infer<typeof Rejection>;

/**
 * The stage's outcome, known as soon as every task is approved or one is rejected. Follow-ups
 * of 容缺 approvals may still be open then: an approval with missing materials is an approval.
 */
export const StageOutcome = z.object({
  projectCode: ProjectCode,
  stageId: ReviewStageId,
  outcome: z.enum(['approved', 'rejected']),
  acceptedAt: Instant,
  decidedAt: Instant,
  /** Working days from acceptance to the outcome (calendar; pauses of single tasks are not subtracted). */
  workingDaysTaken: z.number().int().nonnegative(),
  stageLimitWorkingDays: z.number().int().positive(),
  rejections: z.array(Rejection),
  /** Departments whose 容缺 follow-up was still open at the outcome. */
  openFollowUps: z.array(z.object({ department: Slug, dueDate: LocalDate })),
});
export type StageOutcome = z.infer<typeof StageOutcome>;

/** withdrawn: the project was withdrawn (退库) while the stage was in review; its tasks were cancelled. */
export const ReviewStatus = z.enum(['inReview', 'approved', 'rejected', 'withdrawn']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

/** The `getReviewState` query. */
export const ReviewState = z.object({
  project: ReviewProject,
  stage: StageConfig,
  policy: ReviewPolicy,
  acceptedAt: Instant,
  acceptedBy: z.string(),
  status: ReviewStatus,
  outcome: StageOutcome.nullable(),
  tasks: z.array(ReviewTask),
  /**
   * Returns name their missing materials, from the task's list where it has one, and 容缺 materials
   * are handed in one by one. Absent in reviews accepted before these rules, which keep the old ones.
   */
  materialsChecked: z.boolean().optional(),
});
export type ReviewState = z.infer<typeof ReviewState>;

/** What the workflow returns when the stage is decided and every follow-up is closed. */
export const ReviewStageResult = z.object({
  /** Null when the project was withdrawn before the stage was decided. */
  outcome: StageOutcome.nullable(),
  finishedAt: Instant,
  followUps: z.array(z.object({ department: Slug, status: FollowUpStatus, dueDate: LocalDate, late: z.boolean().optional(), lateByWorkingDays: z.number().int().optional() })),
});
export type ReviewStageResult = z.infer<typeof ReviewStageResult>;

/** The answer to an action (also the answer to a repeated request id). */
export const ActionResult = z.object({
  requestId: z.string(),
  department: Slug,
  action: z.enum(['approve', 'reject', 'returnForSupplement', 'approveWithMissing', 'resubmit', 'submitMissingMaterial']),
  at: Instant,
  taskStatus: TaskStatus,
  deadline: Instant,
  deadlineDate: LocalDate,
  late: z.boolean(),
  lateByWorkingDays: z.number().int().nonnegative(),
  followUp: FollowUp.optional(),
  stageStatus: ReviewStatus,
});
export type ActionResult = z.infer<typeof ActionResult>;

// ---------------------------------------------------------------------------------------------
// Inbox

export const InboxItemKind = z.enum(['task', 'followUp']);
export type InboxItemKind = z.infer<typeof InboxItemKind>;

/** One department's open item in one review, as the workflow reports it (no clock reading). */
export const DepartmentItem = z.object({
  projectCode: ProjectCode,
  projectName: z.string(),
  county: z.string(),
  stageId: ReviewStageId,
  department: Slug,
  kind: InboxItemKind,
  deadline: Instant,
  deadlineDate: LocalDate,
  /** A returned task: its clock stands still; the deadline will move by the paused working days. */
  paused: z.boolean(),
  /** For a paused task: the working days that were left when it was returned. */
  workingDaysLeftAtPause: z.number().int().nullable(),
  /** The materials the department needs for the task (申请材料清单). */
  materials: z.array(z.string()).optional(),
  /** A returned task: what the department asked for; a follow-up: what is still missing. */
  missingMaterials: z.array(z.string()).optional(),
  /** The deadline was counted on provisional calendar years. */
  provisional: ProvisionalMark.optional(),
});
export type DepartmentItem = z.infer<typeof DepartmentItem>;

/** open: clock runs, not yet due · overdue: past its deadline · returned: clock stopped. */
export const InboxItemStatus = z.enum(['open', 'overdue', 'returned']);
export type InboxItemStatus = z.infer<typeof InboxItemStatus>;

/** A line of a department's inbox (待办). */
export const InboxItem = z.object({
  projectCode: ProjectCode,
  projectName: z.string(),
  county: z.string(),
  stageId: ReviewStageId,
  department: Slug,
  kind: InboxItemKind,
  deadline: Instant,
  deadlineDate: LocalDate,
  /**
   * Working days from today to the deadline date: 0 = due today, negative = that many working
   * days overdue. For a returned task, the days left when it was returned (frozen). Null when the
   * calendar has no holiday data for a date involved (never guessed).
   */
  workingDaysLeft: z.number().int().nullable(),
  status: InboxItemStatus,
  /** The materials the department needs for the task (申请材料清单). */
  materials: z.array(z.string()).optional(),
  /** A returned task: what the department asked for; a follow-up: what is still missing. */
  missingMaterials: z.array(z.string()).optional(),
  /** The deadline was counted on provisional calendar years (暂定): which, and why, in Chinese. */
  provisional: ProvisionalMark.optional(),
});
export type InboxItem = z.infer<typeof InboxItem>;
