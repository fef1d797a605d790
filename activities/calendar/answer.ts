import { defaultCalendar, InvalidDate, shanghaiDate, UnknownHolidayYear, type WorkingDayCalendar } from '../../domain/calendar';
import { provisionalBasis } from '../../domain/calendar/provisional';
import { CalendarAnswer, CalendarQuestion, type ProvisionalMark } from '../../schemas/calendar';

const yearOf = (when: string): number => Number(shanghaiDate(when).slice(0, 4));

/** The provisional years among those a question and its answer span (from, to, result). */
function provisionalOf(calendar: WorkingDayCalendar, q: CalendarQuestion, value: string | number | boolean): ProvisionalMark | undefined {
  const provisional = new Set(calendar.arrangements.filter((a) => a.provisional).map((a) => a.year));
  if (provisional.size === 0) return undefined;
  const ends = q.op === 'workingDaysBetween' ? [q.from, q.to] : q.op === 'addWorkingDays' ? [q.from] : [q.date];
  if (typeof value === 'string') ends.push(value);
  const ys = ends.map(yearOf);
  const years: number[] = [];
  for (let y = Math.min(...ys); y <= Math.max(...ys); y++) if (provisional.has(y)) years.push(y);
  return years.length > 0 ? { years, basis: provisionalBasis(years) } : undefined;
}

function compute(calendar: WorkingDayCalendar, q: CalendarQuestion): string | number | boolean {
  switch (q.op) {
    case 'addWorkingDays':
      return calendar.addWorkingDays(q.from, q.n);
    case 'workingDaysBetween':
      return calendar.workingDaysBetween(q.from, q.to);
    case 'isWorkingDay':
      return calendar.isWorkingDay(q.date);
    case 'nextWorkingDay':
      return calendar.nextWorkingDay(q.date);
    case 'previousWorkingDay':
      return calendar.previousWorkingDay(q.date);
  }
}

/**
 * Answers calendar questions for workflows. It runs as a local activity so that each answer is
 * recorded in the workflow's history: when next year's holiday notice is added to the data, old
 * histories still replay with the answers they were given, and a question that had no answer
 * then (UnknownHolidayYear) keeps that answer on replay.
 *
 * `calendar` is the worker's calendar (built-in notices, seeds/holidays/<year>.json, notices
 * loaded through the calendar registry, provisional years), or a test calendar; by default the
 * built-in one. An answer whose from/to/result span touches a provisional year says so
 * (`provisional`), with the version of the calendar that answered.
 */
export function answerCalendar(questions: CalendarQuestion[], calendar: WorkingDayCalendar = defaultCalendar, calendarVersion?: number): CalendarAnswer[] {
  return questions.map((raw) => {
    const q = CalendarQuestion.parse(raw);
    try {
      const value = compute(calendar, q);
      const provisional = provisionalOf(calendar, q, value);
      return {
        ok: true as const,
        value,
        ...(provisional ? { provisional: { ...provisional, ...(calendarVersion !== undefined ? { calendarVersion } : {}) } } : {}),
        ...(calendarVersion !== undefined ? { calendarVersion } : {}),
      };
    } catch (err) {
      if (err instanceof UnknownHolidayYear) return { ok: false as const, error: 'UnknownHolidayYear' as const, message: err.message, year: err.year };
      if (err instanceof InvalidDate) return { ok: false as const, error: 'InvalidDate' as const, message: err.message };
      throw err;
    }
  });
}
