/**
 * Deadline arithmetic of joint review (联审联批), on the working-day calendar, Asia/Shanghai.
 *
 * Conventions (行政许可法 art. 82 working days; 民法典 art. 201 counting from the next day):
 * - A limit of n working days counted from an instant ends with the n-th working day after that
 *   instant's date; the task is overdue after 23:59:59.999 of that day.
 * - A return for supplement (退回补正, art. 32) stops the clock at `pausedAt`; the day of the
 *   return still belongs to the department. The resubmission day belongs to the pause: the clock
 *   runs again from the next day, as it does after acceptance. So the pause is
 *   `workingDaysBetween(pausedAt, resumedAt)` working days (strictly after the return's date, up
 *   to and including the resubmission's date; 0 when both fall on one day) and the deadline date
 *   moves forward by exactly that many working days: workingDaysBetween(old, new) = paused.
 * - A reminder goes out at the configured time of day on the working day `lead` working days
 *   before the deadline date, i.e. the (total − lead)-th working day after the clock's origin;
 *   none when that is not after the moment the deadline was set.
 * - Late by k working days: the working days after the deadline date up to and including the
 *   date of the act. An act after the deadline instant is late even when k = 0 (a weekend).
 *
 * Holiday data comes through a ReviewCalendar: the workflow passes answers recorded in its
 * history (so a new year's notice never changes a replay), the client and tests a calendar. A date in a year without a notice raises UnknownHolidayYear; `counted` turns it into a
 * value that callers make a named refusal — never a guess.
 */
import {
  atShanghaiTime,
  endOfWorkingDay,
  shanghaiDate,
  UnknownHolidayYear,
  type LocalDate,
  type WorkingDayCalendar,
} from '../calendar';

/**
 * The two questions joint review asks of the calendar. Any WorkingDayCalendar answers them
 * (domain/calendar `defaultCalendar`, seeds/holidays `loadCalendar()`); the workflow passes one
 * that answers from its recorded history.
 */
export type ReviewCalendar = Pick<WorkingDayCalendar, 'addWorkingDays' | 'workingDaysBetween'>;

/** Raised by {@link rulesOnly} where a computation would need the calendar. */
export class CalendarDeferred extends Error {
  override name = 'CalendarDeferred';
}

/**
 * A calendar that answers nothing: update validators run the pure rules with it, so they refuse
 * on ownership, status and input alone and leave all counting to the handler, which asks the
 * worker's calendar through its recorded local activity (one calendar, whatever its data).
 */
export const rulesOnly: ReviewCalendar = {
  addWorkingDays: () => {
    throw new CalendarDeferred('counting is left to the update handler');
  },
  workingDaysBetween: () => {
    throw new CalendarDeferred('counting is left to the update handler');
  },
};

const iso = (d: Date): string => d.toISOString();

export interface Deadline {
  date: LocalDate;
  /** End of `date` in Asia/Shanghai. */
  instant: Date;
}

/** A deadline date as a Deadline (no holiday data needed). */
export function deadlineOn(date: LocalDate): Deadline {
  return { date, instant: endOfWorkingDay(date) };
}

/** The deadline of `workingDays` working days counted from `origin`. */
export function deadlineAfter(cal: ReviewCalendar, origin: Date, workingDays: number): Deadline {
  return deadlineOn(cal.addWorkingDays(shanghaiDate(origin), workingDays));
}

/**
 * The reminder of a deadline that is `totalWorkingDays` after `origin`: `timeOfDay` on the
 * working day `leadWorkingDays` before it. Null when that is not after `setAt`.
 */
export function reminderFor(
  cal: ReviewCalendar,
  origin: Date,
  totalWorkingDays: number,
  leadWorkingDays: number,
  timeOfDay: string,
  setAt: Date,
): Date | null {
  const n = totalWorkingDays - leadWorkingDays;
  if (n < 1) return null;
  const at = atShanghaiTime(cal.addWorkingDays(shanghaiDate(origin), n), timeOfDay);
  return at.getTime() > setAt.getTime() ? at : null;
}

/** Working days a return for supplement stopped the clock (see the convention above). */
export function pausedWorkingDays(cal: ReviewCalendar, pausedAt: Date, resumedAt: Date): number {
  return Math.max(0, cal.workingDaysBetween(iso(pausedAt), iso(resumedAt)));
}

/** The deadline date moved forward by `paused` working days. */
export function shiftDeadline(cal: ReviewCalendar, date: LocalDate, paused: number): LocalDate {
  return paused === 0 ? date : cal.addWorkingDays(date, paused);
}

export interface Lateness {
  late: boolean;
  lateByWorkingDays: number;
}

/** How late an act at `at` is against a deadline. Asks the calendar only when late. */
export function latenessAt(cal: ReviewCalendar, deadline: Deadline, at: Date): Lateness {
  if (at.getTime() <= deadline.instant.getTime()) return { late: false, lateByWorkingDays: 0 };
  return { late: true, lateByWorkingDays: Math.max(0, cal.workingDaysBetween(deadline.date, iso(at))) };
}

/** Working days from `now` to the deadline date: 0 = due today, negative = overdue by that many. */
export function workingDaysLeft(cal: ReviewCalendar, now: Date, deadlineDate: LocalDate): number {
  return cal.workingDaysBetween(iso(now), deadlineDate);
}

/** Working days a department's clock ran from `from` to `to`, minus the working days paused. */
export function workingDaysUsed(cal: ReviewCalendar, from: Date, to: Date, pausedDays: number): number {
  return Math.max(0, cal.workingDaysBetween(iso(from), iso(to)) - pausedDays);
}

/** Outcome of a calendar computation that may reach beyond the known years. */
export type Counted<T> = { ok: true; value: T } | { ok: false; year: number; message: string };

/** Runs a calendar computation; an UnknownHolidayYear becomes a value, anything else is rethrown. */
export function counted<T>(compute: () => T): Counted<T> {
  try {
    return { ok: true, value: compute() };
  } catch (err) {
    if (err instanceof UnknownHolidayYear) return { ok: false, year: err.year, message: err.message };
    throw err;
  }
}
