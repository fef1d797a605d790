/**
 * The weekly meeting in a year without a notice. The worker's calendar (seeds/holidays.ts)
 * derives such years provisionally up to the last notice + 3: a 2027 meeting plans normally and
 * says the calendar is provisional. Beyond that horizon there is no data: the meeting office is
 * told, on Kafka and by reminder, and the run fails with UnknownHolidayYear — never a guess.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import { createActivities, type ActivityDeps } from '../../activities';
import type { EventPublisher } from '../../activities/events/publisher';
import type { CloudEvent } from '../../schemas/events/envelope';
import type { MeetingPlan, Reminder } from '../../schemas/meeting';
import { loadMeetingConfig } from '../../seeds/meetingConfig';
import { getMeetingQuery } from '../../workflows/meeting/messages';
import { mkdtempSync } from 'fs';
import os from 'os';
import path from 'path';
import { renderMeetingReminder } from '../../domain/meeting/text';
import { loadCalendar } from '../../seeds/holidays';
import { calendarWithSynthetic2027 } from '../support/calendars';
import { createTimeSkippingEnv } from '../support/timeSkipping';
import { withProjectAgenda } from '../support/agendaStub';

const config = loadMeetingConfig();

describe('a weekly meeting in 2027, a year without holiday data', () => {
  let env: TestWorkflowEnvironment;
  const published: CloudEvent[] = [];
  const publisher: EventPublisher = {
    async publish(topic, event) {
      published.push(event);
      return { id: event.id, topic, partition: 0, offset: String(published.length) };
    },
    async close() {},
  };
  const run = async <T>(taskQueue: string, deps: Partial<ActivityDeps>, body: () => Promise<T>): Promise<T> => {
    const activities = withProjectAgenda(createActivities({ publisher, client: env.client, ...deps }), () => []);
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('../../workflows'), activities });
    return worker.runUntil(body);
  };

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  /** The worker's calendar with the shipped notices (none beyond 2026) and provisional years to 2029. */
  const workersCalendar = () => loadCalendar(mkdtempSync(path.join(os.tmpdir(), 'keyflow-holidays-')));

  it('beyond the provisional horizon: tells the meeting office and fails with UnknownHolidayYear instead of guessing', async () => {
    const err = await run('meeting-2030', { calendar: workersCalendar() }, () =>
      env.client.workflow.execute('weeklyMeeting', { taskQueue: 'meeting-2030', workflowId: 'meeting-2030-W02', args: [{ config, nominalDate: '2030-01-07' }] }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toMatchObject({ type: 'UnknownHolidayYear', message: expect.stringContaining('meeting 2030-W02 (2030-01-07) cannot be planned') });
    const missing = published.filter((e) => e.subject === 'meeting-2030-W02');
    expect(missing.map((e) => e.type)).toEqual(['cn.keyflow.meeting.calendarMissing', 'cn.keyflow.reminder.calendarMissing']);
    const reminder = missing[1]!.data as Reminder;
    expect(reminder.recipient).toEqual({ kind: 'department', id: 'hyb', name: '重点项目周例会办公室' });
    expect(reminder.markdown).toContain('工作日历缺少 2030 年节假日安排');
  });

  it('in a provisional year: plans normally and says the calendar is provisional', async () => {
    const plan = await run('meeting-2027-provisional', { calendar: workersCalendar() }, async () => {
      const h = await env.client.workflow.start('weeklyMeeting', { taskQueue: 'meeting-2027-provisional', workflowId: 'meeting-2027-W01-provisional', args: [{ config, nominalDate: '2027-01-04' }] });
      let view;
      for (let i = 0; i < 50 && !view; i++) view = await h.query(getMeetingQuery).catch(() => undefined);
      await h.terminate('test done');
      return view!.plan as MeetingPlan;
    });
    // Provisionally 1 January 2027 (a Friday) is 元旦: the first reminder goes out on Thursday 31 December.
    expect(plan).toMatchObject({ week: '2027-W01', meetingDate: '2027-01-04', firstReminderAt: new Date('2026-12-31T16:00:00+08:00').toISOString(), provisional: { years: [2027] } });
    const text = renderMeetingReminder({ plan, round: 'first', recipientName: '自然资源和规划局', items: [], attendees: [] });
    expect(text.markdown).toContain('工作日历（暂定）：2027年国务院节假日安排通知尚未发布');
  });

  it('plans the same week once the worker’s calendar holds 2027', async () => {
    const plan = await run('meeting-2027-known', { calendar: calendarWithSynthetic2027() }, async () => {
      const h = await env.client.workflow.start('weeklyMeeting', { taskQueue: 'meeting-2027-known', workflowId: 'meeting-2027-W01-known', args: [{ config, nominalDate: '2027-01-04' }] });
      let view;
      for (let i = 0; i < 50 && !view; i++) view = await h.query(getMeetingQuery).catch(() => undefined);
      await h.terminate('test done');
      return view!.plan as MeetingPlan;
    });
    // The synthetic fixture has no holidays, so Friday 2027-01-01 counts as a working day here.
    expect(plan).toMatchObject({ week: '2027-W01', meetingDate: '2027-01-04', firstReminderAt: new Date('2027-01-01T16:00:00+08:00').toISOString() });
  });
});
