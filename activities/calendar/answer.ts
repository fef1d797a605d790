import {
  addCalendarDays,
  addWorkingDays,
  InvalidDate,
  isWorkingDay,
  nextWorkingDay,
  UnknownHolidayYear,
  workingDaysBetween,
} from '../../domain/calendar';
import { CalendarAnswer, CalendarQuestion } from '../../schemas/calendar';

function previousWorkingDay(date: string): string {
  let d = addCalendarDays(date, -1);
  while (!isWorkingDay(d)) d = addCalendarDays(d, -1);
  return d;
}

function compute(q: CalendarQuestion): string | number | boolean {
  switch (q.op) {
    case 'addWorkingDays':
      return addWorkingDays(q.from, q.n);
    case 'workingDaysBetween':
      return workingDaysBetween(q.from, q.to);
    case 'isWorkingDay':
      return isWorkingDay(q.date);
    case 'nextWorkingDay':
      return nextWorkingDay(q.date);
    case 'previousWorkingDay':
      return previousWorkingDay(q.date);
  }
}

/**
 * Answers calendar questions for workflows. It runs as a local activity so that each answer is
 * recorded in the workflow's history: when next year's holiday notice is added to the data, old
 * histories still replay with the answers they were given, and a question that had no answer
 * then (UnknownHolidayYear) keeps that answer on replay.
 */
export function answerCalendar(questions: CalendarQuestion[]): CalendarAnswer[] {
  return questions.map((raw) => {
    const q = CalendarQuestion.parse(raw);
    try {
      return { ok: true as const, value: compute(q) };
    } catch (err) {
      if (err instanceof UnknownHolidayYear) return { ok: false as const, error: 'UnknownHolidayYear' as const, message: err.message, year: err.year };
      if (err instanceof InvalidDate) return { ok: false as const, error: 'InvalidDate' as const, message: err.message };
      throw err;
    }
  });
}
