import { WorkflowNotFoundError } from '@temporalio/client';
import type { ReviewCalendar } from '../domain/jointReview/deadlines';
import { compareUrgency, daysLeftMemo, departmentItems, toInboxItem } from '../domain/jointReview/urgency';
import type { CountyWarnings, StalledProject, WarningGrid } from '../schemas/api';
import type { InboxItem, ReviewState } from '../schemas/jointReview';
import type { ProjectState, Stall, SupervisionOrder } from '../schemas/lifecycle';
import type { SupervisionOrderEntry } from '../schemas/supervision';
import { shanghaiDate } from '../domain/calendar';
import { SA } from '../schemas/searchAttributes';
import { loadReferenceData } from '../seeds';
import { liveCalendar } from './calendar';
import { getReviewStateQuery } from '../workflows/review/messages';
import { toKeyflowError } from './errors';
import { getProjectState, listProjects, onTaskQueue, type ClientContext } from './projects';
import { mapLimited, QUERY_CONCURRENCY } from './concurrency';
import { overdueTaskItemsFromModel, stalledProjects, supervisionOrderRows, warningCounts } from '../projections/queries';
import { loadJointReviewConfig } from '../seeds/jointReview';

/**
 * What supervisors (督查) watch: stalled projects with their supervision orders, approvals past
 * their deadline, and the warning lights per county. Visibility finds the workflows; each
 * match is then asked for its own state, the source of truth.
 */

const countyNames = (): Map<string, string> => new Map(loadReferenceData().counties.map((c) => [c.id, c.name]));

/** Running projects that are stalled now, longest stalled first, each with its open supervision order. */
export async function listStalledProjects(ctx: ClientContext): Promise<StalledProject[]> {
  try {
    if (ctx.readModel) {
      const names = countyNames();
      return (await stalledProjects(ctx.readModel.model.db)).map((p) => ({ ...p, countyName: names.get(p.county) ?? p.county }));
    }
    const listed = await listProjects(ctx, { stalled: true, includeClosed: false });
    const states = await mapLimited(listed, QUERY_CONCURRENCY, (p) =>
      getProjectState(ctx, p.code).catch((err: unknown) => {
        // Closed between the listing and the query: no longer stalled.
        if ((err as { type?: string })?.type === 'ProjectNotFound') return undefined;
        throw err;
      }),
    );
    const names = countyNames();
    const out: StalledProject[] = [];
    for (const s of states) {
      // Visibility trails the workflow by a moment: the state decides.
      if (s?.stall) out.push(stalledOf(s, s.stall, names));
    }
    return out.sort((a, b) => (a.stall.since < b.stall.since ? -1 : a.stall.since > b.stall.since ? 1 : a.code < b.code ? -1 : 1));
  } catch (err) {
    throw toKeyflowError(err);
  }
}

function stalledOf(s: ProjectState, stall: Stall, names: Map<string, string>): StalledProject {
  return {
    code: s.project.code,
    name: s.project.name,
    county: s.project.county,
    countyName: names.get(s.project.county) ?? s.project.county,
    stage: s.stage,
    leadDepartment: s.project.leadDepartment,
    responsibleLeader: s.project.responsibleLeader,
    warning: s.warning.level,
    stall,
  };
}

/** The workers' calendar: notices on disk (KEYFLOW_HOLIDAYS_DIR) and loaded ones, provisional years. */
async function workersCalendar(ctx: ClientContext): Promise<ReviewCalendar> {
  return (await liveCalendar(ctx.client, ctx.holidaysDir)).calendar;
}

/**
 * Review tasks past their deadline (审批超时), most overdue first, across all running reviews.
 * Visibility finds the reviews the workflows marked overdue (KeyflowOverdue); the items are the
 * reviews' own open tasks whose deadline has passed at `now`. Follow-ups of 容缺 approvals are the
 * applicant's to deliver, not an overdue approval, and are left out.
 */
