/**
 * Scale: many live project workflows on one dev server and one worker. Each project is
 * registered in preliminary work (前期), so its lifecycle starts the first joint-review stage
 * (立项用地规划许可, four departments) as a child: two live workflows per project. Measured per
 * step: worker memory (RSS of the worker process) before and after, CPU per project added, and
 * how long a weekly agenda (the meeting's agenda source over every running project) and one
 * department's inbox (every review it holds a task in) take to compile. After the last step the
 * worker is restarted and both are compiled again with an empty cache ("cold"): every workflow
 * is replayed from its history to answer, as beyond the cache size.
 */
import type { Client } from '@temporalio/client';
import { loadProjectAgendaItems } from '../activities/meeting/agendaSource';
import { registerProject, type ClientContext } from '../client/projects';
import { departmentInbox } from '../client/reviews';
import { SA } from '../schemas/searchAttributes';
import { TOPICS } from '../schemas/topics';
import { loadCalendar } from '../seeds/holidays';
import { loadJointReviewConfig } from '../seeds/jointReview';
import { loadMeetingConfig } from '../seeds/meetingConfig';
import { WORKER_DEFAULTS } from '../workers/worker';
import { startChildWorker, type ChildWorker } from './childWorker';
import { cpuMeter, type CpuSeconds } from './cpu';
import { benchCode, benchProject, pool, range } from './fixtures';
import { topicMessageCount } from './kafka';
import type { Progress } from './progress';

const INBOX_DEPARTMENT = 'fgw';
const STARTER_CONCURRENCY = 64;
const AGENDA_BUDGET_MS = 90_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Compiled {
  /** `unread`: projects that did not answer their state query and were listed from the index. */
  agenda: { seconds: number; projectsQueried: number; items: number; unread?: number; error?: string };
  inbox: { department: string; seconds: number; items: number; error?: string };
  /** CPU of client, worker, Temporal and Kafka while compiling both. */
  cpu: CpuSeconds;
  rssAfterBytes: number;
}

export interface ScaleStep {
  projects: number;
  liveWorkflows: number;
  registerSeconds: number;
  registrationsPerSecond: number;
  /** From the last registration until every project's and review's start events were on Kafka (or the settle limit). */
  settleSeconds: number;
  /** Whether everything settled within the limit; what had arrived by then. */
  settled: boolean;
  settleCounts: { registeredEvents: Reached; assignmentEvents: Reached; reviewsVisible: Reached };
  /** CPU used from the first registration until settled, and per project added. */
  cpu: CpuSeconds;
  cpuSecondsPerProject: number;
  rssIdleBytes: number;
  rssLiveBytes: number;
  cachedWorkflows: number;
  bytesPerCachedWorkflow: number;
  /** V8 heap in use (after a full collection) idle and live, and its growth per cached workflow. */
  heapIdleBytes: number;
  heapLiveBytes: number;
  heapBytesPerCachedWorkflow: number;
  bytesPerLiveWorkflow: number;
  /** Agenda and inbox compiled by the worker that ran the step (its cache as the step left it). */
  warm: Compiled;
}

export interface BareMemory {
  workflows: number;
  idle: Memory;
  live: Memory;
  rssPerWorkflow: number;
  heapPerWorkflow: number;
}

export interface ScaleResult {
  workerSettings: Record<string, number>;
  reviewDepartments: number;
  steps: ScaleStep[];
  /** The bare workflow's memory at the first step's count of cached workflows. */
  bare?: BareMemory;
  /** The last step compiled again by a freshly started worker (empty cache). */
  cold?: Compiled & { projects: number; rssIdleBytes: number };
}

/** A worker's memory: resident (RSS) and its V8 heap in use, both after a full garbage collection. */
interface Memory {
  rss: number;
  heap: number;
}

/**
 * After a full garbage collection in the worker (what it keeps, not garbage a collection would
 * free), the median of a few RSS readings a moment apart and the V8 heap in use.
 */
