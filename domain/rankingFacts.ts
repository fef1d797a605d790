import { LANDED_STAGES, type ProjectFacts } from '../schemas/fourCompare';
import type { ReviewState } from '../schemas/jointReview';
import type { ProjectState } from '../schemas/lifecycle';
import type { Stage } from '../schemas/project';
import { addCalendarDays, atShanghaiTime, shanghaiDate } from './calendar';
import { lastDayOfMonth } from './lifecycle/months';

/**
 * How a project's live state becomes the facts a 四比四看 check counts (ProjectFacts), for the
 * check of month P (YYYY-MM) of year Y. "Up to the period" means before the end of P, Asia/Shanghai.
 * Pure: the gatherProjectFacts activity reads the states, this decides what they mean.
 *
 * - stage: the stage the project was in at the end of P, from its stage history.
 * - signed (签约) *(to confirm)*: the project schema has no investment-contract flag, so every
 *   registered key project counts as signed in the year it was registered (入库) in keyflow.
 * - landed (落地) *(to confirm)*: signed, and at the end of P in stage started or later (not
 *   withdrawn). A withdrawn project stays signed and counts as not landed.
 * - plannedStartThisYear: the project's planned start date (plannedStart) falls in Y.
 * - startedThisYear: in Y, up to P, the project entered started-or-later from a pre-construction
 *   stage (conceived, reserve, preliminary), or was registered in Y directly in such a stage as a
 *   new start (category `new`; a `continuing` project started in an earlier year).
 * - physicalProgress: of the latest monthly report for a month ≤ P (any year: physical progress is
 *   over the project's life); 0 without one.
 * - annualPlannedInvestment: the project's annual planned investment (年度计划投资).
 * - investmentCompletedThisYear: the year-to-date figure (investmentToDate) of the latest report
 *   for a month of Y up to P; 0 without one. Corrections count: a report's latest version is used.
 * - fundsInPlace *(to confirm)*: the monthly report has no funds-in-place figure; the investment
 *   completed this year is taken as funds in place (money spent was in place — a lower bound).
 * - approvals: every joint-review task of the project decided (approved, rejected, or approved
 *   with missing materials) in Y up to the end of P: closed; on time when its decision was not
 *   late; working days used (clock stops excluded) and allowed (the task's limit) summed.
 *
 * A project brought over with its listing day (listedOn, 纳入重点项目管理日期) counts from that day,
 * not from the day keyflow registered it: it was on the year's list, and its reports since say so.
 *
 * Returns null when the project was listed (or, without a listing day, registered) after the end
 * of P (it did not exist then).
 */
export function projectFactsOf(state: ProjectState, reviews: readonly ReviewState[], period: string): ProjectFacts | null {
  const decisions: TaskDecision[] = [];
  for (const review of reviews) {
    if (review.project.code !== state.project.code) continue;
    for (const task of review.tasks) if (task.decision) decisions.push({ at: task.decision.at, late: task.decision.late, workingDaysUsed: task.decision.workingDaysUsed, limitWorkingDays: task.limitWorkingDays });
  }
  return factsOf(state, decisions, period);
}

/**
 * What a check needs of a project: its lifecycle state has it, and so has the read model
 * (projections/queries.ts), which is how a check is counted without asking every workflow.
 */
export interface FactsProject {
  registeredAt: string;
  stage: Stage;
  project: Pick<ProjectState['project'], 'code' | 'county' | 'category' | 'plannedStart' | 'annualPlannedInvestment' | 'listedOn'>;
  stageHistory: ReadonlyArray<Pick<ProjectState['stageHistory'][number], 'seq' | 'from' | 'to' | 'at'>>;
  reports: ReadonlyArray<Pick<ProjectState['reports'][number], 'month' | 'investmentToDate' | 'physicalProgress'>>;
}

/** A decision of one of the project's review tasks, of any attempt. */
export interface TaskDecision {
  at: string;
  late: boolean;
  workingDaysUsed: number;
  limitWorkingDays: number;
}

/** projectFactsOf on the facts alone: the rules above, whoever supplies the state. */
export function factsOf(state: FactsProject, decisions: readonly TaskDecision[], period: string): ProjectFacts | null {
  const year = period.slice(0, 4);
  const end = periodEnd(period);
  const yearStart = atShanghaiTime(`${year}-01-01`, '00:00').getTime();
  const before = (iso: string) => Date.parse(iso) < end;
  const inYear = (iso: string) => Date.parse(iso) >= yearStart && before(iso);
  const listed = state.project.listedOn ? atShanghaiTime(state.project.listedOn, '00:00').toISOString() : undefined;
  const since = listed !== undefined && Date.parse(listed) < Date.parse(state.registeredAt) ? listed : state.registeredAt;
  if (!before(since)) return null;

  // The stage it was registered in, it has held since it was listed.
  const history = [...state.stageHistory]
    .sort((a, b) => a.seq - b.seq)
    .map((h) => (h.from === null ? { ...h, at: since } : h))
    .filter((h) => before(h.at));
  const stage: Stage = history[history.length - 1]?.to ?? state.stage;
  const signed = shanghaiDate(since).slice(0, 4) === year;
  const landed = signed && LANDED_STAGES.includes(stage);
  const startedThisYear = history.some((h) => {
    if (!inYear(h.at) || !LANDED_STAGES.includes(h.to)) return false;
    if (h.from === null) return state.project.category === 'new';
    return PRE_CONSTRUCTION.includes(h.from);
  });

  const reports = [...state.reports].filter((r) => r.month <= period).sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
  const latest = reports[reports.length - 1];
  const latestThisYear = [...reports].reverse().find((r) => r.month.slice(0, 4) === year);
  const investmentCompletedThisYear = latestThisYear?.investmentToDate ?? 0;

  let approvalTasksClosed = 0;
  let approvalTasksOnTime = 0;
  let approvalWorkingDaysUsed = 0;
  let approvalWorkingDaysAllowed = 0;
  for (const decision of decisions) {
    if (!inYear(decision.at)) continue;
    approvalTasksClosed += 1;
    if (!decision.late) approvalTasksOnTime += 1;
    approvalWorkingDaysUsed += decision.workingDaysUsed;
    approvalWorkingDaysAllowed += decision.limitWorkingDays;
  }

  return {
    code: state.project.code,
    county: state.project.county,
    stage,
    signed,
    landed,
    plannedStartThisYear: state.project.plannedStart.slice(0, 4) === year,
    startedThisYear,
    physicalProgress: latest?.physicalProgress ?? 0,
    annualPlannedInvestment: state.project.annualPlannedInvestment,
    investmentCompletedThisYear,
    fundsInPlace: investmentCompletedThisYear,
    approvalTasksClosed,
    approvalTasksOnTime,
    approvalWorkingDaysUsed,
    approvalWorkingDaysAllowed,
  };
}

const PRE_CONSTRUCTION: readonly Stage[] = ['conceived', 'reserve', 'preliminary'];

/** The instant the month ends (exclusive): the next month's first day at 00:00 Asia/Shanghai, in ms. */
export function periodEnd(period: string): number {
  return atShanghaiTime(addCalendarDays(lastDayOfMonth(period), 1), '00:00').getTime();
}
