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
import { renderCalendarMissing, renderMeetingReminder } from '../../domain/meeting/text';
import { FailureType } from '../../schemas/errors';
import { AgendaItem, AgendaRound, FollowUpItem, MeetingPlan, MeetingView, RecordDecisionsRequest, Reminder } from '../../schemas/meeting';
import { SA } from '../../schemas/searchAttributes';
import { FieldIssue, issuesOf } from '../../schemas/validation';
import type { TrackedFollowUp } from '../followUps/messages';
import { Outbox } from '../shared/outbox';
import { getMeetingQuery, MeetingSummary, recordDecisionsUpdate, WeeklyMeetingInput } from './messages';
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
  const answered = new Map<string, Promise<FollowUpItem[]>>();
  /** What each request id was used for, so an id reused for other decisions is refused, not answered with the first ones. */
  const ledger = new RequestLedger<true>();
  let seq = 0;

  const checkDecisions = (raw: unknown): RecordDecisionsRequest => {
    const parsed = RecordDecisionsRequest.safeParse(raw);
    if (!parsed.success) refuse(FailureType.ValidationFailed, 'the decisions are invalid', issuesOf(parsed.error, 'request'));
    const req = parsed.data;
    if (ledger.check(req.requestId, 'recordDecisions', req)) return req;
    const now = Date.now();
    if (now < Date.parse(plan.meetingAt)) refuse(FailureType.DecisionsClosed, `decisions of ${meetingId} can be recorded from the start of the meeting, ${plan.meetingAt}`);
    if (now > Date.parse(plan.decisionsCloseAt)) refuse(FailureType.DecisionsClosed, `the decisions window of ${meetingId} closed at ${plan.decisionsCloseAt}`);
    const onAgenda = new Set(view.agenda.map((i) => i.project.code));
    const known = config.directory.departments;
    const issues: FieldIssue[] = [];
    req.decisions.forEach((d, i) => {
      if (!onAgenda.has(d.projectCode)) issues.push({ field: `request.decisions.${i}.projectCode`, rule: `must be a project on this meeting's agenda (${meetingId})` });
      if (Object.keys(known).length > 0 && !known[d.ownerDepartment]) issues.push({ field: `request.decisions.${i}.ownerDepartment`, rule: 'must be a department of the reference data' });
      if (d.dueInWorkingDays > config.followUps.maxDueWorkingDays) {
        issues.push({ field: `request.decisions.${i}.dueInWorkingDays`, rule: `must be at most ${config.followUps.maxDueWorkingDays} working days` });
      }
    });
    if (issues.length > 0) refuse(FailureType.ValidationFailed, issues.map((i) => `${i.field}: ${i.rule}`).join('; '), issues);
    return req;
  };

  const record = async (req: RecordDecisionsRequest): Promise<FollowUpItem[]> => {
    const decidedAt = nowIso();
    const decisions = req.decisions;
    const times = await local.followUpTimes({
      items: decisions.map((d) => ({ meetingDate: plan.meetingDate, dueInWorkingDays: d.dueInWorkingDays, decidedAt })),
      config,
    });
    // A due date the calendar cannot place (no holiday data for its year) refuses the whole request.
    times.forEach((t, i) => {
      if (!t.ok) refuse(FailureType.UnknownHolidayYear, `the due date of decision ${i + 1} cannot be placed: ${t.message}`, { year: t.year });
    });
    const ids = decisions.map(() => `${week}-${++seq}`);
    const tracked: TrackedFollowUp[] = decisions.map((d, i) => {
      const t = times[i]!;
      if (!t.ok) throw new Error('unreachable');
      const agendaItem = view.agenda.find((a) => a.project.code === d.projectCode) as AgendaItem;
      const owner = departmentRecipient(d.ownerDepartment, config).recipient;
      const item: FollowUpItem = {
        id: ids[i]!,
        meetingId,
        week,
        meetingDate: plan.meetingDate,
        decidedAt,
        decidedBy: req.actor.by,
        action: d.action,
        ownerDepartment: { id: owner.id, name: owner.name },
        project: agendaItem.project,
        leader: agendaItem.leader,
        dueInWorkingDays: d.dueInWorkingDays,
        dueDate: t.times.dueDate,
        status: 'open',
      };
      return { item, times: t.times, done: [] };
    });
    const items = tracked.map((t) => t.item);
    view.followUps.push(...items);
    outbox.add('cn.keyflow.meeting.decisionsRecorded', `decisions:${req.requestId}`, { meetingId, requestId: req.requestId, recordedBy: req.actor.by, items });
    await acts.openFollowUps({ items: tracked, config });
    return items;
  };

  setHandler(
    recordDecisionsUpdate,
    async (raw) => {
      const req = RecordDecisionsRequest.parse(raw);
      let result = answered.get(req.requestId);
      if (!result) {
        result = record(req);
        answered.set(req.requestId, result);
        ledger.record(req.requestId, 'recordDecisions', `会议决定 recordDecisions（${req.decisions.length} 项）`, req, nowIso(), true);
      }
      return result;
    },
    { validator: (raw) => void checkDecisions(raw) },
  );

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
