import { z } from 'zod';
import { ProvisionalMark } from './calendar';
import { Actor, Instant, LocalDate, RequestId, Slug, Text } from './common';
import { ProjectCode } from './project';
import { CompiledLag } from './readModel';

/**
 * The weekly key-project meeting (周例会): its configuration, agenda, decisions (follow-up
 * items, 督办事项) and the reminders it sends. Defaults are the README's "to confirm" values:
 * Monday 09:00 Asia/Shanghai, first reminder the working day before at 16:00, final reminder
 * 08:00 on the day.
 */

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM (00:00–23:59)');
const Mobile = z.string().regex(/^1\d{10}$/, 'must be a mainland mobile number (11 digits)');

/** People a reminder can @-mention: robots mention group members by mobile number. */
export const DirectoryEntry = z.object({
  /** Shown in reminders; the loader fills it from the reference data when omitted. */
  name: z.string().trim().min(2, 'must give the name shown in reminders').optional(),
  mobiles: z.array(Mobile).max(20).default([]),
});

export const MeetingConfig = z
  .object({
    timeZone: z.literal('Asia/Shanghai').default('Asia/Shanghai'),
    /** ISO weekday of the meeting, 1 = Monday … 5 = Friday. */
    weekday: z.number().int('must be a whole number').min(1, 'must be a working weekday 1 (Monday) to 5 (Friday)').max(5, 'must be a working weekday 1 (Monday) to 5 (Friday)').default(1),
    /** Start of the meeting (Asia/Shanghai). */
    time: HHMM.default('09:00'),
    /**
     * When the schedule starts the workflow that prepares a meeting: on the meeting weekday of the
     * week BEFORE, at this time. (Preparing a week ahead leaves room for a first reminder that a
     * holiday pushes several days before the meeting.)
     */
    prepareAt: HHMM.default('00:05'),
    firstReminder: z
      .object({
        /** Working days before the meeting day; 1 = the working day before. */
        workingDaysBefore: z.number().int('must be a whole number').min(1, 'must be at least 1').max(5, 'must be at most 5').default(1),
        at: HHMM.default('16:00'),
      })
      .default({}),
    /** The final reminder goes out on the meeting morning at this time, before the meeting. */
    finalReminder: z.object({ at: HHMM.default('08:00') }).default({}),
    /** Decisions may be recorded from the start of the meeting to the end of this many working days after it. */
    decisionWindowWorkingDays: z.number().int('must be a whole number').min(0, 'must not be negative').max(10, 'must be at most 10').default(2),
    followUps: z
      .object({
        /** Reminders to the owner department this many working days before the due date (0 = on the due date). */
        remindWorkingDaysBefore: z.array(z.number().int().min(0, 'must not be negative').max(10, 'must be at most 10')).max(5).default([1, 0]),
        remindAt: HHMM.default('09:00'),
        /** An item still open after its due date is escalated on the next working day at this time. */
        escalateAt: HHMM.default('09:00'),
        /** Departments escalations go to: the supervision office (督查室) by default. */
        escalateTo: z.array(Slug).min(1, 'must name at least one department').default(['dcs']),
        /** Longest due period a meeting may set, in working days. */
        maxDueWorkingDays: z.number().int().min(1).max(120).default(60),
        /** The tracker continues as new once its history holds this many events (it runs for years). */
        continueAsNewAfterEvents: z.number().int().min(20, 'must be at least 20').max(50_000).default(5000),
      })
      .default({}),
    /** The meeting office (周例会办公室): told when a meeting cannot be planned. */
    office: Slug.default('hyb'),
    /** Names and mobiles of departments, city leaders and counties, for reminder texts and @-mentions. */
    directory: z
      .object({
        departments: z.record(Slug, DirectoryEntry).default({}),
        leaders: z.record(z.string().min(1), z.object({ mobiles: z.array(Mobile).max(20).default([]) })).default({}),
        counties: z.record(z.string(), z.string()).default({}),
      })
      .default({}),
  })
  .superRefine((c, ctx) => {
    if (c.finalReminder.at >= c.time) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['finalReminder', 'at'], message: `must be before the meeting time ${c.time}` });
    }
  });
