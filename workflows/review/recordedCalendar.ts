import { UnknownHolidayYear } from '../../domain/calendar';
import type { ReviewCalendar } from '../../domain/jointReview/deadlines';
import type { ProvisionalYears } from '../../domain/jointReview/recount';
import { CalendarYearsAnswer, type CalendarAnswer, type CalendarQuestion } from '../../schemas/calendar';
import { ask } from '../shared/calendar';
import { proxyLocalActivities } from '@temporalio/workflow';
import type { KeyflowActivities } from '../../activities';
import { NeedYears, type RecordedYears } from '../../domain/calendar/recordedYears';

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
      const [a] = await ask([err.question], opts);
      table.set(keyOf(err.question), a!);
    }
  }
}

const { calendarYears } = proxyLocalActivities<KeyflowActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
});

async function recordYears(years: RecordedYears, asked: number[], minVersion?: number): Promise<void> {
  if (asked.length === 0) return;
  const answer = await calendarYears(minVersion !== undefined ? { years: asked, minVersion } : { years: asked });
  years.record(CalendarYearsAnswer.parse(answer));
}

/**
 * {@link withRecordedCalendarInfo} on whole recorded years (domain/calendar/recordedYears.ts):
 * the count runs on the years this review holds and asks the worker — one local activity — only
 * for years it reaches that are not held yet, so most updates and wake-ups ask nothing. With
 * `minVersion` (a recount after a notice was loaded) the years held are asked again first.
 */
export async function countOnRecordedYears<T>(
  years: RecordedYears,
  compute: (cal: ReviewCalendar) => T,
  opts?: { minVersion?: number },
): Promise<{ value: T; provisional: ProvisionalYears; calendarVersion?: number }> {
  if (opts?.minVersion !== undefined) await recordYears(years, years.held(), opts.minVersion);
  for (;;) {
    try {
      const r = years.count(compute);
      const calendarVersion = r.calendarVersion;
      const provisional = { years: r.provisionalYears, ...(calendarVersion !== undefined ? { calendarVersion } : {}) };
      return { value: r.value, provisional, ...(calendarVersion !== undefined ? { calendarVersion } : {}) };
    } catch (err) {
      if (!(err instanceof NeedYears)) throw err;
      await recordYears(years, years.toAsk(err.years), opts?.minVersion);
    }
  }
}
