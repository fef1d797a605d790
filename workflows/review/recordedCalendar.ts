import { UnknownHolidayYear } from '../../domain/calendar';
import type { ReviewCalendar } from '../../domain/jointReview/deadlines';
import type { CalendarAnswer, CalendarQuestion } from '../../schemas/calendar';
import { ask } from '../shared/calendar';

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
 * Runs a pure computation against the calendar as recorded in this workflow's history: each
 * question the computation reaches is asked once through the calendar local activity, then the
 * computation is run again with the answer. The sequence of questions depends only on the
 * workflow's state and earlier answers, so a replay asks the same ones and gets the recorded
 * answers — also after a new year's holiday notice has been added to the data.
 */
export async function withRecordedCalendar<T>(compute: (cal: ReviewCalendar) => T): Promise<T> {
  const table = new Map<string, CalendarAnswer>();
  for (;;) {
    try {
      return compute(answered(table));
    } catch (err) {
      if (!(err instanceof NeedAnswer)) throw err;
      const [a] = await ask([err.question]);
      table.set(keyOf(err.question), a!);
    }
  }
}
