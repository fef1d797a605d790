import type { RecordedReport } from '../../schemas/lifecycle';
import type { ProgressReport } from '../../schemas/lifecycle';
import { sameYear } from './months';

export type ReportVerdict =
  | { ok: true; correction: boolean }
  | { ok: false; field: string; rule: string };

/**
 * Rules for a monthly report against those already recorded: no report for a month that has
 * not begun; cumulative investment never decreases within a year (nor exceeds a later month's
 * in a correction); a month already reported is only replaced by a correction with a reason.
 */
export function checkReport(report: ProgressReport, recorded: readonly RecordedReport[], currentMonth: string): ReportVerdict {
  if (report.month > currentMonth) {
    return { ok: false, field: 'month', rule: `must not be after the current month ${currentMonth}` };
  }
  if (report.investmentThisMonth > report.investmentToDate + 1e-9) {
    return { ok: false, field: 'investmentThisMonth', rule: 'must not exceed investmentToDate (the year-to-date total includes this month)' };
  }
  const existing = recorded.find((r) => r.month === report.month);
  if (existing && !report.correctionReason) {
    return { ok: false, field: 'correctionReason', rule: `month ${report.month} is already reported: a correction must give correctionReason` };
  }
  if (!existing && report.correctionReason) {
    return { ok: false, field: 'correctionReason', rule: `month ${report.month} has no report to correct` };
  }
  const sameYearReports = recorded.filter((r) => sameYear(r.month, report.month) && r.month !== report.month);
  const before = sameYearReports.filter((r) => r.month < report.month).sort((a, b) => (a.month < b.month ? 1 : -1))[0];
  const after = sameYearReports.filter((r) => r.month > report.month).sort((a, b) => (a.month < b.month ? -1 : 1))[0];
  if (before && report.investmentToDate + 1e-9 < before.investmentToDate) {
    return {
      ok: false,
      field: 'investmentToDate',
      rule: `must not be less than ${before.investmentToDate} 万元 reported to date for ${before.month} (cumulative totals never decrease)`,
    };
  }
  if (after && report.investmentToDate > after.investmentToDate + 1e-9) {
    return {
      ok: false,
      field: 'investmentToDate',
      rule: `must not exceed ${after.investmentToDate} 万元 already reported to date for the later month ${after.month}`,
    };
  }
  return { ok: true, correction: Boolean(existing) };
}
