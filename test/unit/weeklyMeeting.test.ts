/**
 * Six simulated weeks of the weekly meeting (周例会) on Temporal's time-skipping server, from
 * 2026-09-14 to 2026-10-28 Asia/Shanghai: real calendar data, a make-up Sunday, the Mid-Autumn
 * holiday and National Day, which falls on the week-41 Monday meeting and moves it to Thursday.
 * Each meeting compiles a draft agenda when it is prepared, then again at both reminders.
 *
 * The server's clock starts at 2026-09-14 (test/support/fixedClock.ts); the six meeting
 * workflows are started at the schedule's firing times (Monday 00:05 the week before), as the
 * Temporal Schedule would — the time-skipping server has no Schedules API; the schedule itself is
 * tested against the dev server in test/e2e/meetingSchedule.test.ts. The project part of the
 * agenda is a scripted fake (one module under test: the meeting); follow-up items go through the
 * real follow-up tracker. Events are recorded by a fake publisher.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { EventPublisher } from '../../activities/events/publisher';
import { closeFollowUp, listFollowUps } from '../../client/meetings';
import type { ClientContext } from '../../client/projects';
import { planMeeting } from '../../domain/meeting/plan';
import type { CloudEvent } from '../../schemas/events/envelope';
import type { AgendaItem, FollowUpItem, MeetingView, Reminder } from '../../schemas/meeting';
import { TOPICS } from '../../schemas/topics';
import { loadMeetingConfig } from '../../seeds/meetingConfig';
import { getMeetingQuery, recordDecisionsUpdate } from '../../workflows/meeting/messages';
import { createTimeSkippingEnvAt } from '../support/fixedClock';
import { withProjectAgenda } from '../support/agendaStub';

jest.setTimeout(600_000);

// A small history budget makes the follow-up tracker continue as new several times in six weeks.
const seeded = loadMeetingConfig();
const config = { ...seeded, followUps: { ...seeded.followUps, continueAsNewAfterEvents: 40 } };
const iso = (s: string) => new Date(s).toISOString();
const cst = (date: string, hhmm: string) => iso(`${date}T${hhmm}:00+08:00`);

// ---- the scripted live state --------------------------------------------------------------------
const P = {
  p1: { code: '2026-411122-13-03-000101', name: '临颍现代家居产业园', county: '411122', countyName: '临颍县', leader: '副市长 王某', dept: 'fgw' },
  p2: { code: '2026-411121-13-03-000102', name: '舞阳金大地合成氨项目', county: '411121', countyName: '舞阳县', leader: '副市长 刘某', dept: 'fgw' },
  p3: { code: '2026-411102-13-03-000103', name: '永光电力特高压输变电装备项目', county: '411102', countyName: '源汇区', leader: '副市长 赵某', dept: 'xzsp' },
  p4: { code: '2026-411100-13-03-000104', name: '河南统一高端方便面生产线', county: 'etdz', countyName: '经济技术开发区', leader: '市委常委、常务副市长 李某', dept: 'sthj' },
};
type Key = keyof typeof P;
const deptName = (id: string) => config.directory.departments[id]!.name!;

function projectItem(key: Key, category: AgendaItem['category'], id: string, since: string, dept = P[key].dept): AgendaItem {
  const p = P[key];
  return {
    id,
    category,
    project: { code: p.code, name: p.name, county: p.county, countyName: p.countyName },
    why: `scripted ${category}`,
    since,
    department: { id: dept, name: deptName(dept) },
    leader: p.leader,
  };
}

/** What the live state says at `at`: P1 stalled (and red) until 09-29, P2 red until 10-13, P3's approval overdue 09-30..10-09, P4's problem open from 09-24. */
/** The read model the agenda loader answers it read from: three events behind when it compiled. */
const LAG = { lag: 3, asOf: '2026-09-14T00:00:00.000Z', caughtUp: false };

