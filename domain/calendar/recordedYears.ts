/**
 * The worker's calendar as a workflow records it: whole years (年度安排), asked for once and kept,
 * instead of one recorded answer per question. A review then counts every deadline, reminder and
 * overdue day of its years on its own copy, with the same code the worker's calendar runs
 * (createCalendar), and asks the worker again only for a year it has not recorded yet — or, on a
 * recount after a notice was loaded, for a newer version of the years it holds.
 *
 * Why answers stay exact: a date of year y depends on y's arrangement and on y + 1's (a notice's
 * 元旦 can reach back into the previous December). So a count touching years lo..hi is made only
 * once lo..hi + 1 are recorded — known or, beyond the notices and the provisional horizon, known
 * to be unknown, where the worker's own calendar ends too.
 *
 * Pure and workflow-safe: no clock, no I/O.
 */
import type { YearArrangement } from './holidays';
import { createCalendar, shanghaiDate, UnknownHolidayYear, type LocalDate, type WorkingDayCalendar } from './workingDays';

/** The two counts a review makes (domain/jointReview/deadlines.ts ReviewCalendar is the same pair). */
export type CountingCalendar = Pick<WorkingDayCalendar, 'addWorkingDays' | 'workingDaysBetween'>;

/** What the worker's calendar holds of one year: its arrangement (a notice, or provisional), or nothing. */
export type RecordedYear = { year: number; arrangement: YearArrangement } | { year: number; unknown: true };

/** The count reached years this workflow has not recorded yet: ask the worker for them, then count again. */
export class NeedYears extends Error {
  override name = 'NeedYears';
  constructor(readonly years: number[]) {
    super(`calendar years not yet recorded: ${years.join(', ')}`);
  }
}

/** A count's value, the provisional years it touched, and the calendar version it was made on. */
export interface CountedOnYears<T> {
  value: T;
  provisionalYears: number[];
  calendarVersion?: number;
}

const yearOfDate = (d: LocalDate): number => Number(d.slice(0, 4));
const yearOf = (when: Date | string): number => yearOfDate(shanghaiDate(when));

export class RecordedYears {
  private readonly years = new Map<number, RecordedYear>();
  private version: number | undefined;
  private built: WorkingDayCalendar | null | undefined;

  /** The years held, ascending. */
  held(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  get calendarVersion(): number | undefined {
    return this.version;
  }

  /** Keeps what the worker answered; a later answer for a year replaces the earlier (a recount's newer version). */
  record(answer: { years: RecordedYear[]; calendarVersion?: number }): void {
    for (const y of answer.years) this.years.set(y.year, y);
    if (answer.calendarVersion !== undefined) this.version = Math.max(this.version ?? 0, answer.calendarVersion);
    this.built = undefined;
  }

  /**
   * The years to ask for when `needed` are missing: from the lowest to the highest of them and
   * of those held, so the table stays contiguous, and two years beyond the highest needed, so a
   * review's later counts (reminders, returns, 容缺 follow-ups) find their years already there.
   */
  toAsk(needed: readonly number[]): number[] {
    const all = [...needed, ...this.years.keys()];
    const lo = Math.min(...all);
    const hi = Math.max(...needed) + 2;
    const out: number[] = [];
    for (let y = lo; y <= Math.max(hi, ...this.years.keys()); y++) if (!this.years.has(y)) out.push(y);
    return out;
  }

  /**
   * Runs `compute` on the recorded years. Throws NeedYears when it reaches a year (or the year
   * after one) not recorded yet; UnknownHolidayYear when the worker said it has no arrangement.
   */
  count<T>(compute: (cal: CountingCalendar) => T): CountedOnYears<T> {
    const touched = new Set<number>();
    const span = (years: number[]): void => {
      for (let y = Math.min(...years); y <= Math.max(...years); y++) touched.add(y);
    };
    const cal = this.calendar();
    const guarded = <R>(years: number[], answer: (c: WorkingDayCalendar) => R): R => {
      for (const y of years) this.known(y);
      if (!cal) throw new NeedYears(years);
      try {
        return answer(cal);
      } catch (err) {
        if (err instanceof UnknownHolidayYear) this.known(err.year);
        throw err;
      }
    };
    const counting: CountingCalendar = {
      addWorkingDays: (from, n) => {
        const result = guarded([yearOfDate(from)], (c) => c.addWorkingDays(from, n));
        span([yearOfDate(from), yearOfDate(result)]);
        return result;
      },
      workingDaysBetween: (from, to) => {
        const years = [yearOf(from), yearOf(to)];
        const result = guarded(years, (c) => c.workingDaysBetween(from, to));
        span(years);
        return result;
      },
    };
    const value = compute(counting);
    // A date of the last year touched depends on the next year's notice too.
    const after = touched.size > 0 ? Math.max(...touched) + 1 : undefined;
    if (after !== undefined && !this.years.has(after)) throw new NeedYears([after]);
    const provisionalYears = [...touched].filter((y) => {
      const r = this.years.get(y);
      return r !== undefined && 'arrangement' in r && r.arrangement.provisional !== undefined;
    });
    return { value, provisionalYears: provisionalYears.sort((a, b) => a - b), ...(this.version !== undefined ? { calendarVersion: this.version } : {}) };
  }

  /** Throws NeedYears for a year not recorded, UnknownHolidayYear for one the worker has no arrangement for. */
  private known(year: number): void {
    const r = this.years.get(year);
    if (!r) throw new NeedYears([year]);
    if ('unknown' in r) throw new UnknownHolidayYear(year);
  }

  /** The calendar over the contiguous known years held; null before any. Built once per change. */
  private calendar(): WorkingDayCalendar | null {
    if (this.built !== undefined) return this.built;
    const known = this.held()
      .map((y) => this.years.get(y)!)
      .flatMap((r) => ('arrangement' in r ? [r.arrangement] : []));
    this.built = known.length > 0 ? createCalendar(known) : null;
    return this.built;
  }
}
