import { proxyLocalActivities } from '@temporalio/workflow';
import type { KeyflowActivities } from '../../activities';
import type { CalendarAnswer, CalendarQuestion } from '../../schemas/calendar';

const { askCalendar } = proxyLocalActivities<KeyflowActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
});

/**
 * The working-day calendar as workflows must use it: through a local activity, so each answer
 * is part of the history. Calling domain/calendar directly from workflow code would make a
 * running workflow replay differently once a new year's holiday notice is added to the data.
 * (Queries may call domain/calendar directly: they create no commands.)
 */
export async function ask(questions: CalendarQuestion[], opts?: { minVersion?: number }): Promise<CalendarAnswer[]> {
  // Only new calls pass options, so recorded histories keep their exact activity input.
  return opts?.minVersion !== undefined ? askCalendar(questions, opts) : askCalendar(questions);
}

/** The calendar could not answer: the year's holiday notice is not in keyflow's data yet. */
export class CalendarGap extends Error {
  override name = 'CalendarGap';
  constructor(readonly answer: Extract<CalendarAnswer, { ok: false }>) {
    super(answer.message);
  }
}

async function one<T extends string | number | boolean>(q: CalendarQuestion): Promise<T> {
  const [a] = await askCalendar([q]);
  if (!a!.ok) throw new CalendarGap(a as Extract<CalendarAnswer, { ok: false }>);
  return a!.value as T;
}

export const addWorkingDays = (from: string, n: number) => one<string>({ op: 'addWorkingDays', from, n });
export const workingDaysBetween = (from: string, to: string) => one<number>({ op: 'workingDaysBetween', from, to });
export const isWorkingDay = (date: string) => one<boolean>({ op: 'isWorkingDay', date });
export const nextWorkingDay = (date: string) => one<string>({ op: 'nextWorkingDay', date });
export const previousWorkingDay = (date: string) => one<string>({ op: 'previousWorkingDay', date });
