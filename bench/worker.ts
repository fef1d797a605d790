/**
 * A worker process for the benchmark, started by bench/run.ts as a child so its memory can be
 * read from /proc and it competes with the measuring client like a real deployment would.
 * `BENCH_WORKER_KIND=keyflow` runs keyflow's workflows and activities exactly as
 * workers/main.ts does (same createWorker, same deps); `baseline` runs only the bare workflow of
 * bench/workflows. Settings: WORKER_DEFAULTS, overridden by `BENCH_WORKER_SETTINGS` (JSON).
 * Prints one line `ready` on stdout once it polls.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { kafkaPublisher } from '../activities/events/publisher';
import { loadCalendar } from '../seeds/holidays';
import { createWorker, WORKER_DEFAULTS } from '../workers/worker';

// The scale step reads this process's memory after a full collection (bench/childWorker.ts memory);
// asked on stdin, as the Temporal runtime takes SIGUSR2 for a shutdown.
process.stdin.on('data', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.stdout.write(`mem ${JSON.stringify({ heapUsed, rss })}\n`);
});

async function main(): Promise<void> {
  const kind = process.env.BENCH_WORKER_KIND;
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.BENCH_TASK_QUEUE;
  if ((kind !== 'keyflow' && kind !== 'baseline') || !address || !taskQueue) {
    throw new Error('bench/worker.ts needs BENCH_WORKER_KIND (keyflow|baseline), TEMPORAL_ADDRESS and BENCH_TASK_QUEUE');
  }
  const settings = { ...WORKER_DEFAULTS, ...(JSON.parse(process.env.BENCH_WORKER_SETTINGS ?? '{}') as Partial<typeof WORKER_DEFAULTS>) };
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const connection = await NativeConnection.connect({ address });
  const closers: Array<() => Promise<void>> = [() => connection.close()];
  let worker: Worker;
  if (kind === 'keyflow') {
    const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
    if (brokers.length === 0) throw new Error('the keyflow bench worker needs KAFKA_BROKERS');
    const clientConnection = await Connection.connect({ address });
    const client = new Client({ connection: clientConnection, namespace });
    const publisher = kafkaPublisher({ brokers, clientId: 'keyflow-bench-worker' });
    closers.unshift(() => publisher.close(), () => clientConnection.close());
    worker = await createWorker({ connection, namespace, taskQueue, deps: { publisher, client, calendar: loadCalendar() }, settings });
  } else {
    worker = await Worker.create({ connection, namespace, taskQueue, workflowsPath: require.resolve('./workflows'), ...settings });
  }
  const running = worker.run();
  process.stdout.write(`ready ${JSON.stringify(settings)}\n`);
  await running;
  for (const close of closers) await close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
