/**
 * The injectable working-day calendar: the factory gives exactly the built-in answers on the
 * built-in data, refuses bad data by name, extends to a (synthetic, test-only) 2027, loads extra
 * years from a folder of JSON files, and answers workflows' questions from the calendar it is given.
 */
import { createHash } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import type { z } from 'zod';
import { answerCalendar } from '../../activities/calendar/answer';
import { createActivities } from '../../activities';
import type { EventPublisher } from '../../activities/events/publisher';
import * as builtIn from '../../domain/calendar';
import {
  HOLIDAY_ARRANGEMENTS,
  InvalidHolidayArrangement,
  UnknownHolidayYear,
  addCalendarDays,
  createCalendar,
  defaultCalendar,
  isoWeekday,
  type WorkingDayCalendar,
  type YearArrangement,
} from '../../domain/calendar';
import { YearArrangementSchema } from '../../schemas/calendar';
import { SeedDataError } from '../../seeds';
import { HOLIDAYS_DIR, loadCalendar } from '../../seeds/holidays';
import { calendarWithSynthetic2027, SYNTHETIC_2027 } from '../support/calendars';

// The schema mirrors the domain type: same fields, and what it parses is a YearArrangement.
type Parsed = z.output<typeof YearArrangementSchema>;
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
const _sameKeys: SameKeys<Parsed, YearArrangement> = true;
const _parsedIsArrangement = (p: Parsed): YearArrangement => p;

type Calendarish = Pick<
  WorkingDayCalendar,
  'isWorkingDay' | 'nextWorkingDay' | 'previousWorkingDay' | 'addWorkingDays' | 'workingDaysBetween'
>;

const attempt = (f: () => unknown): string => {
  try {
    return String(f());
  } catch (e) {
    return `${(e as Error).name}:${(e as { year?: number }).year ?? ''}`;
  }
};

/**
 * Every answer for every day from 2019-12-25 to 2027-01-07, errors included, hashed. The hash
 * below was taken from the module before the calendar became injectable: the refactor changed
 * no answer.
 */