export async function listOverdueApprovals(ctx: ClientContext, opts: { now?: Date; calendar?: ReviewCalendar } = {}): Promise<InboxItem[]> {
  const now = opts.now ?? new Date();
  const cal = opts.calendar ?? (await workersCalendar(ctx));
  try {
    if (ctx.readModel) {
      const items = await overdueTaskItemsFromModel(ctx.readModel.model.db, now.toISOString(), ctx.jointReviewConfig ?? loadJointReviewConfig());
      const daysLeft = daysLeftMemo(now, cal);
      return items.map((i) => toInboxItem(i, now, cal, daysLeft)).filter((i) => i.status === 'overdue').sort(compareUrgency);
    }
    const query = `${SA.kind.name} = 'review-stage' AND ${SA.overdue.name} = true AND ExecutionStatus = 'Running' AND ${onTaskQueue(ctx.taskQueue)}`;
    const matches: Array<{ workflowId: string; runId: string }> = [];
    for await (const wf of ctx.client.workflow.list({ query })) matches.push({ workflowId: wf.workflowId, runId: wf.runId });
    const states = await mapLimited(matches, QUERY_CONCURRENCY, async (m) => {
      try {
        return await ctx.client.workflow.getHandle(m.workflowId, m.runId).query(getReviewStateQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    });
    const items: InboxItem[] = [];
    for (const state of states.filter((s): s is ReviewState => s !== undefined)) {
      for (const department of new Set(state.tasks.map((t) => t.department))) {
        for (const item of departmentItems(state, department)) {
          const seen = toInboxItem(item, now, cal);
          if (seen.kind === 'task' && seen.status === 'overdue') items.push(seen);
        }
      }
    }
    return items.sort(compareUrgency);
  } catch (err) {
    throw toKeyflowError(err);
  }
}

/**
 * Warning lights (红黄绿灯) of the running projects per county/district/zone, in the reference
 * data's order; every county appears, also with no project. Read from visibility alone.
 */
export async function warningGrid(ctx: ClientContext, now: Date = new Date()): Promise<WarningGrid> {
  const rows = new Map<string, CountyWarnings>();
  for (const c of loadReferenceData().counties) rows.set(c.id, { county: c.id, name: c.name, kind: c.kind, green: 0, yellow: 0, red: 0, stalled: 0, total: 0 });
  if (ctx.readModel) {
    for (const c of await warningCounts(ctx.readModel.model.db)) {
      const row = rows.get(c.county);
      if (!row) continue;
      const level = c.level === 'red' || c.level === 'yellow' ? c.level : 'green';
      row[level] += c.n;
      row.stalled += c.stalled;
      row.total += c.n;
    }
    return { at: now.toISOString(), counties: [...rows.values()] };
  }
  const listed = await listProjects(ctx, { includeClosed: false });
  for (const p of listed) {
    const row = rows.get(p.county);
    if (!row) continue; // a county the reference data no longer lists
    const level = p.warning === 'red' || p.warning === 'yellow' ? p.warning : 'green';
    row[level] += 1;
    if (p.stalled) row.stalled += 1;
    row.total += 1;
  }
  return { at: now.toISOString(), counties: [...rows.values()] };
}

/**
 * Every supervision order (督办单) of every project, open or closed: the stalls' automatic orders
 * and those opened by hand, open ones first (overdue before the rest), then by due date.
 * An order is overdue when it is open and its due date (Asia/Shanghai) is before `now`'s day.
 */
export async function listSupervisionOrders(ctx: ClientContext, now: Date = new Date(), filter: { code?: string } = {}): Promise<SupervisionOrderEntry[]> {
  try {
    const names = countyNames();
    const today = shanghaiDate(now);
    const stateOf = (dueDate: string | null, closed: string | undefined) => (closed ? 'closed' : dueDate !== null && dueDate < today ? 'overdue' : 'open');
    const rank = { overdue: 0, open: 1, closed: 2 } as const;
    const order = (list: SupervisionOrderEntry[]) =>
      list.sort((a, b) => rank[a.state] - rank[b.state] || (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') || a.issuedAt.localeCompare(b.issuedAt));
    if (ctx.readModel) {
      const rows = await supervisionOrderRows(ctx.readModel.model.db, filter.code);
      return order(
        rows.map(({ closedAt, closedBecause, project, ...o }) => ({
          ...o,
          project: { ...project, countyName: names.get(project.county) ?? project.county },
          state: stateOf(o.dueDate, closedAt ?? undefined),
          ...(closedAt ? { closedAt } : {}),
          ...(closedBecause ? { closedBecause } : {}),
        })),
      );
    }
    const listed = filter.code ? [{ code: filter.code }] : await listProjects(ctx, { includeClosed: true });
    const states = await mapLimited(listed, QUERY_CONCURRENCY, (p) =>
      getProjectState(ctx, p.code).catch((err: unknown) => {
        if ((err as { type?: string })?.type === 'ProjectNotFound' && !filter.code) return undefined;
        throw err;
      }),
    );
    const out: SupervisionOrderEntry[] = [];
    for (const s of states) {
      if (!s) continue;
      const project = { code: s.project.code, name: s.project.name, county: s.project.county, countyName: names.get(s.project.county) ?? s.project.county, leadDepartment: s.project.leadDepartment };
      const entry = (o: SupervisionOrder, origin: 'automatic' | 'manual', closedAt?: string, closedBecause?: string): SupervisionOrderEntry => {
        const closed = o.closedAt ?? closedAt;
        const because = o.closedBecause ?? closedBecause;
        const state = stateOf(o.dueDate, closed);
        return { ...o, origin, project, state, ...(closed ? { closedAt: closed } : {}), ...(because ? { closedBecause: because } : {}) };
      };
      for (const st of [...s.stallHistory, ...(s.stall ? [s.stall] : [])]) {
        out.push(entry(st.order, 'automatic', st.clearedAt, st.clearedBy ? `停滞解除（${st.clearedBy}）` : undefined));
      }
      for (const o of s.orders) out.push(entry(o, 'manual'));
    }
    return order([...new Map(out.map((o) => [`${o.project.code}/${o.id}`, o])).values()]);
  } catch (err) {
    throw toKeyflowError(err);
  }
}
