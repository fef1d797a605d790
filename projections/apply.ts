import type { Insertable, Transaction, Updateable } from 'kysely';
import type { z } from 'zod';
import { completionRate, expectedRate } from '../domain/lifecycle/warning';
import { CLOSED_STAGES, REPORTING_STAGES } from '../domain/lifecycle/stages';
import type { AnyVersionData, EventType } from '../schemas/events/catalog';
import type { CloudEvent } from '../schemas/events/envelope';
import type { MEETING_EVENTS } from '../schemas/events/meeting';
import type { PROJECT_EVENTS, SUPERVISION_EVENTS } from '../schemas/events/project';
import type { RANKING_EVENTS } from '../schemas/events/ranking';
import type { REVIEW_EVENTS } from '../schemas/events/review';
import type { Stage } from '../schemas/project';
import type { ReadModelTables } from './schema';

type Trx = Transaction<ReadModelTables>;
type Events = typeof PROJECT_EVENTS & typeof SUPERVISION_EVENTS & typeof REVIEW_EVENTS & typeof MEETING_EVENTS & typeof RANKING_EVENTS;
/** An event's data, whichever of its type's versions it was published in. */
type DataOf<T extends keyof Events> = T extends EventType ? AnyVersionData<T> : z.infer<Events[T]>;
type Handler<T extends keyof Events> = (trx: Trx, data: DataOf<T>, e: CloudEvent & { version: string }) => Promise<void>;

/**
 * How each event changes the read model. Pure SQL on the transaction the projector opened, so
 * the change and the consumed offset commit together. Events of one subject on one topic arrive in
 * order (one partition); across topics they may not, so each row part keeps the ordering key of
 * the last event that wrote it (`version`: the event's time, ISO, or its own sequence) and an
 * older event does not overwrite it. Types not listed (reminders, calendar notes) change nothing
 * here; they are still recorded as applied.
 */
