import type { AgendaProject, OverdueReview } from '../domain/meeting/sources';
import type { FactsProject, TaskDecision } from '../domain/rankingFacts';
import type { ProjectCategory, Stage } from '../schemas/project';
import type { Stall, StallReason, WarningLevel } from '../schemas/lifecycle';
import { FollowUpItem } from '../schemas/meeting';
import type { DepartmentItem, JointReviewConfig, ReviewStageId } from '../schemas/jointReview';
import type { ProvisionalMark } from '../schemas/calendar';
import { reviewStageWorkflowId } from '../workflows/review/messages';
import type { ReadModelDb } from './db';

/**
 * What the lists read from the read model. Each query is one or two indexed reads, whatever the
 * number of projects: no workflow is asked.
 */

/** A project of the model with what an agenda item names. */
export type ModelAgendaProject = AgendaProject;

/**
 * The running projects that can put something on the agenda: stalled, red, or with an open
 * problem. The rest have nothing to say to the meeting and are not read.
 */
export async function agendaProjects(db: ReadModelDb): Promise<ModelAgendaProject[]> {
  const withProblems = db.selectFrom('rm_open_problems').select('project_code').where('resolved_at', 'is', null);
  const rows = await db
    .selectFrom('rm_projects')
    .leftJoin('rm_supervision_orders', 'rm_supervision_orders.order_id', 'rm_projects.stall_order_id')
    .selectAll('rm_projects')
    .select(['rm_supervision_orders.due_date as order_due_date'])
    .where('rm_projects.closed', '=', 0)
    .where('rm_projects.name', 'is not', null)
    .where((eb) => eb.or([eb('rm_projects.stall_order_id', 'is not', null), eb('rm_projects.warning_level', '=', 'red'), eb('rm_projects.code', 'in', withProblems)]))
    .orderBy('rm_projects.code')
    .execute();
  const codes = rows.map((r) => r.code);
  const problems = codes.length === 0 ? [] : await db.selectFrom('rm_open_problems').selectAll().where('resolved_at', 'is', null).where('project_code', 'in', codes).orderBy('raised_at').orderBy('problem_id').execute();
  const byCode = new Map<string, typeof problems>();
  for (const p of problems) byCode.set(p.project_code, [...(byCode.get(p.project_code) ?? []), p]);
  return rows.map((r) => {
    const level = r.warning_level as WarningLevel;
    const at = r.red_since ?? r.warning_at ?? r.registered_at ?? '';
    return {
      closed: r.closed === 1,
      project: { code: r.code, name: r.name ?? r.code, county: r.county ?? '', responsibleLeader: r.responsible_leader ?? '', leadDepartment: r.lead_department ?? '' },
      stall:
        r.stall_order_id && r.stall_reason && r.stall_since
          ? { reason: r.stall_reason as StallReason, since: r.stall_since, order: { id: r.stall_order_id, dueDate: r.order_due_date ?? null } }
          : null,
      warning: { level, at, completionRate: r.completion_rate ?? 0, expectedRate: r.expected_rate ?? 0 },
      warningHistory: level === 'red' && r.red_since ? [{ level, at: r.red_since }] : [],
      openProblems: (byCode.get(r.code) ?? []).map((p) => ({ id: p.problem_id, text: p.text, raisedIn: p.raised_in, raisedAt: p.raised_at, ...(p.department ? { department: p.department } : {}) })),
    };
  });
}

/**
 * Review stages with an item whose clock runs past its deadline at `at` (审批超时), as visibility
 * marks them (domain/jointReview/schedule.ts visibleFacts): departments with an open or returned
 * task or an open follow-up, the earliest running deadline. With each, its project when known.
 */
