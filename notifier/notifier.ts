import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Consumer, IHeaders, Kafka, KafkaMessage, logLevel, Producer } from 'kafkajs';
import { robotMessages, type RobotFormat } from '../domain/meeting/robot';
import { parseEvent } from '../schemas/events/catalog';
import { Reminder } from '../schemas/meeting';
import { TOPICS } from '../schemas/topics';
import { DeliveredStore } from './deliveredStore';
import { postRobotMessage } from './webhook';

export interface NotifierOptions {
  brokers: string[];
  /** Kafka consumer group; its offsets and the delivered-store file are per group. */
  groupId: string;
  /** The chat robot's webhook (企业微信 / 钉钉 群机器人), or the local inbox. */
  webhookUrl: string;
  format: RobotFormat;
  /** Where the delivered-store lives (`<stateDir>/notifier/delivered-<groupId>.log`). */
  stateDir: string;
  /** DingTalk "signed" robots (加签): the secret. */
  dingtalkSecret?: string;
  clientId?: string;
  topic?: string;
  deadLetterTopic?: string;
  /** Tries per message before it goes to the dead-letter topic; backoff doubles from `initialDelayMs` up to `maxDelayMs`. */
  retry?: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  /** Least time between two posts: robots take about 20 messages a minute. Default 3000 ms. */
  minIntervalMs?: number;
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface NotifierStats {
  delivered: number;
  duplicates: number;
  deadLettered: number;
  failedAttempts: number;
}

export interface Notifier {
  readonly stats: NotifierStats;
  readonly storeFile: string;
  stop(): Promise<void>;
}

/** Headers a dead-lettered message carries besides the original ones. */
export const DLQ_HEADERS = {
  error: 'x-keyflow-error',
  topic: 'x-keyflow-original-topic',
  partition: 'x-keyflow-original-partition',
  offset: 'x-keyflow-original-offset',
  attempts: 'x-keyflow-attempts',
} as const;

class Stopped extends Error {
  override name = 'Stopped';
}

/**
 * The reminder notifier: a Kafka consumer group on the reminders topic that delivers each
 * reminder to a chat robot webhook, in order per partition.
 * - at least once from Kafka, exactly once to the robot as far as keyflow can tell: an event id
 *   (or message part) already in the delivered-store is skipped;
 * - retries with exponential backoff; a message that still fails (or is not a valid reminder)
 *   goes to the dead-letter topic with the reason in its headers;
 * - the offset is committed only after delivery or dead-lettering, so a stop or crash never
 *   loses a reminder.
 */
export async function startNotifier(opts: NotifierOptions): Promise<Notifier> {
  const topic = opts.topic ?? TOPICS.reminders;
  const deadLetterTopic = opts.deadLetterTopic ?? TOPICS.remindersDeadLetter;
  const attempts = opts.retry?.attempts ?? 5;
  const initialDelayMs = opts.retry?.initialDelayMs ?? 1000;
  const maxDelayMs = opts.retry?.maxDelayMs ?? 60_000;
  const minIntervalMs = opts.minIntervalMs ?? 3000;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
  const log = opts.log ?? (() => undefined);
  const stats: NotifierStats = { delivered: 0, duplicates: 0, deadLettered: 0, failedAttempts: 0 };
  const store = DeliveredStore.open(path.join(opts.stateDir, 'notifier', `delivered-${opts.groupId.replace(/[^A-Za-z0-9._-]/g, '_')}.log`));
  const stopping = new AbortController();
  let lastPostAt = 0;

  const kafka = new Kafka({ clientId: opts.clientId ?? 'keyflow-notifier', brokers: opts.brokers, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: opts.groupId, allowAutoTopicCreation: false });
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });

  const pause = async (ms: number): Promise<void> => {
    if (ms <= 0) return;
    try {
      await delay(ms, undefined, { signal: stopping.signal });
    } catch {
      throw new Stopped('notifier stopping');
    }
  };

  const post = async (message: Record<string, unknown>, heartbeat: () => Promise<void>): Promise<void> => {
    let wait = initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      await pause(lastPostAt + minIntervalMs - Date.now());
      lastPostAt = Date.now();
      try {
        // A post in flight is not aborted by stop(): cutting it off after the robot took the
        // message would make the next run send it again. It ends within requestTimeoutMs.
        await postRobotMessage(opts.webhookUrl, message, { format: opts.format, secret: opts.dingtalkSecret, timeoutMs: requestTimeoutMs });
        return;
      } catch (err) {
        if (stopping.signal.aborted) throw new Stopped('notifier stopping');
        stats.failedAttempts += 1;
        if (attempt >= attempts) throw Object.assign(err as Error, { attempts: attempt });
        log(`[notifier] attempt ${attempt}/${attempts} failed: ${(err as Error).message}; retrying in ${wait} ms`);
        await heartbeat();
        await pause(wait);
        wait = Math.min(wait * 2, maxDelayMs);
      }
    }
  };

  const deadLetter = async (m: KafkaMessage, partition: number, reason: string, tries: number): Promise<void> => {
    const headers: IHeaders = {
      ...(m.headers ?? {}),
      [DLQ_HEADERS.error]: reason.slice(0, 1000),
      [DLQ_HEADERS.topic]: topic,
      [DLQ_HEADERS.partition]: String(partition),
      [DLQ_HEADERS.offset]: m.offset,
      [DLQ_HEADERS.attempts]: String(tries),
    };
    await producer.send({ topic: deadLetterTopic, acks: -1, messages: [{ key: m.key, value: m.value, headers }] });
    stats.deadLettered += 1;
    log(`[notifier] dead-lettered offset ${partition}/${m.offset}: ${reason}`);
  };

  const handle = async (m: KafkaMessage, partition: number, heartbeat: () => Promise<void>): Promise<void> => {
    if (stopping.signal.aborted) throw new Stopped('notifier stopping'); // left uncommitted for the next run
    let id: string;
    let reminder: Reminder;
    try {
      const event = parseEvent(JSON.parse(m.value?.toString('utf8') ?? ''));
      id = event.id;
      reminder = Reminder.parse(event.data);
    } catch (err) {
      // Not a reminder keyflow can read: retrying will not help.
      await deadLetter(m, partition, `invalid reminder event: ${(err as Error).message}`, 0);
      return;
    }
    if (store.status(id) !== undefined) {
      stats.duplicates += 1;
      return;
    }
    const parts = robotMessages(reminder, opts.format);
    try {
      for (let i = 0; i < parts.length; i++) {
        const key = `${id}#${i}`;
        if (store.status(key) === 'sent') continue;
        await post(parts[i]!, heartbeat);
        store.record(key, 'sent');
      }
      store.record(id, 'sent');
      stats.delivered += 1;
      log(`[notifier] delivered ${reminder.kind} to ${reminder.recipient.name} (${id})`);
    } catch (err) {
      if (err instanceof Stopped) throw err;
      await deadLetter(m, partition, (err as Error).message, (err as { attempts?: number }).attempts ?? attempts);
      store.record(id, 'dlq');
    }
  };

  await Promise.all([consumer.connect(), producer.connect()]);
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: t, partition, message, heartbeat }) => {
        await handle(message, partition, heartbeat);
        await consumer.commitOffsets([{ topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      },
    });
  } catch (err) {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
    store.close();
    throw err;
  }
  log(`[notifier] reading ${topic} as group ${opts.groupId}, delivering to ${opts.webhookUrl} (${opts.format})`);

  let stopped: Promise<void> | undefined;
  return {
    stats,
    storeFile: store.file,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await consumer.disconnect();
        await producer.disconnect();
        store.close();
      })();
      return stopped;
    },
  };
}
