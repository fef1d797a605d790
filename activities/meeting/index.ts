import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { defaultCalendar, UnknownHolidayYear } from '../../domain/calendar';
import { followUpTimes, type FollowUpTimes } from '../../domain/meeting/followUps';
import { planMeeting } from '../../domain/meeting/plan';
import { provisionalBasis } from '../../domain/calendar/provisionalText';
import { FailureType } from '../../schemas/errors';
import type { AgendaItem, MeetingConfig, MeetingPlan } from '../../schemas/meeting';
import type { CompiledLag } from '../../schemas/readModel';
import { addFollowUpsSignal, FOLLOW_UP_TRACKER_ID, type FollowUpTrackerInput, type TrackedFollowUp } from '../../workflows/followUps/messages';
import type { ActivityDeps } from '../index';
import { loadFollowUpAgendaItems, loadFollowUpAgendaItemsFromModel, loadProjectAgendaItems, loadProjectAgendaItemsFromModel } from './agendaSource';
import { caughtUp } from '../readModel';

/** The calendar could not answer: no holiday data for `year`. A named answer, never a guess. */
export type CalendarMissing = { ok: false; error: 'UnknownHolidayYear'; message: string; year: number };
export type PlanAnswer = { ok: true; plan: MeetingPlan } | CalendarMissing;
export type TimesAnswer = { ok: true; times: FollowUpTimes } | CalendarMissing;

function answer<T>(compute: () => T): { ok: true; value: T } | CalendarMissing {
  try {
    return { ok: true, value: compute() };
  } catch (err) {
    if (err instanceof UnknownHolidayYear) return { ok: false, error: 'UnknownHolidayYear', message: err.message, year: err.year };
    throw err;
  }
}

function needClient(deps: ActivityDeps) {
  if (!deps.client) {
    throw ApplicationFailure.nonRetryable(
      'the weekly meeting activities need a Temporal client: pass `client` in ActivityDeps when creating the worker',
      FailureType.NotFound,
    );
  }
  return deps.client;
}

/** Activities of the weekly meeting (周例会) and the follow-up tracker. */
export function meetingActivities(deps: ActivityDeps) {
  const fixed = deps.calendar ?? defaultCalendar;
  /** The workers' live calendar when there is one (notices loaded at run time), else the fixed one. */
  const live = async () => (deps.calendarHolder ? (await deps.calendarHolder.current()).calendar : fixed);
  return {
    /**
     * The meeting's date and reminder times (local activity: the answer is recorded, so a
     * running meeting replays the same once a new year's holidays are added).
     */
    async planMeeting(req: { nominalDate: string; config: MeetingConfig }): Promise<PlanAnswer> {
      const cal = await live();
      const a = answer(() => planMeeting(req.nominalDate, req.config, cal));
      if (!a.ok) return a;
      // Planned on a year whose notice is not out: the plan says so (and its reminders do).
      const provisional = cal.arrangements.filter((y) => y.provisional).map((y) => y.year);
      const years = provisional.filter((y) => y >= Number(a.value.firstReminderAt.slice(0, 4)) && y <= Number(a.value.decisionsCloseAt.slice(0, 4)));
      return { ok: true, plan: years.length > 0 ? { ...a.value, provisional: { years, basis: provisionalBasis(years) } } : a.value };
    },
    /** Due dates and chasing times of follow-up items (local activity). */
    async followUpTimes(req: { items: Array<{ meetingDate: string; dueInWorkingDays: number; decidedAt: string }>; config: MeetingConfig }): Promise<TimesAnswer[]> {
      const calendar = await live();
      return req.items.map((item) => {
        const a = answer(() => followUpTimes(item, req.config, calendar));
        return a.ok ? { ok: true, times: a.value } : a;
      });
    },
    /** Stalled, red, overdue-approval and open-problem items: from the read model when the worker has one, else from live state. */
    async loadProjectAgendaItems(req: { at: string; config: Pick<MeetingConfig, 'directory'> }): Promise<AgendaItem[]> {
      const ctx = Context.current();
      if (deps.readModel) {
        await caughtUp(deps.readModel, 'agenda');
        return loadProjectAgendaItemsFromModel(deps.readModel.model.db, req.at, req.config, await live());
      }
      // Stop asking a little before the activity's own timeout, so it ends with an agenda.
      const budgetMs = Math.max(10_000, (ctx.info.startToCloseTimeoutMs ?? 120_000) - 30_000);
      return loadProjectAgendaItems(needClient(deps), req.at, req.config, await live(), {
        taskQueue: ctx.info.taskQueue,
        deadline: Date.now() + budgetMs,
        onUnread: (codes, of) =>
          ctx.log.warn(`agenda: ${codes.length} of ${of} projects listed from the index (no answer in time)`, { unread: codes.slice(0, 20) }),
      });
    },
    /**
     * Every agenda source at once — stalled, red, overdue-approval and open-problem items, and the
     * open follow-up items of earlier meetings — with the read model's lag they were read with
     * (null when read from the workflows' own state). Since 'meeting-agenda-read-model-lag'; the
     * two loaders below serve meetings that compiled before it.
     */
    async loadAgendaItems(req: { at: string; config: Pick<MeetingConfig, 'directory'> }): Promise<{ items: AgendaItem[]; readModel: CompiledLag | null }> {
      if (deps.readModel) {
        const readModel = await caughtUp(deps.readModel, 'agenda');
        const calendar = await live();
        const [projectItems, followUpItems] = await Promise.all([
          loadProjectAgendaItemsFromModel(deps.readModel.model.db, req.at, req.config, calendar),
          loadFollowUpAgendaItemsFromModel(deps.readModel.model.db, req.at, calendar),
        ]);
        return { items: [...projectItems, ...followUpItems], readModel };
      }
      const ctx = Context.current();
      const budgetMs = Math.max(10_000, (ctx.info.startToCloseTimeoutMs ?? 120_000) - 30_000);
      const [projectItems, followUpItems] = await Promise.all([
        loadProjectAgendaItems(needClient(deps), req.at, req.config, await live(), {
          taskQueue: ctx.info.taskQueue,
          deadline: Date.now() + budgetMs,
          onUnread: (codes, of) =>
            ctx.log.warn(`agenda: ${codes.length} of ${of} projects listed from the index (no answer in time)`, { unread: codes.slice(0, 20) }),
        }),
        loadFollowUpAgendaItems(needClient(deps), req.at, await live()),
      ]);
      return { items: [...projectItems, ...followUpItems], readModel: null };
    },
    /** Open follow-up items of earlier meetings, from the follow-up tracker. */
    async loadFollowUpAgendaItems(req: { at: string }): Promise<AgendaItem[]> {
      if (deps.readModel) {
        await caughtUp(deps.readModel, 'agenda follow-ups');
        return loadFollowUpAgendaItemsFromModel(deps.readModel.model.db, req.at, await live());
      }
      return loadFollowUpAgendaItems(needClient(deps), req.at, await live());
    },
    /** Hands decided items to the follow-up tracker, starting it if it is not running. Idempotent by item id. */
    async openFollowUps(req: { items: TrackedFollowUp[]; config: MeetingConfig }): Promise<void> {
      const input: FollowUpTrackerInput = { config: req.config };
      await needClient(deps).workflow.signalWithStart('followUpTracker', {
        workflowId: FOLLOW_UP_TRACKER_ID,
        taskQueue: Context.current().info.taskQueue,
        args: [input],
        signal: addFollowUpsSignal,
        signalArgs: [req.items],
      });
    },
  };
}