async function steadyMemory(w: Pick<ChildWorker, 'rss' | 'memory'>): Promise<Memory> {
  const { heapUsed } = await w.memory();
  await sleep(500);
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    xs.push(w.rss());
    await sleep(500);
  }
  return { rss: xs.sort((a, b) => a - b)[2]!, heap: heapUsed };
}

/**
 * The bare workflow's memory at the same count of cached workflows, on its own worker process with
 * the same settings: what the SDK itself keeps per cached workflow (its core's state machines and
 * buffers, the V8 context's per-workflow globals), against which keyflow's figure is read.
 */
async function bareMemory(opts: { client: Client; temporalAddress: string; brokers: string[]; logDir: string; count: number; onWorker: (w: ChildWorker) => void }): Promise<BareMemory> {
  const taskQueue = 'bench-scale-bare';
  const w = await startChildWorker({ kind: 'baseline', temporalAddress: opts.temporalAddress, kafkaBrokers: opts.brokers, taskQueue, logFile: `${opts.logDir}/worker-scale-bare.log` });
  opts.onWorker(w);
  try {
    await sleep(3000);
    const idle = await steadyMemory(w);
    const ids = range(0, opts.count).map((i) => `bench-scale-bare-${Date.now()}-${i}`);
    await pool(ids, STARTER_CONCURRENCY, async (workflowId) => {
      const h = await opts.client.workflow.start('bareReview', { taskQueue, workflowId, args: [1_000_000] });
      // Answered by the worker: the workflow is in its cache.
      await h.query('__stack_trace');
    });
    await sleep(3000);
    const live = await steadyMemory(w);
    await pool(ids, STARTER_CONCURRENCY, async (id) => void (await opts.client.workflow.getHandle(id).terminate('bench: memory measured')));
    return { workflows: opts.count, idle, live, rssPerWorkflow: (live.rss - idle.rss) / opts.count, heapPerWorkflow: (live.heap - idle.heap) / opts.count };
  } finally {
    await w.stop();
  }
}

/** How far a wait got: `seen` of `target`, and whether it got there before its deadline. */
interface Reached {
  seen: number;
  target: number;
  complete: boolean;
  /** The count stopped moving for the stall time before it was complete (the step went on to its next count). */
  stalledAfterSeconds?: number;
}

/**
 * Waits until `read()` reaches `target`. Gives up (incomplete, not an error) at `deadline`: a
 * step the stack cannot settle in time is measured as far as it got, and reported so. A count
 * that does not move for `stallMs` is reported as stuck: something is held, not slow.
 */
async function waitFor(what: string, progress: Progress, target: number, read: () => Promise<number>, deadline: number, stallMs = 180_000): Promise<Reached> {
  progress.start(what, target);
  let seen = 0;
  let movedAt = Date.now();
  for (;;) {
    const now = await read();
    if (now > seen) {
      progress.tick(now - seen);
      seen = now;
      movedAt = Date.now();
    }
    if (seen >= target) break;
    if (Date.now() >= deadline) {
      progress.finish(`not settled: ${seen}/${target} at the settle limit`);
      return { seen, target, complete: false };
    }
    // Stuck, not slow: said so, and the step goes on to its other counts so they are measured too.
    if (Date.now() - movedAt > stallMs) {
      progress.finish(`stuck at ${seen}/${target} for ${stallMs / 1000} s`);
      return { seen, target, complete: false, stalledAfterSeconds: stallMs / 1000 };
    }
    await sleep(1000);
  }
  progress.finish('done');
  return { seen, target, complete: true };
}

