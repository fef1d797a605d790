import { createCalendar, HOLIDAY_ARRANGEMENTS, type WorkingDayCalendar, type YearArrangement } from '../../domain/calendar';

/**
 * !!! TEST FIXTURE — NOT THE 2027 STATE COUNCIL NOTICE !!!
 *
 * A made-up 2027 with no holidays and no make-up working days: every Monday–Friday is a
 * working day, every Saturday and Sunday is not. The real 2027 notice
 * (国务院办公厅关于2027年部分节假日安排的通知) is not in keyflow's data; its holidays will
 * differ. This exists only so that time-skipping tests that simulate a year can run past
 * 2026-12-31. Never use it outside tests, never copy it into seeds/holidays/.
 */
export const SYNTHETIC_2027: YearArrangement = Object.freeze({
  year: 2027,
  notice: {
    title: 'SYNTHETIC TEST FIXTURE — not the 2027 notice (weekends only, no holidays)',
    documentNumber: 'TEST-FIXTURE-NOT-A-NOTICE',
    published: '2026-11-28',
  },
  amendments: [],
  holidays: [],
  makeupWorkdays: [],
});

/**
 * !!! TEST FIXTURE !!! The built-in calendar (2020–2026, real notices) followed by the
 * synthetic, weekends-only {@link SYNTHETIC_2027}. For tests only: pass it as
 * `createActivities({ publisher, calendar: calendarWithSynthetic2027() })`.
 */
export function calendarWithSynthetic2027(): WorkingDayCalendar {
  return createCalendar([...HOLIDAY_ARRANGEMENTS, SYNTHETIC_2027]);
}

/**
 * !!! TEST FIXTURE — NOT A STATE COUNCIL NOTICE !!!
 *
 * A made-up notice for `year`: the provisional derivation of that year (statutory rules) plus
 * one extra day off on each of `extraDaysOff`, so that it differs from the provisional calendar
 * exactly where a test needs it to (e.g. on the deadlines a review counted provisionally: each
 * of them then moves to a later working day). Document number `TEST-FIXTURE-<year>`.
 */
export function testNoticeFixture(base: YearArrangement, extraDaysOff: readonly string[]): YearArrangement {
  const { provisional: _p, ...rest } = base;
  return {
    ...rest,
    notice: { title: `TEST FIXTURE — not the ${base.year} notice (provisional rules plus test days off)`, documentNumber: `TEST-FIXTURE-${base.year}`, published: `${base.year - 1}-11-30` },
    holidays: [...base.holidays, ...[...new Set(extraDaysOff)].sort().map((d) => ({ name: 'TEST FIXTURE day off', from: d, to: d }))],
  };
}
