import { startLocalWebhook } from './localWebhook';
import { startNotifier, type NotifierOptions } from './notifier';
import type { RobotFormat } from '../domain/meeting/robot';

export interface ReminderDelivery {
  /** Where reminders are posted. */
  webhookUrl: string;
  /** Set when no webhook was configured: the local inbox's readable log (`tail -f` it). */
  remindersLog?: string;
  stop(): Promise<void>;
}

/**
 * Reminder delivery as the run command starts it: the notifier, posting to the configured chat
 * robot webhook — or, when none is configured, to a local inbox on 127.0.0.1 that writes every
 * reminder to `<stateDir>/logs/reminders.log`.
 */
export async function startReminderDelivery(opts: {
  brokers: string[];
  stateDir: string;
  webhookUrl?: string;
  format?: RobotFormat;
  dingtalkSecret?: string;
  groupId?: string;
  log?: (line: string) => void;
  notifier?: Partial<NotifierOptions>;
}): Promise<ReminderDelivery> {
  const inbox = opts.webhookUrl ? undefined : await startLocalWebhook({ stateDir: opts.stateDir });
  const webhookUrl = opts.webhookUrl ?? inbox!.url;
  try {
    const notifier = await startNotifier({
      brokers: opts.brokers,
      groupId: opts.groupId ?? 'keyflow-notifier',
      webhookUrl,
      format: opts.format ?? 'wecom',
      dingtalkSecret: opts.dingtalkSecret,
      stateDir: opts.stateDir,
      log: opts.log,
      // The local inbox has no rate limit.
      ...(inbox ? { minIntervalMs: 0 } : {}),
      ...opts.notifier,
    });
    return {
      webhookUrl,
      remindersLog: inbox?.logFile,
      async stop() {
        await notifier.stop();
        await inbox?.close();
      },
    };
  } catch (err) {
    await inbox?.close();
    throw err;
  }
}