function fingerprint(c: Calendarish): { days: number; sha256: string } {
  const lines: string[] = [];
  for (let d = '2019-12-25'; d <= '2027-01-07'; d = addCalendarDays(d, 1)) {
    lines.push(
      [
        d,
        attempt(() => c.isWorkingDay(d)),
        attempt(() => c.nextWorkingDay(d)),
        attempt(() => c.previousWorkingDay(d)),
        ...[0, 1, 3, 10, 250].map((n) => attempt(() => c.addWorkingDays(d, n))),
        attempt(() => c.workingDaysBetween('2020-01-01', d)),
        attempt(() => c.workingDaysBetween(d, '2026-12-31')),
      ].join('|'),
    );
  }
  return { days: lines.length, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
}
const BEFORE_REFACTOR = { days: 2571, sha256: 'c9e22062b098b94ca702db4956ab988ccf43ec151a99093c0c91ddf8464de322' };

const everyDay = (first: string, last: string): string[] => {
  const out: string[] = [];
  for (let d = first; d <= last; d = addCalendarDays(d, 1)) out.push(d);
  return out;
};

const thrown = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

const arrangement = (year: number, over: Partial<YearArrangement> = {}): YearArrangement => ({
  year,
  notice: { title: `synthetic ${year}`, documentNumber: `TEST-${year}`, published: `${year - 1}-11-01` },
  amendments: [],
  holidays: [],
  makeupWorkdays: [],
  ...over,
});

describe('createCalendar on the built-in notices', () => {
  const fresh = createCalendar(HOLIDAY_ARRANGEMENTS);

  it('gives the same answers as before the refactor, module functions and factory alike', () => {
    expect(fingerprint(builtIn)).toEqual(BEFORE_REFACTOR);
    expect(fingerprint(fresh)).toEqual(BEFORE_REFACTOR);
    expect(fingerprint(defaultCalendar)).toEqual(BEFORE_REFACTOR);
  });

  it('agrees with the module functions and with the notices read directly, every day of 2020–2026', () => {
    const off = new Set<string>();
    for (const a of HOLIDAY_ARRANGEMENTS) for (const p of a.holidays) everyDay(p.from, p.to).forEach((d) => off.add(d));
    const on = new Set(HOLIDAY_ARRANGEMENTS.flatMap((a) => a.makeupWorkdays));
    let count = 0;
    for (const d of everyDay('2020-01-01', '2026-12-31')) {
      const expected = on.has(d) || (!off.has(d) && isoWeekday(d) <= 5);
      expect([d, fresh.isWorkingDay(d)]).toEqual([d, expected]);
      expect(fresh.isWorkingDay(d)).toBe(builtIn.isWorkingDay(d));
      expect(attempt(() => fresh.nextWorkingDay(d))).toBe(attempt(() => builtIn.nextWorkingDay(d)));
      expect(attempt(() => fresh.previousWorkingDay(d))).toBe(attempt(() => builtIn.previousWorkingDay(d)));
      expect(attempt(() => fresh.addWorkingDays(d, 7))).toBe(attempt(() => builtIn.addWorkingDays(d, 7)));
      if (expected) count++;
      expect(fresh.workingDaysBetween('2020-01-01', d)).toBe(count - (fresh.isWorkingDay('2020-01-01') ? 1 : 0));
    }
    expect(fresh.knownYears()).toEqual({ first: 2020, last: 2026 });
    expect(builtIn.knownYears()).toEqual(fresh.knownYears());
  });

  it('the zod schema accepts every built-in year unchanged', () => {
    for (const a of HOLIDAY_ARRANGEMENTS) expect(YearArrangementSchema.parse(a)).toEqual(a);
  });

  it('is unaffected by later changes to the arrangement objects', () => {
    const copy = HOLIDAY_ARRANGEMENTS.map((a) => ({ ...a, makeupWorkdays: [...a.makeupWorkdays] }));
    const cal = createCalendar(copy);
    copy[6]!.makeupWorkdays.length = 0;
    expect(cal.isWorkingDay('2026-01-04')).toBe(true); // 2026 notice: 1月4日（周日）上班
  });
});

describe('createCalendar refuses bad data, naming year, date and rule', () => {
  const refuse = (arrs: YearArrangement[], pattern: RegExp, year?: number) => {
    const err = thrown(() => createCalendar(arrs));
    expect(err).toBeInstanceOf(InvalidHolidayArrangement);
    expect(err.message).toMatch(pattern);
    expect((err as InvalidHolidayArrangement).year).toBe(year);
  };

  it('years: at least one, contiguous and ascending, four digits', () => {
    refuse([], /at least one year/);
    refuse([arrangement(2027), arrangement(2029)], /2029: years must be contiguous and ascending: expected 2028/, 2029);
    refuse([arrangement(2028), arrangement(2027)], /contiguous and ascending/, 2027);
    refuse([arrangement(2027), arrangement(2027)], /contiguous and ascending/, 2027);
    refuse([arrangement(27)], /year 27 must be a four-digit year/);
    refuse([arrangement(2027.5)], /four-digit year/);
  });

  it('holiday periods: real dates, in order, inside their year or the December before', () => {
    refuse([arrangement(2027, { holidays: [{ name: '春节', from: '2027-02-30', to: '2027-03-01' }] })], /春节.*"2027-02-30"/, 2027);
    refuse([arrangement(2027, { holidays: [{ name: '国庆节', from: '2027-10-07', to: '2027-10-01' }] })], /国庆节 2027-10-07..2027-10-01: ends before it starts/, 2027);
    refuse([arrangement(2027, { holidays: [{ name: '元旦', from: '2026-11-30', to: '2027-01-01' }] })], /must lie inside 2027 \(or the December before it\)/, 2027);
    refuse([arrangement(2027, { holidays: [{ name: '元旦', from: '2027-12-31', to: '2028-01-01' }] })], /must lie inside 2027/, 2027);
    // The December before is allowed (2023's New Year period starts 2022-12-31).
    expect(createCalendar([arrangement(2027), arrangement(2028, { holidays: [{ name: '元旦', from: '2027-12-31', to: '2028-01-02' }] })]).isWorkingDay('2027-12-31')).toBe(false);
  });

  it('make-up working days: weekend days inside the year, never also a holiday', () => {
    refuse([arrangement(2027, { makeupWorkdays: ['2027-02-10'] })], /make-up working day 2027-02-10 must be a Saturday or Sunday \(it is a Wednesday\)/, 2027);
    refuse([arrangement(2027, { makeupWorkdays: ['2026-06-06'] })], /2026-06-06 must lie inside 2027/, 2027);
    refuse(
      [arrangement(2027, { holidays: [{ name: '春节', from: '2027-02-06', to: '2027-02-12' }], makeupWorkdays: ['2027-02-07'] })],
      /2027-02-07 is both a make-up working day and a holiday \(春节, in the 2027 arrangement\)/,
      2027,
    );
    // Across years: a make-up Saturday of 2027 that the 2028 notice's New Year period covers.
    refuse(
      [arrangement(2027, { makeupWorkdays: ['2027-12-25'] }), arrangement(2028, { holidays: [{ name: '元旦', from: '2027-12-25', to: '2028-01-01' }] })],
      /2027-12-25 is both a make-up working day and a holiday \(元旦, in the 2028 arrangement\)/,
      2027,
    );
  });
});

describe('calendarWithSynthetic2027 (TEST FIXTURE, not the 2027 notice)', () => {
  const cal = calendarWithSynthetic2027();

  it('is labelled as a fixture and keeps the real notices for 2020–2026', () => {
    expect(SYNTHETIC_2027.notice.title).toMatch(/SYNTHETIC TEST FIXTURE/);
    expect(SYNTHETIC_2027.notice.documentNumber).not.toMatch(/国办/);
    expect(cal.knownYears()).toEqual({ first: 2020, last: 2027 });
    for (const d of everyDay('2020-01-01', '2026-12-31')) expect(cal.isWorkingDay(d)).toBe(builtIn.isWorkingDay(d));
  });

  it('2027 is weekends only: Monday–Friday work, Saturday and Sunday do not', () => {
    for (const d of everyDay('2027-01-01', '2027-12-31')) expect([d, cal.isWorkingDay(d)]).toEqual([d, isoWeekday(d) <= 5]);
    expect(cal.workingDaysBetween('2026-12-31', '2027-12-31')).toBe(261); // 2027 starts on a Friday: 52 weeks + 1 day
    expect(cal.addWorkingDays('2026-12-30', 5)).toBe('2027-01-06'); // 12-31, 01-01, 01-04, 01-05, 01-06
    expect(cal.nextWorkingDay('2027-01-02')).toBe('2027-01-04');
    expect(cal.previousWorkingDay('2027-01-04')).toBe('2027-01-01');
  });

  it('2028 is still unknown, and the built-in calendar still has no 2027', () => {
    const err = thrown(() => cal.isWorkingDay('2028-01-03'));
    expect(err).toBeInstanceOf(UnknownHolidayYear);
    expect((err as UnknownHolidayYear).year).toBe(2028);
    expect(err.message).toContain('known: 2020–2027');
    expect(thrown(() => cal.addWorkingDays('2027-12-30', 3))).toMatchObject({ year: 2028 });
    expect(thrown(() => builtIn.isWorkingDay('2027-01-04'))).toMatchObject({ name: 'UnknownHolidayYear', year: 2027 });
    expect(thrown(() => builtIn.isWorkingDay('2027-01-04')).message).toContain('known: 2020–2026');
  });
});

describe('loadCalendar (seeds/holidays)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'keyflow-holidays-'));
    writeFileSync(path.join(dir, 'README.md'), 'not data');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown) =>
    writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  /** A made-up 2027 for the loader only (one holiday, one make-up Saturday); not the notice. */
  const made2027 = {
    year: 2027,
    notice: { title: 'synthetic 2027 for a loader test', documentNumber: 'TEST-2027', published: '2026-11-01' },
    holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-03' }],
    makeupWorkdays: ['2027-01-09'],
  };
  const seedError = (f: () => unknown): SeedDataError => {
    const err = thrown(f);
    expect(err).toBeInstanceOf(SeedDataError);
    return err as SeedDataError;
  };

  it('the shipped folder holds no extra year yet: the built-in calendar, then provisional years to the horizon', () => {
    const cal = loadCalendar();
    expect(HOLIDAYS_DIR).toMatch(/seeds[\\/]holidays$/);
    expect(cal.knownYears()).toEqual({ first: 2020, last: 2029 });
    expect(cal.arrangements.filter((a) => a.provisional).map((a) => a.year)).toEqual([2027, 2028, 2029]);
    expect(fingerprint(createCalendar(cal.arrangements.filter((a) => !a.provisional)))).toEqual(BEFORE_REFACTOR);
  });

  it('adds a valid next year from <year>.json and keeps the built-in years', () => {
    write('2027.json', made2027);
    const cal = loadCalendar(dir);
    expect(cal.knownYears()).toEqual({ first: 2020, last: 2030 });
    expect(cal.arrangements[7]!.provisional).toBeUndefined();
    expect(cal.isWorkingDay('2027-01-01')).toBe(false);
    expect(cal.isWorkingDay('2027-01-04')).toBe(true);
    expect(cal.isWorkingDay('2027-01-09')).toBe(true); // a Saturday made a working day
    expect(cal.arrangements[7]).toMatchObject({ year: 2027, amendments: [] }); // amendments default to none
    for (const d of everyDay('2020-01-01', '2026-12-31')) expect(cal.isWorkingDay(d)).toBe(builtIn.isWorkingDay(d));
  });

  it('refuses a misspelt or malformed field, naming the file and the field', () => {
    write('2027.json', { ...made2027, makeupWorkdays: undefined, makeupWorkday: ['2027-01-09'] });
    const e1 = seedError(() => loadCalendar(dir));
    expect(e1.file).toBe(path.join(dir, '2027.json'));
    expect(e1.issues).toEqual(
      expect.arrayContaining([
        { field: 'makeupWorkdays', message: 'Required' },
        expect.objectContaining({ message: expect.stringContaining("'makeupWorkday'") }),
      ]),
    );

    write('2027.json', { ...made2027, holidays: [{ name: '元旦', from: '2027-1-1', to: '2027-01-03' }] });
    const e2 = seedError(() => loadCalendar(dir));
    expect(e2.issues).toContainEqual({ field: 'holidays[0].from', message: 'must be a date written YYYY-MM-DD' });
    expect(e2.issues.every((i) => i.field === 'holidays[0].from')).toBe(true);
    expect(e2.message).toContain('holidays[0].from: must be a date written YYYY-MM-DD');

    write('2027.json', { ...made2027, holidays: [{ name: '元旦', from: '2027-01-03', to: '2027-01-01' }] });
    expect(seedError(() => loadCalendar(dir)).issues).toEqual([{ field: 'holidays[0].to', message: 'must not be before from' }]);

    write('2027.json', { ...made2027, year: 2028 });
    expect(seedError(() => loadCalendar(dir)).issues).toEqual([{ field: 'year', message: 'is 2028 but the file is named 2027.json' }]);

    write('2027.json', '{ "year": 2027, ');
    expect(seedError(() => loadCalendar(dir)).message).toMatch(/2027\.json.*not readable JSON/s);
  });

  it('refuses calendar rules broken in a file, naming the file and the date', () => {
    write('2027.json', { ...made2027, makeupWorkdays: ['2027-01-06'] });
    const err = seedError(() => loadCalendar(dir));
    expect(err.file).toBe(path.join(dir, '2027.json'));
    expect(err.message).toContain('make-up working day 2027-01-06 must be a Saturday or Sunday');
  });

  it('fills a gap with a provisional year, and refuses a .json not named <year>.json', () => {
    write('2028.json', { ...made2027, year: 2028, holidays: [], makeupWorkdays: [] });
    const gap = loadCalendar(dir);
    expect(gap.arrangements.filter((a) => a.year >= 2027).map((a) => [a.year, a.provisional !== undefined])).toEqual([
      [2027, true],
      [2028, false],
      [2029, true],
      [2030, true],
      [2031, true],
    ]);
    rmSync(path.join(dir, '2028.json'));

    write('2027-draft.json', made2027);
    expect(seedError(() => loadCalendar(dir)).message).toMatch(/2027-draft\.json.*must be named <year>\.json/s);
  });

  it('a file for a built-in year must agree with it, else names the differing date', () => {
    const y2026 = HOLIDAY_ARRANGEMENTS.find((a) => a.year === 2026)!;
    write('2026.json', { ...y2026, holidays: y2026.holidays.map((p) => ({ ...p, name: `${p.name} (re-typed)` })) });
    expect(loadCalendar(dir).knownYears()).toEqual({ first: 2020, last: 2029 });

    write('2026.json', {
      ...y2026,
      holidays: y2026.holidays.map((p) => (p.name === '国庆节' ? { ...p, to: '2026-10-08' } : p)),
      makeupWorkdays: y2026.makeupWorkdays.filter((d) => d !== '2026-10-10'),
    });
    const err = seedError(() => loadCalendar(dir));
    expect(err.file).toBe(path.join(dir, '2026.json'));
    expect(err.issues).toEqual([
      { field: 'holidays', message: expect.stringMatching(/^2026-10-08 is a holiday \(国庆节\) in the file but not named in the built-in 2026 notice \(国办发明电〔2025〕7号/) },
      { field: 'makeupWorkdays', message: expect.stringMatching(/^2026-10-10 is not named in the file but a make-up working day in the built-in 2026 notice/) },
    ]);

    write('2026.json', { ...y2026, notice: { ...y2026.notice, documentNumber: '国办发明电〔2025〕8号' } });
    expect(seedError(() => loadCalendar(dir)).issues).toEqual([
      { field: 'notice.documentNumber', message: '"国办发明电〔2025〕8号" differs from the built-in 2026 notice 国办发明电〔2025〕7号' },
    ]);
  });

  it('refuses a folder that is not there', () => {
    expect(seedError(() => loadCalendar(path.join(dir, 'missing'))).message).toContain('holiday folder not readable');
  });
});

