import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { KeyflowActivities } from '../../activities';
import { attendeesOf, departmentRecipient, orderAgenda, recipientKey, recipientsOf } from '../../domain/meeting/agenda';
import { isoWeekKey, meetingIdOf, nominalMeetingDate } from '../../domain/meeting/plan';
import { checkDecisions, recordDecisions, type MeetingContext, type MeetingDecisions } from '../../domain/meeting/decisions';
import { renderCalendarMissing, renderMeetingReminder } from '../../domain/meeting/text';
import { refuse as refusal } from '../../domain/refusal';
import { FailureType } from '../../schemas/errors';
import { AgendaRound, MeetingPlan, MeetingView, RecordDecisionsRequest, Reminder } from '../../schemas/meeting';
import { SA } from '../../schemas/searchAttributes';
import { issuesOf } from '../../schemas/validation';
import { Outbox } from '../shared/outbox';
import { getMeetingQuery, MeetingSummary, recordDecisionsUpdate, WeeklyMeetingInput } from './messages';
import { EntityPath } from '../shared/entity';
import { refuse } from '../shared/refusal';
import { RequestLedger } from '../shared/requestLedger';

const acts = proxyActivities<KeyflowActivities>({
  startToCloseTimeout: '2 minutes',
  // Reading live state may fail while the server or a worker restarts: keep trying, gently.
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
const local = proxyLocalActivities<KeyflowActivities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 5 } });

/** A reminder sent more than this after its time is marked late. */
const LATE_AFTER_MS = 60_000;

async function sleepUntil(instant: string): Promise<void> {
  const ms = Date.parse(instant) - Date.now();
  if (ms > 0) await sleep(ms);
}

const nowIso = (): string => new Date(Date.now()).toISOString();

/**
 * One weekly key-project meeting (周例会), from preparation to the end of its decisions window:
 * plans the date (a holiday moves it to the next working day), compiles the agenda from live
 * state at once (a draft, no reminders), at the first reminder and again on the meeting morning,
 * reminds everyone with an agenda item at the last two, then records the meeting's decisions as
 * follow-up items and hands them to the follow-up tracker.
 */
