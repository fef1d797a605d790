/**
 * A review's recorded calendar years (domain/calendar/recordedYears.ts) count exactly as the
 * worker's whole calendar does, and ask the worker only for years they do not hold. Pure: the
 * "worker" here is answerCalendarYears over the calendar the worker loads.
 */
import fc from 'fast-check';
import { mkdtempSync } from 'fs';
import os from 'os';
import path from 'path';
import { answerCalendarYears } from '../../activities/calendar/years';
import { UnknownHolidayYear, type WorkingDayCalendar } from '../../domain/calendar';
import { NeedYears, RecordedYears } from '../../domain/calendar/recordedYears';
import type { ReviewCalendar } from '../../domain/jointReview/deadlines';
import { startReview } from '../../domain/jointReview/tasks';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { loadCalendar } from '../../seeds/holidays';
import { reviewStageInput } from '../../workflows/review/messages';

// The worker's calendar: the notices on disk, provisional years to the horizon, nothing beyond.
const worker: WorkingDayCalendar = loadCalendar(mkdtempSync(path.join(os.tmpdir(), 'keyflow-holidays-')));
const { first, last } = worker.knownYears();

/** Counts on `years`, asking the worker as a review would; returns the value and how many times it asked. */
function countAsked<T>(years: RecordedYears, compute: (cal: ReviewCalendar) => T): { value: T; asked: number[][]; provisionalYears: number[] } {
  const asked: number[][] = [];
  for (;;) {
    try {
      const r = years.count(compute);
      return { value: r.value, asked, provisionalYears: r.provisionalYears };
    } catch (err) {
      if (!(err instanceof NeedYears)) throw err;
      const ask = years.toAsk(err.years);
      asked.push(ask);
      years.record(answerCalendarYears({ years: ask }, worker, 3));
    }
  }
}

const outcome = <T,>(f: () => T): { value: T } | { unknownYear: number } => {
  try {
    return { value: f() };
  } catch (err) {
    if (err instanceof UnknownHolidayYear) return { unknownYear: err.year };
    throw err;
  }
};

const day = fc.integer({ min: Date.UTC(first, 0, 1), max: Date.UTC(last, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10));
const instant = fc.integer({ min: Date.UTC(first, 0, 1) - 8 * 3600_000, max: Date.UTC(last, 11, 31, 23) }).map((ms) => new Date(ms).toISOString());

describe('recorded calendar years', () => {
  it('add working days as the whole calendar does, also across year ends and past the last year it knows', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 400 }), (from, n) => {
        const mine = outcome(() => countAsked(new RecordedYears(), (cal) => cal.addWorkingDays(from, n)).value);
        expect(mine).toEqual(outcome(() => worker.addWorkingDays(from, n)));
      }),
      { numRuns: 300 },
    );
  });

  it('count working days between two instants as the whole calendar does (Shanghai dates, either order)', () => {
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const mine = outcome(() => countAsked(new RecordedYears(), (cal) => cal.workingDaysBetween(a, b)).value);
        expect(mine).toEqual(outcome(() => worker.workingDaysBetween(a, b)));
      }),
      { numRuns: 300 },
    );
  });

  it('read the next year too: a notice can move the last days of December (元旦 reaching back)', () => {
    // 2025-12-31 is a weekday; whether the count may use it depends on 2026's notice as well.
    const years = new RecordedYears();
    years.record(answerCalendarYears({ years: [2025] }, worker));
    expect(() => years.count((cal) => cal.addWorkingDays('2025-12-29', 2))).toThrow(NeedYears);
    years.record(answerCalendarYears({ years: [2026] }, worker));
    expect(years.count((cal) => cal.addWorkingDays('2025-12-29', 2)).value).toBe(worker.addWorkingDays('2025-12-29', 2));
  });

  it('ask once for a whole review start, then nothing for its later counts in the same years', () => {
    const input = reviewStageInput(
      { code: '2026-411122-13-03-000777', name: '临颍现代家居产业园', county: '411122', leadDepartment: 'fgw' },
      loadJointReviewConfig(),
      'engineeringPermit',
      'xzsp:wang',
    );
    const years = new RecordedYears();
    const start = countAsked(years, (cal) => startReview(cal, input, new Date('2026-12-01T09:00:00+08:00')));
    expect(start.asked).toEqual([[2026, 2027, 2028]]);
    expect(start.value).toEqual(startReview(worker, input, new Date('2026-12-01T09:00:00+08:00')));
    // 2027 has no notice on disk: counted provisionally, and said so.
    expect(start.provisionalYears).toEqual([2027]);
    const later = countAsked(years, (cal) => cal.workingDaysBetween('2026-12-03T02:00:00Z', '2027-01-20T02:00:00Z'));
    expect(later.asked).toEqual([]);
    expect(later.value).toBe(worker.workingDaysBetween('2026-12-03T02:00:00Z', '2027-01-20T02:00:00Z'));
  });

  it('refuse a year the worker has no arrangement for, as the whole calendar does, after asking once', () => {
    const years = new RecordedYears();
    const r = outcome(() => countAsked(years, (cal) => cal.addWorkingDays(`${last}-06-01`, 0)).value);
    expect(r).toEqual({ value: worker.addWorkingDays(`${last}-06-01`, 0) });
    expect(() => years.count((cal) => cal.addWorkingDays(`${last + 1}-01-05`, 1))).toThrow(UnknownHolidayYear);
  });

  it('take a newer version of a year it holds (a recount after a notice was loaded)', () => {
    const years = new RecordedYears();
    years.record(answerCalendarYears({ years: [2026, 2027, 2028] }, worker, 1));
    expect(years.calendarVersion).toBe(1);
    years.record(answerCalendarYears({ years: years.held() }, worker, 2));
    expect(years.calendarVersion).toBe(2);
    expect(years.held()).toEqual([2026, 2027, 2028]);
  });
});