describe('answerCalendar with an injected calendar', () => {
  const cal = calendarWithSynthetic2027();
  const questions = [
    { op: 'isWorkingDay' as const, date: '2027-01-04' },
    { op: 'addWorkingDays' as const, from: '2026-12-30', n: 5 },
    { op: 'workingDaysBetween' as const, from: '2026-12-31', to: '2027-01-08' },
    { op: 'nextWorkingDay' as const, date: '2027-01-02' },
    { op: 'previousWorkingDay' as const, date: '2027-01-04' },
  ];

  it('answers 2027 from the given calendar; the default still names the gap', () => {
    expect(answerCalendar(questions, cal)).toEqual([
      { ok: true, value: true },
      { ok: true, value: '2027-01-06' },
      { ok: true, value: 6 },
      { ok: true, value: '2027-01-04' },
      { ok: true, value: '2027-01-01' },
    ]);
    for (const a of answerCalendar(questions)) expect(a).toMatchObject({ ok: false, error: 'UnknownHolidayYear', year: 2027 });
    expect(answerCalendar([{ op: 'isWorkingDay', date: '2028-01-03' }], cal)).toEqual([
      expect.objectContaining({ ok: false, error: 'UnknownHolidayYear', year: 2028 }),
    ]);
    expect(answerCalendar([{ op: 'previousWorkingDay', date: '2026-02-24' }], cal)).toEqual([{ ok: true, value: '2026-02-14' }]);
  });

  it('askCalendar uses ActivityDeps.calendar', async () => {
    const publisher: EventPublisher = { publish: () => Promise.reject(new Error('not used')), close: async () => {} };
    await expect(createActivities({ publisher, calendar: cal }).askCalendar(questions.slice(0, 1))).resolves.toEqual([{ ok: true, value: true }]);
    await expect(createActivities({ publisher }).askCalendar(questions.slice(0, 1))).resolves.toEqual([
      expect.objectContaining({ ok: false, error: 'UnknownHolidayYear' }),
    ]);
  });
});