const HANDLERS: { [T in keyof Events]?: Handler<T> } = {
  'cn.keyflow.project.registered': async (trx, { project }, e) => {
    const row = {
      code: project.code,
      name: project.name,
      county: project.county,
      lead_department: project.leadDepartment,
      responsible_leader: project.responsibleLeader,
      industry: project.industry,
      registered_at: e.version,
      annual_planned_investment: project.annualPlannedInvestment,
      category: project.category,
      planned_start: project.plannedStart,
      listed_on: project.listedOn ?? null,
    };
    await trx
      .insertInto('rm_stage_changes')
      .values({ project_code: project.code, seq: 0, from_stage: null, to_stage: project.stage, at: e.version })
      .onConflict((oc) => oc.columns(['project_code', 'seq']).doNothing())
      .execute();
    await trx
      .insertInto('rm_projects')
      .values({ ...row, stage: project.stage, closed: CLOSED_STAGES.includes(project.stage) ? 1 : 0 })
      .onConflict((oc) => oc.column('code').doUpdateSet(row))
      .execute();
    // Registered after a stage change was seen (impossible on one partition, but cheap to honour).
    await trx.updateTable('rm_projects').set({ stage: project.stage, closed: CLOSED_STAGES.includes(project.stage) ? 1 : 0 }).where('code', '=', project.code).where('stage', 'is', null).execute();
  },
  'cn.keyflow.project.stageChanged': async (trx, d, e) => {
    const version = `seq:${String(d.seq).padStart(8, '0')}`;
    const p = await project(trx, e.subject);
    await trx
      .insertInto('rm_stage_changes')
      .values({ project_code: e.subject, seq: d.seq, from_stage: d.from, to_stage: d.to, at: e.version })
      .onConflict((oc) => oc.columns(['project_code', 'seq']).doNothing())
      .execute();
    if (p.stage_version > version) return;
    await trx
      .updateTable('rm_projects')
      .set({ stage: d.to, stage_version: version, ...(CLOSED_STAGES.includes(d.to) ? { closed: 1 } : {}) })
      .where('code', '=', e.subject)
      .execute();
    await refreshRates(trx, e.subject);
  },
  'cn.keyflow.project.progressReported': async (trx, d, e) => {
    await project(trx, e.subject);
    const row = {
      county: d.county,
      investment_this_month: d.investmentThisMonth,
      investment_to_date: d.investmentToDate,
      physical_progress: d.physicalProgress,
      completion_rate: d.completionRate,
      reported_at: e.version,
    };
    await trx
      .insertInto('rm_monthly_reports')
      .values({ project_code: e.subject, month: d.month, ...row, corrections: 0 })
      .onConflict((oc) => oc.columns(['project_code', 'month']).doUpdateSet((eb) => ({ ...row, corrections: eb(eb.ref('rm_monthly_reports.corrections'), '+', 1) })))
      .execute();
    for (const pr of d.problemsRaised) {
      await trx
        .insertInto('rm_open_problems')
        .values({ project_code: e.subject, problem_id: pr.id, text: pr.text, department: pr.department ?? null, raised_in: pr.raisedIn, raised_at: pr.raisedAt })
        .onConflict((oc) => oc.columns(['project_code', 'problem_id']).doNothing())
        .execute();
    }
    if (d.problemsResolved.length > 0) {
      await trx.updateTable('rm_open_problems').set({ resolved_at: e.version }).where('project_code', '=', e.subject).where('problem_id', 'in', d.problemsResolved).execute();
    }
    await trx.updateTable('rm_projects').set({ last_report_month: d.month, last_report_at: e.version }).where('code', '=', e.subject).execute();
    await refreshRates(trx, e.subject);
  },
  'cn.keyflow.project.warningChanged': async (trx, d, e) => {
    const p = await project(trx, e.subject);
    if (p.warning_version > e.version) return;
    await trx
      .updateTable('rm_projects')
      .set({
        warning_level: d.to,
        completion_rate: d.completionRate,
        expected_rate: d.expectedRate,
        warning_at: e.version,
        red_since: d.to === 'red' ? (d.from === 'red' ? (p.red_since ?? e.version) : e.version) : null,
        warning_version: e.version,
      })
      .where('code', '=', e.subject)
      .execute();
  },
  'cn.keyflow.project.stalled': async (trx, d, e) => {
    const p = await project(trx, e.subject);
    if (p.stall_version > e.version) return;
    await trx
      .updateTable('rm_projects')
      .set({ stall_reason: d.reason, stall_since: d.since, stall_detail: d.detail, stall_order_id: d.orderId, stall_cleared_at: null, stall_version: e.version })
      .where('code', '=', e.subject)
      .execute();
  },
  'cn.keyflow.project.stallCleared': async (trx, d, e) => {
    const p = await project(trx, e.subject);
    if (p.stall_version > e.version || (p.stall_order_id !== null && p.stall_order_id !== d.orderId)) return;
    await trx
      .updateTable('rm_projects')
      .set({ stall_reason: null, stall_since: null, stall_detail: null, stall_order_id: null, stall_cleared_at: d.clearedAt, stall_version: e.version })
      .where('code', '=', e.subject)
      .execute();
  },
  'cn.keyflow.project.annualPlanSet': async (trx, d, e) => {
    await project(trx, e.subject);
    await trx.updateTable('rm_projects').set({ annual_planned_investment: d.annualPlannedInvestment, annual_plan_year: d.year }).where('code', '=', e.subject).execute();
    await refreshRates(trx, e.subject);
  },
  'cn.keyflow.project.reviewReapplied': async (trx, d, e) => {
    const row = { attempt: d.attempt, workflow_id: d.workflowId };
    const current = await trx.selectFrom('rm_review_attempts').select('attempt').where('project_code', '=', e.subject).where('stage_id', '=', d.stageId).executeTakeFirst();
    if (current && current.attempt >= d.attempt) return;
    await trx.insertInto('rm_review_attempts').values({ project_code: e.subject, stage_id: d.stageId, ...row }).onConflict((oc) => oc.columns(['project_code', 'stage_id']).doUpdateSet(row)).execute();
  },

  'cn.keyflow.supervision.orderIssued': async (trx, d, e) => {
    const row = {
      project_code: e.subject,
      project_name: d.projectName,
      county: d.county,
      responsible_leader: d.responsibleLeader,
      lead_department: d.leadDepartment,
      issued_at: d.order.issuedAt,
      due_date: d.order.dueDate,
      reason: d.order.reason,
      escalated_to: JSON.stringify(d.order.escalatedTo),
    };
    await trx.insertInto('rm_supervision_orders').values({ order_id: d.order.id, ...row }).onConflict((oc) => oc.column('order_id').doUpdateSet(row)).execute();
  },
  'cn.keyflow.supervision.orderClosed': async (trx, d, e) => {
    // The closing may arrive before the issue (another topic): the row is made now, filled in then.
    await trx
      .insertInto('rm_supervision_orders')
      .values({ order_id: d.orderId, project_code: e.subject, due_date: d.dueDate, closed_at: d.closedAt, closed_because: d.closedBecause })
      .onConflict((oc) => oc.column('order_id').doUpdateSet({ closed_at: d.closedAt, closed_because: d.closedBecause }))
      .execute();
  },

  'cn.keyflow.review.taskAssigned': async (trx, d, e) => {
    const row = {
      project_name: d.projectName,
      lead_department: d.leadDepartment,
      matter: d.matter,
      status: 'open',
      limit_working_days: d.limitWorkingDays,
      accepted_at: d.acceptedAt,
      deadline: d.deadline,
      deadline_date: d.deadlineDate,
      overdue: 0,
      decision: null,
      decided_at: null,
      late: 0,
      provisional: d.provisional ? JSON.stringify(d.provisional) : null,
      working_days_left_at_pause: null,
      missing_materials: null,
      // v2 carries the task's materials; an older event leaves them to the configuration (null).
      materials: 'materials' in d ? JSON.stringify(d.materials) : null,
      version: e.version,
    };
    await upsertTask(trx, d, row);
  },
  'cn.keyflow.review.taskOverdue': (trx, d, e) => updateTask(trx, d, e, { overdue: 1 }),
  'cn.keyflow.review.taskDecided': async (trx, d, e) => {
    await updateTask(trx, d, e, { status: 'decided', decision: d.decision, decided_at: d.decidedAt, late: d.late ? 1 : 0 });
    await trx
      .insertInto('rm_review_decisions')
      .values({
        project_code: d.projectCode,
        stage_id: d.stageId,
        department: d.department,
        decided_at: new Date(d.decidedAt).toISOString(),
        decision: d.decision,
        late: d.late ? 1 : 0,
        working_days_used: d.workingDaysUsed,
        limit_working_days: d.limitWorkingDays,
      })
      .onConflict((oc) => oc.columns(['project_code', 'stage_id', 'department', 'decided_at']).doNothing())
      .execute();
    if (d.followUp) {
      const row = {
        project_name: d.projectName,
        lead_department: d.leadDepartment,
        missing_materials: JSON.stringify(d.followUp.missingMaterials),
        due: d.followUp.due,
        due_date: d.followUp.dueDate,
        status: 'open',
        overdue: 0,
        version: e.version,
      };
      await trx
        .insertInto('rm_review_follow_ups')
        .values({ project_code: d.projectCode, stage_id: d.stageId, department: d.department, ...row })
        .onConflict((oc) => oc.columns(['project_code', 'stage_id', 'department']).doUpdateSet(row))
        .execute();
    }
  },
  'cn.keyflow.review.taskReturned': (trx, d, e) =>
    updateTask(trx, d, e, { status: 'returned', working_days_left_at_pause: d.workingDaysLeftAtPause, missing_materials: JSON.stringify(d.missingMaterials) }),
  'cn.keyflow.review.taskResubmitted': (trx, d, e) =>
    updateTask(trx, d, e, { status: 'open', deadline: d.deadline, deadline_date: d.deadlineDate, working_days_left_at_pause: null, missing_materials: null, provisional: d.provisional ? JSON.stringify(d.provisional) : null }),
  'cn.keyflow.review.followUpOverdue': (trx, d, e) => updateFollowUp(trx, d, e, { overdue: 1 }),
  'cn.keyflow.review.followUpClosed': (trx, d, e) => updateFollowUp(trx, d, e, { status: d.status }),
  'cn.keyflow.review.materialsHandedIn': (trx, d, e) => updateFollowUp(trx, d, e, { missing_materials: JSON.stringify(d.stillMissing) }),
  'cn.keyflow.review.deadlineRecounted': (trx, d, e) =>
    d.kind === 'task'
      ? updateTask(trx, d, e, { deadline: d.deadline, deadline_date: d.deadlineDate, provisional: d.provisional ? JSON.stringify(d.provisional) : null })
      : updateFollowUp(trx, d, e, { due: d.deadline, due_date: d.deadlineDate }),
  'cn.keyflow.review.stageCompleted': async (trx, d, e) => {
    if (d.cancelledTasks.length === 0) return;
    await trx
      .updateTable('rm_review_tasks')
      .set({ status: 'cancelled', version: e.version })
      .where('project_code', '=', e.subject)
      .where('stage_id', '=', d.stageId)
      .where('department', 'in', d.cancelledTasks)
      .where('version', '<=', e.version)
      .execute();
  },
  'cn.keyflow.review.stageWithdrawn': async (trx, d, e) => {
    for (const [table, departments] of [
      ['rm_review_tasks', d.cancelledTasks],
      ['rm_review_follow_ups', d.cancelledFollowUps],
    ] as const) {
      if (departments.length === 0) continue;
      await trx
        .updateTable(table)
        .set({ status: 'cancelled', version: e.version })
        .where('project_code', '=', e.subject)
        .where('stage_id', '=', d.stageId)
        .where('department', 'in', departments)
        .where('version', '<=', e.version)
        .execute();
    }
  },

  'cn.keyflow.meeting.scheduled': (trx, { plan }, e) => upsertMeeting(trx, plan.meetingId, e.version, { week: plan.week, meeting_date: plan.meetingDate, status: 'scheduled' }),
  'cn.keyflow.meeting.skipped': (trx, { plan }, e) => upsertMeeting(trx, plan.meetingId, e.version, { week: plan.week, meeting_date: plan.meetingDate, status: 'skipped' }),
  'cn.keyflow.meeting.agendaCompiled': (trx, d, e) => upsertMeeting(trx, d.meetingId, e.version, { agenda_round: d.round, agenda_items: d.items.length }),
  'cn.keyflow.meeting.concluded': (trx, d, e) => upsertMeeting(trx, d.meetingId, e.version, { status: 'concluded', agenda_items: d.agendaItems, follow_ups: d.followUps }),
  'cn.keyflow.meeting.followUpOpened': (trx, { item }, e) => upsertFollowUpItem(trx, item, e.version),
  'cn.keyflow.meeting.followUpEscalated': (trx, { item }, e) => upsertFollowUpItem(trx, item, e.version),
  'cn.keyflow.meeting.followUpClosed': (trx, { item }, e) => upsertFollowUpItem(trx, item, e.version),

  'cn.keyflow.ranking.checkPublished': async (trx, d, e) => {
    await trx
      .insertInto('rm_rankings')
      .values({ ranking_id: d.checkId, kind: 'fourCompare', subject: e.subject, period: d.period, published_at: e.version, payload: JSON.stringify(d) })
      .onConflict((oc) => oc.column('ranking_id').doNothing())
      .execute();
  },
  'cn.keyflow.ranking.tourPublished': async (trx, d, e) => {
    await trx
      .insertInto('rm_rankings')
      .values({ ranking_id: e.subject, kind: 'tour', subject: e.subject, period: d.date, published_at: e.version, payload: JSON.stringify(d) })
      .onConflict((oc) => oc.column('ranking_id').doNothing())
      .execute();
  },
};

