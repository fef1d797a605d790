import { performance } from 'node:perf_hooks';
import { Kafka, logLevel, type Consumer } from 'kafkajs';

const kafkaOf = (brokers: string[], clientId: string) => new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });

/** Messages written to a topic so far: the sum of its partitions' high watermarks. */
export async function topicMessageCount(brokers: string[], topic: string): Promise<number> {
  const admin = kafkaOf(brokers, 'keyflow-bench-admin').admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopic(brokers: string[], topic: string, partitions: number): Promise<void> {
  const admin = kafkaOf(brokers, 'keyflow-bench-admin').admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
    }
  } finally {
    await admin.disconnect();
  }
}

export interface Arrival {
  /** performance.now() when the consumer handed the message over. */
  at: number;
  type: string;
  bytes: number;
  value: string;
}

/**
 * Follows a topic from its beginning and notes, per CloudEvent id (the `ce_id` header), when it
 * arrived. `waitFor(id)` resolves with that arrival, at once if it is already here.
 */
export class TopicTail {
  readonly arrivals = new Map<string, Arrival>();
  private readonly waiting = new Map<string, Array<(a: Arrival) => void>>();
  private consumer: Consumer | undefined;

  constructor(private readonly brokers: string[], private readonly topic: string) {}

  async start(): Promise<void> {
    const consumer = kafkaOf(this.brokers, 'keyflow-bench-tail').consumer({
      groupId: `keyflow-bench-tail-${process.pid}-${Date.now()}`,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const at = performance.now();
        const id = message.headers?.ce_id?.toString();
        if (!id || !message.value) return;
        const arrival: Arrival = { at, type: message.headers?.ce_type?.toString() ?? '', bytes: message.value.length, value: message.value.toString('utf8') };
        if (!this.arrivals.has(id)) this.arrivals.set(id, arrival);
        for (const resolve of this.waiting.get(id) ?? []) resolve(arrival);
        this.waiting.delete(id);
      },
    });
  }

  waitFor(id: string, timeoutMs = 60_000): Promise<Arrival> {
    const here = this.arrivals.get(id);
    if (here) return Promise.resolve(here);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`event ${id} did not arrive on ${this.topic} within ${timeoutMs} ms`)), timeoutMs);
      const list = this.waiting.get(id) ?? [];
      list.push((a) => {
        clearTimeout(timer);
        resolve(a);
      });
      this.waiting.set(id, list);
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
