import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { parseEvent } from '../schemas/events/catalog';
import { TOPICS, type TopicName } from '../schemas/topics';
import { applyEvent } from './apply';
import type { ReadModel } from './db';

/** Every topic keyflow writes: the read model follows them all (reminders only advance offsets). */
export const PROJECTED_TOPICS: readonly TopicName[] = Object.values(TOPICS);

/** One Kafka record as the projector needs it. */
export interface RawRecord {
  offset: string;
  value: Buffer | string | null;
  /** The record's Kafka timestamp (ms, as text), when known: lag is measured from it. */
  timestamp?: string;
}

/** What one applied batch did. */
export interface BatchOutcome {
  applied: number;
  /** Delivered again (a restart, a rebalance): skipped by offset or by event id. */
  duplicates: number;
  /** Refused by the catalogue: kept in rejected_events, never dropped. */
  rejected: number;
  nextOffset: string;
}

const next = (offset: string): string => (BigInt(offset) + 1n).toString();

/**
 * Applies records of one partition in ONE database transaction together with the partition's
 * consumed offset: either all of it commits, changes and offset, or none — so a projector killed
 * mid-batch redoes exactly what had not committed. Records below the stored offset, and events
 * whose id was already applied (a producer's retried send lands twice), change nothing.
 */
export async function applyRecords(model: ReadModel, topic: string, partition: number, records: readonly RawRecord[], now: () => Date = () => new Date()): Promise<BatchOutcome> {
  return model.db.transaction().execute(async (trx) => {
    const stored = await trx.selectFrom('consumer_offsets').select('next_offset').where('topic', '=', topic).where('partition', '=', partition).executeTakeFirst();
    let nextOffset = stored?.next_offset ?? '0';
    const outcome: BatchOutcome = { applied: 0, duplicates: 0, rejected: 0, nextOffset };
    for (const r of records) {
      if (BigInt(r.offset) < BigInt(nextOffset)) {
        outcome.duplicates += 1;
        continue;
      }
      nextOffset = next(r.offset);
      const raw = r.value === null ? '' : r.value.toString();
      let event;
      try {
        event = parseEvent(JSON.parse(raw));
      } catch (err) {
        const reason = err instanceof Error ? err.message.slice(0, 2000) : String(err);
        await trx.insertInto('rejected_events').values({ topic, partition, offset: r.offset, reason, raw }).onConflict((oc) => oc.columns(['topic', 'partition', 'offset']).doNothing()).execute();
        outcome.rejected += 1;
        continue;
      }
      // Recorded first, in the same transaction: no row back means the id was applied already.
      const first = await trx
        .insertInto('applied_events')
        .values({ event_id: event.id, topic, partition, offset: r.offset, type: event.type, subject: event.subject, time: new Date(event.time).toISOString() })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .returning('event_id')
        .executeTakeFirst();
      if (!first) {
        outcome.duplicates += 1;
        continue;
      }
      await applyEvent(trx, event);
      outcome.applied += 1;
    }
    await trx
      .insertInto('consumer_offsets')
      .values({ topic, partition, next_offset: nextOffset, updated_at: now().toISOString() })
      .onConflict((oc) => oc.columns(['topic', 'partition']).doUpdateSet({ next_offset: nextOffset, updated_at: now().toISOString() }))
      .execute();
    outcome.nextOffset = nextOffset;
    return outcome;
  });
}

/** Offsets the model has consumed, per topic and partition (the next offset to read). */
export async function consumedOffsets(model: ReadModel): Promise<Map<string, bigint>> {
  const rows = await model.db.selectFrom('consumer_offsets').select(['topic', 'partition', 'next_offset']).execute();
  return new Map(rows.map((r) => [`${r.topic}:${r.partition}`, BigInt(r.next_offset)]));
}

export interface ProjectorOptions {
  brokers: string[];
  model: ReadModel;
  /** The consumer group; one per read model (a rebuild uses a group of its own). */
  groupId?: string;
  clientId?: string;
  topics?: readonly TopicName[];
  /** Records per transaction: bounds how much a kill can make the projector redo. */
  chunk?: number;
  log?: (line: string) => void;
  /** Called after each committed transaction (tests and the bench watch progress through it). */
  onCommitted?: (topic: string, partition: number, outcome: BatchOutcome, records: readonly RawRecord[]) => void;
}

export interface Projector {
  stop(): Promise<void>;
  /** Resolves once the consumer has joined its group and sought to the stored offsets. */
  ready: Promise<void>;
}

/**
 * The projector (投影): a kafkajs consumer group over every keyflow topic writing the read model.
 * Offsets live in the database, committed with the changes; nothing is committed to Kafka. On
 * joining the group it seeks each assigned partition to the offset the database holds (records
 * before it would be skipped anyway, so a race with the first fetch costs time, not correctness).
 */
export async function startProjector(opts: ProjectorOptions): Promise<Projector> {
  const kafka = new Kafka({ clientId: opts.clientId ?? 'keyflow-projector', brokers: opts.brokers, logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 } });
  const consumer: Consumer = kafka.consumer({ groupId: opts.groupId ?? 'keyflow-read-model', allowAutoTopicCreation: false, sessionTimeout: 30_000, rebalanceTimeout: 30_000, maxWaitTimeInMs: 100 });
  const chunk = opts.chunk ?? 500;
  const log = opts.log ?? (() => undefined);
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    void (async () => {
      const offsets = await consumedOffsets(opts.model);
      for (const [topic, partitions] of Object.entries(e.payload.memberAssignment)) {
        for (const partition of partitions) {
          const at = offsets.get(`${topic}:${partition}`);
          if (at !== undefined) consumer.seek({ topic, partition, offset: at.toString() });
        }
      }
      resolveReady();
    })().catch((err: unknown) => log(`projector: seek from stored offsets failed: ${String(err)}`));
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...(opts.topics ?? PROJECTED_TOPICS)], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
      for (let i = 0; i < batch.messages.length; i += chunk) {
        if (!isRunning() || isStale()) return;
        const records = batch.messages.slice(i, i + chunk).map((m) => ({ offset: m.offset, value: m.value, timestamp: m.timestamp }));
        const outcome = await applyRecords(opts.model, batch.topic, batch.partition, records);
        opts.onCommitted?.(batch.topic, batch.partition, outcome, records);
        // Moves the consumer's fetch position on (in memory; with autoCommit off nothing goes to Kafka).
        resolveOffset(records[records.length - 1]!.offset);
        if (outcome.rejected > 0) log(`projector: ${outcome.rejected} record(s) on ${batch.topic}[${batch.partition}] refused by the event catalogue, kept in rejected_events`);
        await heartbeat();
      }
    },
  });
  return {
    ready,
    async stop() {
      await consumer.disconnect();
    },
  };
}
