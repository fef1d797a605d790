/**
 * One project through a simulated year on Temporal's time-skipping server, with the real
 * Kafka broker receiving its events: monthly reports, a missed report that stalls it and
 * issues a supervision order, a late report that clears it, the warning light following the
 * investment, and continue-as-new along the way without losing any history.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { kafkaPublisher, EventPublisher } from '../../activities/events/publisher';
import { addCalendarDays, atShanghaiTime, shanghaiDate } from '../../domain/calendar';
import { expectedRate, warningLevel } from '../../domain/lifecycle/warning';
import { addMonths, lastDayOfMonth, monthOf } from '../../domain/lifecycle/months';
import { getProjectState, registerProject, reportProgress, transitionProject, ClientContext } from '../../client/projects';
import { TOPICS } from '../../schemas/topics';
import { calendarWithSynthetic2027 } from '../support/calendars';
import { e2eEndpoints, readEvents, uniqueTaskQueue } from '../support/e2e';
import { aProject } from '../support/fixtures';
import { createTimeSkippingEnv } from '../support/timeSkipping';

const calendar = calendarWithSynthetic2027();

describe('a project through a simulated year', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let publisher: EventPublisher;
  let ctx: ClientContext;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    const taskQueue = uniqueTaskQueue('year');
    publisher = kafkaPublisher({ brokers: e2eEndpoints().kafkaBrokers, clientId: 'test-year' });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: createActivities({ publisher, calendar }),
    });
    running = worker.run();
    // Small history budget so the year forces several continue-as-new generations.
    ctx = { client: env.client, taskQueue, lifecycleConfig: { continueAsNewAfterEvents: 300 } };
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await publisher?.close();
    await env?.teardown();
  });

  const now = async () => new Date(await env.currentTimeMs());
  /** Skip simulated time to a Shanghai wall-clock moment. */
  const skipTo = async (date: string, hhmm = '12:00') => {
    const ms = atShanghaiTime(date, hhmm).getTime() - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  };
  it('reports, stalls, escalates, recovers, warns and completes — and every step is on Kafka', async () => {
    const project = aProject({ stage: 'underConstruction', category: 'continuing', annualPlannedInvestment: 1200, totalInvestment: 5000 });
    const code = project.code;
    await registerProject(ctx, project, 'test');
    const m0 = monthOf(shanghaiDate(await now()));
    const months = Array.from({ length: 12 }, (_, i) => addMonths(m0, i));

    // Investment per month (万元): 100 keeps pace with the 1,200 plan. Months 4–6 invest nothing,
    // month 7 catches up. Months before m0 in its year are taken as on plan.
    const invest = new Map(months.map((m, i) => [m, i >= 4 && i <= 6 ? 0 : i === 7 ? 400 : 100]));
    const toDate = (m: string) => {
      let sum = 0;
      for (let k = `${m.slice(0, 4)}-01`; k <= m; k = addMonths(k, 1)) sum += invest.get(k) ?? 100;
      return sum;
    };
    const lightFor = (m: string) =>
      warningLevel({ completionRate: toDate(m) / 1200, expectedRate: expectedRate(m), stalled: false, yellowBehindPoints: 10, redBehindPoints: 20 });
    let req = 0;
    const report = (m: string) =>
      reportProgress(ctx, code, {
        requestId: `year-${code}-${++req}`,
        month: m,
        investmentThisMonth: invest.get(m)!,
        investmentToDate: toDate(m),
        physicalProgress: Math.min(100, 40 + months.indexOf(m) * 5),
        problems: m === months[1] ? [{ text: '施工用电增容审批未完成', department: 'fgw' }] : [],
        actor: { by: 'owner:li' },
      });
    const expectedEvents: string[] = ['registered'];
    let light = 'green';
    const reported = (m: string, stallCleared = false) => {
      expectedEvents.push('progressReported');
      if (stallCleared) expectedEvents.push('stallCleared');
      const next = lightFor(m);
      if (next !== light || stallCleared) expectedEvents.push('warningChanged');
      light = next;
    };

    // Month 0 is reported at once; month 1 early in month 2.
    expect(await report(months[0]!)).toMatchObject({ warning: lightFor(months[0]!), stallCleared: false });
    reported(months[0]!);
    await skipTo(`${months[2]}-03`);
    await report(months[1]!);
    reported(months[1]!);

    // Month 2 is never reported: once its deadline (10 working days after the month) has
    // passed, the daily check marks the project stalled, issues a supervision order and turns it red.
    const due = calendar.addWorkingDays(lastDayOfMonth(months[2]!), 10);
    await skipTo(due, '23:00');
    expect((await getProjectState(ctx, code)).stall).toBeNull();
    const dayAfter = addCalendarDays(due, 1);
    await skipTo(dayAfter, '12:00');
    const stalled = await getProjectState(ctx, code);
    expect(stalled.stall).toMatchObject({
      reason: 'noReport',
      order: { dueDate: calendar.addWorkingDays(dayAfter, 5), escalatedTo: ['dcs', project.leadDepartment, project.responsibleLeader] },
    });
    expect(stalled.warning.level).toBe('red');
    expectedEvents.push('stalled');
    if (light !== 'red') expectedEvents.push('warningChanged');
    light = 'red';

    // The late report clears the stall, closes the order and recomputes the light.
    expect(await report(months[2]!)).toMatchObject({ stallCleared: true, warning: lightFor(months[2]!) });
    reported(months[2]!, true);

    for (const m of months.slice(3)) {
      await skipTo(`${addMonths(m, 1)}-03`);
      expect(await report(m)).toMatchObject({ warning: lightFor(m) });
      reported(m);
    }
    await transitionProject(ctx, code, { requestId: `year-${code}-done`, to: 'completed', actor: { by: 'zjj:wang' } });
    expectedEvents.push('stageChanged');

    const state = await getProjectState(ctx, code);
    expect(state.stage).toBe('completed');
    expect(state.generation).toBeGreaterThanOrEqual(3);
    expect(state.reports.map((r) => r.month)).toEqual(months);
    expect(state.openProblems.map((p) => p.text)).toEqual(['施工用电增容审批未完成']);
    expect(state.stallHistory).toHaveLength(1);
    expect(state.stallHistory[0]?.order.closedBecause).toContain(months[2]);
    expect(state.warningHistory.map((w) => w.level)).toEqual(expect.arrayContaining(['red', 'yellow']));
    expect(state.stageHistory.map((s) => s.to)).toEqual(['underConstruction', 'completed']);

    // Every step is on Kafka, in order, each once.
    const types = expectedEvents.map((t) => `cn.keyflow.project.${t}`);
    const events = await readEvents(TOPICS.projects, (es) => es.length >= types.length, { filter: (e) => e.subject === code, timeoutMs: 60_000 });
    expect(events.map((e) => e.type)).toEqual(types);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const orders = await readEvents(TOPICS.supervision, (es) => es.length >= 2, { filter: (e) => e.subject === code });
    expect(orders.map((e) => e.type)).toEqual(['cn.keyflow.supervision.orderIssued', 'cn.keyflow.supervision.orderClosed']);
  });
});