export type MeetingConfigInput = z.input<typeof MeetingConfig>;
export type MeetingConfig = z.output<typeof MeetingConfig>;

/**
 * When an agenda was compiled (编制议程的轮次): `draft` when the meeting is prepared (no reminders:
 * the meeting office sees the agenda as it stands from the first moment), `first` at the first
 * reminder, `final` on the meeting morning.
 */
export const AgendaRound = z.enum(['draft', 'first', 'final']);
export type AgendaRound = z.infer<typeof AgendaRound>;

/**
 * Why a subject is on the agenda, in the agenda's order: stalled projects (停滞), red warnings
 * (红灯), overdue approvals (审批超时), open problems from monthly reports (存在问题), follow-up items
 * of earlier meetings (督办事项).
 */
export const AgendaCategory = z.enum(['stalled', 'redWarning', 'overdueApproval', 'openProblem', 'followUp']);
export type AgendaCategory = z.infer<typeof AgendaCategory>;

export const AgendaItem = z.object({
  /** Stable across compilations: category, project and what within it (problem, task, item id). */
  id: z.string().min(1),
  category: AgendaCategory,
  project: z.object({ code: ProjectCode, name: z.string(), county: z.string(), countyName: z.string() }),
  /** Why it is on the agenda, in words (e.g. 已 12 个工作日未报送月报). */
  why: z.string().min(1),
  /** Since when the matter stands. */
  since: Instant,
  /** The responsible department (责任单位). */
  department: z.object({ id: Slug, name: z.string() }),
  /** The responsible city leader (分包市领导), when known. */
  leader: z.string().optional(),
  /** Problem id, review-task id or follow-up item id within the project. */
  ref: z.string().optional(),
  /** For follow-up items: the due date. */
  dueDate: LocalDate.optional(),
});
export type AgendaItem = z.infer<typeof AgendaItem>;

/** One decision of the meeting (议定事项): becomes a follow-up item tracked to closure. */
export const DecisionInput = z.object({
  action: Text(z.string().trim().min(2, 'must describe the action in at least 2 characters').max(500)),
  ownerDepartment: Slug,
  dueInWorkingDays: z.number({ invalid_type_error: 'must be a number of working days' }).int('must be a whole number of working days').min(1, 'must be at least 1 working day'),
  /** The project it concerns; it must be on this meeting's agenda. */
  projectCode: ProjectCode,
});
export type DecisionInput = z.infer<typeof DecisionInput>;

export const RecordDecisionsRequest = z.object({
  requestId: RequestId,
  decisions: z.array(DecisionInput).min(1, 'must record at least one decision').max(50, 'must record at most 50 decisions at once'),
  actor: Actor,
});
export type RecordDecisionsRequest = z.input<typeof RecordDecisionsRequest>;

export const FollowUpStatus = z.enum(['open', 'closed']);

export const FollowUpItem = z.object({
  /** `<week>-<n>`, e.g. 2026-W41-2. */
  id: z.string().min(1),
  meetingId: z.string(),
  week: z.string(),
  meetingDate: LocalDate,
  decidedAt: Instant,
  decidedBy: z.string(),
  action: z.string(),
  ownerDepartment: z.object({ id: Slug, name: z.string() }),
  project: z.object({ code: ProjectCode, name: z.string(), county: z.string(), countyName: z.string() }),
  leader: z.string().optional(),
  dueInWorkingDays: z.number().int(),
  dueDate: LocalDate,
  status: FollowUpStatus,
  escalatedAt: Instant.optional(),
  closedAt: Instant.optional(),
  closedBy: z.string().optional(),
  closingNote: z.string().optional(),
});
export type FollowUpItem = z.infer<typeof FollowUpItem>;

