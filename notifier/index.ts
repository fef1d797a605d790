/**
 * The reminder notifier (提醒推送): reads the reminders topic and delivers each reminder to a
 * WeCom or DingTalk group robot; plus the local inbox the run command uses by default.
 */
export { startNotifier, DLQ_HEADERS, type Notifier, type NotifierOptions, type NotifierStats } from './notifier';
export { startLocalWebhook, type LocalWebhook } from './localWebhook';
export { startReminderDelivery, type ReminderDelivery } from './service';
export type { RobotFormat } from '../domain/meeting/robot';
