import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaPublisher, EventPublisher } from '../../activities/events/publisher';
import { parseEvent } from '../../schemas/events/catalog';
import { CloudEvent } from '../../schemas/events/envelope';
import type { WorkingDayCalendar } from '../../domain/calendar';
import { ensureCalendarRegistry, workerCalendarHolder } from '../../client/calendar';
import { loadCalendar } from '../../seeds/holidays';
import { createWorker } from '../../workers/worker';

/** The real stack that test/support/globalSetup.ts started. */
export function e2eEndpoints() {
  const temporalAddress = process.env.KEYFLOW_E2E_TEMPORAL;
  const kafka = process.env.KEYFLOW_E2E_KAFKA;
  if (!temporalAddress || !kafka) throw new Error('e2e stack not started: run through jest --selectProjects e2e');
  return { temporalAddress, namespace: process.env.KEYFLOW_E2E_NAMESPACE ?? 'default', kafkaBrokers: kafka.split(',') };
}

let seq = 0;
/** A task queue of the test file's own, so parallel test files never take each other's tasks. */
export function uniqueTaskQueue(name: string): string {
  seq += 1;
  return `test-${name}-${process.pid}-${seq}-${Date.now().toString(36)}`;
}

export interface E2EHarness {
  client: Client;
  taskQueue: string;
  publisher: EventPublisher;
  worker: Worker;
  stop(): Promise<void>;
}

/**
 * Client + a running worker with the real Kafka publisher, against the real dev server.
 * `namespace`: a namespace of the test's own (test/support/namespace.ts), for tests whose
 * listings must not see other test files' workflows.
 */
export async function startHarness(name: string, opts: { namespace?: string; calendar?: WorkingDayCalendar; calendarRegistry?: boolean } = {}): Promise<E2EHarness> {
  const ep = e2eEndpoints();
  const namespace = opts.namespace ?? ep.namespace;
  const taskQueue = uniqueTaskQueue(name);
  const connection = await Connection.connect({ address: ep.temporalAddress });
  const client = new Client({ connection, namespace });
  const nativeConnection = await NativeConnection.connect({ address: ep.temporalAddress });
  const publisher = kafkaPublisher({ brokers: ep.kafkaBrokers, clientId: `test-${name}` });
  let worker: Worker;
  let stopHolder = (): void => undefined;
  try {
    // With calendarRegistry (use an isolated namespace: the registry is one per namespace and runs
    // on this harness's task queue), the worker's calendar follows notices loaded at run time.
    const calendarHolder = opts.calendarRegistry ? workerCalendarHolder(client) : undefined;
    worker = await createWorker({
      connection: nativeConnection,
      namespace,
      taskQueue,
      // The worker's own calendar (notices on disk and provisional years), as `npm start` runs it.
      deps: { publisher, client, calendar: opts.calendar ?? loadCalendar(), ...(calendarHolder ? { calendarHolder } : {}) },
    });
    if (calendarHolder) {
      stopHolder = () => calendarHolder.stop();
      await ensureCalendarRegistry({ client, taskQueue });
    }
  } catch (err) {
    await Promise.allSettled([publisher.close(), nativeConnection.close(), connection.close()]);
    throw err;
  }
  const running = worker.run();
  return {
    client,
    taskQueue,
    publisher,
    worker,
    async stop() {
      stopHolder();
      worker.shutdown();
      await running;
      await publisher.close();
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/**
 * Reads a topic from the beginning with a fresh consumer group until `done` says enough has
 * arrived; every message is validated against the envelope and its type's schema.
 */
export async function readEvents(
  topic: string,
  done: (events: CloudEvent[]) => boolean,
  opts: { timeoutMs?: number; filter?: (e: CloudEvent) => boolean } = {},
): Promise<CloudEvent[]> {
  const kafka = new Kafka({ clientId: 'keyflow-test-reader', brokers: e2eEndpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-reader-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  const events: CloudEvent[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out reading ${topic}; got ${events.length} events: ${events.map((e) => `${e.type}/${e.subject}`).join(', ')}`)),
        opts.timeoutMs ?? 30_000,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const event = parseEvent(JSON.parse(message.value!.toString('utf8')));
            if (opts.filter && !opts.filter(event)) return;
            events.push(event);
            if (done(events)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return events;
}