export async function overdueReviews(db: ReadModelDb, at: string): Promise<Array<{ review: OverdueReview; project?: { code: string; name: string; county: string; responsibleLeader?: string } }>> {
  const tasks = await db.selectFrom('rm_review_tasks').select(['project_code', 'stage_id', 'department', 'status', 'deadline', 'lead_department']).where('status', 'in', ['open', 'returned']).execute();
  const followUps = await db.selectFrom('rm_review_follow_ups').select(['project_code', 'stage_id', 'department', 'due', 'lead_department']).where('status', '=', 'open').execute();
  const stages = new Map<string, { code: string; stage: string; lead: string; open: Set<string>; running: number[] }>();
  const stageOf = (code: string, stage: string, lead: string) => {
    const key = `${code}\n${stage}`;
    let s = stages.get(key);
    if (!s) stages.set(key, (s = { code, stage, lead, open: new Set(), running: [] }));
    return s;
  };
  for (const t of tasks) {
    const s = stageOf(t.project_code, t.stage_id, t.lead_department);
    s.open.add(t.department);
    if (t.status === 'open' && t.deadline) s.running.push(Date.parse(t.deadline));
  }
  for (const f of followUps) {
    const s = stageOf(f.project_code, f.stage_id, f.lead_department);
    s.open.add(f.department);
    s.running.push(Date.parse(f.due));
  }
  const now = Date.parse(at);
  const overdue = [...stages.values()].filter((s) => s.running.some((d) => d < now)).sort((a, b) => (a.code === b.code ? (a.stage < b.stage ? -1 : 1) : a.code < b.code ? -1 : 1));
  const codes = [...new Set(overdue.map((s) => s.code))];
  const projects = codes.length === 0 ? [] : await db.selectFrom('rm_projects').select(['code', 'name', 'county', 'responsible_leader']).where('code', 'in', codes).where('name', 'is not', null).execute();
  const byCode = new Map(projects.map((p) => [p.code, { code: p.code, name: p.name ?? p.code, county: p.county ?? '', responsibleLeader: p.responsible_leader ?? undefined }]));
  const attempts = codes.length === 0 ? [] : await db.selectFrom('rm_review_attempts').selectAll().where('project_code', 'in', codes).execute();
  const workflowOf = new Map(attempts.map((a) => [`${a.project_code}\n${a.stage_id}`, a.workflow_id]));
  return overdue.map((s) => ({
    review: {
      workflowId: workflowOf.get(`${s.code}\n${s.stage}`) ?? reviewStageWorkflowId(s.code, s.stage as ReviewStageId),
      projectCode: s.code,
      stage: s.stage,
      departments: [...s.open].sort(),
      leadDepartment: s.lead,
      deadline: new Date(Math.min(...s.running)).toISOString(),
    },
    project: byCode.get(s.code),
  }));
}

/** Follow-up items of meetings still open (督办事项), as the tracker last published them. */
export async function openFollowUpItems(db: ReadModelDb): Promise<FollowUpItem[]> {
  const rows = await db.selectFrom('rm_follow_up_items').select('item').where('status', '=', 'open').orderBy('item_id').execute();
  return rows.map((r) => FollowUpItem.parse(JSON.parse(r.item)));
}

