/**
 * Instants at which the date-sensitive scenarios are run by test/unit/pinnedInstants.test.ts, each
 * on a time-skipping server whose clock starts there (test/support/fixedClock.ts), with what must
 * happen written down by hand from the calendar (2026 State Council notice: Spring Festival
 * 15–23 February, make-up working days Saturday 14 February and Saturday 10 October, …). The
 * check also derives the same from the instant (test/support/dateExpectations.ts), so a wrong
 * derivation and a wrong workflow both show.
 *
 * Add an instant when a bug shows on a particular day: the check then runs it on every run.
 */
import type { WarningLevel } from '../../schemas/lifecycle';

const cst = (date: string, hhmm: string): string => new Date(`${date}T${hhmm}:00+08:00`).toISOString();

export interface PinnedInstant {
  name: string;
  /** The instant, ISO-8601 (UTC). */
  at: string;
  /** Why this instant is a hard case. */
  why: string;
  /**
   * Deadlines or the meeting reach into 2027, for which keyflow has no State Council notice: the
   * worker gets the TEST-ONLY synthetic 2027 (weekends only, test/support/calendars.ts) until the
   * provisional calendar lands. The expectations below are the synthetic calendar's.
   */
  synthetic2027: boolean;
  /** The weekly meeting the schedule would prepare at this instant. */
  meeting: {
    nominalDate: string;
    meetingDate: string;
    moved: boolean;
    firstReminderAt: string;
    finalReminderAt: string;
    /** The first reminder's time has passed by more than a minute: sent at once, marked late. */
    firstLate: boolean;
  };
  /** The warning light after the report-refusal scenario's report (1000 of 1200 万元) for this month. */
  warningAfterReport: WarningLevel;
  /**
   * Deadline dates of the first joint-review stage (立项用地规划许可: fgw 15, zrzy 20, sthj 15, sl 10
   * working days) accepted at this instant; `derived` where they reach into 2027 on the real data
   * (refused with UnknownHolidayYear today, counted once the provisional calendar lands).
   */
  reviewDeadlines: Record<string, string> | 'derived';
  /** The month a four-compare check fired now examines (the previous month). */
  fourComparePeriod: string;
}

export const PINNED_INSTANTS: readonly PinnedInstant[] = [
  {
    name: 'a Monday 08:00',
    at: cst('2026-12-07', '08:00'),
    why: 'the meeting prepared is a week ahead; the first reminder is on Friday',
    synthetic2027: false,
    meeting: { nominalDate: '2026-12-14', meetingDate: '2026-12-14', moved: false, firstReminderAt: cst('2026-12-11', '16:00'), finalReminderAt: cst('2026-12-14', '08:00'), firstLate: false },
    warningAfterReport: 'yellow', // December: 83 % done of the 100 % expected
    reviewDeadlines: 'derived', // zrzy's 20 working days end in 2027
    fourComparePeriod: '2026-11',
  },
  {
    name: 'a Friday 17:00',
    at: cst('2026-12-04', '17:00'),
    why: "after Friday 16:00 the next Monday's first reminder has already passed",
    synthetic2027: false,
    meeting: { nominalDate: '2026-12-07', meetingDate: '2026-12-07', moved: false, firstReminderAt: cst('2026-12-04', '16:00'), finalReminderAt: cst('2026-12-07', '08:00'), firstLate: true },
    warningAfterReport: 'yellow',
    reviewDeadlines: 'derived',
    fourComparePeriod: '2026-11',
  },
  {
    name: '31 December 17:00',
    at: cst('2026-12-31', '17:00'),
    why: 'year change: next month and the next annual plan are in 2027; deadlines and the meeting fall in 2027',
    synthetic2027: true,
    // Synthetic 2027: Friday 1 January counts as a working day (the real notice will make it New Year's Day).
    meeting: { nominalDate: '2027-01-04', meetingDate: '2027-01-04', moved: false, firstReminderAt: cst('2027-01-01', '16:00'), finalReminderAt: cst('2027-01-04', '08:00'), firstLate: false },
    warningAfterReport: 'yellow',
    reviewDeadlines: { fgw: '2027-01-21', zrzy: '2027-01-28', sthj: '2027-01-21', sl: '2027-01-14' },
    fourComparePeriod: '2026-11',
  },
  {
    name: 'the eve of the Spring Festival (a holiday)',
    at: cst('2026-02-16', '10:00'),
    why: 'a holiday: the meeting of Monday 23 February moves to Tuesday 24; its first reminder fell on the make-up Saturday 14 February',
    synthetic2027: false,
    meeting: { nominalDate: '2026-02-23', meetingDate: '2026-02-24', moved: true, firstReminderAt: cst('2026-02-14', '16:00'), finalReminderAt: cst('2026-02-24', '08:00'), firstLate: true },
    warningAfterReport: 'green', // February: 83 % done of the 17 % expected
    // Accepted on a holiday: counting starts on the first working day after it, 24 February.
    reviewDeadlines: { fgw: '2026-03-13', zrzy: '2026-03-20', sthj: '2026-03-13', sl: '2026-03-06' },
    fourComparePeriod: '2026-01',
  },
  {
    name: 'a make-up Saturday 09:00',
    at: cst('2026-10-10', '09:00'),
    why: 'a Saturday that is a working day: the first reminder of Monday 12 October is today at 16:00',
    synthetic2027: false,
    meeting: { nominalDate: '2026-10-12', meetingDate: '2026-10-12', moved: false, firstReminderAt: cst('2026-10-10', '16:00'), finalReminderAt: cst('2026-10-12', '08:00'), firstLate: false },
    warningAfterReport: 'green', // October: 83.3 % done of the 83.3 % expected
    reviewDeadlines: { fgw: '2026-10-30', zrzy: '2026-11-06', sthj: '2026-10-30', sl: '2026-10-23' },
    fourComparePeriod: '2026-09',
  },
];
