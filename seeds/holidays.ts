/**
 * The worker's working-day calendar (工作日历): the notices built into domain/calendar/holidays.ts
 * plus one `seeds/holidays/<year>.json` per further year, so a city adds next year's State
 * Council notice as data, without a code change (format: seeds/holidays/README.md).
 *
 * Read once at worker start and checked there: a bad file stops the worker with a
 * {@link SeedDataError} naming the file, the field and the rule, instead of a calendar that
 * answers wrongly for a year. Uses fs, so it belongs to the worker, never to workflow code
 * (workflows ask the calendar through the `askCalendar` local activity).
 */
import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import { z } from 'zod';
import {
  addCalendarDays,
  createCalendar,
  HOLIDAY_ARRANGEMENTS,
  InvalidHolidayArrangement,
  type WorkingDayCalendar,
  type YearArrangement,
} from '../domain/calendar';
import { withProvisionalYears } from '../domain/calendar/provisional';
import { YearArrangementSchema } from '../schemas/calendar';
import { SeedDataError, type SeedIssue } from './index';

/** The folder of extra years: seeds/holidays. */
export const HOLIDAYS_DIR = path.join(__dirname, 'holidays');

const YEAR_FILE = /^(\d{4})\.json$/;

/** `['holidays', 0, 'to']` → `holidays[0].to`. */
function fieldPath(p: readonly (string | number)[]): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '');
}

type DayKind = 'holiday' | 'makeup';
interface NamedDay {
  kind: DayKind;
  /** How to say it in an error. */
  words: string;
}

/** What an arrangement says of each date it names: a holiday (with its festival) or a make-up working day. */
function datesOf(arr: YearArrangement): Map<string, NamedDay> {
  const said = new Map<string, NamedDay>();
  for (const p of arr.holidays) {
    for (let d = p.from; d <= p.to; d = addCalendarDays(d, 1)) said.set(d, { kind: 'holiday', words: `a holiday (${p.name})` });
  }
  for (const d of arr.makeupWorkdays) said.set(d, { kind: 'makeup', words: 'a make-up working day' });
  return said;
}

/** Differences between a file and the built-in arrangement of the same year, one per date. */
function disagreements(file: YearArrangement, builtIn: YearArrangement): SeedIssue[] {
  const issues: SeedIssue[] = [];
  if (file.notice.documentNumber !== builtIn.notice.documentNumber) {
    issues.push({
      field: 'notice.documentNumber',
      message: `"${file.notice.documentNumber}" differs from the built-in ${builtIn.year} notice ${builtIn.notice.documentNumber}`,
    });
  }
  const inFile = datesOf(file);
  const inCode = datesOf(builtIn);
  const dates = [...new Set([...inFile.keys(), ...inCode.keys()])].sort();
  for (const date of dates) {
    const a = inFile.get(date);
    const b = inCode.get(date);
    // Festival names may be written differently; only the kind of day matters to the calendar.
    if (a?.kind === b?.kind) continue;
    issues.push({
      field: (a ?? b)?.kind === 'makeup' ? 'makeupWorkdays' : 'holidays',
      message:
        `${date} is ${a?.words ?? 'not named'} in the file but ${b?.words ?? 'not named'} in the built-in ` +
        `${builtIn.year} notice (${builtIn.notice.documentNumber}, domain/calendar/holidays.ts)`,
    });
  }
  return issues;
}

/** Validates one year file's content; `file` names it in errors. */
export function parseYearArrangement(raw: unknown, file: string, expectedYear?: number): YearArrangement {
  const parsed = YearArrangementSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SeedDataError(
      file,
      parsed.error.issues.map((i: z.ZodIssue) => ({ field: fieldPath(i.path), message: i.message })),
    );
  }
  if (expectedYear !== undefined && parsed.data.year !== expectedYear) {
    throw new SeedDataError(file, [
      { field: 'year', message: `is ${parsed.data.year} but the file is named ${expectedYear}.json` },
    ]);
  }
  return parsed.data;
}

function readYearFile(file: string, year: number): YearArrangement {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SeedDataError(file, [{ field: '', message: `not readable JSON: ${(err as Error).message}` }]);
  }
  return parseYearArrangement(raw, file, year);
}

/**
 * The notices of the built-in data plus every `<year>.json` in `dir`, ascending by year. A file
 * for a built-in year must agree with it date for date (and name the same notice). Other files
 * (README.md) are ignored; a `.json` not named `<year>.json` is an error rather than silently
 * skipped.
 */
export function loadNotices(dir: string = HOLIDAYS_DIR): { notices: YearArrangement[]; fileOfYear: Map<number, string> } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    throw new SeedDataError(dir, [{ field: '', message: `holiday folder not readable: ${(err as Error).message}` }]);
  }
  const builtIn = new Map(HOLIDAY_ARRANGEMENTS.map((a) => [a.year, a]));
  const byYear = new Map<number, YearArrangement>(builtIn);
  const fileOfYear = new Map<number, string>();

  for (const name of names) {
    const file = path.join(dir, name);
    const match = YEAR_FILE.exec(name);
    if (!match) throw new SeedDataError(file, [{ field: '', message: 'a holiday file must be named <year>.json, e.g. 2027.json' }]);
    const year = Number(match[1]);
    const arrangement = readYearFile(file, year);
    if (arrangement.provisional) {
      throw new SeedDataError(file, [{ field: 'provisional', message: 'a notice file holds a published notice; provisional years are derived, never stored' }]);
    }
    const known = builtIn.get(year);
    if (known) {
      const issues = disagreements(arrangement, known);
      if (issues.length > 0) throw new SeedDataError(file, issues);
      continue; // identical in effect: the built-in entry (with its review notes) stays
    }
    byYear.set(year, arrangement);
    fileOfYear.set(year, file);
  }
  return { notices: [...byYear.values()].sort((a, b) => a.year - b.year), fileOfYear };
}

/**
 * The worker's calendar: the built-in notices, every `<year>.json` in `dir`, then `loaded`
 * (notices loaded at run time through the calendar registry; one replaces a year's notice, as
 * an amended notice does), and provisional years derived from the statutory rules for every
 * year without a notice up to the last notice's year + PROVISIONAL_HORIZON_YEARS
 * (domain/calendar/provisional.ts). So a deadline reaching past the last notice is counted and
 * marked provisional; a date beyond the horizon still throws UnknownHolidayYear.
 */
export function loadCalendar(dir: string = HOLIDAYS_DIR, loaded: readonly YearArrangement[] = []): WorkingDayCalendar {
  const { notices, fileOfYear } = loadNotices(dir);
  const byYear = new Map(notices.map((a) => [a.year, a]));
  for (const a of loaded) byYear.set(a.year, a);
  try {
    return createCalendar(withProvisionalYears([...byYear.values()]));
  } catch (err) {
    if (!(err instanceof InvalidHolidayArrangement)) throw err;
    const file = (err.year !== undefined && fileOfYear.get(err.year)) || dir;
    throw new SeedDataError(file, [{ field: '', message: err.message }]);
  }
}
