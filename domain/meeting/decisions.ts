/**
 * The weekly meeting's rule for its decisions (议定事项): when they may be recorded, what they may
 * concern, and the follow-up items they become. Pure; the due dates come from the calendar through
 * a local activity (recorded in history) and the meeting workflow applies the decision through
 * workflows/shared/entity.ts.
 */
import { FailureType } from '../../schemas/errors';
import type { AgendaItem, DecisionInput, FollowUpItem, MeetingConfig, MeetingPlan } from '../../schemas/meeting';
import type { Actor } from '../../schemas/common';
import type { FieldIssue } from '../../schemas/validation';
import { decided, type Decision } from '../decision';
import { refuse, type Refusal } from '../refusal';
import { departmentRecipient } from './agenda';
import type { FollowUpTimes } from './followUps';

/** The meeting a decision is recorded in, as the rule reads it. */
export interface MeetingContext {
  meetingId: string;
  week: string;
  plan: MeetingPlan;
  /** The latest agenda: a decision concerns a project on it. */
  agenda: readonly AgendaItem[];
  config: MeetingConfig;
}

/** What the meeting keeps of its decisions: the follow-up items, and how many ids it has given. */
export interface MeetingDecisions {
  followUps: FollowUpItem[];
  seq: number;
}

/** The calendar's answer for one decision's due date and chasing times. */
export type TimesAnswer = { ok: true; times: FollowUpTimes } | { ok: false; message: string; year: number };

/** A follow-up item with the times it is chased, for the tracker. */
export interface TrackedItem {
  item: FollowUpItem;
  times: FollowUpTimes;
  done: string[];
}

interface DecisionsRequest {
  requestId: string;
  decisions: DecisionInput[];
  actor: Actor;
}

/** Refuses decisions outside the meeting's window, on projects not on its agenda, for unknown departments or too far out. */
export function checkDecisions(m: MeetingContext, req: DecisionsRequest, now: Date): Refusal | undefined {
  const { plan, meetingId, config } = m;
  const t = now.getTime();
  if (t < Date.parse(plan.meetingAt)) return refuse(FailureType.DecisionsClosed, `decisions of ${meetingId} can be recorded from the start of the meeting, ${plan.meetingAt}`);
  if (t > Date.parse(plan.decisionsCloseAt)) return refuse(FailureType.DecisionsClosed, `the decisions window of ${meetingId} closed at ${plan.decisionsCloseAt}`);
  const onAgenda = new Set(m.agenda.map((i) => i.project.code));
  const known = config.directory.departments;
  const issues: FieldIssue[] = [];
  req.decisions.forEach((d, i) => {
    if (!onAgenda.has(d.projectCode)) issues.push({ field: `request.decisions.${i}.projectCode`, rule: `must be a project on this meeting's agenda (${meetingId})` });
    if (Object.keys(known).length > 0 && !known[d.ownerDepartment]) issues.push({ field: `request.decisions.${i}.ownerDepartment`, rule: 'must be a department of the reference data' });
    if (d.dueInWorkingDays > config.followUps.maxDueWorkingDays) {
      issues.push({ field: `request.decisions.${i}.dueInWorkingDays`, rule: `must be at most ${config.followUps.maxDueWorkingDays} working days` });
    }
  });
  if (issues.length > 0) return refuse(FailureType.ValidationFailed, issues.map((i) => `${i.field}: ${i.rule}`).join('; '), issues);
  return undefined;
}

/**
 * The decisions as follow-up items `<week>-<n>`, due when the calendar says (`times`, one per
 * decision). A due date the calendar cannot place (no holiday data for its year) refuses the whole
 * request.
 */
export function recordDecisions(
  m: MeetingContext,
  s: MeetingDecisions,
  req: DecisionsRequest,
  times: readonly TimesAnswer[],
  decidedAt: string,
): Decision<MeetingDecisions, { items: FollowUpItem[]; tracked: TrackedItem[] }> {
  const { plan, config } = m;
  for (const [i, t] of times.entries()) {
    if (!t.ok) return refuse(FailureType.UnknownHolidayYear, `the due date of decision ${i + 1} cannot be placed: ${t.message}`, { year: t.year });
  }
  const tracked: TrackedItem[] = req.decisions.map((d, i) => {
    const t = times[i] as Extract<TimesAnswer, { ok: true }>;
    const agendaItem = m.agenda.find((a) => a.project.code === d.projectCode) as AgendaItem;
    const owner = departmentRecipient(d.ownerDepartment, config).recipient;
    const item: FollowUpItem = {
      id: `${m.week}-${s.seq + i + 1}`,
      meetingId: m.meetingId,
      week: m.week,
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
  return decided({ followUps: [...s.followUps, ...items], seq: s.seq + items.length }, { items, tracked }, [
    { type: 'cn.keyflow.meeting.decisionsRecorded', key: `decisions:${req.requestId}`, data: { meetingId: m.meetingId, requestId: req.requestId, recordedBy: req.actor.by, items } },
  ]);
}
