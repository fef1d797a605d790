/** Working-day calendar for mainland China (工作日历), Asia/Shanghai; pure, workflow-safe. */
export {
  type LocalDate,
  UnknownHolidayYear,
  InvalidDate,
  InvalidHolidayArrangement,
  type WorkingDayCalendar,
  createCalendar,
  defaultCalendar,
  knownYears,
  shanghaiDate,
  assertLocalDate,
  isoWeekday,
  addCalendarDays,
  isWorkingDay,
  nextWorkingDay,
  previousWorkingDay,
  addWorkingDays,
  workingDaysBetween,
  endOfWorkingDay,
  atShanghaiTime,
} from './workingDays';
export { HOLIDAY_ARRANGEMENTS, type HolidayNotice, type HolidayPeriod, type YearArrangement } from './holidays';
