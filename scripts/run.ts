/**
 * keyflow's main job on its local default stack: start Temporal and Kafka (fetched and cached on
 * first use), run the worker, register the seed projects, and keep running until Ctrl-C, which
 * stops everything it started.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { kafkaPublisher } from '../activities/events/publisher';
import { KeyflowError } from '../client/errors';
import { ensureWeeklyMeetingSchedule } from '../client/meetings';
import { startReminderDelivery } from '../notifier';
import { loadCalendar } from '../seeds/holidays';
import { loadJointReviewConfig } from '../seeds/jointReview';
import { loadMeetingConfig } from '../seeds/meetingConfig';
import { registerProject } from '../client/projects';
import { readEnv } from '../config/env';
import { loadDemoProjects } from '../seeds';
import { startLocalStack } from '../stack';
import { removeEndpoints, writeEndpoints } from '../stack/endpointsFile';
import { temporalCli } from '../stack/provision';
import { createWorker } from '../workers/worker';

const say = (msg: string) => process.stdout.write(`${msg}\n`);

async function main(): Promise<void> {
  const env = readEnv();
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

  const nativeConnection = await NativeConnection.connect({ address: endpoints.temporalAddress });
  const connection = await Connection.connect({ address: endpoints.temporalAddress });
  const client = new Client({ connection, namespace: endpoints.namespace });
  const publisher = kafkaPublisher({ brokers: endpoints.kafkaBrokers, clientId: endpoints.kafkaClientId });
  const worker = await createWorker({
    connection: nativeConnection,
    namespace: endpoints.namespace,
    taskQueue: endpoints.taskQueue,
    deps: { publisher, client, calendar },
  });
  const running = worker.run();
  const ctx = { client, taskQueue: endpoints.taskQueue, jointReviewConfig };
  await ensureWeeklyMeetingSchedule(client, endpoints.taskQueue, meetingConfig);
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
    // This process owns SIGINT/SIGTERM (the SDK's own handlers are off), so the worker is still running here.
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    await publisher.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await nativeConnection.close().catch(() => undefined);
    await stack.stop();
    removeEndpoints(stack.stateDir);
    say('keyflow: stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const projects = loadDemoProjects();
  let registered = 0;
  let already = 0;
  for (const project of projects) {
    try {
      await registerProject(ctx, project, 'seed');
      registered += 1;
    } catch (err) {
      if (err instanceof KeyflowError && err.type === 'ProjectAlreadyRegistered') already += 1;
      else throw err;
    }
  }

  const cli = stack.temporal ? temporalCli() : 'temporal';
  say('');
  say(`keyflow is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s). Ctrl-C stops it.`);
  say(`  seed projects:   ${registered} registered now, ${already} already registered`);
  say(`  Temporal:        ${endpoints.temporalAddress} (namespace ${endpoints.namespace}, task queue ${endpoints.taskQueue})`);
  if (stack.temporal) say(`  Temporal Web UI: ${stack.temporal.uiUrl}`);
  say(`  Kafka:           ${endpoints.kafkaBrokers.join(',')}`);
  say(`  state and logs:  ${stack.stateDir}`);
  say('');
  say('  list the projects with the real Temporal CLI:');
  say(`    ${cli} workflow list --address ${endpoints.temporalAddress} --query "KeyflowKind='project'"`);
  const weekday = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'][meetingConfig.weekday];
  say(`  weekly meeting:  every ${weekday} ${meetingConfig.time} Asia/Shanghai (schedule keyflow-weekly-meeting; moved to the next working day on holidays)`);
  say(`  reminders:       ${reminders.remindersLog ? `tail -f ${reminders.remindersLog}` : `sent to ${reminders.webhookUrl}`}`);
  say('  watch the project events on Kafka:');
  say('    npm run events -- keyflow.projects');
  await running;
}

main().catch((err) => {
  console.error(err instanceof KeyflowError ? `keyflow: ${err.type}: ${err.message}` : err);
  process.exit(1);
});