function liveProjectItems(at: string): AgendaItem[] {
  const items: AgendaItem[] = [];
  if (at < iso('2026-09-29T00:00:00+08:00')) {
    items.push(projectItem('p1', 'stalled', `stalled:${P.p1.code}`, cst('2026-08-31', '00:00')));
    items.push(projectItem('p1', 'redWarning', `redWarning:${P.p1.code}`, cst('2026-08-31', '00:00')));
  }
  if (at < iso('2026-10-13T00:00:00+08:00')) items.push(projectItem('p2', 'redWarning', `redWarning:${P.p2.code}`, cst('2026-08-15', '00:00')));
  if (at >= iso('2026-09-30T00:00:00+08:00') && at < iso('2026-10-09T00:00:00+08:00')) {
    items.push(projectItem('p3', 'overdueApproval', `overdueApproval:${P.p3.code}:construction-permit:xzsp`, cst('2026-09-29', '23:59')));
  }
  if (at >= iso('2026-09-24T00:00:00+08:00')) items.push(projectItem('p4', 'openProblem', `openProblem:${P.p4.code}:prob-1`, cst('2026-09-10', '10:00'), 'sthj'));
  return items;
}

// ---- the six weeks ------------------------------------------------------------------------------
const WEEKS = [
  { week: '2026-W39', fire: cst('2026-09-14', '00:05'), nominal: '2026-09-21', day: '2026-09-21', first: cst('2026-09-20', '16:00') },
  { week: '2026-W40', fire: cst('2026-09-21', '00:05'), nominal: '2026-09-28', day: '2026-09-28', first: cst('2026-09-24', '16:00') },
  { week: '2026-W41', fire: cst('2026-09-28', '00:05'), nominal: '2026-10-05', day: '2026-10-08', first: cst('2026-09-30', '16:00') },
  { week: '2026-W42', fire: cst('2026-10-05', '00:05'), nominal: '2026-10-12', day: '2026-10-12', first: cst('2026-10-10', '16:00') },
  { week: '2026-W43', fire: cst('2026-10-12', '00:05'), nominal: '2026-10-19', day: '2026-10-19', first: cst('2026-10-16', '16:00') },
  { week: '2026-W44', fire: cst('2026-10-19', '00:05'), nominal: '2026-10-26', day: '2026-10-26', first: cst('2026-10-23', '16:00') },
] as const;

const fu = (id: string) => `followUp:${id}`;
/** The agenda expected each week, in order (at the first reminder and again on the morning). */
const EXPECTED_AGENDA: Record<string, string[]> = {
  '2026-W39': [`stalled:${P.p1.code}`, `redWarning:${P.p2.code}`],
  '2026-W40': [`stalled:${P.p1.code}`, `redWarning:${P.p2.code}`, `openProblem:${P.p4.code}:prob-1`, fu('2026-W39-2'), fu('2026-W39-1')],
  '2026-W41': [`redWarning:${P.p2.code}`, `overdueApproval:${P.p3.code}:construction-permit:xzsp`, `openProblem:${P.p4.code}:prob-1`, fu('2026-W39-1')],
  '2026-W42': [`redWarning:${P.p2.code}`, `openProblem:${P.p4.code}:prob-1`, fu('2026-W41-1')],
  '2026-W43': [`openProblem:${P.p4.code}:prob-1`, fu('2026-W41-1')],
  '2026-W44': [`openProblem:${P.p4.code}:prob-1`],
};

/**
 * The draft agenda each week, compiled when the meeting is prepared (Monday 00:05 the week
 * before): the live state of that moment, and the follow-up items still open then.
 */
