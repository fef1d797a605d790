/**
 * Records workflow histories for the replay tests: `npx tsx test/replay/record.ts [scenario] [--replace]`.
 * Each scenario runs on the time-skipping server with the real workflow code and saves every
 * run of the chain (continue-as-new included) under test/replay/histories/. Record again only
 * for a new workflow version, and keep the old files: they are what must keep replaying.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { EventPublisher } from '../../activities/events/publisher';
import { atShanghaiTime, addCalendarDays, shanghaiDate } from '../../domain/calendar';
import { addMonths, lastDayOfMonth, monthOf } from '../../domain/lifecycle/months';
import { getProjectState, registerProject, reportProgress, setAnnualPlan, transitionProject } from '../../client/projects';
import { actOnTask, getReviewState, resubmitTask, startReviewStage, submitMissingMaterial } from '../../client/reviews';
import { STAGES_BEFORE_CONSTRUCTION, type ReviewStageId } from '../../schemas/jointReview';
import type { Stage } from '../../schemas/project';
import { loadJointReviewConfig } from '../../seeds/jointReview';
import { getReviewStateQuery, reviewStageInput } from '../../workflows/review/messages';
import { calendarWithSynthetic2027 } from '../support/calendars';
import { aProject } from '../support/fixtures';
import { createTimeSkippingEnv } from '../support/timeSkipping';
import { createTimeSkippingEnvAt } from '../support/fixedClock';
import type { ProjectFacts } from '../../schemas/fourCompare';
import { loadFourCompareConfig } from '../../seeds/rankingConfig';
import { loadMeetingConfig } from '../../seeds/meetingConfig';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { CalendarHolder } from '../../activities/calendar/holder';
import { provisionalYear } from '../../domain/calendar/provisional';
import type { CalendarRegistryView } from '../../schemas/calendar';
import { calendarChangedSignal } from '../../workflows/calendar/messages';
import { testNoticeFixture } from '../support/calendars';

/** Where histories go (another folder to try a scenario out without touching the kept ones). */
const OUT = process.env.KEYFLOW_REPLAY_OUT ?? path.join(__dirname, 'histories');
/** KEYFLOW_REPLAY_VERSION=batched names this recording's files `<scenario>.batched.runN` instead of the scenario's vN. */
const VERSION = process.env.KEYFLOW_REPLAY_VERSION;
const quietPublisher: EventPublisher = {
  async publish(topic, event) {
    return { id: event.id, topic, partition: 0, offset: '0' };
  },
  async close() {},
};

/** Saves the whole continue-as-new chain that starts at `runId`. */
async function saveChain(client: Client, workflowId: string, firstRunId: string, name: string): Promise<number> {
  let runId: string | undefined = firstRunId;
  let n = 0;
  if (VERSION) name = name.replace(/\.v\d+$/, `.${VERSION}`);
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    n += 1;
    // Binary protobuf: the JSON helper trips over a second protobufjs copy inside @temporalio/common.
    const file = path.join(OUT, `${name}.run${n}.binpb`);
    // A kept history is what old workflows must keep replaying: never replace one by accident.
    if (fs.existsSync(file) && !process.argv.includes('--replace')) throw new Error(`${file} exists: name a new version, or pass --replace`);
    fs.writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
    const last: temporal.api.history.v1.IHistoryEvent | undefined = history.events?.[history.events.length - 1];
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return n;
}

/** Runs `body` on a fresh time-skipping server with a worker of today's workflow code polling `taskQueue`. */
async function recording(taskQueue: string, body: (env: TestWorkflowEnvironment) => Promise<void>): Promise<void> {
  const env = await createTimeSkippingEnv();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities({ publisher: quietPublisher, calendar: calendarWithSynthetic2027() }),
  });
  const running = worker.run();
  try {
    await body(env);
  } finally {
    worker.shutdown();
    await running;
    await env.teardown();
  }
}

