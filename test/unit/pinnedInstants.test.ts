/**
 * The date-sensitive scenarios at pinned instants (test/support/pinnedInstants.ts): a Monday
 * morning, a Friday after 16:00, 31 December, the eve of the Spring Festival (a holiday) and a
 * make-up Saturday. For each, a time-skipping server starts at that instant
 * (test/support/fixedClock.ts) and runs the weekly meeting (plan, draft agenda at once, the
 * reminders' times), the monthly-report refusal scenario with its warning events, and the start
 * of a joint review (deadlines, reminders). Expectations are the values written down for the
 * instant AND the ones derived from it (test/support/dateExpectations.ts, as the e2e tests derive
 * them at the real now), so this file holds on any day it runs.
 */
import { Client, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { ClientContext } from '../../client/projects';
import { getReviewState, startReviewStage } from '../../client/reviews';
import { defaultCalendar, shanghaiDate, type WorkingDayCalendar } from '../../domain/calendar';
import { monthOf } from '../../domain/lifecycle/months';
import { nominalMeetingDate } from '../../domain/meeting/plan';
import type { AgendaItem, MeetingView, Reminder } from '../../schemas/meeting';
import type { ReviewState } from '../../schemas/jointReview';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { loadMeetingConfig } from '../../seeds/meetingConfig';
import { getMeetingQuery } from '../../workflows/meeting/messages';
import { periodToCheck } from '../../workflows/rankings/messages';
import { reviewStageInput, reviewStageWorkflowId } from '../../workflows/review/messages';
import { calendarWithSynthetic2027 } from '../support/calendars';
import { expectedPlan, expectedReviewTasks, expectedRounds, expectedWarning, nextScheduleFiring, REPORT_FIGURES } from '../support/dateExpectations';
import { createTimeSkippingEnvAt } from '../support/fixedClock';
import { PINNED_INSTANTS, type PinnedInstant } from '../support/pinnedInstants';
import { reportRefusalsScenario } from '../support/reportRefusals';
import { withProjectAgenda } from '../support/agendaStub';
import { eventually, RecordingPublisher, workflowBundle } from './jointReviewHarness';

// Generous bounds for a loaded machine; on an idle one the whole file takes well under two minutes.
jest.setTimeout(240_000);
/** Real-time bound for an event to arrive after its workflow step. */
const PATIENCE_MS = 60_000;

const meetingConfig = loadMeetingConfig();
const reviewConfig = loadJointReviewConfig();
const firstStage = reviewConfig.stages[0]!;

/** One agenda item, so every round has recipients (the project part of the agenda is scripted: the time-skipping server lists no workflows). */
const ITEM: AgendaItem = {
  id: 'stalled:2026-411122-13-03-000101',
  category: 'stalled',
  project: { code: '2026-411122-13-03-000101', name: '临颍现代家居产业园', county: '411122', countyName: '临颍县' },
  why: '已 12 个工作日未报送月报',
  since: '2026-01-05T00:00:00.000Z',
  department: { id: 'fgw', name: meetingConfig.directory.departments.fgw?.name ?? 'fgw' },
  leader: '副市长 王某',
};

describe.each(PINNED_INSTANTS.map((p) => [p.name, p] as const))('at %s', (_name, pinned: PinnedInstant) => {
  // TEST FIXTURE where marked: until the provisional 2027 calendar lands, a year-end instant
  // needs the synthetic, weekends-only 2027 (never real data) to count into January.
  const calendar: WorkingDayCalendar = pinned.synthetic2027 ? calendarWithSynthetic2027() : defaultCalendar;
  const publisher = new RecordingPublisher();
  const taskQueue = 'pinned-instant';
  let env: TestWorkflowEnvironment;
  let client: Client;
  let ctx: ClientContext;
  let worker: Worker;
  let running: Promise<void>;
  let startedAt: Date;
  let meetingId: string;

  const now = async () => new Date(await env.currentTimeMs());
  const advanceTo = async (instant: string) => {
    const ms = Date.parse(instant) - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  };
  const meetingEvents = (type: string) => publisher.events.filter((e) => e.type === type && e.subject === meetingId);

  beforeAll(async () => {
    env = await createTimeSkippingEnvAt(new Date(pinned.at));
    // A client that never skips time by itself: time moves only by env.sleep.
    client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    ctx = { client, taskQueue };
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: withProjectAgenda(createActivities({ publisher, client, calendar }), () => [ITEM]),
    });
    running = worker.run();
    startedAt = await now();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  it('checks the previous month in a four-compare check fired now', () => {
    expect(periodToCheck(new Date(pinned.at))).toBe(pinned.fourComparePeriod);
  });

  it('plans the weekly meeting from the calendar and compiles a draft agenda at once', async () => {
    // As the schedule would: the workflow derives its week from its own clock.
    const h = await client.workflow.start('weeklyMeeting', { taskQueue, workflowId: `meeting-at-${pinned.at}`, args: [{ config: meetingConfig }] });
    const view: MeetingView = await eventually(async () => {
      const v = await h.query(getMeetingQuery).catch(() => undefined);
      return v?.agendaCompiledAt ? v : undefined;
    }, 'the draft agenda', PATIENCE_MS);
    meetingId = view.plan.meetingId;
    const { firstLate: _late, ...plan } = pinned.meeting;
    expect(view.plan).toMatchObject(plan);
    const derived = expectedPlan(nominalMeetingDate(startedAt, meetingConfig.weekday), meetingConfig, calendar);
    expect(derived).toEqual({ ok: true, plan: view.plan });
    expect(view.agenda.map((i) => i.id)).toEqual([ITEM.id]);
    // Compiled at once, before any reminder.
    expect(Date.parse(view.agendaCompiledAt!) - startedAt.getTime()).toBeLessThan(60_000);
    await eventually(() => meetingEvents('cn.keyflow.meeting.agendaCompiled').length > 0, 'the draft agendaCompiled event', PATIENCE_MS);
    expect(meetingEvents('cn.keyflow.meeting.agendaCompiled').map((e) => (e.data as { round: string }).round)[0]).toBe('draft');
    // The e2e test's relation at the real now: the meeting prepared is that of the schedule's next firing day.
    expect(shanghaiDate(nextScheduleFiring(startedAt, meetingConfig))).toBe(pinned.meeting.nominalDate);
  });

  it('refuses bad reports, next month and next year, and publishes the warning events of this month', async () => {
    const month = monthOf(shanghaiDate(await now()));
    expect(expectedWarning(month, REPORT_FIGURES.investmentToDate, REPORT_FIGURES.annualPlannedInvestment)).toBe(pinned.warningAfterReport);
    let code = '';
    await reportRefusalsScenario(ctx, await now(), async (c, n) => {
      code = c;
      const of = () => publisher.events.filter((e) => e.subject === c);
      await eventually(() => of().length >= n, `${n} events of ${c}`, PATIENCE_MS);
      return of().map((e) => e.type);
    });
    const lights = publisher.events.filter((e) => e.subject === code && e.type === 'cn.keyflow.project.warningChanged').map((e) => (e.data as { to: string }).to);
    expect(lights).toEqual(pinned.warningAfterReport === 'green' ? [] : [pinned.warningAfterReport]);
  });

  it('starts a joint review with deadlines and reminders counted from the next working day, or refuses a year without a notice', async () => {
    const p = { code: '2026-411122-13-03-000777', name: '利通液压智能制造产业园', county: '411122', leadDepartment: 'fgw' };
    await startReviewStage(ctx, reviewStageInput(p, reviewConfig, firstStage.id, 'xzsp:wang'));
    const derived = expectedReviewTasks(calendar, await now(), firstStage, reviewConfig.policy);
    if (!derived.ok) {
      expect(pinned.reviewDeadlines).toBe('derived');
      const err = await client.workflow.getHandle(reviewStageWorkflowId(p.code, firstStage.id)).result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause).toMatchObject({ type: 'UnknownHolidayYear', message: expect.stringContaining(String(derived.year)) });
      return;
    }
    const review: ReviewState = await eventually(() => getReviewState(ctx, p.code, firstStage.id).catch(() => undefined), 'the review to start', PATIENCE_MS);
    const fromState = expectedReviewTasks(calendar, new Date(review.acceptedAt), firstStage, reviewConfig.policy);
    expect(review.tasks.map((t) => ({ department: t.department, deadlineDate: t.deadlineDate, remindAt: t.remindAt }))).toEqual(fromState.ok && fromState.tasks);
    if (pinned.reviewDeadlines !== 'derived') {
      expect(Object.fromEntries(review.tasks.map((t) => [t.department, t.deadlineDate]))).toEqual(pinned.reviewDeadlines);
    }
  });

  it('sends the meeting reminders at their times, late when their time had passed at the start', async () => {
    // In steps, each a short skip: to the first reminder, then to the final one.
    await advanceTo(new Date(Date.parse(pinned.meeting.firstReminderAt) + 60_000).toISOString());
    await advanceTo(new Date(Date.parse(pinned.meeting.finalReminderAt) + 60_000).toISOString());

    const view = await client.workflow.getHandle(`meeting-at-${pinned.at}`).query(getMeetingQuery);
    const rounds = expectedRounds(view.plan, startedAt);
    await eventually(() => meetingEvents('cn.keyflow.meeting.agendaCompiled').length === rounds.length, 'every agenda round', PATIENCE_MS);
    expect(meetingEvents('cn.keyflow.meeting.agendaCompiled').map((e) => (e.data as { round: string }).round)).toEqual(rounds.map((r) => r.round));

    const expected = rounds.flatMap((r) => (r.reminders ? [{ kind: r.round === 'first' ? 'meetingFirst' : 'meetingFinal', ...r.reminders }] : []));
    const sent = () => publisher.events.filter((e) => e.type === 'cn.keyflow.reminder.meetingAgenda' && (e.data as Reminder).meetingId === meetingId).map((e) => e.data as Reminder);
    // Each round reminds the department and the leader of the one agenda item.
    await eventually(() => sent().length === 2 * expected.length, 'the meeting reminders', PATIENCE_MS);
    expect(sent().map((r) => ({ kind: r.kind, sendAt: r.sendAt, late: r.late }))).toEqual(expected.flatMap((x) => [x, x]));
    expect(sent().find((r) => r.kind === 'meetingFirst')).toMatchObject({ sendAt: pinned.meeting.firstReminderAt, late: pinned.meeting.firstLate });
    expect(sent().find((r) => r.kind === 'meetingFinal')).toMatchObject({ sendAt: pinned.meeting.finalReminderAt, late: false });
  });
});
