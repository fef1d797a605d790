/**
 * When a follow-up item (督办事项) is due and when it is chased. Pure; workflows reach it through
 * a local activity so the answers are recorded in their history.
 *
 * - due date: `dueInWorkingDays` working days after the meeting day (Civil Code art. 201:
 *   counting starts the day after);
 * - reminders to the owner department `remindWorkingDaysBefore` working days before the due
 *   date (0 = the due date) at `remindAt`; a reminder whose time is before the decision is not sent;
 * - escalation to the supervisors on the first working day after the due date at `escalateAt`.
 */
import { addCalendarDays, atShanghaiTime, defaultCalendar, type LocalDate, type WorkingDayCalendar } from '../calendar';
import type { MeetingConfig } from '../../schemas/meeting';

export interface FollowUpTimes {
  dueDate: LocalDate;
  reminders: Array<{ date: LocalDate; at: string; workingDaysBefore: number }>;
  escalateAt: string;
}

export function followUpDueDate(meetingDate: LocalDate, dueInWorkingDays: number, calendar: WorkingDayCalendar = defaultCalendar): LocalDate {
  return calendar.addWorkingDays(meetingDate, dueInWorkingDays);
}

export function followUpTimes(
  item: { meetingDate: LocalDate; dueInWorkingDays: number; decidedAt: string },
  config: Pick<MeetingConfig, 'followUps'>,
  calendar: WorkingDayCalendar = defaultCalendar,
): FollowUpTimes {
  const dueDate = followUpDueDate(item.meetingDate, item.dueInWorkingDays, calendar);
  const decided = Date.parse(item.decidedAt);
  const seen = new Set<string>();
  const reminders: FollowUpTimes['reminders'] = [];
  for (const n of [...config.followUps.remindWorkingDaysBefore].sort((a, b) => b - a)) {
    let date = dueDate;
    for (let i = 0; i < n; i++) date = calendar.previousWorkingDay(date);
    const at = atShanghaiTime(date, config.followUps.remindAt);
    if (at.getTime() <= decided || seen.has(date)) continue;
    seen.add(date);
    reminders.push({ date, at: at.toISOString(), workingDaysBefore: n });
  }
  const escalateDay = calendar.nextWorkingDay(addCalendarDays(dueDate, 1));
  return { dueDate, reminders, escalateAt: atShanghaiTime(escalateDay, config.followUps.escalateAt).toISOString() };
}
