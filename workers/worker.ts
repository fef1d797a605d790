import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, ActivityDeps } from '../activities';
import { preloadModules } from './preload';

/**
 * Worker settings, with why:
 * - the workflow cache holds project workflows between tasks; a few hundred key projects plus
 *   their review stages fit easily, and an evicted workflow is only replayed, never lost;
 * - activities are short Kafka sends, so a modest concurrency keeps the broker from being
 *   flooded after an outage while the backlog drains.
 */
export const WORKER_DEFAULTS = {
  maxCachedWorkflows: 2000,
  maxConcurrentActivityTaskExecutions: 50,
  maxConcurrentWorkflowTaskExecutions: 40,
} as const;

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
