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
import { loadTokenFile } from '../api/auth';
import { startApi } from '../api/start';
import { openUserStore } from '../api/users';
import { DEMO_PASSWORD, ensureDemoUsers } from '../seeds/demoUsers';
import { ensureCalendarRegistry, workerCalendarHolder } from '../client/calendar';
import { ensureUpcomingMeeting, ensureWeeklyMeetingSchedule } from '../client/meetings';
import { ensureFourCompareSchedule } from '../client/rankings';
import { readEnv } from '../config/env';
import { repoRoot } from '../config/repoRoot';
import { startReminderDelivery } from '../notifier';
import { runDemoTour } from '../seeds/demoTour';
import { demoYearSummary, ensureDemoCheck, seedDemoYear } from '../seeds/demoYear';
import { loadCalendar } from '../seeds/holidays';
import { loadJointReviewConfig } from '../seeds/jointReview';
import { loadMeetingConfig } from '../seeds/meetingConfig';
import { startLocalStack, type LocalStack } from '../stack';
import { startReadModelService } from '../projections/service';
import { removeEndpoints, writeEndpoints } from '../stack/endpointsFile';
import { temporalCli } from '../stack/provision';
import { createWorker } from '../workers/worker';
import type { Progress } from './progress';

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
  // A token file that cannot be read fails the start before anything runs.
  const tokens = loadTokenFile(env.KEYFLOW_API_TOKENS ?? path.join(repoRoot(), 'seeds', 'api-tokens.json'));
  const t0 = Date.now();
  say('keyflow: starting the local stack (first run downloads Temporal and Kafka; later runs use the cache)…');
  const stack = await startLocalStack(env, { ports: PREFERRED_PORTS });
  // What has started so far, stopped in reverse if a later step fails: no engine is left without its parent.
  const started: Array<() => Promise<unknown> | void> = [async () => {
    await stack.stop();
    removeEndpoints(stack.stateDir);
  }];
  const undo = async () => {
    // Once only, whether a failed step or a signal asks first.
    for (const stopOne of started.splice(0).reverse()) await Promise.resolve().then(stopOne).catch(() => undefined);
  };
  try {
    return await runStarted();
  } catch (err) {
    say(`keyflow: the start failed (${(err as Error)?.message ?? String(err)}); stopping what it started…`);
    await undo();
    throw err;
  }

  /** Everything after the engines are up; a throw here stops what `started` holds. */
  async function runStarted(): Promise<void> {
    const { endpoints } = stack;
    writeEndpoints(stack.stateDir, { ...endpoints, temporalUi: stack.temporal?.uiUrl });
    for (const line of movedPorts(stack)) say(`keyflow: ${line}`);
    // The read model (projections/) follows the topics from the start, so lists can read it.
    const readModel = await startReadModelService({ env, stateDir: stack.stateDir, brokers: endpoints.kafkaBrokers, log: say });
    started.push(() => readModel.stop());
    const readModelSource = { model: readModel.model, brokers: endpoints.kafkaBrokers };

    const nativeConnection = await NativeConnection.connect({ address: endpoints.temporalAddress });
    started.push(() => nativeConnection.close());
    const connection = await Connection.connect({ address: endpoints.temporalAddress });
    started.push(() => connection.close());
    const client = new Client({ connection, namespace: endpoints.namespace });
    const publisher = kafkaPublisher({ brokers: endpoints.kafkaBrokers, clientId: endpoints.kafkaClientId });
    started.push(() => publisher.close());
    // Notices loaded through the calendar registry reach the worker without a restart.
    const calendarHolder = workerCalendarHolder(client, env.KEYFLOW_HOLIDAYS_DIR);
    started.push(() => calendarHolder.stop());
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: endpoints.namespace,
      taskQueue: endpoints.taskQueue,
      deps: { publisher, client, calendar, calendarHolder, reportsDir: path.join(stack.stateDir, 'reports'), readModel: readModelSource },
    });
    const running = worker.run();
    started.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    });
    const ctx = { client, taskQueue: endpoints.taskQueue, jointReviewConfig, readModel: readModelSource, ...(env.KEYFLOW_HOLIDAYS_DIR ? { holidaysDir: env.KEYFLOW_HOLIDAYS_DIR } : {}) };
    await ensureCalendarRegistry(ctx);
    await calendarHolder.refresh().catch(() => undefined);
    await ensureWeeklyMeetingSchedule(client, endpoints.taskQueue, meetingConfig);
    await ensureFourCompareSchedule(client, endpoints.taskQueue);
    // People: the state directory's user store, with the demo users unless a store of one's own is given.
    const usersFile = env.KEYFLOW_USERS ?? path.join(stack.stateDir, 'users.json');
    const users = openUserStore(usersFile);
    const demoUsers = env.KEYFLOW_USERS ? [] : await ensureDemoUsers(users, new Date());
    const api = await startApi({
      ctx,
      users,
      // Beside the user store, so a restart of the run command keeps people signed in.
      session: { secureCookie: env.KEYFLOW_COOKIE_SECURE, maxAgeSeconds: env.KEYFLOW_SESSION_HOURS * 3600, file: path.join(path.dirname(usersFile), 'sessions.json') },
      tokens,
      port: env.KEYFLOW_API_PORT,
      host: env.KEYFLOW_API_HOST,
      logger: { level: 'warn' },
      fallbackToFreePort: true,
    });
    started.push(() => api.stop());
    if (api.portTaken !== undefined) say(`keyflow: port ${api.portTaken} is in use; the HTTP API listens on ${api.url} instead`);
    // The acting commands of the CLI find the API here.
    writeEndpoints(stack.stateDir, { ...endpoints, temporalUi: stack.temporal?.uiUrl, apiUrl: api.url });
    const reminders = await startReminderDelivery({
      brokers: endpoints.kafkaBrokers,
      stateDir: stack.stateDir,
      webhookUrl: env.KEYFLOW_REMINDER_WEBHOOK,
      format: env.KEYFLOW_REMINDER_FORMAT,
      dingtalkSecret: env.KEYFLOW_DINGTALK_SECRET,
    });
    started.push(() => reminders.stop());

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      say(`\nkeyflow: ${signal} — stopping worker, Temporal and Kafka…`);
      // This process owns SIGINT/SIGTERM (the SDK's own handlers are off), so the worker is still running here.
      await undo();
      say('keyflow: stopped.');
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));

    let bar: Progress | undefined;
    const seedT0 = Date.now();
    // The demo's year through the real paths: projects brought over with their listing days, the
    // year's reports (some missing), reviews acted on; stalls and overdue approvals follow by the rules.
    const seeded = await seedDemoYear(ctx, {
      onProgress: (done, total) => {
        bar ??= opts.seedProgress?.(total);
        bar?.update(done, total);
      },
    });
    bar?.finish();
    // The meeting office sees the next meeting right after a fresh start, not only after the schedule's
    // first firing; prepared after the demo year, so its draft agenda holds the stalls and problems.
    await ensureUpcomingMeeting(ctx, meetingConfig);
    const check = await ensureDemoCheck(ctx);
    const seedSeconds = (Date.now() - seedT0) / 1000;
    // A ready-made inspection tour over the demo projects, so a real ranking is there to read.
    const tour = await runDemoTour(ctx);

    const cli = stack.temporal ? temporalCli() : 'temporal';
    say('');
    say(`keyflow is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s). Ctrl-C stops it.`);
    say(`  seed projects:   ${seeded.registered} registered now, ${seeded.already} already registered`);
    say(`  ${demoYearSummary({ ...seeded, skipped: [...seeded.skipped, ...(check.skipped ? [check.skipped] : [])] }, seedSeconds)}`);
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
    say(`  workspace:       ${api.url}/dashboard  (重点项目工作台; sign in as a demo user below, e.g. dcs.liu 督查, hyb.chen 周例会, fgw.clerk 经办人, jingkai 项目单位, password ${DEMO_PASSWORD})`);
    say(`  users:           ${users.file}${demoUsers.length > 0 ? ` — demo sign-in (POST ${api.url}/session), password ${DEMO_PASSWORD} for all:` : ''}`);
    if (demoUsers.length > 0) say(`                   ${demoUsers.map((u) => `${u.id} (${u.roles.join(',')})`).join(', ')}`);
    say(`  inspection tour: ${tour.record.reports.html}`);
    say(`                   ${tour.record.reports.csv}`);
    say('  watch the project events on Kafka:');
    say('    npm run events -- keyflow.projects');
    await running;
    // Stopped by a signal: stop() is still shutting the stack down and exits the process when done;
    // returning now would let a caller end the process half-way.
    if (stopping) await new Promise<never>(() => undefined);
  }
}

/** The ports the run command asks for; each falls back to a free one when taken. */
const PREFERRED_PORTS = { temporal: 7233, temporalUi: 8233, kafka: 9092, kafkaController: 9093 } as const;

/** What to say about engines that did not get their usual port. */
function movedPorts(stack: LocalStack): string[] {
  const lines: string[] = [];
  const portOf = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));
  if (stack.temporal && portOf(stack.temporal.address) !== PREFERRED_PORTS.temporal) {
    lines.push(`port ${PREFERRED_PORTS.temporal} is in use; Temporal listens on ${stack.temporal.address} instead`);
  }
  const broker = stack.kafka?.brokers[0];
  if (broker && portOf(broker) !== PREFERRED_PORTS.kafka) lines.push(`port ${PREFERRED_PORTS.kafka} is in use; Kafka listens on ${broker} instead`);
  return lines;
}
