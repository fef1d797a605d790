/**
 * keyflow's main job on its local default stack: start Temporal and Kafka (fetched and cached on
 * first use), run the worker, start the weekly-meeting schedule and reminder delivery, register
 * the seed projects, and keep running until Ctrl-C, which stops everything it started.
 * `keyflow start` and scripts/run.ts (`./scripts/start.sh`) both run it.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { kafkaPublisher } from '../activities/events/publisher';
import { startApi } from '../api/start';
import { ensureCalendarRegistry, workerCalendarHolder } from '../client/calendar';
import { ensureWeeklyMeetingSchedule } from '../client/meetings';
import { ensureFourCompareSchedule } from '../client/rankings';
import { readEnv } from '../config/env';
import { repoRoot } from '../config/repoRoot';
import { startReminderDelivery } from '../notifier';
import { runDemoTour } from '../seeds/demoTour';
import { loadCalendar } from '../seeds/holidays';
import { loadJointReviewConfig } from '../seeds/jointReview';
import { loadMeetingConfig } from '../seeds/meetingConfig';
import { startLocalStack } from '../stack';
import { startReadModelService } from '../projections/service';
import { removeEndpoints, writeEndpoints } from '../stack/endpointsFile';
import { temporalCli } from '../stack/provision';
import { createWorker } from '../workers/worker';
import type { Progress } from './progress';
import { seedDemoProjects } from './seed';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the status lines go (default stdout). */
  say?: (msg: string) => void;
  /** A progress display for seeding, if the caller has one. */
  seedProgress?: (total: number) => Progress;
}