/** Applies one validated event inside the projector's transaction. */
export async function applyEvent(trx: Trx, event: CloudEvent): Promise<void> {
  const handler = HANDLERS[event.type as keyof Events] as Handler<keyof Events> | undefined;
  if (!handler) return;
  await handler(trx, event.data as never, { ...event, version: new Date(event.time).toISOString() });
}

/** The project's row, made empty first when an event about it arrives before its registration. */
async function project(trx: Trx, code: string) {
  await trx.insertInto('rm_projects').values({ code }).onConflict((oc) => oc.column('code').doNothing()).execute();
  return trx.selectFrom('rm_projects').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
}

/**
 * The warning light's current rates as the lifecycle computes them (recomputeWarning): the
 * latest month reported against its year's plan, the pro-rata expectation only in the investment
 * stages. Without a report both are 0.
 */
async function refreshRates(trx: Trx, code: string): Promise<void> {
  const p = await project(trx, code);
  const latest = await trx.selectFrom('rm_monthly_reports').selectAll().where('project_code', '=', code).orderBy('month', 'desc').limit(1).executeTakeFirst();
  const inInvestment = p.stage !== null && REPORTING_STAGES.includes(p.stage as Stage);
  let rate = latest?.completion_rate ?? 0;
  if (latest && p.annual_plan_year === Number(latest.month.slice(0, 4)) && p.annual_planned_investment !== null) {
    rate = completionRate(latest.investment_to_date, p.annual_planned_investment);
  }
  const expected = latest && inInvestment ? expectedRate(latest.month) : 0;
  await trx.updateTable('rm_projects').set({ completion_rate: rate, expected_rate: expected }).where('code', '=', code).execute();
}

