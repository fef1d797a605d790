import { Client, ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import type { WorkingDayCalendar } from '../../domain/calendar';
import { orderAgenda } from '../../domain/meeting/agenda';
import {
  followUpAgendaItem,
  indexedProjectAgendaItems,
  overdueApprovalItems,
  projectAgendaItems,
  type IndexedProject,
  type OverdueReview,
} from '../../domain/meeting/sources';
import type { ProjectState } from '../../schemas/lifecycle';
import type { AgendaItem, MeetingConfig } from '../../schemas/meeting';
import { SA } from '../../schemas/searchAttributes';
import { FOLLOW_UP_TRACKER_ID, getFollowUpsQuery } from '../../workflows/followUps/messages';
import { getProjectStateQuery } from '../../workflows/project/messages';
import { mapLimited, QUERY_CONCURRENCY } from '../../client/concurrency';
import type { ReadModelDb } from '../../projections/db';
import { agendaProjects, openFollowUpItems, overdueReviews } from '../../projections/queries';

/** What the index holds of a project; undefined when it lacks what an agenda item needs. */
function indexedFacts(sa: TypedSearchAttributes): IndexedProject | undefined {
  const code = sa.get(SA.projectCode);
  const county = sa.get(SA.county);
  const leadDepartment = sa.get(SA.leadDepartment);
  if (!code || !county || !leadDepartment) return undefined;
  return {
    code,
    county,
    leadDepartment,
    stalled: sa.get(SA.stalled) ?? false,
    warning: sa.get(SA.warning),
    completionRate: sa.get(SA.completionRate),
    lastReportAt: sa.get(SA.lastReportAt)?.toISOString(),
  };
}

/**
 * The project part of the agenda, from live state: every running project's state (its own
 * `getProjectState` query, the source of truth — visibility only finds the workflows) gives its
 * stall, red warning and open problems; review stages that visibility marks overdue give the
 * overdue approvals, per department holding the task. Listings page through all results. A
 * project that does not answer, or is not reached before the deadline, is listed from its
 * indexed facts (stalled, red), and says so.
 */
export async function loadProjectAgendaItems(
  client: Client,
  at: string,
  names: Pick<MeetingConfig, 'directory'>,
  calendar: WorkingDayCalendar,
  opts: {
    /** keyflow's task queue: only its workflows are listed. */
    taskQueue?: string;
    /** Told which projects were listed from the index (and of how many), to be logged. */
    onUnread?: (codes: string[], of: number) => void;
    /**
     * When (epoch ms) to stop asking: the projects not yet asked are listed from the index, so
     * an agenda is compiled within its activity's time even when the worker must replay many
     * workflows to answer (a cold cache, thousands of projects).
     */
    deadline?: number;
  } = {},
): Promise<AgendaItem[]> {
  const { taskQueue, onUnread, deadline } = opts;
  // keyflow's projects are the ones its own worker runs: workflows on another task queue (another
  // deployment sharing the namespace, or a test's) are not this meeting's business, and asking
  // them would wait on a worker that may not exist.
  const onQueue = taskQueue ? ` AND TaskQueue = '${taskQueue.replace(/'/g, '')}'` : '';
  const projects: Array<{ workflowId: string; indexed: IndexedProject | undefined }> = [];
  for await (const wf of client.workflow.list({ query: `${SA.kind.name}='project' AND ExecutionStatus='Running'${onQueue}` })) {
    projects.push({ workflowId: wf.workflowId, indexed: indexedFacts(wf.typedSearchAttributes) });
  }
  const unread: IndexedProject[] = [];
  const states = (
    await mapLimited(projects, QUERY_CONCURRENCY, async (p) => {
      if (deadline !== undefined && Date.now() >= deadline && p.indexed) {
        unread.push(p.indexed);
        return undefined;
      }
      try {
        return await client.workflow.getHandle(p.workflowId).query(getProjectStateQuery);
      } catch (err) {
        // Finished between the listing and the query: no longer on any agenda.
        if (err instanceof WorkflowNotFoundError) return undefined;
        // Unanswered (its worker overloaded or away): the meeting is held all the same, with what
        // the index knows of the project, rather than no agenda at all.
        if (!(err instanceof ServiceError) || !p.indexed) throw err;
        unread.push(p.indexed);
        return undefined;
      }
    })
  ).filter((s): s is ProjectState => s !== undefined);
  if (unread.length > 0) onUnread?.(unread.map((p) => p.code), projects.length);
  const byCode = new Map(states.map((s) => [s.project.code, s]));
  const items = [...states.flatMap((s) => projectAgendaItems(s, at, names, calendar)), ...unread.flatMap((p) => indexedProjectAgendaItems(p, at, names))];

  const reviewQuery = `${SA.kind.name}='review-stage' AND ${SA.overdue.name}=true AND ExecutionStatus='Running'${onQueue}`;
  for await (const wf of client.workflow.list({ query: reviewQuery })) {
    const sa = wf.typedSearchAttributes;
    const projectCode = sa.get(SA.projectCode);
    if (!projectCode) continue;
    const review: OverdueReview = {
      workflowId: wf.workflowId,
      projectCode,
      stage: sa.get(SA.reviewStage) ?? wf.workflowId,
      departments: sa.get(SA.openDepartments) ?? [],
      leadDepartment: sa.get(SA.leadDepartment),
      deadline: sa.get(SA.nextDeadline)?.toISOString(),
    };
    items.push(...overdueApprovalItems(review, byCode.get(projectCode)?.project, at, names, calendar));
  }
  return orderAgenda(items);
}

/** Every follow-up item still open and decided before `at` (they roll onto each agenda until closed). */
export async function loadFollowUpAgendaItems(client: Client, at: string, calendar: WorkingDayCalendar): Promise<AgendaItem[]> {
  let open;
  try {
    open = await client.workflow.getHandle(FOLLOW_UP_TRACKER_ID).query(getFollowUpsQuery, { status: 'open' });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return []; // no meeting has decided anything yet
    throw err;
  }
  return open.filter((i) => Date.parse(i.decidedAt) < Date.parse(at)).map((i) => followUpAgendaItem(i, at, calendar));
}

/**
 * The project part of the agenda from the read model (projections/): the same items as
 * loadProjectAgendaItems reads from every workflow, in one pass over the model's tables. The
 * caller first lets the model catch up with the topics (projections/freshness.ts).
 */
export async function loadProjectAgendaItemsFromModel(db: ReadModelDb, at: string, names: Pick<MeetingConfig, 'directory'>, calendar: WorkingDayCalendar): Promise<AgendaItem[]> {
  const projects = await agendaProjects(db);
  const items = projects.flatMap((p) => projectAgendaItems(p, at, names, calendar));
  for (const { review, project } of await overdueReviews(db, at)) items.push(...overdueApprovalItems(review, project, at, names, calendar));
  return orderAgenda(items);
}

/** Open follow-up items decided before `at`, from the read model. */
export async function loadFollowUpAgendaItemsFromModel(db: ReadModelDb, at: string, calendar: WorkingDayCalendar): Promise<AgendaItem[]> {
  return (await openFollowUpItems(db)).filter((i) => Date.parse(i.decidedAt) < Date.parse(at)).map((i) => followUpAgendaItem(i, at, calendar));
}