/** Runs until SIGINT/SIGTERM, then stops what it started and exits the process with 0. */
export async function runKeyflow(opts: RunOptions = {}): Promise<void> {
  const say = opts.say ?? ((msg: string) => void process.stdout.write(`${msg}\n`));
  const env = readEnv(opts.env ?? process.env);
  // Configuration is read and validated once, before anything starts.
  const calendar = loadCalendar(env.KEYFLOW_HOLIDAYS_DIR);
  const jointReviewConfig = loadJointReviewConfig();
  const meetingConfig = loadMeetingConfig();
  // The worker's own progress lines would bury what the user needs to read; warnings still show.
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const t0 = Date.now();
  say('keyflow: starting the local stack (first run downloads Temporal and Kafka; later runs use the cache)…');
  const stack = await startLocalStack(env, { ports: { temporal: 7233, temporalUi: 8233, kafka: 9092, kafkaController: 9093 } });
  const { endpoints } = stack;
  writeEndpoints(stack.stateDir, { ...endpoints, temporalUi: stack.temporal?.uiUrl });
  // The read model (projections/) follows the topics from the start, so lists can read it.
  const readModel = await startReadModelService({ env, stateDir: stack.stateDir, brokers: endpoints.kafkaBrokers, log: say });
  const readModelSource = { model: readModel.model, brokers: endpoints.kafkaBrokers };

  const nativeConnection = await NativeConnection.connect({ address: endpoints.temporalAddress });
  const connection = await Connection.connect({ address: endpoints.temporalAddress });
  const client = new Client({ connection, namespace: endpoints.namespace });
  const publisher = kafkaPublisher({ brokers: endpoints.kafkaBrokers, clientId: endpoints.kafkaClientId });
  // Notices loaded through the calendar registry reach the worker without a restart.
  const calendarHolder = workerCalendarHolder(client, env.KEYFLOW_HOLIDAYS_DIR);
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: endpoints.namespace,
    taskQueue: endpoints.taskQueue,
    deps: { publisher, client, calendar, calendarHolder, reportsDir: path.join(stack.stateDir, 'reports'), readModel: readModelSource },
  });
  const running = worker.run();
  const ctx = { client, taskQueue: endpoints.taskQueue, jointReviewConfig, readModel: readModelSource, ...(env.KEYFLOW_HOLIDAYS_DIR ? { holidaysDir: env.KEYFLOW_HOLIDAYS_DIR } : {}) };
  await ensureCalendarRegistry(ctx);
  await calendarHolder.refresh().catch(() => undefined);
  await ensureWeeklyMeetingSchedule(client, endpoints.taskQueue, meetingConfig);
  await ensureFourCompareSchedule(client, endpoints.taskQueue);
  const api = await startApi({
    ctx,
    tokens: env.KEYFLOW_API_TOKENS ?? path.join(repoRoot(), 'seeds', 'api-tokens.json'),
    port: env.KEYFLOW_API_PORT,
    host: env.KEYFLOW_API_HOST,
    logger: { level: 'warn' },
  });
  const reminders = await startReminderDelivery({
    brokers: endpoints.kafkaBrokers,
    stateDir: stack.stateDir,
    webhookUrl: env.KEYFLOW_REMINDER_WEBHOOK,
    format: env.KEYFLOW_REMINDER_FORMAT,
    dingtalkSecret: env.KEYFLOW_DINGTALK_SECRET,
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\nkeyflow: ${signal} — stopping worker, Temporal and Kafka…`);
    await reminders.stop().catch(() => undefined);
    calendarHolder.stop();
    await api.stop().catch(() => undefined);
    // This process owns SIGINT/SIGTERM (the SDK's own handlers are off), so the worker is still running here.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    await publisher.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await nativeConnection.close().catch(() => undefined);
    await readModel.stop().catch(() => undefined);
    await stack.stop();
    removeEndpoints(stack.stateDir);
    say('keyflow: stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  let bar: Progress | undefined;
  const seeded = await seedDemoProjects(ctx, (done, total) => {
    bar ??= opts.seedProgress?.(total);
    bar?.update(done, total);
  });
  bar?.finish();
  // A ready-made inspection tour over the demo projects, so a real ranking is there to read.
  const tour = await runDemoTour(ctx);

  const cli = stack.temporal ? temporalCli() : 'temporal';
  say('');
  say(`keyflow is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s). Ctrl-C stops it.`);
  say(`  seed projects:   ${seeded.registered.length} registered now, ${seeded.already.length} already registered`);
  say(`  Temporal:        ${endpoints.temporalAddress} (namespace ${endpoints.namespace}, task queue ${endpoints.taskQueue})`);
  if (stack.temporal) say(`  Temporal Web UI: ${stack.temporal.uiUrl}`);
  say(`  Kafka:           ${endpoints.kafkaBrokers.join(',')}`);
  say(`  state and logs:  ${stack.stateDir}`);
  say('');
  say('  list the projects (after npm run build):');
  say('    npx keyflow projects list');
  say('  or with the real Temporal CLI:');
  say(`    ${cli} workflow list --address ${endpoints.temporalAddress} --query "KeyflowKind='project'"`);
  const weekday = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'][meetingConfig.weekday];
  say(`  weekly meeting:  every ${weekday} ${meetingConfig.time} Asia/Shanghai (schedule keyflow-weekly-meeting; moved to the next working day on holidays)`);
  say(`  reminders:       ${reminders.remindersLog ? `tail -f ${reminders.remindersLog}` : `sent to ${reminders.webhookUrl}`}`);
  say(`  HTTP API:        ${api.url} (OpenAPI at ${api.url}/openapi.json)`);
  say(`  dashboard:       ${api.url}/dashboard  (demo supervisor token: keyflow-demo-supervisor)`);
  say(`  inspection tour: ${tour.record.reports.html}`);
  say(`                   ${tour.record.reports.csv}`);
  say('  watch the project events on Kafka:');
  say('    npm run events -- keyflow.projects');
  await running;
  // Stopped by a signal: stop() is still shutting the stack down and exits the process when done;
  // returning now would let a caller end the process half-way.
  if (stopping) await new Promise<never>(() => undefined);
}