/** Every registered project with what a four-compare check counts, and its review decisions. */
export async function factsProjects(db: ReadModelDb): Promise<Array<{ project: FactsProject; decisions: TaskDecision[] }>> {
  const projects = await db.selectFrom('rm_projects').selectAll().where('registered_at', 'is not', null).orderBy('code').execute();
  const history = await db.selectFrom('rm_stage_changes').selectAll().orderBy('project_code').orderBy('seq').execute();
  const reports = await db.selectFrom('rm_monthly_reports').select(['project_code', 'month', 'investment_to_date', 'physical_progress']).orderBy('project_code').orderBy('month').execute();
  const decisions = await db.selectFrom('rm_review_decisions').selectAll().orderBy('project_code').orderBy('decided_at').execute();
  const group = <T extends { project_code: string }>(rows: T[]): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const r of rows) m.set(r.project_code, [...(m.get(r.project_code) ?? []), r]);
    return m;
  };
  const h = group(history);
  const r = group(reports);
  const d = group(decisions);
  return projects.map((p) => ({
    project: {
      registeredAt: p.registered_at!,
      stage: (p.stage ?? 'conceived') as Stage,
      project: {
        code: p.code,
        county: p.county ?? '',
        category: (p.category ?? 'new') as ProjectCategory,
        plannedStart: p.planned_start ?? '',
        annualPlannedInvestment: p.annual_planned_investment ?? 0,
        ...(p.listed_on ? { listedOn: p.listed_on } : {}),
      },
      stageHistory: (h.get(p.code) ?? []).map((s) => ({ seq: s.seq, from: s.from_stage as Stage | null, to: s.to_stage as Stage, at: s.at })),
      reports: (r.get(p.code) ?? []).map((x) => ({ month: x.month, investmentToDate: x.investment_to_date, physicalProgress: x.physical_progress })),
    },
    decisions: (d.get(p.code) ?? []).map((x) => ({ at: x.decided_at, late: x.late === 1, workingDaysUsed: x.working_days_used, limitWorkingDays: x.limit_working_days })),
  }));
}

/**
 * A department's open items (待办) from the model: its open and returned tasks and its open 容缺
 * follow-ups, as domain/jointReview/urgency.ts departmentItems makes them of a review's state. The
 * materials a department needs are the ones its task was assigned with (`taskAssigned` v2); for a
 * task assigned before the events carried them, the joint-review configuration's for its stage.
 */
export async function departmentItemsFromModel(db: ReadModelDb, department: string, config: JointReviewConfig): Promise<DepartmentItem[]> {
  return openItemsFromModel(db, config, { department });
}

/**
 * Open review tasks past their deadline at `at` (审批超时), every department's, as DepartmentItems:
 * the overdue-approvals list. Returned tasks (the clock stands still) and 容缺 follow-ups (the
 * applicant's to deliver) are not overdue approvals.
 */
export async function overdueTaskItemsFromModel(db: ReadModelDb, at: string, config: JointReviewConfig): Promise<DepartmentItem[]> {
  return openItemsFromModel(db, config, { overdueAt: at });
}

