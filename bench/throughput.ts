/**
 * Throughput: projects through a full joint review — one stage, five departments approving —
 * per second, against a bare workflow taking the same five updates. Same client, same number
 * of projects, same number in flight, each worker in its own process with the same settings.
 * The client acts as soon as the review is started: its updates are registered before its first
 * await and queue behind the start's deadlines. A keyflow project counts once its review
 * workflow has returned, which it does only after its outbox has published all 11 events
 * (5 assigned, 5 decided, stage completed) to Kafka.
 */
import type { Client } from '@temporalio/client';
import { actOnTask, startReviewStage } from '../client/reviews';
import { reviewStageWorkflowId } from '../workflows/review/messages';
import type { bareReview } from './workflows';
import { bareUpdate } from './workflows';
import { approval, BENCH_DEPARTMENTS, BENCH_STAGE, benchCode, benchReview, pool, range } from './fixtures';
import { cpuMeter, type CpuSeconds } from './cpu';
import type { Progress } from './progress';

export const EVENTS_PER_REVIEW = 2 * BENCH_DEPARTMENTS.length + 1;

export interface Queues {
  client: Client;
  keyflow: string;
  baseline: string;
}

/** Process ids of the engines and the two workers, for CPU accounting. */
export interface Pids {
  temporal: number;
  kafka: number;
  keyflowWorker: number;
  baselineWorker: number;
}

/** One project's joint review, start to finish. */
export async function keyflowReview(client: Client, taskQueue: string, code: string): Promise<void> {
  const ctx = { client, taskQueue };
  await startReviewStage(ctx, benchReview(code));
  await Promise.all(BENCH_DEPARTMENTS.map((d) => actOnTask(ctx, code, BENCH_STAGE, approval(code, d))));
  await client.workflow.getHandle(reviewStageWorkflowId(code, BENCH_STAGE)).result();
}

/** The baseline's counterpart: start, the same number of updates at once, result. */
export async function bareRun(client: Client, taskQueue: string, workflowId: string): Promise<void> {
  const handle = await client.workflow.start<typeof bareReview>('bareReview', { taskQueue, workflowId, args: [BENCH_DEPARTMENTS.length] });
  await Promise.all(BENCH_DEPARTMENTS.map((d) => handle.executeUpdate(bareUpdate, { args: [`${workflowId}:${d}`] })));
  await handle.result();
}

export interface ThroughputResult {
  projects: number;
  concurrency: number;
  keyflow: { seconds: number; projectsPerSecond: number; eventsPerSecond: number; cpu: CpuSeconds; cpuSecondsPerProject: number };
  baseline: { seconds: number; projectsPerSecond: number; cpu: CpuSeconds; cpuSecondsPerProject: number };
}

export async function measureThroughput(opts: {
  queues: Queues;
  pids: Pids;
  projects: number;
  concurrency: number;
  warmup: number;
  nextSerial: () => number;
  progress: Progress;
}): Promise<ThroughputResult> {
  const { queues, projects, concurrency, progress } = opts;
  const codes = (n: number) => range(0, n).map(() => benchCode(opts.nextSerial()));
  const bareIds = (n: number, tag: string) => range(0, n).map((i) => `bare-${tag}-${opts.nextSerial()}-${i}`);

  progress.start('throughput warm-up', 2 * opts.warmup);
  await pool(codes(opts.warmup), concurrency, async (c) => {
    await keyflowReview(queues.client, queues.keyflow, c);
    progress.tick();
  });
  await pool(bareIds(opts.warmup, 'warm'), concurrency, async (id) => {
    await bareRun(queues.client, queues.baseline, id);
    progress.tick();
  });
  progress.finish('done');

  const baselineIds = bareIds(projects, 'tp');
  progress.start('throughput baseline (bare workflow, 5 updates)', projects);
  const { pids } = opts;
  const bCpu = cpuMeter({ client: process.pid, worker: pids.baselineWorker, temporal: pids.temporal, kafka: pids.kafka });
  const b0 = performance.now();
  await pool(baselineIds, concurrency, async (id) => {
    await bareRun(queues.client, queues.baseline, id);
    progress.tick();
  });
  const baselineSeconds = (performance.now() - b0) / 1000;
  const baselineCpu = bCpu.stop();
  progress.finish(`${(projects / baselineSeconds).toFixed(1)} projects/s`);

  const keyflowCodes = codes(projects);
  progress.start('throughput keyflow (joint review, 5 approvals, 11 events)', projects);
  const kCpu = cpuMeter({ client: process.pid, worker: pids.keyflowWorker, temporal: pids.temporal, kafka: pids.kafka });
  const k0 = performance.now();
  await pool(keyflowCodes, concurrency, async (c) => {
    await keyflowReview(queues.client, queues.keyflow, c);
    progress.tick();
  });
  const keyflowSeconds = (performance.now() - k0) / 1000;
  const keyflowCpu = kCpu.stop();
  progress.finish(`${(projects / keyflowSeconds).toFixed(1)} projects/s`);

  return {
    projects,
    concurrency,
    keyflow: {
      seconds: keyflowSeconds,
      projectsPerSecond: projects / keyflowSeconds,
      eventsPerSecond: (projects * EVENTS_PER_REVIEW) / keyflowSeconds,
      cpu: keyflowCpu,
      cpuSecondsPerProject: keyflowCpu.total! / projects,
    },
    baseline: { seconds: baselineSeconds, projectsPerSecond: projects / baselineSeconds, cpu: baselineCpu, cpuSecondsPerProject: baselineCpu.total! / projects },
  };
}
