import { allHandlersFinished, condition, continueAsNew, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { departmentRecipient, recipientKey } from '../../domain/meeting/agenda';
import { renderFollowUpDue, renderFollowUpOverdue } from '../../domain/meeting/text';
import { closeFollowUp, type TrackedItems } from '../../domain/meeting/tracker';
import { CloseFollowUpRequest, FollowUpItem, Reminder } from '../../schemas/meeting';
import { SA } from '../../schemas/searchAttributes';
import { Outbox } from '../shared/outbox';
import { addFollowUpsSignal, closeFollowUpUpdate, FOLLOW_UP_TRACKER_ID, FollowUpTrackerInput, getFollowUpsQuery, TrackedFollowUp } from './messages';
import { EntityPath } from '../shared/entity';
import { RequestLedger } from '../shared/requestLedger';

/** Closed items kept for queries after continue-as-new (their events are on Kafka for good). */
const KEEP_CLOSED = 200;
const ANSWERS_KEPT = 500;

const nowIso = (): string => new Date(Date.now()).toISOString();

/**
 * Every follow-up item (督办事项) decided by the weekly meetings, tracked to closure: reminders
 * to the owner department before the due date, escalation to the supervisors (督查室) the
 * working day after it, closing with a note. Open items are read by each meeting's agenda.
 * One workflow, `keyflow-follow-ups`, continuing as new when its history grows.
 */
export async function followUpTracker(input: FollowUpTrackerInput): Promise<void> {
  const { config } = input;
  let tracked = new Map<string, TrackedFollowUp>((input.carried?.items ?? []).map((t) => [t.item.id, t]));
  const ledger = new RequestLedger<FollowUpItem>(input.carried?.answered ?? [], ANSWERS_KEPT);
  const outbox = new Outbox(FOLLOW_UP_TRACKER_ID, input.carried?.pendingEvents ?? []);
  let changed = false;

  const open = (): TrackedFollowUp[] => [...tracked.values()].filter((t) => t.item.status === 'open');

  let lastAttributes = '';
  const syncSearchAttributes = () => {
    const now = Date.now();
    const departments = [...new Set(open().map((t) => t.item.ownerDepartment.id))].sort();
    const overdue = open().some((t) => t.item.escalatedAt !== undefined || Date.parse(t.times.escalateAt) <= now);
    const key = JSON.stringify([departments, overdue]);
    if (key === lastAttributes) return;
    lastAttributes = key;
    upsertSearchAttributes([
      { key: SA.kind, value: 'follow-ups' },
      { key: SA.openDepartments, value: departments },
      { key: SA.overdue, value: overdue },
    ]);
  };

  setHandler(addFollowUpsSignal, (items) => {
    for (const t of items) {
      if (tracked.has(t.item.id)) continue;
      tracked.set(t.item.id, { ...t, done: [...t.done] });
      outbox.add('cn.keyflow.meeting.followUpOpened', `opened:${t.item.id}`, { item: t.item });
    }
    changed = true;
  });

  setHandler(getFollowUpsQuery, (filter) =>
    [...tracked.values()]
      .map((t) => t.item)
      .filter((i) => !filter?.status || i.status === filter.status)
      .sort((a, b) => (a.decidedAt < b.decidedAt ? -1 : a.decidedAt > b.decidedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  );

  const path = new EntityPath<TrackedItems<TrackedFollowUp>>({
    state: () => tracked,
    set: (next) => (tracked = new Map(next)),
    ledger,
    outbox,
    applied: () => (changed = true),
  });
  path.update(closeFollowUpUpdate, {
    schema: CloseFollowUpRequest,
    as: 'request',
    kind: 'closeFollowUp',
    what: (req) => `办结跟踪事项 closeFollowUp ${req.itemId}`,
    decide: closeFollowUp,
  });

  const remind = (type: 'cn.keyflow.reminder.followUpDue' | 'cn.keyflow.reminder.followUpOverdue', key: string, t: TrackedFollowUp, recipientId: string, kind: Reminder['kind'], sendAt: string, text: { title: string; markdown: string }) => {
    const who = departmentRecipient(recipientId, config);
    const reminder: Reminder = { kind, ...who, ...text, sendAt, late: Date.now() - Date.parse(sendAt) > 60_000, followUpId: t.item.id, items: [], attendees: [] };
    outbox.add(type, `${key}:${recipientKey(who.recipient)}`, reminder);
  };

  /** Takes every chasing step whose time has come; returns the time of the next one. */
  const chase = (): number | undefined => {
    const now = Date.now();
    let next: number | undefined;
    const later = (at: number) => (next = next === undefined ? at : Math.min(next, at));
    for (const t of open()) {
      for (const r of t.times.reminders) {
        const step = `remind:${r.date}`;
        if (t.done.includes(step)) continue;
        if (Date.parse(r.at) > now) {
          later(Date.parse(r.at));
          continue;
        }
        t.done.push(step);
        remind('cn.keyflow.reminder.followUpDue', `due:${t.item.id}:${r.date}`, t, t.item.ownerDepartment.id, 'followUpDue', r.at, renderFollowUpDue(t.item, r.workingDaysBefore));
      }
      if (!t.done.includes('escalate')) {
        if (Date.parse(t.times.escalateAt) > now) {
          later(Date.parse(t.times.escalateAt));
          continue;
        }
        t.done.push('escalate');
        t.item = { ...t.item, escalatedAt: nowIso() };
        const to = [...new Set([...config.followUps.escalateTo, t.item.ownerDepartment.id])];
        outbox.add('cn.keyflow.meeting.followUpEscalated', `escalated:${t.item.id}`, { item: t.item, escalatedTo: to });
        for (const d of to) remind('cn.keyflow.reminder.followUpOverdue', `overdue:${t.item.id}`, t, d, 'followUpOverdue', t.times.escalateAt, renderFollowUpOverdue(t.item));
      }
    }
    return next;
  };

  const continueAsNewDue = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= config.followUps.continueAsNewAfterEvents;

  for (;;) {
    const next = chase();
    syncSearchAttributes();
    if (continueAsNewDue()) break;
    changed = false;
    const wake = () => changed || continueAsNewDue();
    if (next === undefined) await condition(wake);
    else await condition(wake, Math.max(1, next - Date.now()));
  }

  await condition(allHandlersFinished);
  await outbox.flushed();
  const closed = [...tracked.values()].filter((t) => t.item.status === 'closed').slice(-KEEP_CLOSED);
  return continueAsNew<typeof followUpTracker>({
    config,
    carried: { items: [...open(), ...closed], pendingEvents: [...outbox.pending], answered: ledger.toCarried() },
  });
}
