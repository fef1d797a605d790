/**
 * Working-day calendar for mainland China (工作日历), Asia/Shanghai.
 *
 * Working day = Monday–Friday, minus the statutory holidays (放假), plus the make-up working
 * days (调休上班) of the State Council notices. Any date outside the years the notices cover
 * throws `UnknownHolidayYear`: never a guess.
 *
 * The holiday data is an input: `createCalendar(arrangements)` builds a calendar from any
 * contiguous run of yearly arrangements (the worker adds next year's notice from
 * seeds/holidays/<year>.json, tests add synthetic years). The module-level functions are bound
 * to `defaultCalendar`, built from the notices in ./holidays.ts.
 *
 * Pure and deterministic, safe inside Temporal workflow code: no Node built-ins, no clock, no
 * host time zone, no Intl. Asia/Shanghai has been a fixed UTC+8 without DST since 1991, so
 * instants convert with a fixed +8 h offset. All date arithmetic is integer day numbers.
 * (Workflows still ask the calendar through the `askCalendar` local activity for anything that
 * shapes commands: the data changes when a year is added, recorded answers do not.)
 *
 * Instant inputs (`Date | string`): a `Date`, or an ISO 8601 string with an explicit offset
 * (`2024-02-08T16:30:00Z`, `2024-02-09T00:30:00+08:00`); a bare `YYYY-MM-DD` string is taken
 * as that Shanghai calendar date. Strings without an offset are rejected (they would depend
 * on the host time zone).
 */
import { HOLIDAY_ARRANGEMENTS, type YearArrangement } from './holidays';

/** A calendar date in Asia/Shanghai, ISO `YYYY-MM-DD`. */
export type LocalDate = string;

const MS_PER_DAY = 86_400_000;
/** Asia/Shanghai offset: UTC+8, fixed (no DST since 1991). */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** First and last year of the built-in data, named by errors raised outside any calendar. */
const BUILT_IN_YEARS = {
  first: HOLIDAY_ARRANGEMENTS[0]?.year ?? 0,
  last: HOLIDAY_ARRANGEMENTS[HOLIDAY_ARRANGEMENTS.length - 1]?.year ?? -1,
};

// ---------------------------------------------------------------------------------------------
// Errors

/** A date falls in a year for which no State Council holiday notice is on record. */
export class UnknownHolidayYear extends Error {
  override readonly name = 'UnknownHolidayYear';
  constructor(
    readonly year: number,
    known: { first: number; last: number } = BUILT_IN_YEARS,
  ) {
    super(
      `No State Council holiday arrangement on record for ${year} (known: ${known.first}–${known.last}); ` +
        `add that year's 部分节假日安排的通知 as seeds/holidays/${year}.json (see seeds/holidays/README.md)`,
    );
  }
}

/** An input is not a valid date, instant, time or count. */
export class InvalidDate extends Error {
  override readonly name = 'InvalidDate';
  constructor(
    readonly value: unknown,
    readonly rule: string,
  ) {
    super(`Invalid date input ${typeof value === 'string' ? JSON.stringify(value) : String(value)}: ${rule}`);
  }
}