async function projectLifecycleV1(name = 'projectLifecycle.v1'): Promise<void> {
  const taskQueue = 'record-lifecycle';
  await recording(taskQueue, async (env) => {
    const ctx = { client: env.client, taskQueue, lifecycleConfig: { continueAsNewAfterEvents: 150 } };
    const project = aProject({ stage: 'underConstruction', category: 'continuing', annualPlannedInvestment: 1200 });
    const started = await registerProject(ctx, project, 'recorder');
    const m0 = monthOf(shanghaiDate(new Date(await env.currentTimeMs())));
    const skipTo = async (date: string) => env.sleep(Math.max(0, atShanghaiTime(date, '12:00').getTime() - (await env.currentTimeMs())));
    let req = 0;
    const report = (m: string, toDate: number) =>
      reportProgress(ctx, project.code, {
        requestId: `record-${++req}-0000`,
        month: m,
        investmentThisMonth: 100,
        investmentToDate: toDate,
        physicalProgress: 30,
        problems: [{ text: '用地手续待完善', department: 'zrzy' }],
        actor: { by: 'recorder' },
      });
    await report(m0, 100 * Number(m0.slice(5)));
    const m1 = addMonths(m0, 1);
    await skipTo(addCalendarDays(lastDayOfMonth(m1), 25)); // month 1 unreported: stalls
    await report(m1, 100 * Number(m1.slice(5))); // clears
    await transitionProject(ctx, project.code, { requestId: 'record-complete', to: 'completed', actor: { by: 'recorder' } });
    await transitionProject(ctx, project.code, { requestId: 'record-production', to: 'inProduction', actor: { by: 'recorder' } });
    await env.client.workflow.getHandle(started.workflowId).result();
    const runs = await saveChain(env.client, started.workflowId, started.runId, name);
    console.log(`${name}: ${runs} runs recorded`);
  });
}

/** A project from conception into preliminary work (before joint review was wired, v1). */
async function projectPreliminaryV1(): Promise<void> {
  const taskQueue = 'record-preliminary';
  await recording(taskQueue, async (env) => {
    const ctx = { client: env.client, taskQueue };
    const project = aProject({ stage: 'conceived', category: 'preliminary' });
    const started = await registerProject(ctx, project, 'recorder');
    await env.sleep(3 * 24 * 3600 * 1000);
    await transitionProject(ctx, project.code, { requestId: 'record-reserve', to: 'reserve', actor: { by: 'fgw:recorder' } });
    await env.sleep(2 * 24 * 3600 * 1000);
    await transitionProject(ctx, project.code, { requestId: 'record-prelim', to: 'preliminary', actor: { by: 'fgw:recorder' } });
    await env.sleep(2 * 24 * 3600 * 1000);
    await transitionProject(ctx, project.code, { requestId: 'record-withdraw', to: 'withdrawn', reason: '企业投资计划调整', actor: { by: 'fgw:recorder' } });
    const runs = await saveChain(env.client, started.workflowId, started.runId, 'projectLifecycle.preliminary.v1');
    console.log(`projectLifecycle.preliminary.v1: ${runs} runs recorded`);
  });
}

/**
 * A project through all four joint-review stages (v2: the lifecycle starts each review as a
 * child; completion starts completion acceptance, and production waits for it), with the
 * year's plan set on the way.
 */
