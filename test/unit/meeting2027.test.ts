/**
 * What happens to the weekly meeting in a year without holiday data (keyflow's calendar ends
 * with 2026 until the 2027 State Council notice is added): the meeting office is told, on Kafka
 * and by reminder, and the run fails with UnknownHolidayYear — never a guessed date. With the
 * year's data in the worker's calendar, the same week plans normally.
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
import { calendarWithSynthetic2027 } from '../support/calendars';
import { createTimeSkippingEnv } from '../support/timeSkipping';

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
    const activities = { ...createActivities({ publisher, client: env.client, ...deps }), loadProjectAgendaItems: async () => [] };
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('../../workflows'), activities });
    return worker.runUntil(body);
  };

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('tells the meeting office and fails with UnknownHolidayYear instead of guessing', async () => {
    const err = await run('meeting-2027', {}, () =>
      env.client.workflow.execute('weeklyMeeting', { taskQueue: 'meeting-2027', workflowId: 'meeting-2027-W01', args: [{ config, nominalDate: '2027-01-04' }] }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toMatchObject({ type: 'UnknownHolidayYear', message: expect.stringContaining('meeting 2027-W01 (2027-01-04) cannot be planned') });
    const missing = published.filter((e) => e.subject === 'meeting-2027-W01');
    expect(missing.map((e) => e.type)).toEqual(['cn.keyflow.meeting.calendarMissing', 'cn.keyflow.reminder.calendarMissing']);
    const reminder = missing[1]!.data as Reminder;
    expect(reminder.recipient).toEqual({ kind: 'department', id: 'hyb', name: '重点项目周例会办公室' });
    expect(reminder.markdown).toContain('工作日历缺少 2027 年节假日安排');
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
