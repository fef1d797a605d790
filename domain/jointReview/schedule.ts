/**
 * The review's clock-driven duties: reminders before deadlines and escalations after them, for
 * open tasks (once per deadline date, as a resubmission moves it) and open 容缺 follow-ups (once
 * each). The workflow sleeps until `nextAlarmAt` or an action, then applies `dueAlarms`.
 * An overdue item stays actionable; its lateness is recorded when it is acted on.
 */
import type { AuditEntry, ReviewState, ReviewTask } from '../../schemas/jointReview';

export type AlarmKind = 'taskReminder' | 'taskOverdue' | 'followUpReminder' | 'followUpOverdue';

export interface Alarm {
  kind: AlarmKind;
  department: string;
  /** When it is due. */
  at: Date;
  /** The deadline (task) or due instant (follow-up) it is about. */
  deadline: string;
  deadlineDate: string;
}

const OVERDUE_AFTER_MS = 1;

/** Alarms not yet handled for the current deadlines of open items. */
export function pendingAlarms(state: ReviewState): Alarm[] {
  const alarms: Alarm[] = [];
  for (const t of state.tasks) {
    if (t.status === 'open') {
      const base = { department: t.department, deadline: t.deadline, deadlineDate: t.deadlineDate };
      if (t.remindAt && t.remindedFor !== t.deadlineDate) alarms.push({ kind: 'taskReminder', at: new Date(t.remindAt), ...base });
      if (t.escalatedFor !== t.deadlineDate) alarms.push({ kind: 'taskOverdue', at: new Date(Date.parse(t.deadline) + OVERDUE_AFTER_MS), ...base });
    }
    const f = t.followUp;
    if (f?.status === 'open') {
      const base = { department: t.department, deadline: f.due, deadlineDate: f.dueDate };
      if (f.remindAt && !f.reminded) alarms.push({ kind: 'followUpReminder', at: new Date(f.remindAt), ...base });
      if (!f.escalated) alarms.push({ kind: 'followUpOverdue', at: new Date(Date.parse(f.due) + OVERDUE_AFTER_MS), ...base });
    }
  }
  return alarms;
}

/** The earliest pending alarm's instant, or null when nothing waits on the clock. */
export function nextAlarmAt(state: ReviewState): Date | null {
  let next: number | null = null;
  for (const a of pendingAlarms(state)) if (next === null || a.at.getTime() < next) next = a.at.getTime();
  return next === null ? null : new Date(next);
}

/** Alarms due at `now`, in time order (a reminder before the escalation of the same item). */
export function dueAlarms(state: ReviewState, now: Date): Alarm[] {
  return pendingAlarms(state)
    .filter((a) => a.at.getTime() <= now.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * Marks an alarm handled and audits it. Returns whether it should be announced: a reminder
 * whose deadline has already passed (the worker was away) is marked but not sent — the
 * escalation says more.
 */
export function handleAlarm(state: ReviewState, alarm: Alarm, now: Date): { state: ReviewState; announce: boolean } {
  const stale = alarm.kind.endsWith('Reminder') && now.getTime() > Date.parse(alarm.deadline);
  const tasks = state.tasks.map((t): ReviewTask => {
    if (t.department !== alarm.department) return t;
    const entry: AuditEntry = {
      at: now.toISOString(),
      by: 'system',
      department: t.department,
      action: alarm.kind === 'taskReminder' ? 'reminded' : alarm.kind === 'taskOverdue' ? 'overdue' : alarm.kind === 'followUpReminder' ? 'followUpReminded' : 'followUpOverdue',
      ...(stale ? { reason: 'reminder skipped: the deadline had already passed' } : {}),
      deadlineAtThatMoment: alarm.deadline,
      lateByWorkingDays: null,
    };
    const audit = [...t.audit, entry];
    switch (alarm.kind) {
      case 'taskReminder':
        return { ...t, remindedFor: alarm.deadlineDate, audit };
      case 'taskOverdue':
        return { ...t, escalatedFor: alarm.deadlineDate, audit };
      case 'followUpReminder':
        return t.followUp ? { ...t, followUp: { ...t.followUp, reminded: true }, audit } : t;
      case 'followUpOverdue':
        return t.followUp ? { ...t, followUp: { ...t.followUp, escalated: true }, audit } : t;
    }
  });
  return { state: { ...state, tasks }, announce: !stale };
}

/** What visibility should show of the review (the inbox filter and its urgency hints). */
export interface VisibleFacts {
  /** Departments with an open or returned task or an open follow-up. */
  openDepartments: string[];
  /** Earliest deadline among items whose clock runs; null when none. */
  nextDeadline: Date | null;
  /** Some item whose clock runs is past its deadline. */
  overdue: boolean;
}

export function visibleFacts(state: ReviewState, now: Date): VisibleFacts {
  const open = new Set<string>();
  const running: number[] = [];
  for (const t of state.tasks) {
    if (t.status === 'open' || t.status === 'returned') open.add(t.department);
    if (t.status === 'open') running.push(Date.parse(t.deadline));
    if (t.followUp?.status === 'open') {
      open.add(t.department);
      running.push(Date.parse(t.followUp.due));
    }
  }
  const next = running.length > 0 ? Math.min(...running) : null;
  return {
    openDepartments: [...open].sort(),
    nextDeadline: next === null ? null : new Date(next),
    overdue: running.some((d) => d < now.getTime()),
  };
}
