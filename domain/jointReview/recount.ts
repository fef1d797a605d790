/**
 * Deadlines counted on provisional calendar years (暂定), and their recount when a holiday
 * notice is loaded. Pure: state in, new state and what changed out.
 *
 * - A task's deadline (or a follow-up's due date) is provisional when the years from its origin
 *   (acceptance; the follow-up's creation) to its date include a year the calendar answered
 *   provisionally. Only open items are marked: a closed one no longer moves.
 * - Recount on the new calendar, from the origin, never from the old date (so an amended notice
 *   cannot compound an error):
 *     task deadline = addWorkingDays(acceptance date, limit + Σ paused working days recounted),
 *     reminder as at acceptance, for that total;
 *     a returned task: the same deadline, and its working days left at the return recounted;
 *     follow-up due = addWorkingDays(created date, workingDays), reminder as at its creation.
 *   Each item whose date changed gets a `deadlineRecounted` audit entry (old → new, with the
 *   notice's document number) and, for a task, its reminder may go out again for the new date.
 */
import { shanghaiDate } from '../calendar';
import { provisionalBasis } from '../calendar/provisionalText';
import type { ProvisionalMark } from '../../schemas/calendar';
import type { ReviewState, ReviewTask } from '../../schemas/jointReview';
import { deadlineAfter, pausedWorkingDays, reminderFor, workingDaysLeft, type ReviewCalendar } from './deadlines';

const iso = (d: Date): string => d.toISOString();
const yearOf = (when: string): number => Number(shanghaiDate(when).slice(0, 4));

/** The provisional years the calendar named in its answers, with the version that answered. */
export interface ProvisionalYears {
  years: readonly number[];
  calendarVersion?: number;
}

/** The mark for a count from `from` to `to`, or undefined when no provisional year lies between. */
export function markFor(known: ProvisionalYears | undefined, from: string, to: string): ProvisionalMark | undefined {
  if (!known || known.years.length === 0) return undefined;
  const [a, b] = [yearOf(from), yearOf(to)];
  const years = known.years.filter((y) => y >= Math.min(a, b) && y <= Math.max(a, b));
  if (years.length === 0) return undefined;
  return { years: [...years].sort(), basis: provisionalBasis(years), ...(known.calendarVersion !== undefined ? { calendarVersion: known.calendarVersion } : {}) };
}

function withMark<T extends { provisional?: ProvisionalMark }>(item: T, mark: ProvisionalMark | undefined): T {
  if (!mark && item.provisional === undefined) return item;
  const { provisional: _old, ...rest } = item;
  return (mark ? { ...rest, provisional: mark } : rest) as T;
}

/** Marks every open task and open follow-up counted on a provisional year; clears the rest's marks. */
export function markProvisional(state: ReviewState, known: ProvisionalYears | undefined): ReviewState {
  return {
    ...state,
    tasks: state.tasks.map((t) => {
      const open = t.status === 'open' || t.status === 'returned';
      let task = open ? withMark(t, markFor(known, state.acceptedAt, t.deadlineDate)) : t;
      const fu = task.followUp;
      if (fu && fu.status === 'open') task = { ...task, followUp: withMark(fu, markFor(known, fu.createdAt, fu.dueDate)) };
      return task;
    }),
  };
}

/** The years of every open deadline's count (acceptance/creation year to deadline year), for visibility. */

/** The task with a `deadlineRecounted` line in its audit: old → new, and why. */
function recorded(task: ReviewTask, now: Date, reason: string, before: string, after: string): ReviewTask {
  return {
    ...task,
    audit: [...task.audit, { at: iso(now), by: 'system', department: task.department, action: 'deadlineRecounted', reason, deadlineAtThatMoment: before, deadlineAfter: after, lateByWorkingDays: null }],
  };
}

