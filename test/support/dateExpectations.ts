/**
 * What the date-sensitive scenarios must produce, derived from the instant they run at (`now`),
 * never from the day the test was written. The e2e tests call these with the real now (the
 * Temporal dev server is a Go binary: libfaketime cannot move its clock); the pinned-instant check
 * (test/unit/pinnedInstants.test.ts) calls them with the time-skipping server's pinned clock and
 * compares them with the values written down for each instant (test/support/pinnedInstants.ts).
 */
import { addCalendarDays, atShanghaiTime, isoWeekday, shanghaiDate, UnknownHolidayYear, type WorkingDayCalendar } from '../../domain/calendar';
import { completionRate, expectedRate, warningLevel } from '../../domain/lifecycle/warning';
import { planMeeting } from '../../domain/meeting/plan';
import type { ReviewPolicy, StageConfig } from '../../schemas/jointReview';
import { LifecycleConfig } from '../../schemas/lifecycleConfig';
import type { WarningLevel } from '../../schemas/lifecycle';
import type { MeetingConfig, MeetingPlan } from '../../schemas/meeting';

/** The first firing of the weekly meeting's schedule strictly after `now` (the weekday at `prepareAt`, Asia/Shanghai). */
export function nextScheduleFiring(now: Date, config: Pick<MeetingConfig, 'weekday' | 'prepareAt'>): Date {
  const today = shanghaiDate(now);
  for (let i = 0; i <= 7; i++) {
    const d = addCalendarDays(today, i);
    const at = atShanghaiTime(d, config.prepareAt);
    if (isoWeekday(d) === config.weekday && at > now) return at;
  }
  throw new Error('unreachable: a weekday recurs within 8 days');
}

/** A meeting's plan, or the calendar's refusal when its dates fall in a year without holiday data. */
export function expectedPlan(
  nominalDate: string,
  config: MeetingConfig,
  calendar: WorkingDayCalendar,
): { ok: true; plan: MeetingPlan } | { ok: false; year: number } {
  try {
    return { ok: true, plan: planMeeting(nominalDate, config, calendar) };
  } catch (err) {
    if (err instanceof UnknownHolidayYear) return { ok: false, year: err.year };
    throw err;
  }
}

/** `n` working days after `from`, or null when that falls in a year without holiday data (as the workflows record a calendar gap). */
export function dueAfterWorkingDays(calendar: WorkingDayCalendar, from: string, n: number): string | null {
  try {
    return calendar.addWorkingDays(from, n);
  } catch (err) {
    if (err instanceof UnknownHolidayYear) return null;
    throw err;
  }
}

/** A reminder later than this after its time is marked late (workflows/meeting/workflow.ts). */
const LATE_AFTER_MS = 60_000;

export interface ExpectedRound {
  round: 'draft' | 'first' | 'final';
  /** Reminders of this round, when it sends any: their `sendAt` and `late`. */
  reminders: { sendAt: string; late: boolean } | null;
}

/**
 * The agenda rounds of a meeting prepared at `startedAt`: the draft at once; the first round at
 * its reminder time unless the run started after the final reminder's; the final round on the
 * morning, with reminders unless the meeting has already begun.
 */
export function expectedRounds(plan: MeetingPlan, startedAt: Date): ExpectedRound[] {
  const t = startedAt.getTime();
  const late = (sendAt: string) => Math.max(t, Date.parse(sendAt)) - Date.parse(sendAt) > LATE_AFTER_MS;
  const rounds: ExpectedRound[] = [{ round: 'draft', reminders: null }];
  if (t < Date.parse(plan.finalReminderAt)) rounds.push({ round: 'first', reminders: { sendAt: plan.firstReminderAt, late: late(plan.firstReminderAt) } });
  const finalRemind = Math.max(t, Date.parse(plan.finalReminderAt)) < Date.parse(plan.meetingAt);
  rounds.push({ round: 'final', reminders: finalRemind ? { sendAt: plan.finalReminderAt, late: late(plan.finalReminderAt) } : null });
  return rounds;
}

/**
 * The figures of the report-refusal scenario (test/support/reportRefusals.ts): a year-to-date
 * total of 1000 万元 against an annual plan of 1200, later corrected to 1050. Against the pro-rata
 * plan (month/12) that is on plan until November and more than 10 points behind in December.
 */
export const REPORT_FIGURES = { annualPlannedInvestment: 1200, investmentToDate: 1000, correctedToDate: 1050 } as const;

/** The warning light after a year-to-date total of `toDate` for `month`, as the workflow computes it (no stall). */
export function expectedWarning(month: string, toDate: number, annualPlan: number, config: LifecycleConfig = LifecycleConfig.parse({})): WarningLevel {
  return warningLevel({ completionRate: completionRate(toDate, annualPlan), expectedRate: expectedRate(month), stalled: false, ...config.warning });
}

/**
 * The event types the report-refusal scenario publishes for its project when its report is for
 * `month`: registration, the report and its correction, each followed by a warning change when
 * the light changes (green at registration: no report yet).
 */
export function expectedReportEventTypes(month: string, figures: typeof REPORT_FIGURES = REPORT_FIGURES): string[] {
  const types = ['cn.keyflow.project.registered'];
  let light: WarningLevel = 'green';
  for (const toDate of [figures.investmentToDate, figures.correctedToDate]) {
    types.push('cn.keyflow.project.progressReported');
    const next = expectedWarning(month, toDate, figures.annualPlannedInvestment);
    if (next !== light) types.push('cn.keyflow.project.warningChanged');
    light = next;
  }
  return types;
}

export interface ExpectedTask {
  department: string;
  deadlineDate: string;
  remindAt: string | null;
}

/**
 * The tasks of a review stage accepted at `acceptedAt` (deadlines counted from the next day, Civil
 * Code art. 201; reminders `reminderLeadWorkingDays` before, at `reminderTimeOfDay`), or the year
 * the calendar has no data for, when a deadline falls in it (the stage is then refused).
 */
export function expectedReviewTasks(
  calendar: WorkingDayCalendar,
  acceptedAt: Date,
  stage: StageConfig,
  policy: ReviewPolicy,
): { ok: true; tasks: ExpectedTask[] } | { ok: false; year: number } {
  const day = shanghaiDate(acceptedAt);
  try {
    const tasks = stage.participants.map((p) => {
      const n = p.limitWorkingDays - policy.reminderLeadWorkingDays;
      const remind = n >= 1 ? atShanghaiTime(calendar.addWorkingDays(day, n), policy.reminderTimeOfDay) : null;
      return {
        department: p.department,
        deadlineDate: calendar.addWorkingDays(day, p.limitWorkingDays),
        remindAt: remind && remind.getTime() > acceptedAt.getTime() ? remind.toISOString() : null,
      };
    });
    return { ok: true, tasks };
  } catch (err) {
    if (err instanceof UnknownHolidayYear) return { ok: false, year: err.year };
    throw err;
  }
}
