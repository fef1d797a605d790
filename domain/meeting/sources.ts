/**
 * Agenda items from the live state of projects, review stages and follow-up items. Pure; called
 * by the agenda activities at compile time (`now`), where the calendar may be used directly.
 */
import { defaultCalendar, shanghaiDate, UnknownHolidayYear, type WorkingDayCalendar } from '../calendar';
import type { OpenProblem, ProjectState, StallReason, WarningLevel } from '../../schemas/lifecycle';
import type { AgendaItem, FollowUpItem, MeetingConfig } from '../../schemas/meeting';
import { reviewStageNameZh } from '../../schemas/jointReview';
import { dateCn } from './text';

type Names = Pick<MeetingConfig, 'directory'>;

/** Working days from `from` to `to`, or undefined when the calendar has no data for them. */
function workingDays(calendar: WorkingDayCalendar, from: string, to: string): number | undefined {
  try {
    return calendar.workingDaysBetween(from, to);
  } catch (err) {
    if (err instanceof UnknownHolidayYear) return undefined;
    throw err;
  }
}

const pct = (r: number): string => `${Math.round(r * 1000) / 10}%`;

function projectRef(p: { code: string; name: string; county: string }, names: Names): AgendaItem['project'] {
  return { code: p.code, name: p.name, county: p.county, countyName: names.directory.counties[p.county] ?? p.county };
}

function department(id: string, names: Names): AgendaItem['department'] {
  return { id, name: names.directory.departments[id]?.name ?? id };
}

/**
 * What the agenda needs of a project: a lifecycle's own state (ProjectState) has it, and so has
 * the read model (projections/queries.ts), which is how a meeting is compiled without asking
 * every workflow.
 */
export interface AgendaProject {
  closed: boolean;
  project: Pick<ProjectState['project'], 'code' | 'name' | 'county' | 'responsibleLeader' | 'leadDepartment'>;
  stall: { reason: StallReason; since: string; order: { id: string; dueDate: string | null }; clearedAt?: string } | null;
  warning: { level: WarningLevel; at: string; completionRate: number; expectedRate: number };
  warningHistory: ReadonlyArray<{ level: WarningLevel; at: string }>;
  openProblems: readonly OpenProblem[];
}

/** Since when the current run of red warnings lasts. */
function redSince(state: AgendaProject): string {
  let since = state.warning.at;
  for (let i = state.warningHistory.length - 1; i >= 0; i--) {
    const w = state.warningHistory[i]!;
    if (w.level !== 'red') break;
    since = w.at;
  }
  return since;
}

/** Stalled, red-warning and open-problem items of one project. A closed project has none. */
export function projectAgendaItems(state: AgendaProject, now: string, names: Names, calendar: WorkingDayCalendar = defaultCalendar): AgendaItem[] {
  if (state.closed) return [];
  const p = state.project;
  const project = projectRef(p, names);
  const base = { project, leader: p.responsibleLeader };
  const items: AgendaItem[] = [];
  if (state.stall && !state.stall.clearedAt) {
    const s = state.stall;
    const days = workingDays(calendar, s.since, now);
    const what = s.reason === 'noReport' ? '未按时报送月报' : '长期无阶段进展';
    items.push({
      ...base,
      id: `stalled:${p.code}`,
      category: 'stalled',
      why: `项目停滞（${what}${days !== undefined ? `，已 ${days} 个工作日` : ''}）；督办单 ${s.order.id}${s.order.dueDate ? ` 限 ${dateCn(s.order.dueDate)} 前办结` : ''}`,
      since: s.since,
      department: department(p.leadDepartment, names),
      ref: s.order.id,
    });
  }
  if (state.warning.level === 'red') {
    items.push({
      ...base,
      id: `redWarning:${p.code}`,
      category: 'redWarning',
      why: `红灯预警：年度计划投资完成率 ${pct(state.warning.completionRate)}，按进度应达 ${pct(state.warning.expectedRate)}`,
      since: redSince(state),
      department: department(p.leadDepartment, names),
    });
  }
  for (const problem of state.openProblems) {
    items.push({
      ...base,
      id: `openProblem:${p.code}:${problem.id}`,
      category: 'openProblem',
      why: `${problem.raisedIn} 月报反映问题：${problem.text}`,
      since: problem.raisedAt,
      department: department(problem.department ?? p.leadDepartment, names),
      ref: problem.id,
    });
  }
  return items;
}