export async function weeklyMeeting(input: WeeklyMeetingInput): Promise<MeetingSummary> {
  const { config } = input;
  const nominalDate = input.nominalDate ?? nominalMeetingDate(new Date(Date.now()), config.weekday);
  const week = isoWeekKey(nominalDate);
  const meetingId = meetingIdOf(week);
  const outbox = new Outbox(meetingId);

  const planned = await local.planMeeting({ nominalDate, config });
  if (!planned.ok) {
    // No holiday data for the year: the meeting office is told, and the run fails visibly.
    outbox.add('cn.keyflow.meeting.calendarMissing', 'calendarMissing', { week, nominalDate, year: planned.year, message: planned.message });
    const office = departmentRecipient(config.office, config);
    const text = renderCalendarMissing({ week, nominalDate, year: planned.year });
    const reminder: Reminder = { kind: 'calendarMissing', ...office, ...text, sendAt: nowIso(), late: false, meetingId, items: [], attendees: [] };
    outbox.add('cn.keyflow.reminder.calendarMissing', `calendarMissing:${recipientKey(office.recipient)}`, reminder);
    await outbox.flushed();
    refuse(FailureType.UnknownHolidayYear, `meeting ${week} (${nominalDate}) cannot be planned: ${planned.message}`, { year: planned.year });
  }
  const plan: MeetingPlan = planned.plan;
  const view: MeetingView = { plan, status: plan.skipped ? 'skipped' : 'planned', agenda: [], agendaCompiledAt: null, followUps: [] };
  setHandler(getMeetingQuery, () => view);
  upsertSearchAttributes([
    { key: SA.kind, value: 'meeting' },
    { key: SA.nextDeadline, value: new Date(plan.meetingAt) },
  ]);
  outbox.add('cn.keyflow.meeting.scheduled', 'scheduled', { plan });
  if (plan.skipped) {
    outbox.add('cn.keyflow.meeting.skipped', 'skipped', { plan });
    await outbox.flushed();
    return { meetingId, week, meetingDate: plan.meetingDate, status: 'skipped', agendaItems: 0, followUps: [] };
  }

  // ---- decisions (议定事项) -------------------------------------------------------------------
  let decisions: MeetingDecisions = { followUps: view.followUps, seq: 0 };
  const meeting = (): MeetingContext => ({ meetingId, week, plan, agenda: view.agenda, config });
  const path = new EntityPath<MeetingDecisions>({
    state: () => decisions,
    set: (next) => {
      decisions = next;
      view.followUps = next.followUps;
    },
    /** What each request id was used for, so an id reused for other decisions is refused, not answered with the first ones. */
    ledger: new RequestLedger<true>(),
    outbox,
  });
  path.update(recordDecisionsUpdate, {
    schema: RecordDecisionsRequest,
    invalid: (error) => refusal(FailureType.ValidationFailed, 'the decisions are invalid', issuesOf(error, 'request')),
    kind: 'recordDecisions',
    what: (req) => `会议决定 recordDecisions（${req.decisions.length} 项）`,
    // A repeat gets the first answer, a refusal of its due dates included: the calendar is not asked again.
    keepsFailures: true,
    check: (_s, req, now) => checkDecisions(meeting(), req, now),
    decide: async (_s, req, now) => {
      const decidedAt = now.toISOString();
      const times = await local.followUpTimes({
        items: req.decisions.map((d) => ({ meetingDate: plan.meetingDate, dueInWorkingDays: d.dueInWorkingDays, decidedAt })),
        config,
      });
      // Decided on the state after the answer: another request's items may have taken ids meanwhile.
      return recordDecisions(meeting(), decisions, req, times, decidedAt);
    },
    // The tracker takes the items before the caller is answered.
    answer: async ({ items, tracked }) => {
      await acts.openFollowUps({ items: tracked, config });
      return items;
    },
  });

  // ---- agenda and reminders -------------------------------------------------------------------
  const compile = async (round: AgendaRound, remind: boolean): Promise<void> => {
    const at = nowIso();
    // Since this patch the agenda records the read model's lag it was compiled with (读模型滞后),
    // in the view and in a v2 event; meetings that compiled before it keep their two loaders.
    if (patched('meeting-agenda-read-model-lag')) {
      const loaded = await acts.loadAgendaItems({ at, config: { directory: config.directory } });
      view.agenda = orderAgenda(loaded.items);
      view.agendaCompiledAt = at;
      view.agendaReadModel = loaded.readModel;
      outbox.add('cn.keyflow.meeting.agendaCompiled', `agenda:${round}`, { meetingId, round, items: view.agenda, readModel: loaded.readModel }, 2);
    } else {
      const [projectItems, followUpItems] = await Promise.all([
        acts.loadProjectAgendaItems({ at, config: { directory: config.directory } }),
        acts.loadFollowUpAgendaItems({ at }),
      ]);
      view.agenda = orderAgenda([...projectItems, ...followUpItems]);
      view.agendaCompiledAt = at;
      outbox.add('cn.keyflow.meeting.agendaCompiled', `agenda:${round}`, { meetingId, round, items: view.agenda });
    }
    if (!remind || round === 'draft') return;
    const sendAt = round === 'first' ? plan.firstReminderAt : plan.finalReminderAt;
    const recipients = recipientsOf(view.agenda, config);
    const attendees = attendeesOf(recipients);
    for (const r of recipients) {
      const text = renderMeetingReminder({ plan, round, recipientName: r.recipient.name, items: r.items, attendees });
      const reminder: Reminder = {
        kind: round === 'first' ? 'meetingFirst' : 'meetingFinal',
        recipient: r.recipient,
        mentionMobiles: r.mentionMobiles,
        ...text,
        sendAt,
        late: Date.now() - Date.parse(sendAt) > LATE_AFTER_MS,
        meetingId,
        items: r.items,
        attendees,
      };
      outbox.add('cn.keyflow.reminder.meetingAgenda', `${round}:${recipientKey(r.recipient)}`, reminder);
      // Kept in the view only (no command): the meeting office reads who was reminded, old histories replay as before.
      (view.reminders ??= []).push({ round, recipient: r.recipient, sendAt, late: reminder.late, items: r.items.length });
    }
  };

  // The meeting office sees the agenda from the start, not only days later at the first reminder.
  if (patched('meeting-draft-agenda')) await compile('draft', false);
  await sleepUntil(plan.firstReminderAt);
  // A run started after the final reminder's time (a late manual start) skips the first round.
  if (Date.now() < Date.parse(plan.finalReminderAt)) {
    await compile('first', true);
    view.status = 'agendaSent';
  }
  await sleepUntil(plan.finalReminderAt);
  await compile('final', Date.now() < Date.parse(plan.meetingAt));
  view.status = 'agendaSent';
  await sleepUntil(plan.meetingAt);
  view.status = 'inSession';
  await sleepUntil(plan.decisionsCloseAt);
  view.status = 'concluded';
  await condition(allHandlersFinished);
  outbox.add('cn.keyflow.meeting.concluded', 'concluded', { meetingId, agendaItems: view.agenda.length, followUps: view.followUps.length });
  await outbox.flushed();
  return { meetingId, week, meetingDate: plan.meetingDate, status: 'concluded', agendaItems: view.agenda.length, followUps: view.followUps.map((i) => i.id) };
}
