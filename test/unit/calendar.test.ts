import {
  HOLIDAY_ARRANGEMENTS,
  InvalidDate,
  UnknownHolidayYear,
  addCalendarDays,
  addWorkingDays,
  atShanghaiTime,
  endOfWorkingDay,
  isWorkingDay,
  isoWeekday,
  knownYears,
  nextWorkingDay,
  shanghaiDate,
  workingDaysBetween,
} from '../../domain/calendar';

const SAT = 6;
const SUN = 7;

describe('holiday data', () => {
  it('covers 2020–2026, contiguous, each year with its notice', () => {
    expect(knownYears()).toEqual({ first: 2020, last: 2026 });
    expect(HOLIDAY_ARRANGEMENTS.map((a) => a.year)).toEqual([2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    for (const a of HOLIDAY_ARRANGEMENTS) {
      expect(a.notice.title).toBe(`国务院办公厅关于${a.year}年部分节假日安排的通知`);
      expect(a.notice.documentNumber).toMatch(/^国办发明电〔\d{4}〕\d+号$/);
      expect(a.notice.published < `${a.year}-01-01`).toBe(true);
      for (const d of a.makeupWorkdays) expect([SAT, SUN]).toContain(isoWeekday(d));
    }
    const y2020 = HOLIDAY_ARRANGEMENTS[0];
    expect(y2020?.notice.documentNumber).toBe('国办发明电〔2019〕16号');
    expect(y2020?.amendments[0]?.notice.documentNumber).toBe('国办发明电〔2020〕1号');
  });

  it('yearly working-day totals match hand counts from the notices', () => {
    // 2024: 262 weekdays − 19 weekday holidays + 8 make-up days = 251.
    expect(workingDaysBetween('2023-12-31', '2024-12-31')).toBe(251);
    // 2025: 261 weekdays − 18 weekday holidays + 5 make-up days = 248.
    expect(workingDaysBetween('2024-12-31', '2025-12-31')).toBe(248);
    // 2026: 261 weekdays − 19 weekday holidays + 6 make-up days = 248.
    expect(workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
  });
});

describe('isWorkingDay against the notices', () => {
  it('make-up weekend days are working days', () => {
    // 2024 notice: 2月4日（星期日）上班; 2025 notice: 1月26日（周日）、2月8日（周六）上班.
    expect(isoWeekday('2024-02-04')).toBe(SUN);
    expect(isWorkingDay('2024-02-04')).toBe(true);
    expect(isoWeekday('2025-01-26')).toBe(SUN);
    expect(isWorkingDay('2025-01-26')).toBe(true);
    expect(isoWeekday('2025-02-08')).toBe(SAT);
    expect(isWorkingDay('2025-02-08')).toBe(true);
    // ordinary weekend next to it
    expect(isWorkingDay('2025-02-09')).toBe(false);
  });

  it('weekday holidays are not working days', () => {
    expect(isoWeekday('2025-01-28')).toBe(2); // 除夕, Tuesday, statutory since 2025
    expect(isWorkingDay('2025-01-28')).toBe(false);
    expect(isWorkingDay('2025-02-04')).toBe(false); // 正月初七, Tuesday
    expect(isWorkingDay('2024-04-04')).toBe(false); // 清明 Thursday
    expect(isWorkingDay('2023-04-05')).toBe(false); // 清明 Wednesday
    expect(isWorkingDay('2026-02-23')).toBe(false); // Monday, end of 2026 Spring Festival
    expect(isWorkingDay('2024-01-01')).toBe(false);
  });

  it('2024 Spring Festival eve (2月9日) stays a working day: the notice only encourages leave', () => {
    expect(isWorkingDay('2024-02-09')).toBe(true);
    expect(isWorkingDay('2024-02-10')).toBe(false);
  });

  it('2020 Spring Festival as extended by 国办发明电〔2020〕1号', () => {
    expect(isWorkingDay('2020-01-19')).toBe(true); // Sunday make-up day, kept
    expect(isWorkingDay('2020-01-31')).toBe(false); // Friday, extension
    expect(isWorkingDay('2020-02-01')).toBe(false); // Saturday, make-up day cancelled
    expect(isWorkingDay('2020-02-03')).toBe(true); // work resumed Monday
  });

  it('National Day week', () => {
    // 2024: 10月1日至7日放假; 9月29日（星期日）、10月12日（星期六）上班.
    for (let d = '2024-10-01'; d <= '2024-10-07'; d = addCalendarDays(d, 1)) expect(isWorkingDay(d)).toBe(false);
    expect(isWorkingDay('2024-09-29')).toBe(true);
    expect(isWorkingDay('2024-10-08')).toBe(true);
    expect(isWorkingDay('2024-10-12')).toBe(true);
    expect(addWorkingDays('2024-09-30', 1)).toBe('2024-10-08');
    expect(workingDaysBetween('2024-09-30', '2024-10-08')).toBe(1);
    // 2025: 10月1日至8日放假; 9月28日（周日）、10月11日（周六）上班.
    // After Fri 9-26: Sun 9-28 (1), Mon 9-29 (2), Tue 9-30 (3), [10-1..10-8 off], Thu 10-9 (4), Fri 10-10 (5), Sat 10-11 (6).
    expect(workingDaysBetween('2025-09-26', '2025-10-12')).toBe(6);
    expect(addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
  });

  it('year-crossing New Year period of the 2023 notice (2022-12-31 .. 2023-01-02)', () => {
    expect(isWorkingDay('2022-12-30')).toBe(true);
    expect(isWorkingDay('2023-01-02')).toBe(false);
    expect(addWorkingDays('2022-12-30', 1)).toBe('2023-01-03');
  });
});

describe('deadlines across the Spring Festival (Civil Code art. 201: counting starts the next day)', () => {
  it('20 working days from Mon 2024-02-05', () => {
    // Hand count against 国办发明电〔2023〕7号 (2月10日至17日放假; 2月4日、2月18日上班):
    // Tue 2-6 (1), Wed 2-7 (2), Thu 2-8 (3), Fri 2-9 (4), [2-10..2-17 off], Sun 2-18 (5),
    // 2-19..2-23 (6–10), 2-26..3-1 (11–15), 3-4..3-8 (16–20) → Fri 2024-03-08.
    expect(addWorkingDays('2024-02-05', 20)).toBe('2024-03-08');
    expect(workingDaysBetween('2024-02-05', '2024-03-08')).toBe(20);
  });

  it('20 working days from Fri 2025-01-24', () => {
    // Hand count against 国办发明电〔2024〕12号 (1月28日至2月4日放假; 1月26日、2月8日上班):
    // Sat 1-25 off, Sun 1-26 (1), Mon 1-27 (2), [1-28..2-4 off], Wed 2-5 (3), Thu 2-6 (4),
    // Fri 2-7 (5), Sat 2-8 (6), 2-10..2-14 (7–11), 2-17..2-21 (12–16), Mon 2-24 (17),
    // Tue 2-25 (18), Wed 2-26 (19), Thu 2-27 (20) → 2025-02-27.
    expect(addWorkingDays('2025-01-24', 20)).toBe('2025-02-27');
    expect(workingDaysBetween('2025-01-24', '2025-02-27')).toBe(20);
  });

  it('n = 0 returns the date itself if working, else the next working day', () => {
    expect(addWorkingDays('2025-01-27', 0)).toBe('2025-01-27');
    expect(addWorkingDays('2025-01-28', 0)).toBe('2025-02-05');
    expect(addWorkingDays('2025-01-28', 1)).toBe('2025-02-05');
  });

  it('counting from a holiday starts the next day', () => {
    expect(addWorkingDays('2025-01-29', 3)).toBe('2025-02-07'); // 2-5, 2-6, 2-7
  });
});

describe('nextWorkingDay', () => {
  it('moves a meeting off a holiday, leaves a working day alone', () => {
    expect(nextWorkingDay('2025-10-06')).toBe('2025-10-09'); // Monday in National Day week
    expect(nextWorkingDay('2025-10-09')).toBe('2025-10-09');
    expect(nextWorkingDay('2024-02-17')).toBe('2024-02-18'); // Saturday holiday → Sunday make-up day
  });
});

describe('Asia/Shanghai instants', () => {
  it('16:00Z is Shanghai midnight', () => {
    expect(shanghaiDate('2024-02-08T16:30:00Z')).toBe('2024-02-09');
    expect(shanghaiDate('2024-02-08T15:59:59.999Z')).toBe('2024-02-08');
    expect(shanghaiDate('2024-02-08T15:59:00Z')).toBe('2024-02-08');
    expect(shanghaiDate('2024-02-08T16:00:00Z')).toBe('2024-02-09');
    expect(shanghaiDate(new Date(Date.UTC(2024, 1, 8, 16, 30)))).toBe('2024-02-09');
    expect(shanghaiDate(new Date(Date.UTC(2024, 1, 8, 15, 59)))).toBe('2024-02-08');
    expect(shanghaiDate('2024-02-09T00:30:00+08:00')).toBe('2024-02-09');
    expect(shanghaiDate('2024-02-08T11:30:00-05:00')).toBe('2024-02-09');
    expect(shanghaiDate('2024-02-09')).toBe('2024-02-09');
    expect(shanghaiDate('2024-12-31T16:00:00.000001Z')).toBe('2025-01-01');
  });

  it('workingDaysBetween uses the Shanghai date of each instant', () => {
    // 15:59Z on Thu 2-8 is still 2-8 in Shanghai; 16:30Z is Fri 2-9 (a working day).
    expect(workingDaysBetween('2024-02-08T15:59:00Z', '2024-02-08T16:30:00Z')).toBe(1);
    expect(workingDaysBetween('2024-02-08T01:00:00Z', '2024-02-08T15:59:00Z')).toBe(0);
    expect(workingDaysBetween('2024-02-08T16:30:00Z', '2024-02-08T15:59:00Z')).toBe(-1);
  });

  it('endOfWorkingDay and atShanghaiTime', () => {
    expect(endOfWorkingDay('2024-02-08').toISOString()).toBe('2024-02-08T15:59:59.999Z');
    expect(shanghaiDate(endOfWorkingDay('2024-02-08'))).toBe('2024-02-08');
    expect(atShanghaiTime('2024-02-08', '09:00').toISOString()).toBe('2024-02-08T01:00:00.000Z');
    expect(atShanghaiTime('2024-02-09', '00:30').toISOString()).toBe('2024-02-08T16:30:00.000Z');
    expect(() => atShanghaiTime('2024-02-08', '24:00')).toThrow(InvalidDate);
    expect(() => atShanghaiTime('2024-02-08', '9:00')).toThrow(InvalidDate);
  });
});

describe('errors', () => {
  const yearOf = (fn: () => unknown): number | undefined => {
    try {
      fn();
    } catch (e) {
      if (e instanceof UnknownHolidayYear) return e.year;
      throw e;
    }
    return undefined;
  };

  it('UnknownHolidayYear for 2019 and for 2027 (the year after the last notice)', () => {
    expect(() => isWorkingDay('2019-12-31')).toThrow(UnknownHolidayYear);
    expect(yearOf(() => isWorkingDay('2019-12-31'))).toBe(2019);
    expect(yearOf(() => isWorkingDay('2027-01-04'))).toBe(2027);
    expect(yearOf(() => addWorkingDays('2019-12-20', 5))).toBe(2019);
    expect(yearOf(() => addWorkingDays('2026-12-30', 5))).toBe(2027); // runs past 2026-12-31
    expect(yearOf(() => nextWorkingDay('2027-01-01'))).toBe(2027);
    expect(yearOf(() => workingDaysBetween('2019-12-31T15:59:00Z', '2020-01-10T00:00:00Z'))).toBe(2019);
    // 16:30Z on 12-31 is already 2020-01-01 in Shanghai: covered.
    expect(workingDaysBetween('2019-12-31T16:30:00Z', '2020-01-03T00:00:00Z')).toBe(2);
    const err = new UnknownHolidayYear(2027);
    expect(err.name).toBe('UnknownHolidayYear');
    expect(err.message).toContain('2027');
    expect(addWorkingDays('2026-12-30', 1)).toBe('2026-12-31');
  });

  it('InvalidDate for malformed or impossible dates, offset-less instants and bad counts', () => {
    for (const bad of ['2024-02-30', '2023-02-29', '2024-13-01', '2024-2-3', '20240203', '2024-02-03 ', '']) {
      expect(() => isWorkingDay(bad)).toThrow(InvalidDate);
    }
    expect(() => isWorkingDay(20240203 as unknown as string)).toThrow(InvalidDate);
    expect(isWorkingDay('2024-02-29')).toBe(true);
    expect(() => shanghaiDate('2024-02-08T16:30:00')).toThrow(/explicit offset/);
    expect(() => shanghaiDate('2024-02-30T16:30:00Z')).toThrow(InvalidDate);
    expect(() => shanghaiDate(new Date(Number.NaN))).toThrow(InvalidDate);
    expect(() => addWorkingDays('2024-02-05', -1)).toThrow(InvalidDate);
    expect(() => addWorkingDays('2024-02-05', 1.5)).toThrow(InvalidDate);
    expect(() => isWorkingDay('2024-02-30')).toThrow(/"2024-02-30".*day must be 01–29/);
  });
});

describe('consistency (property-style)', () => {
  // Reference: count day by day with isWorkingDay.
  const slowBetween = (a: string, b: string): number => {
    let n = 0;
    for (let d = addCalendarDays(a, 1); d <= b; d = addCalendarDays(d, 1)) if (isWorkingDay(d)) n++;
    return n;
  };
  // Deterministic LCG so failures reproduce.
  let seed = 20240205;
  const rand = (k: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % k;
  };

  it('addWorkingDays and workingDaysBetween agree for every start date and many n', () => {
    const failures: string[] = []; // collected, so one expect reports them all (and stays fast)
    const check = (ok: boolean, what: string): void => {
      if (!ok) failures.push(what);
    };
    for (let from = '2020-01-01'; from <= '2026-09-30'; from = addCalendarDays(from, 1)) {
      for (const n of [1, 2, 5, 10, 20, 45]) {
        const due = addWorkingDays(from, n);
        check(isWorkingDay(due), `${from}+${n}=${due} is not a working day`);
        check(workingDaysBetween(from, due) === n, `between(${from}, ${due}) != ${n}`);
        // earliest such date: the day before is one short
        check(workingDaysBetween(from, addCalendarDays(due, -1)) === n - 1, `${from}+${n}=${due} is not the earliest`);
        check(workingDaysBetween(due, from) === -n, `between(${due}, ${from}) != -${n}`);
      }
      check(addWorkingDays(from, 0) === nextWorkingDay(from), `${from}+0 != nextWorkingDay`);
    }
    expect(failures).toEqual([]);
  });

  it('workingDaysBetween matches a day-by-day count and is additive', () => {
    const dayAt = (i: number): string => addCalendarDays('2020-01-01', i);
    for (let k = 0; k < 400; k++) {
      const a = dayAt(rand(2557));
      const b = addCalendarDays(a, rand(120));
      if (b > '2026-12-31') continue;
      const n = workingDaysBetween(a, b);
      expect(n).toBe(slowBetween(a, b));
      if (n > 0 && isWorkingDay(b)) expect(addWorkingDays(a, n)).toBe(b);
      const c = dayAt(rand(2557));
      expect(workingDaysBetween(a, b) + workingDaysBetween(b, c)).toBe(workingDaysBetween(a, c));
    }
  });
});