export const CloseFollowUpRequest = z.object({
  requestId: RequestId,
  itemId: z.string().min(1, 'must name the follow-up item'),
  /** What was done: closing an item needs a note. */
  note: Text(z.string().trim().min(2, 'must say what was done, in at least 2 characters').max(2000)),
  actor: Actor,
});
export type CloseFollowUpRequest = z.input<typeof CloseFollowUpRequest>;

/** When a meeting happens and when its reminders go out, as the calendar decides. */
export const MeetingPlan = z.object({
  meetingId: z.string(),
  /** ISO week of the nominal meeting day, e.g. 2026-W41. */
  week: z.string(),
  nominalDate: LocalDate,
  meetingDate: LocalDate,
  meetingAt: Instant,
  firstReminderAt: Instant,
  finalReminderAt: Instant,
  decisionsCloseAt: Instant,
  /** The nominal day is not a working day: the meeting moved to the next working day. */
  moved: z.boolean(),
  /** The move reaches the next week's meeting: this week's is merged into it. */
  skipped: z.boolean(),
  /** Planned on provisional calendar years (the year's holiday notice is not out): an estimate. */
  provisional: ProvisionalMark.optional(),
});
export type MeetingPlan = z.infer<typeof MeetingPlan>;

export const MeetingStatus = z.enum(['planned', 'agendaSent', 'inSession', 'concluded', 'skipped']);

/** The `getMeeting` query's answer. */
export const Recipient = z.object({
  kind: z.enum(['department', 'leader']),
  id: z.string().min(1),
  name: z.string().min(1),
});
export type Recipient = z.infer<typeof Recipient>;

/** A meeting reminder keyflow handed to the reminder channel (the notifier delivers it; its log says how it went). */
export const SentReminder = z.object({
  round: z.enum(['first', 'final']),
  recipient: Recipient,
  /** When it was meant to go out. */
  sendAt: Instant,
  late: z.boolean(),
  /** Agenda items it names for the recipient. */
  items: z.number().int().nonnegative(),
});
export type SentReminder = z.infer<typeof SentReminder>;

export const MeetingView = z.object({
  plan: MeetingPlan,
  status: MeetingStatus,
  agenda: z.array(AgendaItem),
  agendaCompiledAt: Instant.nullable(),
  /**
   * The read model's lag when the agenda was compiled from it (读模型滞后); null when it was
   * compiled from the workflows' own state; absent for an agenda compiled before keyflow recorded it.
   */
  agendaReadModel: CompiledLag.nullable().optional(),
  followUps: z.array(FollowUpItem),
  /** The reminders sent for this meeting and to whom (提醒发送记录); absent in meetings that sent theirs before keyflow kept the list. */
  reminders: z.array(SentReminder).optional(),
});
export type MeetingView = z.infer<typeof MeetingView>;

export const ReminderKind = z.enum(['meetingFirst', 'meetingFinal', 'followUpDue', 'followUpOverdue', 'calendarMissing', 'deadlineRecounted']);
export type ReminderKind = z.infer<typeof ReminderKind>;

/** A message for one person or department, rendered ready for a chat robot (the notifier's input). */
export const Reminder = z.object({
  kind: ReminderKind,
  recipient: Recipient,
  /** Group members to @-mention, by mobile number. */
  mentionMobiles: z.array(Mobile),
  title: z.string().min(1),
  /** Chinese markdown, the subset both WeCom and DingTalk robots render. */
  markdown: z.string().min(1),
  /** When it was meant to go out; `late` when the workflow started after that. */
  sendAt: Instant,
  late: z.boolean(),
  meetingId: z.string().optional(),
  followUpId: z.string().optional(),
  items: z.array(AgendaItem).default([]),
  /** Who must attend (departments and leaders with agenda items). */
  attendees: z.array(z.string()).default([]),
});
export type Reminder = z.infer<typeof Reminder>;
