import { Kafka, logLevel, Partitioners, Producer, type Message, type TopicMessages } from 'kafkajs';
import { CloudEvent } from '../../schemas/events/envelope';
import { TopicName } from '../../schemas/topics';

/** Where a published event landed. */
export interface Published {
  id: string;
  topic: string;
  partition: number;
  offset: string;
}

/** One event to publish, with the topic its catalogue entry names. */
export interface Outgoing {
  topic: TopicName;
  event: CloudEvent;
}

export interface EventPublisher {
  publish(topic: TopicName, event: CloudEvent): Promise<Published>;
  /**
   * Publishes the events in order, in one produce request where the publisher can. Optional, so
   * a test double that only knows `publish` still serves: `publishInOrder` falls back to it.
   */
  publishAll?(events: Outgoing[]): Promise<Published[]>;
  close(): Promise<void>;
}

/** Publishes in order: in one request where the publisher batches, else one after another. */
export async function publishInOrder(publisher: EventPublisher, events: Outgoing[]): Promise<Published[]> {
  if (publisher.publishAll) return publisher.publishAll(events);
  const out: Published[] = [];
  for (const e of events) out.push(await publisher.publish(e.topic, e.event));
  return out;
}

/**
 * Bounds of one produce request: well under the broker's default message.max.bytes (1 MiB per
 * partition batch) and kafkajs's request size, so a full group is never refused for its size.
 */
export const PRODUCE_LIMITS = { maxEvents: 500, maxBytes: 512 * 1024 } as const;

interface Waiting {
  messages: Array<{ topic: TopicName; id: string; message: Message; bytes: number }>;
  resolve: (published: Published[]) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: while one produce request is in flight, the sends that arrive queue up; when it
 * is answered, everything queued (within PRODUCE_LIMITS, whole sends only, in arrival order)
 * goes out as the next single request. With one request in flight, that is what lets the
 * idempotent producer carry many activities' events per round-trip instead of one.
 */
class GroupCommit {
  private queue: Waiting[] = [];
  private inFlight = false;

  constructor(private readonly send: (group: Waiting[]) => Promise<Published[][]>) {}

  submit(messages: Waiting['messages']): Promise<Published[]> {
    return new Promise<Published[]>((resolve, reject) => {
      this.queue.push({ messages, resolve, reject });
      if (!this.inFlight) void this.pump();
    });
  }

  private take(): Waiting[] {
    let events = 0;
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length) {
      const w = this.queue[n]!;
      const b = w.messages.reduce((s, m) => s + m.bytes, 0);
      // A send larger than the bounds on its own still goes, alone: the outbox bounds its batches.
      if (n > 0 && (events + w.messages.length > PRODUCE_LIMITS.maxEvents || bytes + b > PRODUCE_LIMITS.maxBytes)) break;
      events += w.messages.length;
      bytes += b;
      n += 1;
    }
    return this.queue.splice(0, n);
  }

  private async pump(): Promise<void> {
    this.inFlight = true;
    try {
      while (this.queue.length > 0) {
        const group = this.take();
        try {
          const published = await this.send(group);
          group.forEach((w, i) => w.resolve(published[i]!));
        } catch (err) {
          // Each activity retries on its own (Temporal's policy); the next group is tried anew.
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      this.inFlight = false;
    }
  }
}

function messageOf(event: CloudEvent): { message: Message; bytes: number } {
  const value = JSON.stringify(event);
  return {
    message: {
      key: event.subject,
      value,
      headers: { 'content-type': 'application/cloudevents+json; charset=UTF-8', ce_id: event.id, ce_type: event.type },
    },
    bytes: Buffer.byteLength(value) + event.subject.length + 128,
  };
}

/**
 * kafkajs producer set up for no loss and no reordering: idempotent, acks from all in-sync
 * replicas, one request in flight, concurrent sends coalesced into that one request (group
 * commit). Its own retries are short: a broker outage must surface as a failed activity, which
 * Temporal retries with its policy, rather than hang inside a send.
 */
export function kafkaPublisher(opts: {
  brokers: string[];
  clientId: string;
  /** Told the number of events of each produce request once it is acknowledged (bench, tests). */
  onRequest?: (events: number) => void;
}): EventPublisher {
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2000 },
  });
  /** The partition the default partitioner chose for each message, to give each event its offset. */
  const chosen = new WeakMap<Message, number>();
  const partitioner = () => {
    const byKey = Partitioners.DefaultPartitioner();
    return (args: Parameters<typeof byKey>[0]): number => {
      const p = byKey(args);
      chosen.set(args.message, p);
      return p;
    };
  };
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;
  const connected = (): Promise<Producer> => {
    if (producer) return Promise.resolve(producer);
    connecting ??= (async () => {
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: partitioner });
      await p.connect();
      producer = p;
      return p;
    })().finally(() => (connecting = undefined));
    return connecting;
  };

  const group = new GroupCommit(async (waiting) => {
    const p = await connected();
    const byTopic = new Map<TopicName, Message[]>();
    for (const w of waiting) for (const m of w.messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m.message]);
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const meta = await p.sendBatch({ acks: -1, topicMessages });
    opts.onRequest?.(topicMessages.reduce((n, t) => n + t.messages.length, 0));
    const base = new Map(meta.map((m) => [`${m.topicName}/${m.partition}`, BigInt(m.baseOffset ?? '-1')]));
    // Within one partition the request keeps the order given, so the n-th message there sits at base + n.
    const next = new Map<string, bigint>();
    return waiting.map((w) =>
      w.messages.map(({ topic, id, message }) => {
        const partition = chosen.get(message) ?? -1;
        const at = `${topic}/${partition}`;
        const b = base.get(at);
        const n = next.get(at) ?? 0n;
        next.set(at, n + 1n);
        return { id, topic, partition, offset: b === undefined || b < 0n ? '-1' : String(b + n) };
      }),
    );
  });

  const submit = (events: Outgoing[]) => group.submit(events.map(({ topic, event }) => ({ topic, id: event.id, ...messageOf(event) })));
  return {
    async publish(topic, event) {
      const [published] = await submit([{ topic, event }]);
      return published!;
    },
    publishAll: submit,
    async close() {
      await producer?.disconnect();
      producer = undefined;
    },
  };
}
