import type { Decided } from '../decision';
import { shanghaiDate } from '../calendar';
import type { ProjectState, Stall, StallReason } from '../../schemas/lifecycle';
import { recomputeWarning } from './light';
import { addMonths, monthOf } from './months';
import { Draft, type Lifecycle, type LifecycleRulesConfig } from './state';

const DAY_MS = 24 * 3600 * 1000;

/** Why the daily check finds a project stalled (项目停滞): the supervision order's reason. */
export interface StallFinding {
  reason: StallReason;
  detail: string;
  /** For noReport: the month whose report is missing. */
  month?: string;
}

/** Whether the daily check looks for a missing monthly report at all: under construction, once reporting began. */
export function reportsWatched(state: ProjectState): boolean {
  return ['started', 'underConstruction'].includes(state.stage) && state.reportingSince !== null;
}

/**
 * The months whose report the daily check asks about on `today`, in order: last month; with
 * `latestDueMonth` (patch lifecycle-report-latest-due-month) also the month before, whose report
 * is due by now when last month's is not yet.
 */
export function reportCandidates(today: string, latestDueMonth: boolean): string[] {
  const month = monthOf(today);
  return latestDueMonth ? [addMonths(month, -1), addMonths(month, -2)] : [addMonths(month, -1)];
}

/**
 * Whether `month` ends the search for a missing report: it is before the project reported
 * monthly, or a report for it or a later month is in.
 */
export function reportAnswered(state: ProjectState, month: string): boolean {
  const since = state.reportingSince ? monthOf(shanghaiDate(state.reportingSince)) : month;
  return month < since || state.reports.some((r) => r.month >= month);
}

/** Whether a report due on `due` (null: the calendar could not count it) is overdue on `today`. */
export function reportOverdue(due: string | null | undefined, today: string): boolean {
  return due !== null && due !== undefined && today > due;
}

/**
 * What the daily check finds on a project not stalled yet: a monthly report overdue (`missing`,
 * with the day it was due), else too long in one stage, else nothing.
 */
export function stallFinding(
  state: ProjectState,
  missing: { month: string; due: string | null | undefined } | null,
  now: Date,
  maxDaysInStage: Partial<Record<string, number>>,
): StallFinding | null {
  const daysInStage = Math.floor((now.getTime() - Date.parse(state.stageSince)) / DAY_MS);
  const maxDays = maxDaysInStage[state.stage];
  if (missing) {
    return { reason: 'noReport', detail: `${missing.month} 月报逾期未报 (report for ${missing.month} overdue since ${missing.due})`, month: missing.month };
  }
  if (maxDays !== undefined && daysInStage > maxDays) {
    return { reason: 'noStageChange', detail: `在${state.stage}阶段已${daysInStage}天无进展 (no stage change for ${daysInStage} days, limit ${maxDays})` };
  }
  return null;
}

/**
 * The project stalls (项目停滞) and a supervision order (督办单) goes to the supervisors, the lead
 * department and the responsible leader. `orderNo` is the stall's number, taken before the
 * calendar counted `dueDate` (null: it could not); `monthKept` (patch
 * lifecycle-report-latest-due-month) keeps the missing month on the stall.
 */
export function markStalled(
  l: Lifecycle,
  finding: StallFinding,
  order: { orderNo: number; dueDate: string | null; monthKept: boolean },
  now: Date,
  config: LifecycleRulesConfig,
): Decided<Lifecycle, Stall> {
  const d = new Draft(l, now, config);
  const project = d.state.project;
  const { orderNo, dueDate } = order;
  const stall: Stall = {
    reason: finding.reason,
    since: d.at,
    detail: finding.detail,
    ...(finding.month !== undefined && order.monthKept ? { month: finding.month } : {}),
    order: {
      id: `督办-${project.code}-${orderNo}`,
      issuedAt: d.at,
      dueDate,
      escalatedTo: [...config.stall.supervisors, project.leadDepartment, project.responsibleLeader],
      reason: finding.detail,
    },
  };
  d.state.stall = stall;
  d.emit({
    type: 'cn.keyflow.project.stalled',
    key: `stalled:${orderNo}`,
    data: { reason: finding.reason, since: stall.since, detail: finding.detail, orderId: stall.order.id, county: project.county, leadDepartment: project.leadDepartment },
  });
  d.emit({
    type: 'cn.keyflow.supervision.orderIssued',
    key: `order:${orderNo}`,
    data: { order: stall.order, projectName: project.name, county: project.county, responsibleLeader: project.responsibleLeader, leadDepartment: project.leadDepartment },
  });
  recomputeWarning(d);
  return d.done(stall);
}

/** Ends the current stall, if any, closing its supervision order with `because`. */
export function clearStall(d: Draft, by: string, because: string): void {
  const stall = d.state.stall;
  if (!stall) return;
  const orderNo = d.state.stallHistory.length + 1;
  const at = d.at;
  const cleared: Stall = { ...stall, clearedAt: at, clearedBy: by, order: { ...stall.order, closedAt: at, closedBecause: because } };
  d.state.stallHistory = [...d.state.stallHistory, cleared];
  d.state.stall = null;
  d.emit({
    type: 'cn.keyflow.project.stallCleared',
    key: `stallCleared:${orderNo}`,
    data: { reason: stall.reason, since: stall.since, clearedAt: at, clearedBy: by, orderId: stall.order.id },
  });
  d.emit({
    type: 'cn.keyflow.supervision.orderClosed',
    key: `orderClosed:${orderNo}`,
    data: { orderId: stall.order.id, closedAt: at, closedBecause: because, dueDate: stall.order.dueDate },
  });
  recomputeWarning(d);
}

/** A deadline the calendar could not count (a year's holiday notice missing), noted once per `what`. */
export function noteCalendarGap(l: Lifecycle, what: string, message: string, now: Date, config: LifecycleRulesConfig): Decided<Lifecycle, boolean> {
  const d = new Draft(l, now, config);
  if (d.state.calendarGaps.some((g) => g.what === what)) return d.done(false);
  d.state.calendarGaps = [...d.state.calendarGaps, { what, message, at: d.at }];
  d.emit({ type: 'cn.keyflow.project.calendarGap', key: `calendarGap:${what}`, data: { what, message } });
  return d.done(true);
}
