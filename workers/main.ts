/**
 * The keyflow worker process, for a deployment that runs Temporal and Kafka itself
 * (docker-compose, or TEMPORAL_ADDRESS and KAFKA_BROKERS set). The local run command starts
 * the same worker in-process instead.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { kafkaPublisher } from '../activities/events/publisher';
import { readEnv } from '../config/env';
import { loadCalendar } from '../seeds/holidays';
import { ensureCalendarRegistry, workerCalendarHolder } from '../client/calendar';
import { cacheRule, createWorker } from './worker';

async function main(): Promise<void> {
  const env = readEnv();
  if (!env.TEMPORAL_ADDRESS || !env.KAFKA_BROKERS) {
    throw new Error('workers/main.ts needs TEMPORAL_ADDRESS and KAFKA_BROKERS; use `npm start` to run the local stack');
  }
  const calendar = loadCalendar(env.KEYFLOW_HOLIDAYS_DIR);
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const clientConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: env.TEMPORAL_NAMESPACE });
  // Notices loaded through the calendar registry reach the worker without a restart.
  const calendarHolder = workerCalendarHolder(client, env.KEYFLOW_HOLIDAYS_DIR);
  const publisher = kafkaPublisher({ brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID });
  const worker = await createWorker({
    connection,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.KEYFLOW_TASK_QUEUE,
    deps: { publisher, client, calendar, calendarHolder },
  });
  await ensureCalendarRegistry({ client, taskQueue: env.KEYFLOW_TASK_QUEUE });
  console.log(`keyflow worker on task queue ${env.KEYFLOW_TASK_QUEUE} at ${env.TEMPORAL_ADDRESS}; ${cacheRule()}`);
  await worker.run();
  await publisher.close();
  await clientConnection.close();
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
