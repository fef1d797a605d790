import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { EventPublisher, Published } from '../../activities/events/publisher';
import { defaultCalendar, type WorkingDayCalendar } from '../../domain/calendar';
import type { CloudEvent } from '../../schemas/events/envelope';
import type { TopicName } from '../../schemas/topics';
import { createTimeSkippingEnvAt } from '../support/fixedClock';
import { createTimeSkippingEnv } from '../support/timeSkipping';
import { preloadModules } from '../../workers/preload';

/** Keeps what the workflows publish, in order, for the test to read. */
export class RecordingPublisher implements EventPublisher {
  readonly events: Array<CloudEvent & { topic: TopicName }> = [];
  async publish(topic: TopicName, event: CloudEvent): Promise<Published> {
    this.events.push({ ...event, topic });
    return { id: event.id, topic, partition: 0, offset: String(this.events.length - 1) };
  }
  async close(): Promise<void> {}
  ofType(suffix: string): Array<CloudEvent & { topic: TopicName }> {
    return this.events.filter((e) => e.type === `cn.keyflow.review.${suffix}`);
  }
}

try {
  // Worker chatter and the expected failures of refusal tests are noise here; errors still show.
  Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
} catch {
  // Another test file in this process installed the runtime first.
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per test file, with the worker's preloaded modules (workers/preload.ts). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), preloadModules: preloadModules(), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never });
  return bundle;
}

export interface ReviewTestEnv {
  env: TestWorkflowEnvironment;
  /**
   * A client that never unlocks time skipping. `env.client` skips time while it awaits a result,
   * and the test server then runs its clock years ahead once the workflow has closed; with this
   * one, time moves only by `env.sleep` / `sleepUntil`.
   */
  client: Client;
  publisher: RecordingPublisher;
  taskQueue: string;
  /** Runs `body` with a worker polling; the worker stops when it settles. */
  run<T>(body: () => Promise<T>): Promise<T>;
  now(): Promise<Date>;
  /** Skips server time to `at` (no-op when already past). */
  sleepUntil(at: Date | string): Promise<void>;
  teardown(): Promise<void>;
}

let seq = 0;
/**
 * A fresh time-skipping server with a recording publisher and the given working-day calendar for
 * the worker's askCalendar activity. Its clock starts at `at` (test/support/fixedClock.ts), or at
 * the real now when no instant is given (expectations must then be derived from `now()`).
 */
export async function reviewTestEnv(opts: { calendar?: WorkingDayCalendar; at?: Date; publisher?: RecordingPublisher } = {}): Promise<ReviewTestEnv> {
  // `at` pins the server's clock (libfaketime), for tests whose dates matter.
  const env = opts.at ? await createTimeSkippingEnvAt(opts.at) : await createTimeSkippingEnv();
  const publisher = opts.publisher ?? new RecordingPublisher();
  seq += 1;
  const taskQueue = `review-test-${seq}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ publisher, calendar: opts.calendar ?? defaultCalendar }),
  });
  const now = async () => new Date(await env.currentTimeMs());
  return {
    env,
    client: new Client({ connection: env.connection, namespace: env.namespace ?? 'default' }),
    publisher,
    taskQueue,
    run: (body) => worker.runUntil(body),
    now,
    async sleepUntil(at) {
      const ms = new Date(at).getTime() - (await env.currentTimeMs());
      if (ms > 0) await env.sleep(ms);
    },
    teardown: () => env.teardown(),
  };
}

/** Polls `probe` until it returns a value (not undefined/false), within a real-time bound. */
export async function eventually<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Working days a calendar still holds after `now` (to 31 December of its last year). */
export function calendarRoom(now: Date, calendar: WorkingDayCalendar = defaultCalendar): number {
  return calendar.workingDaysBetween(now, `${calendar.knownYears().last}-12-31`);
}
