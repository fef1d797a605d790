/**
 * The reminder notifier against the real Kafka broker of the e2e stack and a real HTTP server on
 * 127.0.0.1 standing in for the chat robot's webhook. Reminder events are produced with the real
 * publisher, as the workflows' outbox does. Every test filters by its own tokens: the reminders
 * topic is shared with the rest of the suite.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { emitEvent } from '../../activities/events/emit';
import { kafkaPublisher, type EventPublisher } from '../../activities/events/publisher';
import { DLQ_HEADERS, startLocalWebhook, startNotifier, type Notifier, type NotifierOptions } from '../../notifier';
import type { Reminder } from '../../schemas/meeting';
import { TOPICS } from '../../schemas/topics';
import { e2eEndpoints } from '../support/e2e';

jest.setTimeout(180_000);

const run = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const newToken = (name: string) => `${name}-${run}-${++seq}`;
const TOKEN_RE = /\[T:([A-Za-z0-9-]+)\]/;

function reminderFor(token: string, mentions = ['13800395001']): Reminder {
  return {
    kind: 'meetingFirst',
    recipient: { kind: 'department', id: 'fgw', name: '发展和改革委员会' },
    mentionMobiles: mentions,
    title: `[T:${token}] 周例会提醒`,
    markdown: `### 周例会提醒 [T:${token}]\n**时间：** 10月12日（星期一） 09:00`,
    sendAt: new Date().toISOString(),
    late: false,
    meetingId: `meeting-test-${token}`,
    items: [],
    attendees: ['发展和改革委员会'],
  };
}

/** What the robot does with a message of a token on its n-th try (1-based). */
type Behaviour = (token: string, attempt: number) => 'ok' | 'refuse' | 'http500';

interface Robot {
  url: string;
  /** Messages accepted, per token (a WeCom reminder with mentions is two messages). */
  accepted: Map<string, Array<Record<string, unknown>>>;
  tries: Map<string, number>;
  close(): Promise<void>;
}

