import { shanghaiDate } from '../calendar';
import type { Decision } from '../decision';
import { refuse, type Refusal } from '../refusal';
import { FailureType } from '../../schemas/errors';
import type { ProgressReport, ProjectState, WarningLevel } from '../../schemas/lifecycle';
import { planFor, recomputeWarning } from './light';
import { monthOf } from './months';
import { checkReport } from './reports';
import { REPORTING_STAGES } from './stages';
import { clearStall } from './stall';
import { Draft, type Lifecycle, type LifecycleRulesConfig } from './state';
import { completionRate } from './warning';

// The monthly report as a decision. Kept apart from reports.ts, whose rules the worker preloads
// (workers/preload.ts): this module reaches schemas and the audit chain, which must not be frozen.

/** What a monthly report answers: the month, whether it corrected one, the light, the stall, the problems still open. */
export interface Reported {
  month: string;
  correction: boolean;
  warning: WarningLevel;
  stallCleared: boolean;
  openProblemIds: string[];
}

/**
 * Refuses a report on a closed project, before construction, breaking the report rules above
 * (the current month is Shanghai's on `now`), or resolving a problem that is not open.
 */
export function checkReportRequest(state: ProjectState, report: ProgressReport, now: Date): Refusal | undefined {
  if (state.closed) return refuse(FailureType.ProjectClosed, `project is closed in stage ${state.stage}; reports are no longer taken`, { currentStage: state.stage });
  if (!REPORTING_STAGES.includes(state.stage)) {
    return refuse(FailureType.IllegalTransition, `project is in stage ${state.stage}; progress is reported from construction start (started, underConstruction, completed)`, {
      currentStage: state.stage,
    });
  }
  const verdict = checkReport(report, state.reports, monthOf(shanghaiDate(now)));
  if (!verdict.ok) return refuse(FailureType.ValidationFailed, `${verdict.field}: ${verdict.rule}`, [{ field: verdict.field, rule: verdict.rule }]);
  const unknown = report.resolvedProblemIds.filter((id) => !state.openProblems.some((p) => p.id === id));
  if (unknown.length > 0) {
    return refuse(FailureType.ValidationFailed, `resolvedProblemIds: ${unknown.join(', ')} is not an open problem of this project`, [
      { field: 'resolvedProblemIds', rule: `must name open problems; unknown: ${unknown.join(', ')}` },
    ]);
  }
  return undefined;
}

/**
 * A monthly report (月报), or a correction of one: recorded with the problems it raises (存在问题)
 * and those it says are solved; a report for the month a noReport stall is about (or a later
 * one) clears the stall; the light is measured again.
 */
export function reportProgress(l: Lifecycle, report: ProgressReport, now: Date, config: LifecycleRulesConfig): Decision<Lifecycle, Reported> {
  const refused = checkReportRequest(l.state, report, now);
  if (refused) return refused;
  const verdict = checkReport(report, l.state.reports, monthOf(shanghaiDate(now)));
  const correction = verdict.ok && verdict.correction;
  const d = new Draft(l, now, config);
  const s = d.state;
  const at = d.at;
  const raised = report.problems.map((p) => ({
    id: `P${report.month}-${++d.eventSeq}`,
    text: p.text,
    department: p.department,
    raisedIn: report.month,
    raisedAt: at,
  }));
  const existing = s.reports.find((r) => r.month === report.month);
  const recorded = {
    month: report.month,
    investmentThisMonth: report.investmentThisMonth,
    investmentToDate: report.investmentToDate,
    physicalProgress: report.physicalProgress,
    progressNote: report.progressNote,
    problemIds: raised.map((p) => p.id),
    reportedAt: at,
    by: report.actor.by,
    corrections: existing
      ? [
          ...existing.corrections,
          {
            replacedAt: at,
            by: report.actor.by,
            reason: report.correctionReason ?? '',
            previous: {
              investmentThisMonth: existing.investmentThisMonth,
              investmentToDate: existing.investmentToDate,
              physicalProgress: existing.physicalProgress,
            },
          },
        ]
      : [],
  };
  s.reports = [...s.reports.filter((r) => r.month !== report.month), recorded].sort((a, b) => (a.month < b.month ? -1 : 1));
  const resolved = report.resolvedProblemIds.filter((id) => s.openProblems.some((p) => p.id === id));
  s.openProblems = [...s.openProblems.filter((p) => !resolved.includes(p.id)), ...raised];
  s.lastReportAt = at;
  const auditHead = d.audit(correction ? 'corrected' : 'reported', report.requestId, report.actor, {
    month: report.month,
    investmentThisMonth: report.investmentThisMonth,
    investmentToDate: report.investmentToDate,
    physicalProgress: report.physicalProgress,
    correctionReason: report.correctionReason,
    problemIds: raised.map((p) => p.id),
    resolvedProblemIds: resolved,
  });
  d.emit({
    type: 'cn.keyflow.project.progressReported',
    key: correction ? d.nextKey(`correction:${report.month}`) : `report:${report.month}`,
    data: {
      month: report.month,
      investmentThisMonth: report.investmentThisMonth,
      investmentToDate: report.investmentToDate,
      physicalProgress: report.physicalProgress,
      completionRate: completionRate(report.investmentToDate, planFor(s, report.month)),
      correction,
      correctionReason: report.correctionReason,
      problemsRaised: raised,
      problemsResolved: resolved,
      by: report.actor.by,
      county: s.project.county,
      ...(auditHead ? { auditHead } : {}),
    },
  });
  // A late report for an earlier month does not answer the month the stall is about.
  const stall = s.stall;
  const stallCleared = stall?.reason === 'noReport' && !correction && (stall.month === undefined || report.month >= stall.month);
  if (stallCleared) clearStall(d, report.actor.by, `report for ${report.month} received`);
  recomputeWarning(d);
  return d.done({
    month: report.month,
    correction,
    warning: d.state.warning.level,
    stallCleared,
    openProblemIds: d.state.openProblems.map((p) => p.id),
  });
}
