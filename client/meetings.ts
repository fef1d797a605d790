import { Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, WorkflowNotFoundError, type CalendarSpec, type DayOfWeek } from '@temporalio/client';
import { atShanghaiTime, isoWeekday, shanghaiDate } from '../domain/calendar';
import { isoWeekKey, nominalMeetingDate, prepareTime } from '../domain/meeting/plan';
import { FailureType } from '../schemas/errors';
import { CloseFollowUpRequest, FollowUpItem, MeetingConfig, MeetingView, RecordDecisionsRequest } from '../schemas/meeting';
import { SA } from '../schemas/searchAttributes';
import { validate } from '../schemas/validation';
import { closeFollowUpUpdate, FOLLOW_UP_TRACKER_ID, getFollowUpsQuery } from '../workflows/followUps/messages';
import { getMeetingQuery, MEETING_SCHEDULE_ID, recordDecisionsUpdate, WeeklyMeetingInput } from '../workflows/meeting/messages';
import { KeyflowError, toKeyflowError } from './errors';
import { onTaskQueue, type ClientContext } from './projects';

const DAYS: DayOfWeek[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];

/** The schedule's calendar: the meeting weekday at `prepareAt`, Asia/Shanghai (a week before the meeting it prepares). */
export function weeklyMeetingScheduleSpec(config: MeetingConfig): { calendars: CalendarSpec[]; timezone: string } {
  const t = prepareTime(config);
  return {
    calendars: [{ dayOfWeek: DAYS[t.isoWeekday - 1]!, hour: t.hour, minute: t.minute, comment: 'prepare next week’s key-project meeting (周例会)' }],
    timezone: config.timeZone,
  };
}

/**
 * Creates the Temporal Schedule `keyflow-weekly-meeting`, or brings an existing one up to date
 * with `config`; safe to call at every start-up. The schedule lives on the Temporal server, so
 * it survives worker and server restarts.
 *
 * Overlap policy ALLOW_ALL: a meeting workflow runs from its preparation (a week ahead) to the
 * end of its decisions window, so it always overlaps the next week's start; each run is its own
 * week. Catch-up window 3 days: a server that was down at the firing time still prepares the
 * week when it comes back within three days (the run derives its week from its start day).
 */
