/**
 * Dates a project or an approval brings with it when it is taken over from the city's earlier
 * ledger (存量项目迁移): the day it entered this year's key-project list (纳入重点项目管理日期) and
 * the acceptance day (受理日期) of an approval already in flight. Pure: the caller passes today
 * (Asia/Shanghai); the workflows guard the same bounds on their own clock.
 */
import { addCalendarDays } from '../calendar';
import type { FieldIssue } from '../../schemas/validation';

/** How far back an approval in flight may have been accepted: the longest stage plus any pause fits in a year. */
export const MAX_ACCEPTANCE_AGE_DAYS = 365;

/** The earliest acceptance day allowed on `today`. */
export function earliestAcceptance(today: string): string {
  return addCalendarDays(today, -MAX_ACCEPTANCE_AGE_DAYS);
}

/**
 * A listing day lies in the plan year (1 January of today's year up to today): the year's reports
 * are measured against this year's plan, so a day of an earlier year has nothing to count from. An
 * acceptance day lies within the last year and not after today.
 */
export function backdatedIssues(p: { listedOn?: string | undefined; reviewAcceptedOn?: string | undefined }, today: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const yearStart = `${today.slice(0, 4)}-01-01`;
  if (p.listedOn !== undefined && (p.listedOn > today || p.listedOn < yearStart)) {
    issues.push({ field: 'listedOn', rule: `must lie in the plan year, from ${yearStart} to today ${today}` });
  }
  if (p.reviewAcceptedOn !== undefined && (p.reviewAcceptedOn > today || p.reviewAcceptedOn < earliestAcceptance(today))) {
    issues.push({ field: 'reviewAcceptedOn', rule: `must lie within the last ${MAX_ACCEPTANCE_AGE_DAYS} days, from ${earliestAcceptance(today)} to today ${today}` });
  }
  return issues;
}
