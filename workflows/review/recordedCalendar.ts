import { patched } from '@temporalio/workflow';
import { defaultCalendar, UnknownHolidayYear } from '../../domain/calendar';
import type { ReviewCalendar } from '../../domain/jointReview/deadlines';
import type { ProvisionalYears } from '../../domain/jointReview/recount';
import type { CalendarAnswer, CalendarQuestion } from '../../schemas/calendar';
import { ask, askMany } from '../shared/calendar';

/** Raised by the answered calendar for a question it has no recorded answer to yet. */
class NeedAnswer extends Error {
  override name = 'NeedAnswer';
  constructor(readonly question: CalendarQuestion) {
    super(`calendar question not yet asked: ${JSON.stringify(question)}`);
  }
}

const asText = (d: Date | string): string => (typeof d === 'string' ? d : d.toISOString());
const keyOf = (q: CalendarQuestion): string => JSON.stringify(q);

function answered(table: Map<string, CalendarAnswer>): ReviewCalendar {
  const answer = (q: CalendarQuestion): string | number | boolean => {
    const a = table.get(keyOf(q));
    if (!a) throw new NeedAnswer(q);
    if (a.ok) return a.value;
    if (a.error === 'UnknownHolidayYear' && a.year !== undefined) throw new UnknownHolidayYear(a.year);
    throw new Error(a.message);
  };
  return {
    addWorkingDays: (from, n) => answer({ op: 'addWorkingDays', from, n }) as string,
    workingDaysBetween: (from, to) => answer({ op: 'workingDaysBetween', from: asText(from), to: asText(to) }) as number,
  };
}

/**
 * The questions `compute` will likely ask: it runs on the recorded answers, and where there is
 * none on the calendar built into the workflow code, noting each question that had no recorded
 * answer. Only a guess at which questions to ask; the answers used are always the recorded ones.
 */
function likelyQuestions<T>(compute: (cal: ReviewCalendar) => T, table: Map<string, CalendarAnswer>): CalendarQuestion[] {
  const asked = new Map<string, CalendarQuestion>();
  const guess = (q: CalendarQuestion, builtIn: () => string | number): string | number => {
    const a = table.get(keyOf(q));
    if (a?.ok) return a.value as string | number;
    if (a) throw new NeedAnswer(q); // a recorded refusal ends the guess where the real run ends
    asked.set(keyOf(q), q);
    return builtIn();
  };
  try {
    compute({
      addWorkingDays: (from, n) => guess({ op: 'addWorkingDays', from, n }, () => defaultCalendar.addWorkingDays(from, n)) as string,
      workingDaysBetween: (from, to) =>
        guess({ op: 'workingDaysBetween', from: asText(from), to: asText(to) }, () => defaultCalendar.workingDaysBetween(from, to)) as number,
    });
  } catch {
    // The built-in calendar cannot answer (a year without a notice) or the rule refuses: the questions so far are the guess.
  }
  return [...asked.values()];
}

/**
 * Runs a pure computation against the calendar as recorded in this workflow's history: the
 * questions the computation reaches are asked through the calendar local activity (all it is
 * likely to ask at once, patch 'calendar-questions-batched'), then the computation is run again
 * with the answers. The sequence of questions depends only on the
 * workflow's state and earlier answers, so a replay asks the same ones and gets the recorded
 * answers — also after a new year's holiday notice has been added to the data.
 */
export async function withRecordedCalendar<T>(compute: (cal: ReviewCalendar) => T): Promise<T> {
  return (await withRecordedCalendarInfo(compute)).value;
}

/**
 * {@link withRecordedCalendar}, also saying which provisional years the answers named and the
 * newest calendar version that answered. `minVersion` makes the worker's calendar refresh first
 * when it is older (a recount after a notice was loaded).
 */
export async function withRecordedCalendarInfo<T>(
  compute: (cal: ReviewCalendar) => T,
  opts?: { minVersion?: number },
): Promise<{ value: T; provisional: ProvisionalYears; calendarVersion?: number }> {
  const table = new Map<string, CalendarAnswer>();
  for (;;) {
    try {
      const value = compute(answered(table));
      const years = new Set<number>();
      let calendarVersion: number | undefined;
      for (const a of table.values()) {
        if (!a.ok) continue;
        for (const y of a.provisional?.years ?? []) years.add(y);
        if (a.calendarVersion !== undefined) calendarVersion = Math.max(calendarVersion ?? 0, a.calendarVersion);
      }
      const provisional = { years: [...years].sort(), ...(calendarVersion !== undefined ? { calendarVersion } : {}) };
      return { value, provisional, ...(calendarVersion !== undefined ? { calendarVersion } : {}) };
    } catch (err) {
      if (!(err instanceof NeedAnswer)) throw err;
      // Histories from before this patch asked one question per local activity.
      if (!patched('calendar-questions-batched')) {
        const [a] = await ask([err.question], opts);
        table.set(keyOf(err.question), a!);
        continue;
      }
      // Every question the computation is likely to reach, in one local activity: usually the only one.
      const questions = new Map([[keyOf(err.question), err.question], ...likelyQuestions(compute, table).map((q) => [keyOf(q), q] as const)]);
      for (const { question, answer } of await askMany([...questions.values()], opts)) table.set(keyOf(question), answer);
    }
  }
}