type TaskKey = { projectCode: string; stageId: string; department: string };
type TaskRow = Omit<Insertable<ReadModelTables['rm_review_tasks']>, 'project_code' | 'stage_id' | 'department'>;

async function upsertTask(trx: Trx, k: TaskKey, row: TaskRow): Promise<void> {
  const existing = await trx.selectFrom('rm_review_tasks').select('version').where('project_code', '=', k.projectCode).where('stage_id', '=', k.stageId).where('department', '=', k.department).executeTakeFirst();
  if (existing && existing.version > row.version) return;
  await trx
    .insertInto('rm_review_tasks')
    .values({ project_code: k.projectCode, stage_id: k.stageId, department: k.department, ...row })
    .onConflict((oc) => oc.columns(['project_code', 'stage_id', 'department']).doUpdateSet(row))
    .execute();
}

type ItemTable = 'rm_review_tasks' | 'rm_review_follow_ups';

/** Changes a department's task or follow-up unless a later event already wrote it. */
async function updateItem<T extends ItemTable>(trx: Trx, table: T, k: TaskKey, e: { version: string }, set: Updateable<ReadModelTables[T]>): Promise<void> {
  await trx
    .updateTable(table as ItemTable)
    .set({ ...(set as Updateable<ReadModelTables[ItemTable]>), version: e.version })
    .where('project_code', '=', k.projectCode)
    .where('stage_id', '=', k.stageId)
    .where('department', '=', k.department)
    .where('version', '<=', e.version)
    .execute();
}

