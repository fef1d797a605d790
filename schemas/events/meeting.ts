import { z } from 'zod';
import { LocalDate } from '../common';
import { AgendaItem, AgendaRound, FollowUpItem, MeetingPlan, Reminder } from '../meeting';
import { CompiledLag } from '../readModel';

/**
 * Weekly meeting (周例会) events, on TOPICS.meetings, subject the meeting id (`meeting-2026-W41`)
 * or, for follow-up items, `keyflow-follow-ups`.
 */
const AgendaCompiled = z.object({ meetingId: z.string(), round: AgendaRound, items: z.array(AgendaItem) });

export const MEETING_EVENTS = {
  /** The meeting's date and reminder times are fixed (a holiday may have moved it). */
  'cn.keyflow.meeting.scheduled': z.object({ plan: MeetingPlan }),
  /** A holiday pushed the meeting into next week's: it is merged into that one. */
  'cn.keyflow.meeting.skipped': z.object({ plan: MeetingPlan }),
  /** The calendar has no data for the meeting's year: the meeting cannot be planned. */
  'cn.keyflow.meeting.calendarMissing': z.object({ week: z.string(), nominalDate: LocalDate, year: z.number().int().optional(), message: z.string() }),
  /** The agenda as compiled: a draft when the meeting is prepared, then for the first and the final reminder. */
  'cn.keyflow.meeting.agendaCompiled': AgendaCompiled,
  'cn.keyflow.meeting.decisionsRecorded': z.object({ meetingId: z.string(), requestId: z.string(), recordedBy: z.string(), items: z.array(FollowUpItem) }),
  /** The decisions window closed. */
  'cn.keyflow.meeting.concluded': z.object({ meetingId: z.string(), agendaItems: z.number().int(), followUps: z.number().int() }),
  'cn.keyflow.meeting.followUpOpened': z.object({ item: FollowUpItem }),
  /** Still open after its due date: escalated to the supervisors (督查). */
  'cn.keyflow.meeting.followUpEscalated': z.object({ item: FollowUpItem, escalatedTo: z.array(z.string()) }),
  'cn.keyflow.meeting.followUpClosed': z.object({ item: FollowUpItem }),
} as const;

/** Later data versions of meeting events (schemas/events/catalog.ts DATA_VERSIONS). */
export const MEETING_DATA_VERSIONS = {
  /** v2: the read model's lag the agenda was compiled with; null when compiled from the workflows' own state. */
  'cn.keyflow.meeting.agendaCompiled': { 2: AgendaCompiled.extend({ readModel: CompiledLag.nullable() }) },
} as const;

/**
 * Reminders for people, on TOPICS.reminders, delivered to chat robots by the notifier. One event
 * per recipient; the event id (deterministic) is what the notifier de-duplicates on.
 */
export const REMINDER_EVENTS = {
  'cn.keyflow.reminder.meetingAgenda': Reminder,
  'cn.keyflow.reminder.followUpDue': Reminder,
  'cn.keyflow.reminder.followUpOverdue': Reminder,
  'cn.keyflow.reminder.calendarMissing': Reminder,
  /** To a department whose review deadline moved when a holiday notice was loaded. */
  'cn.keyflow.reminder.deadlineRecounted': Reminder,
} as const;