async function startRobot(behaviour: Behaviour = () => 'ok', delayMs = 0): Promise<Robot> {
  const accepted = new Map<string, Array<Record<string, unknown>>>();
  const tries = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const token = TOKEN_RE.exec(body)?.[1] ?? 'foreign';
      const message = JSON.parse(body) as Record<string, unknown>;
      const key = `${token}#${String(message.msgtype)}`;
      const attempt = (tries.get(key) ?? 0) + 1;
      tries.set(key, attempt);
      const what = behaviour(token, attempt);
      setTimeout(() => {
        if (what === 'http500') {
          res.writeHead(500).end('boom');
        } else if (what === 'refuse') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":45009,"errmsg":"api freq out of limit"}');
        } else {
          accepted.set(token, [...(accepted.get(token) ?? []), message]);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
        }
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=test`, accepted, tries, close: () => new Promise((r) => server.close(() => r())) };
}

async function waitFor(what: string, ok: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('reminder notifier (real Kafka, local webhook)', () => {
  const { kafkaBrokers } = e2eEndpoints();
  let publisher: EventPublisher;
  const notifiers: Notifier[] = [];
  const robots: Robot[] = [];
  const stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-notifier-'));

  const notifier = async (robot: Robot, over: Partial<NotifierOptions> & { groupId: string }): Promise<Notifier> => {
    const n = await startNotifier({
      brokers: kafkaBrokers,
      webhookUrl: robot.url,
      format: 'wecom',
      stateDir: path.join(stateRoot, over.groupId),
      minIntervalMs: 0,
      retry: { attempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
      ...over,
    });
    notifiers.push(n);
    return n;
  };
  const robot = async (behaviour?: Behaviour, delayMs?: number) => {
    const r = await startRobot(behaviour, delayMs);
    robots.push(r);
    return r;
  };
  /** Publishes one reminder per token, as the workflows' outbox does; returns event ids by token. */
  const publish = async (tokens: string[], mentions?: string[], subject?: string): Promise<Map<string, string>> => {
    const ids = new Map<string, string>();
    for (const token of tokens) {
      const published = await emitEvent(publisher, {
        type: 'cn.keyflow.reminder.meetingAgenda',
        subject: subject ?? `meeting-test-${token}`,
        key: `first:department:fgw:${token}`,
        time: new Date().toISOString(),
        data: reminderFor(token, mentions),
      });
      ids.set(token, published.id);
    }
    return ids;
  };

  beforeAll(() => {
    publisher = kafkaPublisher({ brokers: kafkaBrokers, clientId: 'test-notifier' });
  });
  afterAll(async () => {
    await Promise.allSettled(notifiers.map((n) => n.stop()));
    await Promise.allSettled(robots.map((r) => r.close()));
    await publisher?.close();
    fs.rmSync(stateRoot, { recursive: true, force: true });
  });

  it('delivers every reminder once, as a WeCom markdown message and a text that mentions by mobile', async () => {
    const r = await robot();
    const tokens = Array.from({ length: 8 }, () => newToken('once'));
    await publish(tokens);
    const n = await notifier(r, { groupId: `test-notifier-once-${run}` });
    await waitFor('8 reminders', () => tokens.every((t) => (r.accepted.get(t)?.length ?? 0) >= 2));
    await new Promise((res) => setTimeout(res, 500)); // would a second copy follow?
    for (const t of tokens) {
      const [md, text] = r.accepted.get(t)!;
      expect(r.accepted.get(t)).toHaveLength(2);
      expect(md).toEqual({ msgtype: 'markdown', markdown: { content: expect.stringContaining(`周例会提醒 [T:${t}]`) } });
      expect(text).toEqual({ msgtype: 'text', text: { content: `请关注：[T:${t}] 周例会提醒`, mentioned_mobile_list: ['13800395001'] } });
    }
    expect(n.stats.deadLettered).toBe(0);
  });

  it('delivers in DingTalk format too', async () => {
    const r = await robot();
    const [t] = [newToken('ding')];
    await publish([t!]);
    await notifier(r, { groupId: `test-notifier-ding-${run}`, format: 'dingtalk' });
    await waitFor('the DingTalk reminder', () => r.accepted.has(t!));
    expect(r.accepted.get(t!)).toEqual([
      { msgtype: 'markdown', markdown: { title: `[T:${t}] 周例会提醒`, text: expect.stringMatching(/@13800395001$/) }, at: { atMobiles: ['13800395001'], isAtAll: false } },
    ]);
  });

  it('retries a webhook that fails twice, then delivers once', async () => {
    const t = newToken('flaky');
    const r = await robot((token, attempt) => (token === t && attempt <= 2 ? 'refuse' : 'ok'));
    await publish([t], []);
    const n = await notifier(r, { groupId: `test-notifier-flaky-${run}` });
    await waitFor('the flaky reminder', () => r.accepted.has(t));
    await new Promise((res) => setTimeout(res, 500));
    expect(r.accepted.get(t)).toHaveLength(1);
    expect(r.tries.get(`${t}#markdown`)).toBe(3);
    expect(n.stats.failedAttempts).toBeGreaterThanOrEqual(2);
    expect(n.stats.deadLettered).toBe(0);
  });

  it('sends a message that always fails to the dead-letter topic, and goes on with the next', async () => {
    const bad = newToken('dead');
    const after = newToken('after');
    const r = await robot((token) => (token === bad ? 'http500' : 'ok'));
    // One subject: one partition, so `after` waits behind `bad` until it is dead-lettered.
    const ids = await publish([bad, after], [], `meeting-test-${bad}`);
    await notifier(r, { groupId: `test-notifier-dlq-${run}` });
    await waitFor('the message after the dead one', () => r.accepted.has(after));
    expect(r.accepted.has(bad)).toBe(false);
    expect(r.tries.get(`${bad}#markdown`)).toBe(3);

    const dead = await readRaw(TOPICS.remindersDeadLetter, (m) => m.headers?.ce_id?.toString() === ids.get(bad));
    expect(JSON.parse(dead.value!.toString('utf8'))).toMatchObject({ id: ids.get(bad), type: 'cn.keyflow.reminder.meetingAgenda' });
    expect(dead.headers?.[DLQ_HEADERS.error]?.toString()).toContain('HTTP 500');
    expect(dead.headers?.[DLQ_HEADERS.topic]?.toString()).toBe(TOPICS.reminders);
    expect(dead.headers?.[DLQ_HEADERS.attempts]?.toString()).toBe('3');
  });

  it('loses and duplicates nothing across a restart mid-stream, nor when Kafka redelivers everything', async () => {
    const r = await robot(() => 'ok', 30);
    const tokens = Array.from({ length: 30 }, () => newToken('restart'));
    await publish(tokens);
    const groupId = `test-notifier-restart-${run}`;
    const mine = () => tokens.filter((t) => r.accepted.has(t)).length;

    const first = await notifier(r, { groupId });
    await waitFor('a third of the stream', () => mine() >= 10);
    await first.stop();
    const atStop = mine();
    expect(atStop).toBeLessThan(30);

    const second = await notifier(r, { groupId });
    await waitFor('the whole stream', () => tokens.every((t) => (r.accepted.get(t)?.length ?? 0) >= 2));
    await second.stop();
    for (const t of tokens) expect([t, r.accepted.get(t)!.length]).toEqual([t, 2]);

    // Kafka redelivers the whole topic to the group (offsets reset): the delivered-store holds.
    const admin = new Kafka({ clientId: 'test-notifier-admin', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.resetOffsets({ groupId, topic: TOPICS.reminders, earliest: true });
    await admin.disconnect();
    const third = await notifier(r, { groupId });
    await waitFor('the redelivered stream', () => third.stats.duplicates >= 30);
    for (const t of tokens) expect([t, r.accepted.get(t)!.length]).toEqual([t, 2]);
  });

  it('the local inbox endpoint (the run command’s default) writes readable reminders to logs/reminders.log', async () => {
    const stateDir = path.join(stateRoot, 'inbox');
    const inbox = await startLocalWebhook({ stateDir });
    try {
      const t = newToken('inbox');
      await publish([t]);
      await notifier({ url: inbox.url, accepted: new Map(), tries: new Map(), close: async () => {} }, { groupId: `test-notifier-inbox-${run}` });
      await waitFor('the reminder in reminders.log', () => fs.existsSync(inbox.logFile) && fs.readFileSync(inbox.logFile, 'utf8').includes(`@ 13800395001`) && fs.readFileSync(inbox.logFile, 'utf8').includes(t));
      expect(inbox.logFile).toBe(path.join(stateDir, 'logs', 'reminders.log'));
      expect(fs.readFileSync(inbox.logFile, 'utf8')).toContain(`### 周例会提醒 [T:${t}]`);
    } finally {
      await inbox.close();
    }
  });
});

/** The first message of `topic` (from the beginning) that `match` accepts. */
async function readRaw(topic: string, match: (m: KafkaMessage) => boolean, timeoutMs = 30_000): Promise<KafkaMessage> {
  const kafka = new Kafka({ clientId: 'test-notifier-reader', brokers: e2eEndpoints().kafkaBrokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-raw-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    return await new Promise<KafkaMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message on ${topic}`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (match(message)) {
              clearTimeout(timer);
              resolve(message);
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