export async function ensureWeeklyMeetingSchedule(
  client: Client,
  taskQueue: string,
  configInput: unknown,
): Promise<{ scheduleId: string; created: boolean }> {
  let config: MeetingConfig;
  try {
    config = validate(MeetingConfig, configInput, 'meeting');
  } catch (err) {
    throw toKeyflowError(err);
  }
  const input: WeeklyMeetingInput = { config };
  const spec = weeklyMeetingScheduleSpec(config);
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'weeklyMeeting',
    workflowId: MEETING_SCHEDULE_ID,
    taskQueue,
    args: [input],
  };
  const policies = { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '3 days' as const, pauseOnFailure: false };
  try {
    await client.schedule.create({ scheduleId: MEETING_SCHEDULE_ID, spec, action, policies });
    return { scheduleId: MEETING_SCHEDULE_ID, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(MEETING_SCHEDULE_ID).update((prev) => ({ ...prev, spec, action, policies }));
  return { scheduleId: MEETING_SCHEDULE_ID, created: false };
}

/**
 * The next meeting from the first start on: the schedule prepares a meeting a week ahead at its
 * weekly firing, so a stack started on another day would have no meeting for days. Unless the
 * meeting the schedule would prepare now (its week from `now`, as the workflow derives it) is
 * running already, or the schedule fires for it later today, the schedule is triggered once now:
 * the same workflow, the same plan (date moved for holidays), and its draft agenda at once.
 * Safe to call at every start-up.
 */
export async function ensureUpcomingMeeting(ctx: ClientContext, configInput: unknown, now: Date = new Date()): Promise<{ week: string; triggered: boolean }> {
  try {
    const config = validate(MeetingConfig, configInput, 'meeting');
    const today = shanghaiDate(now);
    const week = isoWeekKey(nominalMeetingDate(now, config.weekday));
    const firesLaterToday = isoWeekday(today) === config.weekday && now < atShanghaiTime(today, config.prepareAt);
    if (firesLaterToday || (await meetings(ctx, true)).some((m) => m.view.plan.week === week)) return { week, triggered: false };
    await ctx.client.schedule.getHandle(MEETING_SCHEDULE_ID).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
    return { week, triggered: true };
  } catch (err) {
    throw toKeyflowError(err);
  }
}

/**
 * Meeting workflows, newest first: the running ones, then (when asked) finished ones. Only those
 * of keyflow's own task queue: another deployment's (or a test's) in the same namespace is not
 * this meeting office's, and asking it would wait on a worker that may be gone.
 */
async function meetings(ctx: ClientContext, running: boolean): Promise<Array<{ workflowId: string; view: MeetingView }>> {
  const query = `${SA.kind.name}='meeting'${running ? " AND ExecutionStatus='Running'" : ''} AND ${onTaskQueue(ctx.taskQueue)}`;
  const out: Array<{ workflowId: string; view: MeetingView }> = [];
  for await (const wf of ctx.client.workflow.list({ query })) {
    try {
      out.push({ workflowId: wf.workflowId, view: await ctx.client.workflow.getHandle(wf.workflowId, wf.runId).query(getMeetingQuery) });
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    if (!running && out.length >= 30) break;
  }
  return out;
}

async function meetingOfWeek(ctx: ClientContext, week: string): Promise<{ workflowId: string; view: MeetingView }> {
  const found = (await meetings(ctx, true)).find((m) => m.view.plan.week === week) ?? (await meetings(ctx, false)).find((m) => m.view.plan.week === week);
  if (!found) throw new KeyflowError(FailureType.MeetingNotFound, `no weekly meeting for week ${week}`);
  return found;
}

/**
 * The meeting people are working towards now: of the running meetings that are not skipped,
 * the one with the earliest meeting time (the one in session or next). Null when none runs.
 */
export async function currentMeeting(ctx: ClientContext): Promise<MeetingView | null> {
  try {
    const running = (await meetings(ctx, true)).map((m) => m.view).filter((v) => v.status !== 'skipped' && v.status !== 'concluded');
    running.sort((a, b) => (a.plan.meetingAt < b.plan.meetingAt ? -1 : a.plan.meetingAt > b.plan.meetingAt ? 1 : 0));
    return running[0] ?? null;
  } catch (err) {
    throw toKeyflowError(err);
  }
}

/** A week's meeting (`2026-W41`) with its latest agenda; the current meeting when no week is named. */
export async function getAgenda(ctx: ClientContext, week?: string): Promise<MeetingView> {
  try {
    if (week === undefined) {
      const current = await currentMeeting(ctx);
      if (!current) throw new KeyflowError(FailureType.MeetingNotFound, 'no weekly meeting is being prepared or held');
      return current;
    }
    return (await meetingOfWeek(ctx, week)).view;
  } catch (err) {
    throw toKeyflowError(err);
  }
}

/** Records a meeting's decisions (议定事项) as follow-up items; see `recordDecisionsUpdate`. */
export async function recordDecisions(ctx: ClientContext, week: string, request: unknown): Promise<FollowUpItem[]> {
  try {
    const req = validate(RecordDecisionsRequest, request, 'request');
    const { workflowId } = await meetingOfWeek(ctx, week);
    return await ctx.client.workflow.getHandle(workflowId).executeUpdate(recordDecisionsUpdate, { args: [req] });
  } catch (err) {
    throw toKeyflowError(err);
  }
}

/** Closes a follow-up item (办结) with a note saying what was done. */
export async function closeFollowUp(ctx: ClientContext, request: unknown): Promise<FollowUpItem> {
  try {
    const req = validate(CloseFollowUpRequest, request, 'request');
    return await ctx.client.workflow.getHandle(FOLLOW_UP_TRACKER_ID).executeUpdate(closeFollowUpUpdate, { args: [req] });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new KeyflowError(FailureType.FollowUpNotFound, 'no follow-up item has been decided yet');
    throw toKeyflowError(err);
  }
}

/** Follow-up items in decision order; `status` filters. */
export async function listFollowUps(ctx: ClientContext, status?: 'open' | 'closed'): Promise<FollowUpItem[]> {
  try {
    return await ctx.client.workflow.getHandle(FOLLOW_UP_TRACKER_ID).query(getFollowUpsQuery, { status });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return [];
    throw toKeyflowError(err);
  }
}