async function projectThroughReviewV2(name = 'projectLifecycle.throughReview.v2', withReviews = false): Promise<void> {
  const taskQueue = 'record-through-review';
  await recording(taskQueue, async (env) => {
    const ctx = { client: env.client, taskQueue, jointReviewConfig: loadJointReviewConfig() };
    const until = async <T>(read: () => Promise<T | undefined>): Promise<T> => {
      for (let i = 0; i < 200; i += 1) {
        const v = await read().catch(() => undefined);
        if (v !== undefined) return v;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('gave up waiting');
    };
    const project = aProject({ stage: 'reserve', category: 'preliminary' });
    const code = project.code;
    const started = await registerProject(ctx, project, 'recorder');
    const approveStage = async (stageId: ReviewStageId) => {
      const review = await until(() => getReviewState(ctx, code, stageId));
      await env.sleep(2 * 24 * 3600 * 1000);
      for (const task of review.tasks) {
        const actor = { by: `${task.department}:recorder`, department: task.department };
        await actOnTask(ctx, code, stageId, { requestId: `record-${stageId}-${task.department}`, department: task.department, actor, action: 'approve' });
      }
      await until(async () => ((await getProjectState(ctx, code)).approvals[stageId] === 'approved' ? true : undefined));
    };
    const move = (to: Stage, n: number) => transitionProject(ctx, code, { requestId: `record-move-${n}-${to}`, to, actor: { by: 'owner:recorder' } });
    await move('preliminary', 1);
    for (const stageId of STAGES_BEFORE_CONSTRUCTION) await approveStage(stageId);
    await move('started', 2);
    const year = Number(shanghaiDate(new Date(await env.currentTimeMs())).slice(0, 4));
    await setAnnualPlan(ctx, code, { requestId: 'record-annual-plan', year, annualPlannedInvestment: 50000, reason: '年度计划下达', actor: { by: 'fgw:recorder' } });
    await move('underConstruction', 3);
    await move('completed', 4);
    await approveStage('completionAcceptance');
    await move('inProduction', 5);
    await env.client.workflow.getHandle(started.workflowId).result();
    const runs = await saveChain(env.client, started.workflowId, started.runId, name);
    console.log(`${name}: ${runs} runs recorded`);
    // The reviews too: children replay with their parent in history (what they signal to it).
    if (withReviews) {
      for (const [stageId, review] of Object.entries((await getProjectState(ctx, code)).reviews ?? {})) {
        if (!review) continue;
        const { runId } = await env.client.workflow.getHandle(review.workflowId).describe();
        await saveChain(env.client, review.workflowId, runId, `${name}.review-${stageId}`);
      }
    }
  });
}

/**
 * One review stage on its own. v1 was recorded before the 'review-updates-before-start' patch
 * (updates registered after the first calendar answer), v2 after it, v3 with the materials in
 * `taskAssigned` (patched('review-assigned-materials'); `beforeMaterials` just before it). The scenario:
 * a return for supplement and its resubmission, an approval with missing materials (容缺) and its
 * follow-up, a reminder, the other approvals.
 */
async function reviewStageScenario(name: string): Promise<void> {
  const taskQueue = 'record-review';
  await recording(taskQueue, async (env) => {
    const ctx = { client: env.client, taskQueue };
    const config = loadJointReviewConfig();
    const code = '2026-411122-13-03-990001';
    const input = reviewStageInput({ code, name: '漯河统一企业高端方便面生产线', county: 'etdz', leadDepartment: 'fgw' }, config, 'landUsePlanning', 'xzsp:recorder');
    const started = await startReviewStage(ctx, input);
    const handle = env.client.workflow.getHandle(started.workflowId, started.runId);
    for (let i = 0; i < 50; i += 1) {
      const ready = await handle.query(getReviewStateQuery).catch(() => null);
      if (ready) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const departments = input.stage.participants.map((p) => p.department);
    const [returned, withMissing, ...rest] = departments;
    const actor = (d: string) => ({ by: `${d}:recorder`, department: d });
    await env.sleep(24 * 3600 * 1000);
    await actOnTask(ctx, code, 'landUsePlanning', { requestId: 'record-return', department: returned!, actor: actor(returned!), action: 'returnForSupplement', reason: '缺少项目建议书', missingMaterials: ['项目建议书或可行性研究报告'] });
    await env.sleep(24 * 3600 * 1000);
    await resubmitTask(ctx, code, 'landUsePlanning', { requestId: 'record-resubmit', department: returned!, actor: { by: 'applicant:recorder' } });
    await actOnTask(ctx, code, 'landUsePlanning', {
      requestId: 'record-missing',
      department: withMissing!,
      actor: actor(withMissing!),
      action: 'approveWithMissing',
      reason: '容缺受理',
      missingMaterials: ['勘测定界图'],
    });
    await env.sleep(3 * 24 * 3600 * 1000);
    for (const d of [returned!, ...rest]) {
      await actOnTask(ctx, code, 'landUsePlanning', { requestId: `record-approve-${d}`, department: d, actor: actor(d), action: 'approve' });
    }
    await submitMissingMaterial(ctx, code, 'landUsePlanning', { requestId: 'record-material', department: withMissing!, actor: { by: 'applicant:recorder' } });
    await handle.result();
    const runs = await saveChain(env.client, started.workflowId, started.runId, name);
    console.log(`${name}: ${runs} runs recorded`);
  });
}

/**
 * A 四比四看 check with scripted facts (the live reading is not what is versioned), on
 * 2026-03-05. v1 was recorded before the closed-month rule (`patched('four-compare-closed-month')`)
 * and checks the month in progress, 2026-03, as old code allowed: a running check of that kind
 * must replay, not be refused half-way. v2, after the rule, checks the closed month 2026-02.
 * v3 records the read model's lag in the report, the event (v2 data) and the record
 * (patched('four-compare-read-model-lag')); `beforeLag` is the same scenario just before it.
 */
async function fourCompareCheckScenario(name: string, period: string): Promise<void> {
  const taskQueue = 'record-four-compare';
  const env = await createTimeSkippingEnvAt(new Date('2026-03-05T09:00:00+08:00'));
  const county = { id: '411122', name: '临颍县', nameEn: 'Linying County', kind: 'county' as const, divisionCode: '411122' };
  const fact: ProjectFacts = {
    code: '2026-411122-13-03-000001', county: '411122', stage: 'started', signed: true, landed: true, plannedStartThisYear: true,
    startedThisYear: true, physicalProgress: 30, annualPlannedInvestment: 1000, investmentCompletedThisYear: 100, fundsInPlace: 100,
    approvalTasksClosed: 0, approvalTasksOnTime: 0, approvalWorkingDaysUsed: 0, approvalWorkingDaysAllowed: 0,
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: {
      ...createActivities({ publisher: quietPublisher, client: env.client, reportsDir: fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-record-')) }),
      // Read from a read model two events behind (v3 records the lag; older code ignores it).
      gatherProjectFacts: async ({ period }: { period: string }) => ({
        period,
        readAt: '2026-03-05T01:00:00.000Z',
        counties: [county],
        facts: [fact],
        skipped: [],
        readModel: { lag: 2, asOf: '2026-03-05T01:00:00.000Z', caughtUp: false },
      }),
    },
  });
  const running = worker.run();
  try {
    const handle = await env.client.workflow.start('fourCompareCheck', { taskQueue, workflowId: `four-compare-${period}`, args: [{ period, config: loadFourCompareConfig() }] });
    await handle.result();
    const runs = await saveChain(env.client, handle.workflowId, handle.firstExecutionRunId, name);
    console.log(`${name}: ${runs} runs recorded`);
  } finally {
    worker.shutdown();
    await running;
    await env.teardown();
  }
}

/**
 * One weekly meeting (周例会) from preparation to the end of its decisions window, its agenda
 * empty (stubbed live state). `weeklyMeeting.v1` was recorded before the draft agenda
 * (patched('meeting-draft-agenda')), `weeklyMeeting.v2` with it, `weeklyMeeting.v3` with one
 * agenda loader that answers the read model's lag (patched('meeting-agenda-read-model-lag');
 * `beforeLag` just before it).
 */
async function weeklyMeetingScenario(name: string): Promise<void> {
  const taskQueue = 'record-meeting';
  const env = await createTimeSkippingEnv();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: {
      ...createActivities({ publisher: quietPublisher }),
      loadProjectAgendaItems: async () => [],
      loadFollowUpAgendaItems: async () => [],
      // v3 (patched 'meeting-agenda-read-model-lag'): one loader, with the read model's lag.
      loadAgendaItems: async () => ({ items: [], readModel: { lag: 2, asOf: new Date().toISOString(), caughtUp: false } }),
    },
  });
  await worker.runUntil(async () => {
    const today = shanghaiDate(new Date(await env.currentTimeMs()));
    // A meeting two weeks ahead, so its reminders and decisions window all lie ahead.
    let nominalDate = addCalendarDays(today, 14);
    while (new Date(`${nominalDate}T00:00:00Z`).getUTCDay() !== 1) nominalDate = addCalendarDays(nominalDate, 1);
    const handle = await env.client.workflow.start('weeklyMeeting', { taskQueue, workflowId: `record-meeting-${nominalDate}`, args: [{ config: loadMeetingConfig(), nominalDate }] });
    await handle.result();
    const runs = await saveChain(env.client, handle.workflowId, handle.firstExecutionRunId, name);
    console.log(`${name}: ${runs} runs recorded`);
  });
  await env.teardown();
}

/**
 * v3: a review started at 2026-12-01 09:00 Shanghai (pinned) whose 30-working-day deadline is
 * counted on a provisional 2027, a return and resubmission, a 容缺 approval, then a 2027 notice
 * (TEST FIXTURE) loaded into the worker's calendar and `calendarChanged`: the recount
 * (patched 'review-calendar-recount'), then the approvals.
 */
async function reviewRecountScenario(name: string): Promise<void> {
  const taskQueue = 'record-review-recount';
  const env = await createTimeSkippingEnvAt(new Date('2026-12-01T09:00:00+08:00'));
  let view: CalendarRegistryView = { version: 0, notices: [] };
  const holidaysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-holidays-'));
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities: createActivities({ publisher: quietPublisher, calendarHolder: new CalendarHolder({ dir: holidaysDir, fetch: async () => view }) }),
  });
  const running = worker.run();
  try {
    const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    const ctx = { client, taskQueue };
    const code = '2026-411122-13-03-990003';
    const stage = 'engineeringPermit';
    const input = reviewStageInput({ code, name: '临颍现代家居产业园', county: '411122', leadDepartment: 'fgw' }, loadJointReviewConfig(), stage, 'xzsp:recorder');
    const started = await startReviewStage(ctx, input);
    const handle = client.workflow.getHandle(started.workflowId, started.runId);
    let state = null;
    for (let i = 0; i < 50 && !state; i += 1) {
      state = await handle.query(getReviewStateQuery).catch(() => null);
      if (!state) await new Promise((r) => setTimeout(r, 100));
    }
    const actor = (d: string) => ({ by: `${d}:recorder`, department: d });
    await env.sleep(24 * 3600 * 1000);
    await actOnTask(ctx, code, stage, { requestId: 'record-return', department: 'zrzy', actor: actor('zrzy'), action: 'returnForSupplement', reason: '缺少设计方案', missingMaterials: ['建设工程设计方案'] });
    await env.sleep(24 * 3600 * 1000);
    await resubmitTask(ctx, code, stage, { requestId: 'record-resubmit', department: 'zrzy', actor: { by: 'applicant:recorder' } });
    await actOnTask(ctx, code, stage, { requestId: 'record-missing', department: 'zjj', actor: actor('zjj'), action: 'approveWithMissing', reason: '容缺受理', missingMaterials: ['初步设计文件'] });
    const now = await handle.query(getReviewStateQuery);
    const notice = testNoticeFixture(provisionalYear(2027), now.tasks.filter((t) => t.deadlineDate.startsWith('2027-')).map((t) => t.deadlineDate));
    view = { version: 1, notices: [{ version: 1, loadedAt: new Date().toISOString(), by: 'recorder', arrangement: JSON.parse(JSON.stringify(notice)) }] };
    await handle.signal(calendarChangedSignal, { version: 1, year: 2027, documentNumber: notice.notice.documentNumber });
    for (let i = 0; i < 100; i += 1) {
      const s = await handle.query(getReviewStateQuery);
      if (s.tasks.some((t) => t.audit.some((a) => a.action === 'deadlineRecounted'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const d of input.stage.participants.map((p) => p.department).filter((d) => d !== 'zjj')) {
      await actOnTask(ctx, code, stage, { requestId: `record-approve-${d}`, department: d, actor: actor(d), action: 'approve' });
    }
    await submitMissingMaterial(ctx, code, stage, { requestId: 'record-material', department: 'zjj', actor: { by: 'applicant:recorder' } });
    await handle.result();
    const runs = await saveChain(client, started.workflowId, started.runId, name);
    console.log(`${name}: ${runs} runs recorded`);
  } finally {
    worker.shutdown();
    await running;
    await env.teardown();
  }
}

/**
 * Projects brought over with their dates (patches lifecycle-listed-on, lifecycle-report-latest-due-month,
 * review-accepted-at): one under construction listed on 1 January whose reports are imported newest
 * first with the last months missing (it stalls for the latest month due), and one in preliminary
 * work whose first review was accepted six weeks ago (overdue at once); the reviews' histories too.
 */
async function projectListedOnScenario(name: string): Promise<void> {
  const taskQueue = 'record-listed-on';
  await recording(taskQueue, async (env) => {
    const ctx = { client: env.client, taskQueue, jointReviewConfig: loadJointReviewConfig() };
    const today = shanghaiDate(new Date(await env.currentTimeMs()));
    const prelim = aProject({ stage: 'preliminary', category: 'preliminary' });
    const p2 = await registerProject(ctx, { ...prelim, reviewAcceptedOn: addCalendarDays(today, -42) }, 'recorder');
    let review;
    for (let i = 0; i < 100 && !review; i += 1) {
      review = await getReviewState(ctx, prelim.code, 'landUsePlanning').catch(() => undefined);
      if (!review) await new Promise((r) => setTimeout(r, 100));
    }
    if (!review) throw new Error('the review did not start');
    await actOnTask(ctx, prelim.code, 'landUsePlanning', { requestId: 'record-listed-fgw', department: 'fgw', actor: { by: 'fgw:recorder', department: 'fgw' }, action: 'approve' });
    await transitionProject(ctx, prelim.code, { requestId: 'record-listed-withdraw-2', to: 'withdrawn', reason: '项目选址调整', actor: { by: 'recorder' } });
    await env.client.workflow.getHandle(p2.workflowId).result();
    console.log(`${name}.preliminary: ${await saveChain(env.client, p2.workflowId, p2.runId, `${name}.preliminary`)} runs recorded`);
    const reviewId = `review-${prelim.code}-landUsePlanning`;
    await env.client.workflow.getHandle(reviewId).result().catch(() => undefined);
    const { runId } = await env.client.workflow.getHandle(reviewId).describe();
    console.log(`${name}.review: ${await saveChain(env.client, reviewId, runId, `${name}.review-landUsePlanning`)} runs recorded`);

    // Waiting on the results let the server skip ahead: the listing day is in the server's year now.
    const later = new Date(await env.currentTimeMs());
    const year = shanghaiDate(later).slice(0, 4);
    const project = aProject({ stage: 'underConstruction', category: 'continuing', annualPlannedInvestment: 1200 });
    const started = await registerProject({ ...ctx, now: () => later }, { ...project, listedOn: `${year}-01-01` }, 'recorder');
    const months: string[] = [];
    for (let m = `${year}-01`; m < addMonths(monthOf(shanghaiDate(later)), -3); m = addMonths(m, 1)) months.push(m);
    for (const [i, m] of [...months.entries()].reverse()) {
      await reportProgress(ctx, project.code, { requestId: `record-listed-${m}`, month: m, investmentThisMonth: 100, investmentToDate: 100 * (i + 1), physicalProgress: 5 + i, actor: { by: 'recorder' } });
    }
    for (let i = 0; i < 100 && months.length > 0 && !(await getProjectState(ctx, project.code)).stall; i += 1) await new Promise((r) => setTimeout(r, 100));
    await transitionProject(ctx, project.code, { requestId: 'record-listed-withdraw', to: 'withdrawn', reason: '企业投资计划调整', actor: { by: 'recorder' } });
    await env.client.workflow.getHandle(started.workflowId).result();
    console.log(`${name}: ${await saveChain(env.client, started.workflowId, started.runId, name)} runs recorded`);
  });
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const only = process.argv.slice(2).find((a) => !a.startsWith('--'));
  // KEYFLOW_REPLAY_NAME records a scenario under a new name, e.g. before a workflow change (projectLifecycle.beforeAudit).
  if (!only || only === 'projectLifecycle') await projectLifecycleV1(only ? process.env.KEYFLOW_REPLAY_NAME : undefined);
  if (!only || only === 'projectPreliminary') await projectPreliminaryV1();
  if (!only || only === 'projectThroughReview') await projectThroughReviewV2();
  // With its reviews' histories, e.g. before and after the reviews forward their actions to the project's chain.
  if (only === 'projectThroughReviewWithReviews') await projectThroughReviewV2(process.env.KEYFLOW_REPLAY_NAME ?? 'projectLifecycle.throughReview.v3', true);
  if (!only || only === 'reviewStage') await reviewStageScenario(process.env.KEYFLOW_REPLAY_NAME ?? 'reviewStage.v3');
  if (!only || only === 'fourCompareCheck') await fourCompareCheckScenario(process.env.KEYFLOW_REPLAY_NAME ?? 'fourCompareCheck.v3', '2026-02');
  if (!only || only === 'reviewRecount') await reviewRecountScenario(process.env.KEYFLOW_REPLAY_NAME ?? 'reviewStage.recount.v3');
  if (!only || only === 'projectListedOn') await projectListedOnScenario(process.env.KEYFLOW_REPLAY_NAME ?? 'projectLifecycle.listedOn.v1');
  if (!only || only === 'weeklyMeeting') await weeklyMeetingScenario(process.env.KEYFLOW_REPLAY_NAME ?? 'weeklyMeeting.v3');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
