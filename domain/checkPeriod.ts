import { HOLIDAY_ARRANGEMENTS } from './calendar/holidays';
import { shanghaiDate } from './calendar/workingDays';
import { addMonths, monthOf } from './lifecycle/months';

/**
 * Which months a 四比四看 check may rank (检查期间). Pure: `now` is passed in — the caller's clock
 * at the edge (client, API, CLI), workflow time inside the check workflow, which has the last word.
 *
 * - the period is a month written YYYY-MM;
 * - it is not before FIRST_CHECK_YEAR, the first year of keyflow's calendar data (nothing keyflow
 *   counts exists earlier);
 * - it has ended in Asia/Shanghai: the month in progress and months to come are refused with
 *   MonthNotClosed — their monthly reports are not in, and a ranking of them would be published
 *   as if final. The latest month that can be checked is the previous one.
 */

/** The first year keyflow holds calendar data for (the first State Council notice on record). */
export const FIRST_CHECK_YEAR: number = HOLIDAY_ARRANGEMENTS[0]?.year ?? 2020;

/** Why a period cannot be checked: the failure type, the field and the rule, in words a clerk can act on. */
export interface PeriodRefusal {
  type: 'ValidationFailed' | 'MonthNotClosed';
  field: 'period';
  rule: string;
}

/** The month whose end makes `period` checkable: the first instant of the next month, as a local date. */
const firstDayAfter = (period: string) => `${addMonths(period, 1)}-01`;

/** The latest month that can be checked at `now`: the previous month, Asia/Shanghai. */
export function latestCheckablePeriod(now: Date): string {
  return addMonths(monthOf(shanghaiDate(now)), -1);
}

/** Null when `period` may be checked at `now`, else the refusal (see the module comment). */
export function checkPeriodRefusal(period: unknown, now: Date): PeriodRefusal | null {
  const latest = latestCheckablePeriod(now);
  const range = `from ${FIRST_CHECK_YEAR}-01 (the first year of keyflow's calendar data) to ${latest} (the last month that has ended, Asia/Shanghai)`;
  if (typeof period !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) {
    return { type: 'ValidationFailed', field: 'period', rule: `must be a month written YYYY-MM, ${range}` };
  }
  if (Number(period.slice(0, 4)) < FIRST_CHECK_YEAR) {
    return { type: 'ValidationFailed', field: 'period', rule: `${period} is before keyflow's data; the month must be ${range}` };
  }
  if (period > latest) {
    const current = addMonths(latest, 1);
    const what = period === current ? 'is the month in progress' : 'has not begun';
    return {
      type: 'MonthNotClosed',
      field: 'period',
      rule: `${period} ${what}: a month can be checked once it has ended (from ${firstDayAfter(period)} 00:00 Asia/Shanghai); the latest month that can be checked now is ${latest}`,
    };
  }
  return null;
}