const EXPECTED_DRAFT: Record<string, string[]> = {
  '2026-W39': [`stalled:${P.p1.code}`, `redWarning:${P.p2.code}`],
  '2026-W40': [`stalled:${P.p1.code}`, `redWarning:${P.p2.code}`],
  '2026-W41': [`stalled:${P.p1.code}`, `redWarning:${P.p2.code}`, `openProblem:${P.p4.code}:prob-1`, fu('2026-W39-2'), fu('2026-W39-1')],
  '2026-W42': [`redWarning:${P.p2.code}`, `overdueApproval:${P.p3.code}:construction-permit:xzsp`, `openProblem:${P.p4.code}:prob-1`, fu('2026-W39-1')],
  '2026-W43': [`redWarning:${P.p2.code}`, `openProblem:${P.p4.code}:prob-1`, fu('2026-W41-1')],
  '2026-W44': [`openProblem:${P.p4.code}:prob-1`, fu('2026-W41-1')],
};

describe('six weeks of the weekly meeting (time-skipping, 2026-09-14 → 2026-10-28)', () => {
  let env: TestWorkflowEnvironment;
  const published: Array<{ topic: string; event: CloudEvent }> = [];
  const views: Record<string, MeetingView> = {};
  const handles: Record<string, string> = {};
  let items: FollowUpItem[] = [];
  let refusedLate: unknown;
  let refusedOffAgenda: unknown;
  let refusedClosing: unknown;
  let trackerRuns: string[] = [];

  beforeAll(async () => {
    env = await createTimeSkippingEnvAt(new Date('2026-09-14T00:00:00+08:00'));
    const publisher: EventPublisher = {
      async publish(topic, event) {
        published.push({ topic, event });
        return { id: event.id, topic, partition: 0, offset: String(published.length) };
      },
      async close() {},
    };
    const taskQueue = 'weekly-meeting';
    const activities = withProjectAgenda(createActivities({ publisher, client: env.client }), liveProjectItems, LAG);
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('../../workflows'), activities });
    const ctx: ClientContext = { client: env.client, taskQueue };
    let trackerFirstRun = '';

    const advanceTo = async (instant: string) => {
      const ms = Date.parse(instant) - (await env.currentTimeMs());
      if (ms > 0) await env.sleep(ms);
    };
    const decide = (week: string, requestId: string, decisions: Array<{ action: string; ownerDepartment: string; dueInWorkingDays: number; projectCode: string }>) =>
      env.client.workflow.getHandle(handles[week]!).executeUpdate(recordDecisionsUpdate, { args: [{ requestId, decisions, actor: { by: 'hyb:secretary', department: 'hyb' } }] });

    // Every step of the six weeks, in time order.
    const steps: Array<[string, () => Promise<void>]> = [];
    for (const w of WEEKS) {
      steps.push([w.fire, async () => {
        const h = await env.client.workflow.start('weeklyMeeting', { taskQueue, workflowId: `keyflow-weekly-meeting-${w.fire}`, args: [{ config }] });
        handles[w.week] = h.workflowId;
      }]);
      // Just before the meeting: the final agenda is what the meeting discusses.
      steps.push([cst(w.day, '08:30'), async () => void (views[w.week] = await env.client.workflow.getHandle(handles[w.week]!).query(getMeetingQuery))]);
    }
    steps.push([cst('2026-09-21', '08:45'), async () => {
      refusedLate = await decide('2026-W39', 'too-early-0001', [{ action: '提前录入', ownerDepartment: 'fgw', dueInWorkingDays: 3, projectCode: P.p1.code }]).catch((e: unknown) => e);
    }]);
    steps.push([cst('2026-09-21', '10:00'), async () => {
      items = await decide('2026-W39', 'w39-decisions-1', [
        { action: '协调解决项目用地指标', ownerDepartment: 'zrzy', dueInWorkingDays: 3, projectCode: P.p1.code },
        { action: '督促企业加快资金到位', ownerDepartment: 'fgw', dueInWorkingDays: 5, projectCode: P.p2.code },
      ]);
      trackerFirstRun = (await env.client.workflow.getHandle('keyflow-follow-ups').describe()).runId;
      refusedOffAgenda = await decide('2026-W39', 'w39-decisions-2', [{ action: '不在议程上的项目', ownerDepartment: 'fgw', dueInWorkingDays: 2, projectCode: P.p4.code }]).catch((e: unknown) => e);
      // The same request again changes nothing and answers the same…
      const same = [
        { action: '协调解决项目用地指标', ownerDepartment: 'zrzy', dueInWorkingDays: 3, projectCode: P.p1.code },
        { action: '督促企业加快资金到位', ownerDepartment: 'fgw', dueInWorkingDays: 5, projectCode: P.p2.code },
      ];
      expect((await decide('2026-W39', 'w39-decisions-1', same)).map((i) => i.id)).toEqual(['2026-W39-1', '2026-W39-2']);
      // …while other decisions under a used id are refused, not silently answered with the first ones.
      await expect(decide('2026-W39', 'w39-decisions-1', [{ action: '重复提交', ownerDepartment: 'fgw', dueInWorkingDays: 1, projectCode: P.p1.code }])).rejects.toMatchObject({
        cause: { type: 'RequestIdReused' },
      });
    }]);
    steps.push([cst('2026-09-28', '10:00'), async () => {
      refusedClosing = await closeFollowUp(ctx, { requestId: 'close-w39-2-a', itemId: '2026-W39-2', note: '', actor: { by: 'fgw:li' } }).catch((e: unknown) => e);
      await closeFollowUp(ctx, { requestId: 'close-w39-2', itemId: '2026-W39-2', note: '资金已到位 8000 万元', actor: { by: 'fgw:li', department: 'fgw' } });
    }]);
    steps.push([cst('2026-10-08', '10:00'), async () => {
      await decide('2026-W41', 'w41-decisions-1', [{ action: '限期办结施工许可', ownerDepartment: 'xzsp', dueInWorkingDays: 2, projectCode: P.p3.code }]);
    }]);
    steps.push([cst('2026-10-09', '10:00'), async () => void (await closeFollowUp(ctx, { requestId: 'close-w39-1', itemId: '2026-W39-1', note: '用地指标已落实', actor: { by: 'zrzy:wang' } }))]);
    steps.push([cst('2026-10-20', '10:00'), async () => void (await closeFollowUp(ctx, { requestId: 'close-w41-1', itemId: '2026-W41-1', note: '施工许可证已核发', actor: { by: 'xzsp:zhao' } }))]);
    steps.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

    await worker.runUntil(async () => {
      for (const [at, step] of steps) {
        await advanceTo(at);
        await step();
      }
      await advanceTo(cst('2026-10-29', '00:00'));
      items = await listFollowUps(ctx);
      trackerRuns = [trackerFirstRun, (await env.client.workflow.getHandle('keyflow-follow-ups').describe()).runId];
      // Every meeting workflow has concluded by now.
      for (const w of WEEKS) await env.client.workflow.getHandle(handles[w.week]!).result();
    });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  const events = (type: string) => published.filter((p) => p.event.type === type).map((p) => p.event);
  const reminders = (filter: (r: Reminder, e: CloudEvent) => boolean) =>
    published.filter((p) => p.topic === TOPICS.reminders).map((p) => ({ e: p.event, r: p.event.data as Reminder })).filter(({ r, e }) => filter(r, e));

  it('plans each week from the calendar: the National Day Monday (10-05) moves to Thursday 10-08', () => {
    const plans = events('cn.keyflow.meeting.scheduled').map((e) => (e.data as { plan: MeetingView['plan'] }).plan);
    expect(plans.map((p) => [p.week, p.meetingDate, p.moved, p.firstReminderAt])).toEqual(WEEKS.map((w) => [w.week, w.day, w.week === '2026-W41', iso(w.first)]));
    expect(plans[2]!.meetingAt).toBe(cst('2026-10-08', '09:00'));
    expect(planMeeting('2026-10-05', config)).toEqual(plans[2]);
  });

  it('holds exactly the expected agenda each week, at the first reminder and on the morning', () => {
    for (const w of WEEKS) {
      expect([w.week, views[w.week]!.agenda.map((i) => i.id)]).toEqual([w.week, EXPECTED_AGENDA[w.week]]);
      const compiled = events('cn.keyflow.meeting.agendaCompiled').filter((e) => e.subject === `meeting-${w.week}`);
      expect(compiled.map((e) => (e.data as { round: string }).round)).toEqual(['draft', 'first', 'final']);
      for (const e of compiled.slice(1)) expect((e.data as { items: AgendaItem[] }).items.map((i) => i.id)).toEqual(EXPECTED_AGENDA[w.week]);
    }
  });

  it('records the read model\'s lag each agenda was compiled with, in the view and in its event (data version 2)', () => {
    for (const w of WEEKS) {
      expect([w.week, views[w.week]!.agendaReadModel]).toEqual([w.week, LAG]);
      for (const e of events('cn.keyflow.meeting.agendaCompiled').filter((x) => x.subject === `meeting-${w.week}`)) {
        expect({ dataschema: e.dataschema, readModel: (e.data as { readModel: unknown }).readModel }).toEqual({ dataschema: 'urn:keyflow:dataschema:cn.keyflow.meeting.agendaCompiled:v2', readModel: LAG });
      }
    }
  });

  it('compiles a draft agenda as soon as the meeting is prepared, from the live state of that moment', () => {
    for (const w of WEEKS) {
      const [draft] = events('cn.keyflow.meeting.agendaCompiled').filter((e) => e.subject === `meeting-${w.week}`);
      expect([w.week, (draft!.data as { items: AgendaItem[] }).items.map((i) => i.id)]).toEqual([w.week, EXPECTED_DRAFT[w.week]]);
      // At once: within the minute the schedule fired, days before the first reminder.
      expect(Math.abs(Date.parse(draft!.time) - Date.parse(w.fire))).toBeLessThan(60_000);
    }
  });

  it('reminds every department and leader with an item at the first reminder (the working day before, 16:00) and at 08:00 on the day', () => {
    for (const w of WEEKS) {
      const agenda = views[w.week]!.agenda;
      const expected = [...new Set(agenda.map((i) => `department:${i.department.id}`)), ...new Set(agenda.map((i) => `leader:${i.leader}`))].sort();
      for (const [kind, sendAt] of [['meetingFirst', iso(w.first)], ['meetingFinal', cst(w.day, '08:00')]] as const) {
        const sent = reminders((r) => r.meetingId === `meeting-${w.week}` && r.kind === kind);
        expect([w.week, kind, sent.map(({ r }) => `${r.recipient.kind}:${r.recipient.id}`).sort()]).toEqual([w.week, kind, expected]);
        for (const { r, e } of sent) {
          expect(r.sendAt).toBe(sendAt);
          expect(r.late).toBe(false);
          // Sent when due: the event's time is the workflow's clock at sending.
          expect(Math.abs(Date.parse(e.time) - Date.parse(sendAt))).toBeLessThan(60_000);
          expect(r.items.every((i) => i.department.id === r.recipient.id || i.leader === r.recipient.id)).toBe(true);
        }
      }
      // The meeting office reads the same in the meeting's view: who was reminded, in which round, of how many items.
      const sentEvents = reminders((r) => r.meetingId === `meeting-${w.week}`).map(({ r }) => ({ round: r.kind === 'meetingFirst' ? 'first' : 'final', recipient: r.recipient, sendAt: r.sendAt, late: r.late, items: r.items.length }));
      expect(views[w.week]!.reminders).toEqual(sentEvents);
    }
  });

  it('the week-41 reminders say the meeting moved because of the holiday', () => {
    const [first] = reminders((r) => r.meetingId === 'meeting-2026-W41' && r.kind === 'meetingFirst');
    expect(first!.r.markdown).toContain('因节假日，本周例会由 10月5日（星期一） 顺延至 10月8日（星期四）。');
    expect(first!.r.title).toBe('周例会提醒（第41周，10月8日（星期四） 09:00）');
  });

  it('records decisions only during the meeting, only on agenda projects, once per request', () => {
    expect(refusedLate).toMatchObject({ cause: { type: 'DecisionsClosed' } });
    expect(refusedOffAgenda).toMatchObject({ cause: { type: 'ValidationFailed', message: expect.stringContaining("must be a project on this meeting's agenda") } });
    expect(events('cn.keyflow.meeting.decisionsRecorded').map((e) => e.subject)).toEqual(['meeting-2026-W39', 'meeting-2026-W41']);
    expect(items.map((i) => [i.id, i.ownerDepartment.id, i.project.code, i.dueDate, i.status])).toEqual([
      ['2026-W39-1', 'zrzy', P.p1.code, '2026-09-24', 'closed'],
      ['2026-W39-2', 'fgw', P.p2.code, '2026-09-29', 'closed'],
      ['2026-W41-1', 'xzsp', P.p3.code, '2026-10-10', 'closed'], // Saturday 10-10 is a make-up working day
    ]);
  });

  it('chases an item before its due date, escalates it to the supervisors when overdue, and keeps it on the agenda until closed', () => {
    const chase = reminders((r) => r.followUpId !== undefined).map(({ r }) => [r.followUpId, r.kind, r.recipient.id, r.sendAt]);
    expect(chase).toEqual([
      ['2026-W39-1', 'followUpDue', 'zrzy', cst('2026-09-23', '09:00')],
      ['2026-W39-1', 'followUpDue', 'zrzy', cst('2026-09-24', '09:00')],
      ['2026-W39-1', 'followUpOverdue', 'dcs', cst('2026-09-28', '09:00')],
      ['2026-W39-1', 'followUpOverdue', 'zrzy', cst('2026-09-28', '09:00')],
      ['2026-W39-2', 'followUpDue', 'fgw', cst('2026-09-28', '09:00')],
      ['2026-W41-1', 'followUpDue', 'xzsp', cst('2026-10-09', '09:00')],
      ['2026-W41-1', 'followUpDue', 'xzsp', cst('2026-10-10', '09:00')],
      ['2026-W41-1', 'followUpOverdue', 'dcs', cst('2026-10-12', '09:00')],
      ['2026-W41-1', 'followUpOverdue', 'xzsp', cst('2026-10-12', '09:00')],
    ]);
    expect(events('cn.keyflow.meeting.followUpEscalated').map((e) => (e.data as { item: FollowUpItem }).item.id)).toEqual(['2026-W39-1', '2026-W41-1']);
    const w41 = views['2026-W41']!.agenda.find((i) => i.id === fu('2026-W39-1'))!;
    expect(w41.why).toContain('已提请督查');
    expect(w41.why).toContain('已逾期');
  });

  it('closing needs a note; a closed item leaves the next agenda and is chased no more', () => {
    expect(refusedClosing).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'request.note', rule: 'must say what was done, in at least 2 characters' }] });
    expect(items.find((i) => i.id === '2026-W39-2')).toMatchObject({ closingNote: '资金已到位 8000 万元', closedBy: 'fgw:li' });
    expect(events('cn.keyflow.meeting.followUpClosed').map((e) => (e.data as { item: FollowUpItem }).item.id)).toEqual(['2026-W39-2', '2026-W39-1', '2026-W41-1']);
    expect(reminders((r) => r.followUpId === '2026-W39-2' && r.sendAt > cst('2026-09-28', '10:00'))).toEqual([]);
  });

  it('keeps every item across the tracker continuing as new', () => {
    expect(trackerRuns[0]).toBeTruthy();
    expect(trackerRuns[1]).not.toBe(trackerRuns[0]);
    expect(events('cn.keyflow.meeting.followUpOpened').map((e) => (e.data as { item: FollowUpItem }).item.id)).toEqual(['2026-W39-1', '2026-W39-2', '2026-W41-1']);
  });

  it('publishes every reminder exactly once (unique event ids)', () => {
    const ids = published.map((p) => p.event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events('cn.keyflow.meeting.concluded')).toHaveLength(6);
  });
});