const updateTask = (trx: Trx, k: TaskKey, e: { version: string }, set: Updateable<ReadModelTables['rm_review_tasks']>) => updateItem(trx, 'rm_review_tasks', k, e, set);
const updateFollowUp = (trx: Trx, k: TaskKey, e: { version: string }, set: Updateable<ReadModelTables['rm_review_follow_ups']>) => updateItem(trx, 'rm_review_follow_ups', k, e, set);

async function upsertMeeting(trx: Trx, meetingId: string, version: string, set: Updateable<ReadModelTables['rm_meetings']>): Promise<void> {
  const existing = await trx.selectFrom('rm_meetings').select(['version', 'status']).where('meeting_id', '=', meetingId).executeTakeFirst();
  if (!existing) {
    await trx.insertInto('rm_meetings').values({ meeting_id: meetingId, status: 'scheduled', ...set, version }).execute();
    return;
  }
  // A concluded meeting stays concluded whatever arrives late.
  const status = existing.status === 'concluded' ? 'concluded' : (set.status ?? existing.status);
  if (existing.version > version) {
    await trx.updateTable('rm_meetings').set({ status }).where('meeting_id', '=', meetingId).execute();
    return;
  }
  await trx.updateTable('rm_meetings').set({ ...set, status, version }).where('meeting_id', '=', meetingId).execute();
}

async function upsertFollowUpItem(trx: Trx, item: DataOf<'cn.keyflow.meeting.followUpOpened'>['item'], version: string): Promise<void> {
  const existing = await trx.selectFrom('rm_follow_up_items').select('version').where('item_id', '=', item.id).executeTakeFirst();
  if (existing && existing.version > version) return;
  const row = { meeting_id: item.meetingId, status: item.status, decided_at: item.decidedAt, item: JSON.stringify(item), version };
  await trx.insertInto('rm_follow_up_items').values({ item_id: item.id, ...row }).onConflict((oc) => oc.column('item_id').doUpdateSet(row)).execute();
}
