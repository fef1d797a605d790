import { defaultCalendar, InvalidDate, UnknownHolidayYear, type WorkingDayCalendar } from '../../domain/calendar';
import { CalendarAnswer, CalendarQuestion } from '../../schemas/calendar';

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
 * `calendar` is the worker's calendar (built-in notices plus seeds/holidays/<year>.json, or a
 * test calendar); by default the built-in one.
 */
export function answerCalendar(questions: CalendarQuestion[], calendar: WorkingDayCalendar = defaultCalendar): CalendarAnswer[] {
  return questions.map((raw) => {
    const q = CalendarQuestion.parse(raw);
    try {
      return { ok: true as const, value: compute(calendar, q) };
    } catch (err) {
      if (err instanceof UnknownHolidayYear) return { ok: false as const, error: 'UnknownHolidayYear' as const, message: err.message, year: err.year };
      if (err instanceof InvalidDate) return { ok: false as const, error: 'InvalidDate' as const, message: err.message };
      throw err;
    }
  });
}