/** Holiday data that cannot make a calendar; the message names the year, the date and the rule. */
export class InvalidHolidayArrangement extends Error {
  override readonly name = 'InvalidHolidayArrangement';
  constructor(
    /** The arrangement's year, when the problem lies in one. */
    readonly year: number | undefined,
    readonly rule: string,
  ) {
    super(year === undefined ? `Holiday arrangements: ${rule}` : `Holiday arrangement for ${year}: ${rule}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Day numbers (days since 1970-01-01, proleptic Gregorian; H. Hinnant's civil algorithms)

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(day: number): [number, number, number] {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseYmd(value: unknown, y: number, m: number, d: number): number {
  if (m < 1 || m > 12) throw new InvalidDate(value, 'month must be 01–12');
  if (d < 1 || d > daysInMonth(y, m)) throw new InvalidDate(value, `day must be 01–${daysInMonth(y, m)} in that month`);
  return daysFromCivil(y, m, d);
}

/** Day number of a LocalDate; throws InvalidDate unless it is a real `YYYY-MM-DD` date. */
function dayOf(date: LocalDate): number {
  const match = typeof date === 'string' ? DATE_RE.exec(date) : null;
  if (!match) throw new InvalidDate(date, 'a LocalDate must be a string YYYY-MM-DD');
  return parseYmd(date, Number(match[1]), Number(match[2]), Number(match[3]));
}

function formatDay(day: number): LocalDate {
  const [y, m, d] = civilFromDays(day);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 0 = Sunday … 6 = Saturday. Day 0 (1970-01-01) was a Thursday. */
function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch milliseconds of an instant input. */
function epochMs(instant: Date | string): number {
  if (instant instanceof Date) {
    const ms = instant.getTime();
    if (Number.isNaN(ms)) throw new InvalidDate(String(instant), 'the Date is invalid');
    return ms;
  }
  if (typeof instant !== 'string') throw new InvalidDate(instant, 'expected a Date or an ISO 8601 string');
  const dateOnly = DATE_RE.exec(instant);
  if (dateOnly) {
    // A bare calendar date means that Shanghai date; use its Shanghai midnight.
    return parseYmd(instant, Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])) * MS_PER_DAY - SHANGHAI_OFFSET_MS;
  }
  const m = INSTANT_RE.exec(instant);
  if (!m) {
    throw new InvalidDate(instant, 'an instant must be ISO 8601 with an explicit offset, e.g. 2024-02-08T16:30:00Z or …+08:00');
  }
  const day = parseYmd(instant, Number(m[1]), Number(m[2]), Number(m[3]));
  const [hh, mi, ss] = [Number(m[4]), Number(m[5]), Number(m[6] ?? '0')];
  if (hh > 23 || mi > 59 || ss > 59) throw new InvalidDate(instant, 'time must be within 00:00:00–23:59:59');
  const frac = Math.floor(Number(`0.${m[7] ?? '0'}`) * 1000);
  const zone = m[8] as string;
  let offsetMs = 0;
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) throw new InvalidDate(instant, 'offset must be within ±23:59');
    offsetMs = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return day * MS_PER_DAY + ((hh * 60 + mi) * 60 + ss) * 1000 + frac - offsetMs;
}

/** Shanghai day number of an instant input. */
function shanghaiDay(instant: Date | string): number {
  return Math.floor((epochMs(instant) + SHANGHAI_OFFSET_MS) / MS_PER_DAY);
}

// ---------------------------------------------------------------------------------------------
// Date-only helpers: they need no holiday data, so they are plain module functions.

/** The Asia/Shanghai calendar date (UTC+8) of an instant. E.g. 2024-02-08T16:30Z → 2024-02-09. */
export function shanghaiDate(instant: Date | string): LocalDate {
  return formatDay(shanghaiDay(instant));
}

/** Throws InvalidDate unless `date` is a real `YYYY-MM-DD` date; returns it unchanged. */
export function assertLocalDate(date: LocalDate): LocalDate {
  dayOf(date);
  return date;
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. Needs no holiday data. */
export function isoWeekday(date: LocalDate): number {
  return weekdayOf(dayOf(date)) || 7;
}

/** `date` plus `n` calendar days (n may be negative). Needs no holiday data. */
export function addCalendarDays(date: LocalDate, n: number): LocalDate {
  if (!Number.isSafeInteger(n)) throw new InvalidDate(n, 'a day count must be an integer');
  return formatDay(dayOf(date) + n);
}

/** The last instant of `date` in Asia/Shanghai: D 23:59:59.999 +08:00. Needs no holiday data. */
export function endOfWorkingDay(date: LocalDate): Date {
  return new Date((dayOf(date) + 1) * MS_PER_DAY - SHANGHAI_OFFSET_MS - 1);
}

/** The instant of wall-clock time `hhmm` ("HH:MM", 00:00–23:59) on `date` in Asia/Shanghai. Needs no holiday data. */
export function atShanghaiTime(date: LocalDate, hhmm: string): Date {
  const m = typeof hhmm === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm) : null;
  if (!m) throw new InvalidDate(hhmm, 'a time of day must be HH:MM within 00:00–23:59');
  return new Date(dayOf(date) * MS_PER_DAY + (Number(m[1]) * 60 + Number(m[2])) * 60_000 - SHANGHAI_OFFSET_MS);
}

// ---------------------------------------------------------------------------------------------
// The calendar, built from data

/** Working-day arithmetic over the years of the arrangements it was built from. */
export interface WorkingDayCalendar {
  /** The arrangements it was built from, ascending and contiguous by year. */
  readonly arrangements: readonly YearArrangement[];
  /** First and last calendar year with holiday data (inclusive). */
  knownYears(): { first: number; last: number };
  /** Whether `date` is a working day: Mon–Fri minus statutory holidays, plus make-up working days. */
  isWorkingDay(date: LocalDate): boolean;
  /** `date` itself if it is a working day, else the first working day after it. */
  nextWorkingDay(date: LocalDate): LocalDate;
  /**
   * The last working day strictly before `date` (whatever `date` is). E.g. the day a reminder
   * goes out "the working day before" a meeting.
   */
  previousWorkingDay(date: LocalDate): LocalDate;
  /**
   * The n-th working day after `from` (Civil Code art. 201: counting starts the day after `from`,
   * whatever `from` is). `n` is a non-negative integer count of working days.
   * n = 0 returns `from` if it is a working day, else the next working day (so for a non-working
   * `from`, n = 0 and n = 1 give the same date).
   * O(log days) by binary search on the running count.
   */
  addWorkingDays(from: LocalDate, n: number): LocalDate;
  /**
   * Working days strictly after the Shanghai date of `from`, up to and including the Shanghai
   * date of `to`. Same day → 0. If `to` is before `from` the result is negative: minus the
   * working days strictly after `to` up to and including `from`'s date. So it is antisymmetric,
   * additive (a→b + b→c = a→c), and addWorkingDays(from, n) is the earliest date d with
   * workingDaysBetween(from, d) = n (n ≥ 1).
   * Typical uses: working days left = workingDaysBetween(now, deadline); days overdue =
   * workingDaysBetween(deadline, now) when positive. O(1).
   */
  workingDaysBetween(from: Date | string, to: Date | string): number;
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Holiday days and make-up working days (day numbers) of checked arrangements. */
interface CheckedDays {
  first: number;
  last: number;
  off: Set<number>;
  on: Set<number>;
}

/**
 * Checks arrangements and collects their days. A notice may reach into the December before its
 * year (2023's New Year period starts 2022-12-31), so "inside its year" means that year or the
 * December before it.
 */
function checkArrangements(arrangements: readonly YearArrangement[]): CheckedDays {
  const first = arrangements[0]?.year;
  if (first === undefined) throw new InvalidHolidayArrangement(undefined, 'at least one year is needed');
  const off = new Map<number, { year: number; name: string }>();
  const makeups: { year: number; date: LocalDate; day: number }[] = [];

  arrangements.forEach((arr, k) => {
    const { year } = arr;
    if (!Number.isSafeInteger(year) || year < 1000 || year > 9999) {
      throw new InvalidHolidayArrangement(undefined, `year ${String(year)} must be a four-digit year`);
    }
    if (year !== first + k) {
      throw new InvalidHolidayArrangement(
        year,
        `years must be contiguous and ascending: expected ${first + k} after ${first + k - 1}`,
      );
    }
    const reachFrom = daysFromCivil(year - 1, 12, 1);
    const reachTo = daysFromCivil(year, 12, 31);
    const inReach = (day: number): boolean => day >= reachFrom && day <= reachTo;
    const reach = `${year} (or the December before it)`;
    const dayIn = (date: LocalDate, what: string): number => {
      try {
        return dayOf(date);
      } catch (err) {
        if (err instanceof InvalidDate) throw new InvalidHolidayArrangement(year, `${what}: ${err.message}`);
        throw err;
      }
    };

    for (const period of arr.holidays) {
      const what = `holiday ${period.name} ${period.from}..${period.to}`;
      const from = dayIn(period.from, what);
      const to = dayIn(period.to, what);
      if (from > to) throw new InvalidHolidayArrangement(year, `${what}: ends before it starts`);
      if (!inReach(from) || !inReach(to)) throw new InvalidHolidayArrangement(year, `${what}: must lie inside ${reach}`);
      for (let day = from; day <= to; day++) off.set(day, { year, name: period.name });
    }
    for (const date of arr.makeupWorkdays) {
      const day = dayIn(date, `make-up working day ${date}`);
      if (!inReach(day)) throw new InvalidHolidayArrangement(year, `make-up working day ${date} must lie inside ${reach}`);
      const wd = weekdayOf(day);
      if (wd !== 0 && wd !== 6) {
        throw new InvalidHolidayArrangement(year, `make-up working day ${date} must be a Saturday or Sunday (it is a ${WEEKDAY_NAMES[wd]})`);
      }
      makeups.push({ year, date, day });
    }
  });

  // Checked after all years are read: a notice's December reach may meet the year before.
  for (const m of makeups) {
    const holiday = off.get(m.day);
    if (holiday) {
      throw new InvalidHolidayArrangement(
        m.year,
        `${m.date} is both a make-up working day and a holiday (${holiday.name}, in the ${holiday.year} arrangement)`,
      );
    }
  }
  const last = first + arrangements.length - 1;
  return { first, last, off: new Set(off.keys()), on: new Set(makeups.map((m) => m.day)) };
}

/**
 * A working-day calendar over `arrangements` (ascending, contiguous years). Throws
 * InvalidHolidayArrangement, naming the year, date and rule, when the data cannot be right.
 * The answers are fixed at creation: changing the arrangement objects later changes nothing.
 */
export function createCalendar(arrangements: readonly YearArrangement[]): WorkingDayCalendar {
  const { first, last, off, on } = checkArrangements(arrangements);
  const known = { first, last };
  const firstDay = daysFromCivil(first, 1, 1);
  const lastDay = daysFromCivil(last, 12, 31);
  const span = lastDay - firstDay + 1;

  /** working[i] = 1 if day firstDay + i is a working day. */
  const working = new Uint8Array(span);
  /** cumulative[i] = number of working days in [firstDay, firstDay + i]. */
  const cumulative = new Int32Array(span);
  for (let i = 0; i < span; i++) {
    const wd = weekdayOf(firstDay + i);
    working[i] = wd === 0 || wd === 6 ? 0 : 1;
  }
  // A first year's December reach falls before the table: nothing to mark there.
  for (const day of off) if (day >= firstDay) working[day - firstDay] = 0;
  for (const day of on) if (day >= firstDay) working[day - firstDay] = 1;
  let count = 0;
  for (let i = 0; i < span; i++) {
    count += working[i] as number;
    cumulative[i] = count;
  }

  /** Table index of a day number; throws UnknownHolidayYear outside the covered years. */
  const indexOfDay = (day: number): number => {
    if (day < firstDay || day > lastDay) throw new UnknownHolidayYear(civilFromDays(day)[0], known);
    return day - firstDay;
  };
  const cumulativeAt = (i: number): number => cumulative[i] as number;

  const nextWorkingDay = (date: LocalDate): LocalDate => {
    let i = indexOfDay(dayOf(date));
    while (i < span && working[i] !== 1) i++;
    if (i >= span) throw new UnknownHolidayYear(last + 1, known);
    return formatDay(firstDay + i);
  };

  return Object.freeze({
    arrangements: Object.freeze([...arrangements]),
    knownYears: () => ({ ...known }),
    isWorkingDay: (date: LocalDate): boolean => working[indexOfDay(dayOf(date))] === 1,
    nextWorkingDay,
    previousWorkingDay: (date: LocalDate): LocalDate => {
      let i = indexOfDay(dayOf(date)) - 1;
      while (i >= 0 && working[i] !== 1) i--;
      if (i < 0) throw new UnknownHolidayYear(first - 1, known);
      return formatDay(firstDay + i);
    },
    addWorkingDays: (from: LocalDate, n: number): LocalDate => {
      if (!Number.isSafeInteger(n) || n < 0) throw new InvalidDate(n, 'a working-day count must be an integer ≥ 0');
      if (n === 0) return nextWorkingDay(from);
      const i = indexOfDay(dayOf(from));
      const target = cumulativeAt(i) + n;
      if (target > cumulativeAt(span - 1)) throw new UnknownHolidayYear(last + 1, known);
      // Smallest j with cumulative[j] >= target; it is a working day and j > i.
      let lo = i + 1;
      let hi = span - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cumulativeAt(mid) >= target) hi = mid;
        else lo = mid + 1;
      }
      return formatDay(firstDay + lo);
    },
    workingDaysBetween: (from: Date | string, to: Date | string): number =>
      cumulativeAt(indexOfDay(shanghaiDay(to))) - cumulativeAt(indexOfDay(shanghaiDay(from))),
  });
}

// ---------------------------------------------------------------------------------------------
// The built-in calendar and the module-level functions bound to it

/** The calendar of the notices in ./holidays.ts; the module-level functions below answer from it. */
export const defaultCalendar: WorkingDayCalendar = createCalendar(HOLIDAY_ARRANGEMENTS);

/** First and last calendar year with holiday data (inclusive), in the built-in calendar. */
export function knownYears(): { first: number; last: number } {
  return defaultCalendar.knownYears();
}

/** Whether `date` is a working day (built-in calendar); see {@link WorkingDayCalendar.isWorkingDay}. */
export function isWorkingDay(date: LocalDate): boolean {
  return defaultCalendar.isWorkingDay(date);
}

/** `date` itself if it is a working day, else the first working day after it (built-in calendar). */
export function nextWorkingDay(date: LocalDate): LocalDate {
  return defaultCalendar.nextWorkingDay(date);
}

/** The last working day strictly before `date` (built-in calendar). */
export function previousWorkingDay(date: LocalDate): LocalDate {
  return defaultCalendar.previousWorkingDay(date);
}

/** The n-th working day after `from` (built-in calendar); see {@link WorkingDayCalendar.addWorkingDays}. */
export function addWorkingDays(from: LocalDate, n: number): LocalDate {
  return defaultCalendar.addWorkingDays(from, n);
}

/** Working days after `from` up to and including `to` (built-in calendar); see {@link WorkingDayCalendar.workingDaysBetween}. */
export function workingDaysBetween(from: Date | string, to: Date | string): number {
  return defaultCalendar.workingDaysBetween(from, to);
}
