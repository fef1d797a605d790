import v8 from 'node:v8';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, ActivityDeps } from '../activities';
import { KeyflowEnv } from '../config/env';
import { preloadModules } from './preload';

/**
 * Worker memory one cached workflow takes, in KiB of RSS, with zod, the schemas and the pure rules
 * preloaded, rounded up from the bench's scale step (`RSS per cached workflow`: 333–470 KiB in
 * runs on 2026-12-02, after a full collection; the bare workflow's in the same runs: 247–270,
 * docs/benchmarks.md). Most of it is the SDK's own per-workflow state outside the JS heap; the
 * JS heap a keyflow workflow keeps is about 30 KiB.
 */
export const CACHED_WORKFLOW_KIB = 480;
/** What the worker needs besides its cache (the bundle, the SDK, the activities, kafkajs), with headroom below the heap limit. */
export const WORKER_BASE_MIB = 1024;

/**
 * The memory the worker is given, in MiB: KEYFLOW_WORKER_MEMORY_MIB when set, else the V8 heap
 * limit (node's --max-old-space-size, or V8's default for this machine), since that is where
 * the cached workflows live.
 */
export function workerMemoryMiB(env: NodeJS.ProcessEnv = process.env): number {
  const given = KeyflowEnv.shape.KEYFLOW_WORKER_MEMORY_MIB.safeParse(env.KEYFLOW_WORKER_MEMORY_MIB);
  if (!given.success) throw new Error(`keyflow: bad environment: KEYFLOW_WORKER_MEMORY_MIB: ${given.error.issues[0]?.message}`);
  if (given.data !== undefined) return given.data;
  return Math.floor(v8.getHeapStatistics().heap_size_limit / (1024 * 1024));
}

/**
 * The rule for the workflow cache: (memory − WORKER_BASE_MIB) ÷ CACHED_WORKFLOW_KIB, at least
 * 100 and at most 50,000. An evicted workflow is replayed on its next task, never lost, so a
 * cache smaller than the live workflows costs CPU, not correctness.
 */
export function cacheSizeFor(memoryMiB: number): number {
  return Math.min(50_000, Math.max(100, Math.floor(((memoryMiB - WORKER_BASE_MIB) * 1024) / CACHED_WORKFLOW_KIB)));
}

/** The cache rule and its inputs, in one line for the worker's start-up log. */
export function cacheRule(memoryMiB = workerMemoryMiB()): string {
  return `maxCachedWorkflows ${cacheSizeFor(memoryMiB)} = (${memoryMiB} MiB given − ${WORKER_BASE_MIB} MiB base) ÷ ${CACHED_WORKFLOW_KIB} KiB per cached workflow (set KEYFLOW_WORKER_MEMORY_MIB or node --max-old-space-size to change it)`;
}

/**
 * Worker settings, with why:
 * - the workflow cache holds project workflows between tasks, sized from the memory the worker
 *   is given (cacheSizeFor); an evicted workflow is only replayed, never lost;
 * - activities are short Kafka sends, so a modest concurrency keeps the broker from being
 *   flooded after an outage while the backlog drains.
 */
export const WORKER_DEFAULTS = {
  maxCachedWorkflows: cacheSizeFor(workerMemoryMiB()),
  maxConcurrentActivityTaskExecutions: 50,
  maxConcurrentWorkflowTaskExecutions: 40,
};

export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  identity?: string;
  settings?: Partial<typeof WORKER_DEFAULTS>;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    bundlerOptions: { preloadModules: preloadModules() },
    activities: createActivities(opts.deps),
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...WORKER_DEFAULTS,
    ...opts.settings,
  });
}
