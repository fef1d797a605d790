import { defaultCalendar, type WorkingDayCalendar } from '../../domain/calendar';
import type { RecordedYear } from '../../domain/calendar/recordedYears';
import { CalendarYearsQuestion } from '../../schemas/calendar';

/**
 * The years a review asked for, whole, from the worker's calendar (notices, loaded notices and
 * provisional years to the horizon). A year outside them is answered as unknown: the calendar
 * itself refuses to count in it.
 */
export function answerCalendarYears(
  raw: CalendarYearsQuestion,
  calendar: WorkingDayCalendar = defaultCalendar,
  calendarVersion?: number,
): { years: RecordedYear[]; calendarVersion?: number } {
  const q = CalendarYearsQuestion.parse(raw);
  const byYear = new Map(calendar.arrangements.map((a) => [a.year, a]));
  return {
    years: q.years.map((year) => {
      const arrangement = byYear.get(year);
      return arrangement ? { year, arrangement } : { year, unknown: true as const };
    }),
    ...(calendarVersion !== undefined ? { calendarVersion } : {}),
  };
}