async function openItemsFromModel(db: ReadModelDb, config: JointReviewConfig, only: { department?: string; overdueAt?: string }): Promise<DepartmentItem[]> {
  let taskQuery = db
    .selectFrom('rm_review_tasks')
    .leftJoin('rm_projects', 'rm_projects.code', 'rm_review_tasks.project_code')
    .selectAll('rm_review_tasks')
    .select('rm_projects.county');
  if (only.department) taskQuery = taskQuery.where('rm_review_tasks.department', '=', only.department);
  taskQuery = only.overdueAt
    ? taskQuery.where('rm_review_tasks.status', '=', 'open').where('rm_review_tasks.deadline', '<', only.overdueAt)
    : taskQuery.where('rm_review_tasks.status', 'in', ['open', 'returned']);
  const tasks = await taskQuery.execute();
  const followUps = only.overdueAt
    ? []
    : await db
        .selectFrom('rm_review_follow_ups')
        .leftJoin('rm_projects', 'rm_projects.code', 'rm_review_follow_ups.project_code')
        // A follow-up's materials are its task's.
        .leftJoin('rm_review_tasks', (j) =>
          j
            .onRef('rm_review_tasks.project_code', '=', 'rm_review_follow_ups.project_code')
            .onRef('rm_review_tasks.stage_id', '=', 'rm_review_follow_ups.stage_id')
            .onRef('rm_review_tasks.department', '=', 'rm_review_follow_ups.department'),
        )
        .selectAll('rm_review_follow_ups')
        .select(['rm_projects.county', 'rm_review_tasks.materials as task_materials'])
        .where('rm_review_follow_ups.department', '=', only.department ?? '')
        .where('rm_review_follow_ups.status', '=', 'open')
        .execute();
  /** The materials the task was assigned with (JSON, v2 events), else the configuration's. */
  const materials = (assignedWith: string | null, stageId: string, department: string): string[] =>
    assignedWith !== null
      ? (JSON.parse(assignedWith) as string[])
      : (config.stages.find((s) => s.id === stageId)?.participants.find((p) => p.department === department)?.materials ?? []);
  const mark = (json: string | null): { provisional?: ProvisionalMark } => (json ? { provisional: JSON.parse(json) as ProvisionalMark } : {});
  const items: DepartmentItem[] = [];
  for (const t of tasks) {
    if (!t.deadline || !t.deadline_date) continue;
    const paused = t.status === 'returned';
    items.push({
      projectCode: t.project_code,
      projectName: t.project_name,
      county: t.county ?? '',
      stageId: t.stage_id as ReviewStageId,
      department: t.department,
      kind: 'task',
      deadline: t.deadline,
      deadlineDate: t.deadline_date,
      paused,
      workingDaysLeftAtPause: paused ? t.working_days_left_at_pause : null,
      materials: materials(t.materials, t.stage_id, t.department),
      missingMaterials: paused && t.missing_materials ? (JSON.parse(t.missing_materials) as string[]) : [],
      ...mark(t.provisional),
    });
  }
  for (const f of followUps) {
    items.push({
      projectCode: f.project_code,
      projectName: f.project_name,
      county: f.county ?? '',
      stageId: f.stage_id as ReviewStageId,
      department: f.department,
      kind: 'followUp',
      deadline: f.due,
      deadlineDate: f.due_date,
      paused: false,
      workingDaysLeftAtPause: null,
      materials: materials(f.task_materials, f.stage_id, f.department),
      missingMaterials: JSON.parse(f.missing_materials) as string[],
    });
  }
  return items;
}

/** Running projects stalled now, with their open supervision order (督办单), longest stalled first. */
export async function stalledProjects(db: ReadModelDb): Promise<Array<{ code: string; name: string; county: string; stage: Stage; leadDepartment: string; responsibleLeader: string; warning: WarningLevel; stall: Stall }>> {
  const rows = await db
    .selectFrom('rm_projects')
    .innerJoin('rm_supervision_orders', 'rm_supervision_orders.order_id', 'rm_projects.stall_order_id')
    .selectAll('rm_projects')
    .select(['rm_supervision_orders.issued_at', 'rm_supervision_orders.due_date', 'rm_supervision_orders.escalated_to', 'rm_supervision_orders.reason as order_reason'])
    .where('rm_projects.closed', '=', 0)
    .where('rm_projects.name', 'is not', null)
    .orderBy('rm_projects.stall_since')
    .orderBy('rm_projects.code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    name: r.name ?? r.code,
    county: r.county ?? '',
    stage: (r.stage ?? 'conceived') as Stage,
    leadDepartment: r.lead_department ?? '',
    responsibleLeader: r.responsible_leader ?? '',
    warning: r.warning_level as WarningLevel,
    stall: {
      reason: r.stall_reason as StallReason,
      since: r.stall_since ?? '',
      detail: r.stall_detail ?? '',
      order: { id: r.stall_order_id ?? '', issuedAt: r.issued_at ?? r.stall_since ?? '', dueDate: r.due_date, escalatedTo: JSON.parse(r.escalated_to) as string[], reason: r.order_reason ?? r.stall_detail ?? '' },
    },
  }));
}

/** Warning lights (红黄绿灯) and stalls of the running projects, counted per county. */
export async function warningCounts(db: ReadModelDb): Promise<Array<{ county: string; level: string; stalled: number; n: number }>> {
  const rows = await db
    .selectFrom('rm_projects')
    .select((eb) => ['county', 'warning_level', eb.fn.countAll().as('n'), eb.fn.count('stall_order_id').as('stalled')])
    .where('closed', '=', 0)
    .where('name', 'is not', null)
    .groupBy(['county', 'warning_level'])
    .execute();
  return rows.map((r) => ({ county: r.county ?? '', level: r.warning_level, stalled: Number(r.stalled), n: Number(r.n) }));
}