export function deadlineYears(state: ReviewState): string[] {
  const years = new Set<number>();
  const span = (from: string, to: string) => {
    for (let y = yearOf(from); y <= yearOf(to); y++) years.add(y);
  };
  for (const t of state.tasks) {
    if (t.status === 'open' || t.status === 'returned') span(state.acceptedAt, t.deadlineDate);
    if (t.followUp?.status === 'open') span(t.followUp.createdAt, t.followUp.dueDate);
  }
  return [...years].sort().map(String);
}

/** The notice a recount follows. */
export interface CalendarChange {
  version: number;
  documentNumber: string;
}

export interface Recounted {
  department: string;
  kind: 'task' | 'followUp';
  previousDeadline: string;
  previousDeadlineDate: string;
  deadline: string;
  deadlineDate: string;
}

function recountTask(cal: ReviewCalendar, state: ReviewState, t: ReviewTask, now: Date, change: CalendarChange, changed: Recounted[]): ReviewTask {
  const { policy } = state;
  const acceptedAt = new Date(state.acceptedAt);
  let task = t;
  if (t.status === 'open' || t.status === 'returned') {
    const pauses = t.pauses.map((p) => (p.resumedAt ? { ...p, pausedWorkingDays: pausedWorkingDays(cal, new Date(p.pausedAt), new Date(p.resumedAt)) } : p));
    const total = t.limitWorkingDays + pauses.reduce((s, p) => s + (p.pausedWorkingDays ?? 0), 0);
    const deadline = deadlineAfter(cal, acceptedAt, total);
    const remindAt = t.status === 'open' ? reminderFor(cal, acceptedAt, total, policy.reminderLeadWorkingDays, policy.reminderTimeOfDay, now) : null;
    const last = pauses[pauses.length - 1];
    if (t.status === 'returned' && last && !last.resumedAt) {
      pauses[pauses.length - 1] = { ...last, deadlineBefore: deadline.date, workingDaysLeftAtPause: workingDaysLeft(cal, new Date(last.pausedAt), deadline.date) };
    }
    task = { ...t, pauses, deadlineDate: deadline.date, deadline: iso(deadline.instant), remindAt: t.status === 'open' ? (remindAt ? iso(remindAt) : null) : t.remindAt };
    if (deadline.date !== t.deadlineDate) {
      changed.push({ department: t.department, kind: 'task', previousDeadline: t.deadline, previousDeadlineDate: t.deadlineDate, deadline: task.deadline, deadlineDate: task.deadlineDate });
      task = recorded(task, now, `按${change.documentNumber}重算期限：${t.deadlineDate} → ${deadline.date}（日历版本 ${change.version}）`, t.deadline, task.deadline);
    }
  }
  const fu = task.followUp;
  if (fu && fu.status === 'open') {
    const created = new Date(fu.createdAt);
    const due = deadlineAfter(cal, created, fu.workingDays);
    const remindAt = reminderFor(cal, created, fu.workingDays, policy.reminderLeadWorkingDays, policy.reminderTimeOfDay, now);
    const next = { ...fu, dueDate: due.date, due: iso(due.instant), remindAt: fu.reminded ? fu.remindAt : remindAt ? iso(remindAt) : null };
    task = { ...task, followUp: next };
    if (due.date !== fu.dueDate) {
      changed.push({ department: t.department, kind: 'followUp', previousDeadline: fu.due, previousDeadlineDate: fu.dueDate, deadline: next.due, deadlineDate: next.dueDate });
      task = recorded(task, now, `按${change.documentNumber}重算容缺补齐期限：${fu.dueDate} → ${due.date}（日历版本 ${change.version}）`, fu.due, next.due);
    }
  }
  return task;
}

/** Every open task's deadline and reminder and every open follow-up's due date, counted again on `cal`. */
export function recountDeadlines(cal: ReviewCalendar, state: ReviewState, now: Date, change: CalendarChange): { state: ReviewState; changed: Recounted[] } {
  const changed: Recounted[] = [];
  const tasks = state.tasks.map((t) => recountTask(cal, state, t, now, change, changed));
  return { state: { ...state, tasks }, changed };
}
