import fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { modelChecksum } from './checksum';
import { openReadModel, type ReadModel, type ReadModelLocation } from './db';
import { freshnessAgainst, topicEndOffsets } from './freshness';
import { applyRecords, PROJECTED_TOPICS } from './projector';

export interface RebuildOutcome {
  target: ReadModelLocation;
  events: number;
  /** The rebuilt model's checksum, and the live one's at the same offsets (when compared). */
  checksum: string;
  live?: string;
  equal?: boolean;
  /** Why no comparison was made (the live model moved on while the rebuild caught up). */
  note?: string;
}

/**
 * Replays every keyflow topic from its first offset into the fresh database `target` (it must
 * be empty: a rebuild never writes into a model that has consumed anything) up to the offsets the
 * live model has reached, then compares the two checksums. The live model keeps running; when it
 * moves on during the comparison, the rebuild catches up to it again (a few rounds at most).
 */
export async function rebuildReadModel(opts: { brokers: string[]; target: ReadModelLocation; live?: ReadModel; rounds?: number }): Promise<RebuildOutcome> {
  const fresh = await openReadModel(opts.target);
  try {
    const consumed = await fresh.db.selectFrom('consumer_offsets').select('topic').limit(1).execute();
    if (consumed.length > 0) throw new Error('rebuild: the target database is not empty (it has consumed offsets); give a fresh one');
    let events = 0;
    for (let round = 0; round < (opts.rounds ?? 5); round++) {
      const until = opts.live ? await liveOffsets(opts.live) : await topicEndOffsets(opts.brokers);
      events += await replayUntil(opts.brokers, fresh, until);
      const checksum = (await modelChecksum(fresh)).total;
      if (!opts.live) return { target: opts.target, events, checksum };
      const live = (await modelChecksum(opts.live)).total;
      const still = await liveOffsets(opts.live);
      if (sameOffsets(still, until)) return { target: opts.target, events, checksum, live, equal: live === checksum };
    }
    return { target: opts.target, events, checksum: (await modelChecksum(fresh)).total, note: 'the live model kept moving; compare again when the topics are quiet' };
  } finally {
    await fresh.close();
  }
}

async function liveOffsets(live: ReadModel): Promise<Map<string, bigint>> {
  const rows = await live.db.selectFrom('consumer_offsets').select(['topic', 'partition', 'next_offset']).execute();
  return new Map(rows.map((r) => [`${r.topic}:${r.partition}`, BigInt(r.next_offset)]));
}

const sameOffsets = (a: Map<string, bigint>, b: Map<string, bigint>): boolean => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** Reads each partition from where `model` stands up to `until` (exclusive) and applies it. */
async function replayUntil(brokers: string[], model: ReadModel, until: Map<string, bigint>): Promise<number> {
  const behind = (await freshnessAgainst(model, until)).partitions.filter((p) => p.lag > 0);
  if (behind.length === 0) return 0;
  const kafka = new Kafka({ clientId: 'keyflow-rebuild', brokers, logLevel: logLevel.NOTHING });
  // A group of its own, never committed: the live projector's group is not touched.
  const consumer = kafka.consumer({ groupId: `keyflow-rebuild-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  let applied = 0;
  await consumer.connect();
  try {
    const remaining = new Set(behind.map((p) => `${p.topic}:${p.partition}`));
    const done = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
      void consumer.subscribe({ topics: [...new Set(behind.map((p) => p.topic))].filter((t) => PROJECTED_TOPICS.includes(t as never)), fromBeginning: true }).then(() =>
        consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const key = `${batch.topic}:${batch.partition}`;
            const end = until.get(key) ?? 0n;
            const records = batch.messages.filter((m) => BigInt(m.offset) < end).map((m) => ({ offset: m.offset, value: m.value }));
            if (records.length > 0) applied += (await applyRecords(model, batch.topic, batch.partition, records)).applied;
            const last = batch.messages[batch.messages.length - 1];
            if (!last || BigInt(last.offset) + 1n >= end) remaining.delete(key);
            if (remaining.size === 0) resolve();
          },
        }),
      );
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`rebuild: partitions ${[...remaining].join(', ')} delivered nothing for 120 s`)), 120_000);
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return applied;
}

/** Where a rebuild goes when not told: beside the live SQLite file; for PostgreSQL a URL is needed. */
export function defaultRebuildTarget(live: ReadModelLocation, now: Date): ReadModelLocation {
  if (live.kind === 'postgres') throw new Error('rebuild: on PostgreSQL, name an empty database for the rebuild with --into postgres://…');
  const file = live.file.replace(/\.sqlite$/, '') + `.rebuild-${now.toISOString().replace(/[:.]/g, '-')}.sqlite`;
  if (fs.existsSync(file)) throw new Error(`rebuild: ${file} exists already`);
  return { kind: 'sqlite', file };
}