/**
 * Every supervision order (督办单) the model holds, with its project, by project code and issue
 * time. An order whose issue has not arrived yet (its closing came first, from another topic) is
 * left out until it does: without the issue it has no reason nor issue time to show.
 */
export async function supervisionOrderRows(db: ReadModelDb, code?: string) {
  let q = db
    .selectFrom('rm_supervision_orders')
    .leftJoin('rm_projects', 'rm_projects.code', 'rm_supervision_orders.project_code')
    .selectAll('rm_supervision_orders')
    .select(['rm_projects.name as current_name', 'rm_projects.county as current_county', 'rm_projects.lead_department as current_lead'])
    .where('rm_supervision_orders.issued_at', 'is not', null);
  if (code) q = q.where('rm_supervision_orders.project_code', '=', code);
  const rows = await q.orderBy('rm_supervision_orders.project_code').orderBy('rm_supervision_orders.issued_at').execute();
  return rows.map((r) => ({
    id: r.order_id,
    /** Hand-opened orders are numbered M1, M2… by the project workflow; stall orders 1, 2… */
    origin: /-M\d+$/.test(r.order_id) ? ('manual' as const) : ('automatic' as const),
    project: { code: r.project_code, name: r.current_name ?? r.project_name ?? r.project_code, county: r.current_county ?? r.county ?? '', leadDepartment: r.current_lead ?? r.lead_department ?? '' },
    issuedAt: r.issued_at ?? '',
    dueDate: r.due_date,
    escalatedTo: JSON.parse(r.escalated_to) as string[],
    reason: r.reason ?? '',
    closedAt: r.closed_at,
    closedBecause: r.closed_because,
  }));
}

/** What a project listing filters on (client/projects.ts ProjectFilter, validated there). */
export interface ModelProjectFilter {
  stage?: string;
  county?: string;
  industry?: string;
  warning?: string;
  stalled?: boolean;
  includeClosed: boolean;
}

/**
 * Projects as a listing shows them (client/projects.ts ProjectListing), by project code. Days since
 * the last report are counted at `at` from the last report (or the registration), as the
 * lifecycle counts them for visibility; a closed project is COMPLETED (its workflow has finished).
 */
export async function projectListingRows(db: ReadModelDb, filter: ModelProjectFilter, at: Date) {
  let q = db.selectFrom('rm_projects').selectAll().where('name', 'is not', null);
  if (filter.stage) q = q.where('stage', '=', filter.stage);
  if (filter.county) q = q.where('county', '=', filter.county);
  if (filter.industry) q = q.where('industry', '=', filter.industry);
  if (filter.warning) q = q.where('warning_level', '=', filter.warning);
  if (filter.stalled !== undefined) q = q.where('stall_order_id', filter.stalled ? 'is not' : 'is', null);
  if (!filter.includeClosed) q = q.where('closed', '=', 0);
  const rows = await q.orderBy('code').execute();
  const DAY_MS = 86_400_000;
  return rows.map((r) => {
    const since = r.last_report_at ?? r.registered_at;
    return {
      code: r.code,
      name: r.name ?? r.code,
      stage: r.stage ?? '',
      county: r.county ?? '',
      industry: r.industry ?? '',
      warning: r.warning_level,
      stalled: r.stall_order_id !== null,
      daysSinceReport: since ? Math.max(0, Math.floor((at.getTime() - Date.parse(since)) / DAY_MS)) : null,
      // No warning measured yet: the lifecycle shows 0 % done, as its search attribute does.
      completionRate: Math.round((r.completion_rate ?? 0) * 10000) / 10000,
      status: r.closed === 1 ? 'COMPLETED' : 'RUNNING',
    };
  });
}
