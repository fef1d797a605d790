/**
 * The weekly meeting's Temporal Schedule on the real dev server (the time-skipping server has no
 * Schedules API): created idempotently at start-up, brought up to date when the configuration
 * changes, firing on the configured weekday and time in Asia/Shanghai. Triggering it starts a
 * real meeting workflow that compiles its agenda from live state through visibility and queries.
 */
import { Client, Connection, ScheduleOverlapPolicy, WorkflowExecutionDescription, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { kafkaPublisher, type EventPublisher } from '../../activities/events/publisher';
import path from 'node:path';
import { startApi } from '../../api/start';
import { currentMeeting, ensureUpcomingMeeting, ensureWeeklyMeetingSchedule, getAgenda } from '../../client/meetings';
import { registerProject } from '../../client/projects';
import { loadCalendar } from '../../seeds/holidays';
import { isoWeekKey, nominalMeetingDate } from '../../domain/meeting/plan';
import { AgendaItem, MeetingView } from '../../schemas/meeting';
import { loadMeetingConfig } from '../../seeds/meetingConfig';
import { createWorker } from '../../workers/worker';
import { MEETING_SCHEDULE_ID } from '../../workflows/meeting/messages';
import { expectedPlan, nextScheduleFiring } from '../support/dateExpectations';
import { e2eEndpoints, uniqueTaskQueue } from '../support/e2e';
import { eventually } from '../support/eventually';
import { aProject } from '../support/fixtures';

jest.setTimeout(120_000);


describe('the weekly meeting schedule (real Temporal dev server)', () => {
  const ep = e2eEndpoints();
  const taskQueue = uniqueTaskQueue('meeting-schedule');
  const config = loadMeetingConfig();
  let connection: Connection;
  let client: Client;
  let nativeConnection: NativeConnection;
  let publisher: EventPublisher;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    connection = await Connection.connect({ address: ep.temporalAddress });
    client = new Client({ connection, namespace: ep.namespace });
    nativeConnection = await NativeConnection.connect({ address: ep.temporalAddress });
    publisher = kafkaPublisher({ brokers: ep.kafkaBrokers, clientId: 'test-meeting-schedule' });
    // The meeting activities read live state: the worker needs a client (ActivityDeps.client).
    worker = await createWorker({ connection: nativeConnection, namespace: ep.namespace, taskQueue, deps: { publisher, client, calendar: loadCalendar() } });
    running = worker.run();
  });

  afterAll(async () => {
    await client?.schedule.getHandle(MEETING_SCHEDULE_ID).delete().catch(() => undefined);
    for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH '${MEETING_SCHEDULE_ID}' AND ExecutionStatus='Running'` })) {
      await client.workflow.getHandle(wf.workflowId, wf.runId).terminate('test done').catch(() => undefined);
    }
    worker?.shutdown();
    await running;
    await publisher?.close();
    await nativeConnection?.close();
    await connection?.close();
  });

  it('is created once and then only updated, with the spec as configured', async () => {
    const before = new Date();
    expect(await ensureWeeklyMeetingSchedule(client, taskQueue, config)).toEqual({ scheduleId: MEETING_SCHEDULE_ID, created: true });
    expect(await ensureWeeklyMeetingSchedule(client, taskQueue, config)).toEqual({ scheduleId: MEETING_SCHEDULE_ID, created: false });

    const d = await client.schedule.getHandle(MEETING_SCHEDULE_ID).describe();
    expect(d.spec.timezone).toBe('Asia/Shanghai');
    expect(d.spec.calendars).toEqual([
      expect.objectContaining({ dayOfWeek: [{ start: 'MONDAY', end: 'MONDAY', step: 1 }], hour: [{ start: 0, end: 0, step: 1 }], minute: [{ start: 5, end: 5, step: 1 }] }),
    ]);
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'weeklyMeeting', workflowId: MEETING_SCHEDULE_ID, taskQueue });
    expect(d.action.type === 'startWorkflow' && d.action.args).toEqual([{ config }]);
    expect(d.policies).toMatchObject({ overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: 3 * 24 * 3600 * 1000 });
    // Derived from the real now (the dev server's clock cannot be pinned); either side of a firing instant.
    const next = d.info.nextActionTimes[0]?.toISOString();
    expect([nextScheduleFiring(before, config).toISOString(), nextScheduleFiring(new Date(), config).toISOString()]).toContain(next);
  });

  it('takes a changed configuration at the next start-up', async () => {
    const tuesday = loadMeetingConfig({ ...config, weekday: 2, time: '14:30', prepareAt: '06:00' });
    expect(await ensureWeeklyMeetingSchedule(client, taskQueue, tuesday)).toMatchObject({ created: false });
    const d = await client.schedule.getHandle(MEETING_SCHEDULE_ID).describe();
    expect(d.spec.calendars?.[0]).toMatchObject({ dayOfWeek: [{ start: 'TUESDAY', end: 'TUESDAY', step: 1 }], hour: [{ start: 6, end: 6, step: 1 }] });
    expect(d.action.type === 'startWorkflow' && (d.action.args as Array<{ config: { time: string } }>)[0]!.config.time).toBe('14:30');
    await ensureWeeklyMeetingSchedule(client, taskQueue, config);
  });

  it('refuses a bad configuration, naming the field', async () => {
    await expect(ensureWeeklyMeetingSchedule(client, taskQueue, { ...config, weekday: 7 })).rejects.toMatchObject({
      issues: [{ field: 'meeting.weekday', rule: 'must be a working weekday 1 (Monday) to 5 (Friday)' }],
    });
  });

  it('starts a meeting workflow that plans next week and compiles its agenda from live state', async () => {
    await registerProject({ client, taskQueue }, aProject(), 'test:meeting-schedule');
    await client.schedule.getHandle(MEETING_SCHEDULE_ID).trigger();
    const started: WorkflowExecutionDescription = await eventually('the triggered meeting', async () => {
      for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH '${MEETING_SCHEDULE_ID}'` })) return client.workflow.getHandle(wf.workflowId).describe();
      return undefined;
    });
    expect(started.type).toBe('weeklyMeeting');

    // It prepares the meeting of the first Monday after the day it started (its own clock, the
    // real now), and compiles a draft agenda at once, whatever the day. The worker counts on its own
    // calendar (notices, then provisional years); only a meeting beyond that is refused.
    const nominal = nominalMeetingDate(started.startTime, config.weekday);
    const derived = expectedPlan(nominal, config, loadCalendar());
    if (!derived.ok) {
      const err = await client.workflow.getHandle(started.workflowId, started.runId).result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause).toMatchObject({ type: 'UnknownHolidayYear' });
      return;
    }
    const view: MeetingView = await eventually('the draft agenda', async () => {
      const v = await currentMeeting({ client, taskQueue });
      return v?.agendaCompiledAt ? v : undefined;
    }, 60_000);
    expect(view.plan).toEqual(derived.plan);
    expect(Date.parse(view.agendaCompiledAt!) - started.startTime.getTime()).toBeLessThan(60_000);
    for (const item of view.agenda) AgendaItem.parse(item);
    expect((await getAgenda({ client, taskQueue }, view.plan.week)).plan).toEqual(view.plan);
    await expect(getAgenda({ client, taskQueue }, '1999-W01')).rejects.toMatchObject({ type: 'MeetingNotFound' });
  });

  it('has the next meeting right after a fresh start, findable by its date too', async () => {
    const ctx = { client, taskQueue };
    // The meeting the previous test triggered is the one a start now would prepare: no second one.
    const again = await ensureUpcomingMeeting(ctx, config);
    expect(again.triggered).toBe(false);
    // A fresh start: no meeting running.
    for await (const wf of client.workflow.list({ query: `WorkflowId STARTS_WITH '${MEETING_SCHEDULE_ID}' AND ExecutionStatus='Running'` })) {
      await client.workflow.getHandle(wf.workflowId, wf.runId).terminate('a fresh start').catch(() => undefined);
    }
    await eventually('no running meeting', async () => ((await currentMeeting(ctx)) === null ? true : undefined));
    const now = new Date();
    const fresh = await ensureUpcomingMeeting(ctx, config, now);
    expect(fresh.week).toBe(isoWeekKey(nominalMeetingDate(now, config.weekday)));
    // Monday 00:00–00:05 Shanghai the schedule itself fires for that week within minutes.
    if (!fresh.triggered) return;
    const derived = expectedPlan(nominalMeetingDate(now, config.weekday), config, loadCalendar());
    if (!derived.ok) return;
    const view = await eventually('the meeting after a fresh start', async () => {
      const v = await currentMeeting(ctx);
      return v?.agendaCompiledAt ? v : undefined;
    }, 60_000);
    expect(view.plan).toEqual(derived.plan);
    const api = await startApi({ ctx, tokens: path.join(__dirname, '..', '..', 'seeds', 'api-tokens.json'), port: 0, logger: { level: 'silent' } as never, strictResponses: true });
    try {
      const get = async (url: string) => {
        const res = await fetch(`${api.url}${url}`, { headers: { authorization: 'Bearer keyflow-demo-meeting-office' } });
        return { status: res.status, body: (await res.json()) as MeetingView };
      };
      expect((await get('/meetings/current')).body.plan).toEqual(derived.plan);
      const byDate = await get(`/meetings/${view.plan.meetingDate}/agenda`);
      expect({ status: byDate.status, week: byDate.body.plan?.week }).toEqual({ status: 200, week: view.plan.week });
      expect((await get('/meetings/2026-13-45/agenda')).status).toBe(400);
    } finally {
      await api.stop();
    }
  });
});