export async function measureScale(opts: {
  client: Client;
  temporalAddress: string;
  brokers: string[];
  pids: { temporal: number; kafka: number };
  steps: number[];
  cold: boolean;
  nextSerial: () => number;
  progress: Progress;
  logDir: string;
  /** Longest wait for a step to settle before it is measured as it stands. */
  settleLimitMs: number;
  /** Told of every worker process started, so an interrupted run can stop it. */
  onWorker: (w: ChildWorker) => void;
}): Promise<ScaleResult> {
  const { client, progress } = opts;
  const taskQueue = 'bench-scale';
  const ctx: ClientContext = { client, taskQueue, jointReviewConfig: loadJointReviewConfig() };
  const reviewDepartments = ctx.jointReviewConfig!.stages[0]!.participants.length;
  const names = { directory: loadMeetingConfig().directory };
  const calendar = loadCalendar();
  let generation = 0;
  const freshWorker = async () => {
    generation += 1;
    const w = await startChildWorker({ kind: 'keyflow', temporalAddress: opts.temporalAddress, kafkaBrokers: opts.brokers, taskQueue, logFile: `${opts.logDir}/worker-scale-${generation}.log` });
    opts.onWorker(w);
    await sleep(3000);
    const idle = await steadyMemory(w);
    return { worker: w, rssIdle: idle.rss, heapIdle: idle.heap };
  };
  const meterOf = (w: ChildWorker) => cpuMeter({ client: process.pid, worker: w.pid, temporal: opts.pids.temporal, kafka: opts.pids.kafka });

  const compile = async (w: ChildWorker, label: string): Promise<Compiled> => {
    const meter = meterOf(w);
    const projectsQueried = (await client.workflow.count(`${SA.kind.name}='project' AND ExecutionStatus='Running'`)).count;
    progress.note(`${label}: compiling the weekly agenda over ${projectsQueried} running projects…`);
    // A failure is a result here too (e.g. a query timing out behind the worker's backlog): recorded, not fatal.
    const a0 = performance.now();
    let unread = 0;
    const agendaItems = await loadProjectAgendaItems(client, new Date().toISOString(), names, calendar, {
      // As the meeting's agenda activity does: stop asking 30 s before its 2-minute timeout.
      deadline: Date.now() + AGENDA_BUDGET_MS,
      onUnread: (codes) => {
        unread = codes.length;
      },
    }).catch((err: unknown) => err as Error);
    const agendaSeconds = (performance.now() - a0) / 1000;
    const agendaError = agendaItems instanceof Error ? agendaItems.message : undefined;
    progress.note(`${label}: agenda in ${agendaSeconds.toFixed(1)} s (${agendaError ?? `${(agendaItems as unknown[]).length} items, ${unread} projects read from the index`}); inbox of ${INBOX_DEPARTMENT}…`);
    const i0 = performance.now();
    const inbox = await departmentInbox(ctx, INBOX_DEPARTMENT).catch((err: unknown) => err as Error);
    const inboxSeconds = (performance.now() - i0) / 1000;
    const inboxError = inbox instanceof Error ? inbox.message : undefined;
    const cpu = meter.stop();
    progress.note(`${label}: inbox of ${INBOX_DEPARTMENT}: ${inboxError ?? `${(inbox as unknown[]).length} items`} in ${inboxSeconds.toFixed(1)} s`);
    return {
      agenda: { seconds: agendaSeconds, projectsQueried, items: agendaError ? 0 : (agendaItems as unknown[]).length, unread, ...(agendaError ? { error: agendaError } : {}) },
      inbox: { department: INBOX_DEPARTMENT, seconds: inboxSeconds, items: inboxError ? 0 : (inbox as unknown[]).length, ...(inboxError ? { error: inboxError } : {}) },
      cpu,
      rssAfterBytes: (await steadyMemory(w)).rss,
    };
  };

  progress.note('scale: starting a fresh keyflow worker process');
  let { worker, rssIdle, heapIdle } = await freshWorker();
  try {
    progress.note(`scale: worker idle at ${(rssIdle / 2 ** 20).toFixed(0)} MiB RSS`);
    const projectsBase = await topicMessageCount(opts.brokers, TOPICS.projects);
    const reviewsBase = await topicMessageCount(opts.brokers, TOPICS.reviews);
    const steps: ScaleStep[] = [];
    let live = 0;
    for (const target of [...new Set(opts.steps)].sort((a, b) => a - b)) {
      const codes = range(0, target - live).map(() => benchCode(opts.nextSerial(), '01'));
      const meter = meterOf(worker);
      progress.start(`scale ${target}: registering ${codes.length} projects (${STARTER_CONCURRENCY} at once)`, codes.length);
      const r0 = performance.now();
      await pool(codes, STARTER_CONCURRENCY, async (code) => {
        await registerProject(ctx, benchProject(code), 'bench');
        progress.tick();
      });
      const registerSeconds = (performance.now() - r0) / 1000;
      progress.finish(`${(codes.length / registerSeconds).toFixed(0)} registrations/s`);
      live = target;

      const s0 = performance.now();
      const deadline = Date.now() + opts.settleLimitMs;
      const registeredEvents = await waitFor(`scale ${target}: project registered events on Kafka`, progress, live, async () => (await topicMessageCount(opts.brokers, TOPICS.projects)) - projectsBase, deadline);
      const assignmentEvents = await waitFor(
        `scale ${target}: review task assignments on Kafka`,
        progress,
        live * reviewDepartments,
        async () => (await topicMessageCount(opts.brokers, TOPICS.reviews)) - reviewsBase,
        deadline,
      );
      const inboxQuery = `${SA.kind.name} = 'review-stage' AND ${SA.openDepartments.name} = '${INBOX_DEPARTMENT}' AND ExecutionStatus = 'Running'`;
      const reviewsVisible = await waitFor(`scale ${target}: reviews visible to the inbox query`, progress, live, async () => (await client.workflow.count(inboxQuery)).count, deadline);
      const settleSeconds = (performance.now() - s0) / 1000;
      const cpu = meter.stop();

      await sleep(3000);
      const { rss: rssLive, heap: heapLive } = await steadyMemory(worker);
      const liveWorkflows = 2 * live;
      const cached = Math.min(liveWorkflows, WORKER_DEFAULTS.maxCachedWorkflows);
      const compiled = await compile(worker, `scale ${target}`);
      steps.push({
        projects: live,
        liveWorkflows,
        registerSeconds,
        registrationsPerSecond: codes.length / registerSeconds,
        settleSeconds,
        settled: registeredEvents.complete && assignmentEvents.complete && reviewsVisible.complete,
        settleCounts: { registeredEvents, assignmentEvents, reviewsVisible },
        cpu,
        cpuSecondsPerProject: cpu.total! / codes.length,
        rssIdleBytes: rssIdle,
        rssLiveBytes: rssLive,
        cachedWorkflows: cached,
        bytesPerCachedWorkflow: (rssLive - rssIdle) / cached,
        heapIdleBytes: heapIdle,
        heapLiveBytes: heapLive,
        heapBytesPerCachedWorkflow: (heapLive - heapIdle) / cached,
        bytesPerLiveWorkflow: (rssLive - rssIdle) / liveWorkflows,
        warm: compiled,
      });
    }
    // The SDK's own share, at the first step's count (bounded: a bare worker beside a loaded server).
    const first = steps[0];
    const bare = first ? await bareMemory({ ...opts, count: Math.min(first.cachedWorkflows, 2000) }) : undefined;
    let cold: ScaleResult['cold'];
    if (opts.cold && live > 0) {
      progress.note(`scale ${live}: restarting the worker (empty cache) to compile again cold…`);
      await worker.stop();
      ({ worker, rssIdle, heapIdle } = await freshWorker());
      cold = { projects: live, rssIdleBytes: rssIdle, ...(await compile(worker, `scale ${live} cold`)) };
    }
    return { workerSettings: { ...WORKER_DEFAULTS }, reviewDepartments, steps, ...(bare ? { bare } : {}), ...(cold ? { cold } : {}) };
  } finally {
    await worker.stop();
  }
}