/** What visibility tells of a running project, for when its own state cannot be read. */
export interface IndexedProject {
  code: string;
  county: string;
  leadDepartment: string;
  stalled: boolean;
  warning: string | undefined;
  completionRate: number | undefined;
  lastReportAt: string | undefined;
}

/**
 * Agenda items of a project whose state query went unanswered (its worker too busy, or down):
 * from the facts visibility indexed, so a stalled or red project is not dropped from the meeting.
 * The items say that its state was not read; its open problems are missing until it is.
 */
export function indexedProjectAgendaItems(p: IndexedProject, now: string, names: Names): AgendaItem[] {
  const project = projectRef({ code: p.code, name: `${p.code}（状态未读取）`, county: p.county }, names);
  const since = p.lastReportAt ?? now;
  const note = '据检索索引，项目状态暂未读取';
  const items: AgendaItem[] = [];
  if (p.stalled) {
    items.push({ id: `stalled:${p.code}`, category: 'stalled', project, why: `项目停滞（${note}）`, since, department: department(p.leadDepartment, names) });
  }
  if (p.warning === 'red') {
    const rate = p.completionRate !== undefined ? `：年度计划投资完成率 ${pct(p.completionRate)}` : '';
    items.push({ id: `redWarning:${p.code}`, category: 'redWarning', project, why: `红灯预警${rate}（${note}）`, since, department: department(p.leadDepartment, names) });
  }
  return items;
}

/** What visibility tells of an overdue review stage (联审联批). */
export interface OverdueReview {
  workflowId: string;
  projectCode: string;
  stage: string;
  /** Departments holding an open task in it; the lead department when none is named. */
  departments: string[];
  leadDepartment?: string;
  deadline?: string;
}

/** One item per department holding the overdue approval. */
export function overdueApprovalItems(
  review: OverdueReview,
  project: { code: string; name: string; county: string; responsibleLeader?: string } | undefined,
  now: string,
  names: Names,
  calendar: WorkingDayCalendar = defaultCalendar,
): AgendaItem[] {
  const p = project ?? { code: review.projectCode, name: review.projectCode, county: '', responsibleLeader: undefined };
  const departments = review.departments.length > 0 ? review.departments : review.leadDepartment ? [review.leadDepartment] : [];
  const days = review.deadline ? workingDays(calendar, review.deadline, now) : undefined;
  const why =
    `联审联批「${reviewStageNameZh(review.stage)}」超过办理时限` +
    (review.deadline ? `（时限 ${dateCn(shanghaiDate(review.deadline))}${days !== undefined && days > 0 ? `，已超 ${days} 个工作日` : ''}）` : '');
  return departments.map((d) => ({
    id: `overdueApproval:${p.code}:${review.stage}:${d}`,
    category: 'overdueApproval' as const,
    project: projectRef(p, names),
    why,
    since: review.deadline ?? now,
    department: department(d, names),
    leader: p.responsibleLeader || undefined,
    ref: review.workflowId,
  }));
}

/** How a follow-up item stands on `today` (a Shanghai date). */
export function followUpStanding(dueDate: string, now: string, calendar: WorkingDayCalendar = defaultCalendar): string {
  const today = shanghaiDate(now);
  if (today === dueDate) return '今天到期';
  const days = today < dueDate ? workingDays(calendar, now, dueDate) : workingDays(calendar, dueDate, now);
  if (today < dueDate) return days !== undefined ? `距完成时限还有 ${days} 个工作日` : '未到期';
  return days !== undefined && days > 0 ? `已逾期 ${days} 个工作日` : '已逾期';
}

/** An open follow-up item rolls onto every agenda until it is closed. */
export function followUpAgendaItem(item: FollowUpItem, now: string, calendar: WorkingDayCalendar = defaultCalendar): AgendaItem {
  return {
    id: `followUp:${item.id}`,
    category: 'followUp',
    project: item.project,
    why: `第${Number(item.week.slice(6))}周例会议定：${item.action}（${followUpStanding(item.dueDate, now, calendar)}${item.escalatedAt ? '，已提请督查' : ''}）`,
    since: item.decidedAt,
    department: item.ownerDepartment,
    leader: item.leader,
    ref: item.id,
    dueDate: item.dueDate,
  };
}
