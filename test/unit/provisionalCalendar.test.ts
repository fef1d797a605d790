/**
 * Provisional years: derived from 全国年节及纪念日放假办法 (2024 amendment) while a year's notice
 * is not out, counted on, and marked in every calendar answer that touches them.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { answerCalendar } from '../../activities/calendar/answer';
import { addCalendarDays, createCalendar, HOLIDAY_ARRANGEMENTS, isoWeekday, UnknownHolidayYear, type YearArrangement } from '../../domain/calendar';
import { provisionalYear, PROVISIONAL_DOCUMENT_NUMBER, statutoryDays, withProvisionalYears } from '../../domain/calendar/provisional';
import { CalendarAnswer } from '../../schemas/calendar';
import { loadCalendar } from '../../seeds/holidays';

const daysOff = (a: YearArrangement): string[] => {
  const out: string[] = [];
  for (const p of a.holidays) for (let d = p.from; d <= p.to; d = addCalendarDays(d, 1)) out.push(d);
  return out;
};
const weekdaysOff = (a: YearArrangement): string[] => daysOff(a).filter((d) => isoWeekday(d) <= 5);

describe('provisional years from the statutory rules', () => {
  it.each([2025, 2026])('every derived day off of %i is a holiday in that year’s real notice', (year) => {
    const real = new Set(daysOff(HOLIDAY_ARRANGEMENTS.find((a) => a.year === year)!));
    const derived = provisionalYear(year);
    expect(daysOff(derived).filter((d) => !real.has(d))).toEqual([]);
  });

  it('has the 13 statutory days, the 2027 Spring Festival eve on 5 February', () => {
    const days = statutoryDays(2027);
    expect(days.flatMap((f) => f.dates)).toHaveLength(13);
    expect(days.find((f) => f.name === '春节')!.dates).toEqual(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']);
  });

  it.each([2027, 2028, 2029, 2030, 2031])('%i: 13 weekdays off (a weekend holiday is given back, no 调休), marked provisional', (year) => {
    const a = provisionalYear(year);
    expect(new Set(weekdaysOff(a)).size).toBe(13);
    expect(daysOff(a).length).toBeGreaterThanOrEqual(13);
    expect(daysOff(a).length).toBeLessThanOrEqual(20);
    expect(a.makeupWorkdays).toEqual([]);
    expect(a.notice.documentNumber).toBe(PROVISIONAL_DOCUMENT_NUMBER);
    expect(a.provisional?.basis).toContain(`${year}年国务院节假日安排通知尚未发布`);
    expect(() => createCalendar([a])).not.toThrow();
  });

  it('gives back a weekend day on the next working day after the festival: 2027 Spring Festival, 2028 中秋 on 国庆', () => {
    const spring = provisionalYear(2027).holidays.find((p) => p.name === '春节')!;
    expect(spring).toMatchObject({ from: '2027-02-05', to: '2027-02-10' }); // Sat 6, Sun 7 → Tue 9, Wed 10
    const oct = provisionalYear(2028).holidays.find((p) => p.name.includes('国庆节'))!;
    expect(oct).toMatchObject({ from: '2028-10-01', to: '2028-10-05' }); // Sun 1 → Wed 4; 中秋 on 3 Oct → Thu 5
  });

  it('fills the years after the last notice up to the horizon, and gaps', () => {
    const years = withProvisionalYears(HOLIDAY_ARRANGEMENTS).map((a) => [a.year, !!a.provisional]);
    expect(years.slice(-4)).toEqual([[2026, false], [2027, true], [2028, true], [2029, true]]);
    const fake2028 = { ...provisionalYear(2028), provisional: undefined, notice: { ...provisionalYear(2028).notice, documentNumber: 'TEST' } };
    const gap = withProvisionalYears([...HOLIDAY_ARRANGEMENTS, fake2028]).map((a) => [a.year, !!a.provisional]);
    expect(gap.slice(-6)).toEqual([[2026, false], [2027, true], [2028, false], [2029, true], [2030, true], [2031, true]]);
  });
});

describe('the worker’s calendar and its answers', () => {
  const emptyDir = mkdtempSync(path.join(os.tmpdir(), 'keyflow-holidays-'));
  const cal = loadCalendar(emptyDir);

  it('counts into 2027 instead of failing, and still fails beyond the horizon', () => {
    expect(cal.knownYears()).toEqual({ first: 2020, last: 2029 });
    expect(cal.addWorkingDays('2026-12-01', 30)).toBe('2027-01-13');
    expect(() => cal.addWorkingDays('2029-12-01', 30)).toThrow(UnknownHolidayYear);
  });

  it('marks an answer provisional when its from/to/result span touches a provisional year, with the version', () => {
    const [into2027, in2026, between, beyond] = answerCalendar(
      [
        { op: 'addWorkingDays', from: '2026-12-01', n: 30 },
        { op: 'addWorkingDays', from: '2026-11-02', n: 5 },
        { op: 'workingDaysBetween', from: '2026-12-20T01:00:00Z', to: '2028-01-05' },
        { op: 'addWorkingDays', from: '2029-12-01', n: 30 },
      ],
      cal,
      4,
    );
    expect(into2027).toMatchObject({ ok: true, value: '2027-01-13', calendarVersion: 4, provisional: { years: [2027], calendarVersion: 4 } });
    expect((into2027 as { provisional: { basis: string } }).provisional.basis).toContain('2027年国务院节假日安排通知尚未发布');
    expect(in2026).toEqual({ ok: true, value: '2026-11-09', calendarVersion: 4 });
    expect(between).toMatchObject({ provisional: { years: [2027, 2028] } });
    expect(beyond).toMatchObject({ ok: false, error: 'UnknownHolidayYear', year: 2030 });
  });

  it('still parses answers recorded before (no provisional, no version)', () => {
    expect(CalendarAnswer.parse({ ok: true, value: '2026-11-09' })).toEqual({ ok: true, value: '2026-11-09' });
  });

  it('lets a loaded notice replace a provisional year, and refuses a provisional notice file', () => {
    const notice2027 = { ...provisionalYear(2027), provisional: undefined, notice: { title: 'TEST FIXTURE', documentNumber: 'TEST-2027', published: '2026-11-30' } };
    const loaded = loadCalendar(emptyDir, [notice2027]);
    expect(loaded.arrangements.find((a) => a.year === 2027)!.provisional).toBeUndefined();
    expect(loaded.knownYears().last).toBe(2030);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keyflow-holidays-'));
    writeFileSync(path.join(dir, '2027.json'), JSON.stringify(provisionalYear(2027)));
    expect(() => loadCalendar(dir)).toThrow(/provisional/);
  });
});
