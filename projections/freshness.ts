import { Kafka, logLevel } from 'kafkajs';
import type { ReadModel } from './db';
import { consumedOffsets, PROJECTED_TOPICS } from './projector';

/** How far the read model is behind the topics, per partition and in all. */
export interface Freshness {
  /** Events on the topics the model has not applied yet (at `at`). */
  lag: number;
  partitions: Array<{ topic: string; partition: number; consumed: string; end: string; lag: number }>;
  at: string;
}

/** The topics' end offsets (the next offset each partition will write), now. */
export async function topicEndOffsets(brokers: string[], topics: readonly string[] = PROJECTED_TOPICS): Promise<Map<string, bigint>> {
  const kafka = new Kafka({ clientId: 'keyflow-freshness', brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out = new Map<string, bigint>();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) out.set(`${topic}:${p.partition}`, BigInt(p.high));
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** The model's lag against given end offsets. */
export async function freshnessAgainst(model: ReadModel, ends: Map<string, bigint>, now: Date = new Date()): Promise<Freshness> {
  const consumed = await consumedOffsets(model);
  const partitions = [...ends.entries()]
    .map(([key, end]) => {
      const i = key.lastIndexOf(':');
      const c = consumed.get(key) ?? 0n;
      return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)), consumed: c.toString(), end: end.toString(), lag: Number(end > c ? end - c : 0n) };
    })
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  return { lag: partitions.reduce((n, p) => n + p.lag, 0), partitions, at: now.toISOString() };
}

/**
 * Waits until the model has consumed up to the end offsets the topics had when this was called
 * (what happened before a compilation is in it), at most `timeoutMs`. Then the caller compiles
 * all the same and states the lag left: a meeting is held without fail.
 */
export async function awaitCaughtUp(
  model: ReadModel,
  brokers: string[],
  opts: { timeoutMs?: number; pollMs?: number; topics?: readonly string[] } = {},
): Promise<Freshness & { caughtUp: boolean }> {
  const ends = await topicEndOffsets(brokers, opts.topics);
  const until = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const f = await freshnessAgainst(model, ends);
    if (f.lag === 0) return { ...f, caughtUp: true };
    if (Date.now() >= until) return { ...f, caughtUp: false };
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 50));
  }
}
