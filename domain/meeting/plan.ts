/**
 * When a weekly meeting (周例会) happens and when its reminders go out. Pure: workflows reach it
 * through a local activity (its answers are then part of the history), tests call it directly.
 *
 * Rules:
 * - the schedule prepares a meeting a week ahead: started on day D, it plans the meeting of the
 *   first configured weekday strictly after D (the nominal meeting day);
 * - a nominal day that is not a working day moves to the next working day; when that move
 *   reaches the next week's nominal day (a long holiday such as the Spring Festival), this week's
 *   meeting is merged into next week's and skipped;
 * - first reminder: `firstReminder.workingDaysBefore` working days before the meeting day at
 *   `firstReminder.at`; final reminder: the meeting day at `finalReminder.at`;
 * - decisions may be recorded until the end of the `decisionWindowWorkingDays`-th working day
 *   after the meeting day.
 */
import { addCalendarDays, atShanghaiTime, defaultCalendar, endOfWorkingDay, isoWeekday, shanghaiDate, type LocalDate, type WorkingDayCalendar } from '../calendar';
import type { MeetingConfig, MeetingPlan } from '../../schemas/meeting';

/** ISO-8601 week of a date, `YYYY-Www` (the week-numbering year may differ from the calendar year). */
export function isoWeekKey(date: LocalDate): string {
  const thursday = addCalendarDays(date, 4 - isoWeekday(date));
  const year = Number(thursday.slice(0, 4));
  const dayOfYear = Math.round((Date.UTC(year, Number(thursday.slice(5, 7)) - 1, Number(thursday.slice(8, 10))) - Date.UTC(year, 0, 1)) / 86_400_000);
  return `${year}-W${String(Math.floor(dayOfYear / 7) + 1).padStart(2, '0')}`;
}

export const meetingIdOf = (week: string): string => `meeting-${week}`;

/** The first date strictly after the Shanghai date of `preparedAt` that falls on `weekday` (1 = Monday). */
export function nominalMeetingDate(preparedAt: Date | string, weekday: number): LocalDate {
  const today = shanghaiDate(preparedAt);
  const ahead = ((weekday - isoWeekday(today) + 6) % 7) + 1;
  return addCalendarDays(today, ahead);
}

/** The plan of the meeting whose nominal day is `nominalDate`. Throws UnknownHolidayYear past the calendar's data. */
export function planMeeting(
  nominalDate: LocalDate,
  config: Pick<MeetingConfig, 'time' | 'firstReminder' | 'finalReminder' | 'decisionWindowWorkingDays'>,
  calendar: WorkingDayCalendar = defaultCalendar,
): MeetingPlan {
  const week = isoWeekKey(nominalDate);
  const meetingDate = calendar.nextWorkingDay(nominalDate);
  const skipped = meetingDate >= addCalendarDays(nominalDate, 7);
  let firstDay = meetingDate;
  for (let i = 0; i < config.firstReminder.workingDaysBefore; i++) firstDay = calendar.previousWorkingDay(firstDay);
  return {
    meetingId: meetingIdOf(week),
    week,
    nominalDate,
    meetingDate,
    meetingAt: atShanghaiTime(meetingDate, config.time).toISOString(),
    firstReminderAt: atShanghaiTime(firstDay, config.firstReminder.at).toISOString(),
    finalReminderAt: atShanghaiTime(meetingDate, config.finalReminder.at).toISOString(),
    decisionsCloseAt: endOfWorkingDay(calendar.addWorkingDays(meetingDate, config.decisionWindowWorkingDays)).toISOString(),
    moved: meetingDate !== nominalDate,
    skipped,
  };
}

/** The weekly instant the schedule fires, Asia/Shanghai: the meeting weekday at `prepareAt`. */
export function prepareTime(config: Pick<MeetingConfig, 'weekday' | 'prepareAt'>): { isoWeekday: number; hour: number; minute: number } {
  const [h, m] = config.prepareAt.split(':').map(Number);
  return { isoWeekday: config.weekday, hour: h!, minute: m! };
}
