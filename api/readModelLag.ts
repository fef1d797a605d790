import type { ReadModelSource } from '../activities/index';
import { freshnessAgainst, topicEndOffsets } from '../projections/freshness';
import type { ReadModelFreshness } from '../schemas/api';

const LAG_TIMEOUT_MS = 2000;
/** A list answer may use topic end offsets this old: asking the brokers on every page would cost more than the list. */
const ENDS_MAX_AGE_MS = 1000;

const ends = new WeakMap<ReadModelSource, { at: number; offsets: Promise<Map<string, bigint>> }>();

function endOffsets(source: ReadModelSource): Promise<Map<string, bigint>> {
  const cached = ends.get(source);
  if (cached && Date.now() - cached.at < ENDS_MAX_AGE_MS) return cached.offsets;
  const offsets = topicEndOffsets(source.brokers);
  ends.set(source, { at: Date.now(), offsets });
  offsets.catch(() => ends.delete(source));
  return offsets;
}

/**
 * How far behind the topics the read model is now: events on the topics not yet applied, and when
 * that was measured; lag null when Kafka did not answer in time (the list is answered all the same).
 */
export async function readModelLag(source: ReadModelSource): Promise<ReadModelFreshness> {
  const asOf = new Date().toISOString();
  const lag = await Promise.race([
    endOffsets(source).then(async (e) => (await freshnessAgainst(source.model, e)).lag),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), LAG_TIMEOUT_MS).unref()),
  ]).catch(() => null);
  return { lag, asOf };
}

/**
 * A list answer with the read model's lag, when the context reads lists from it (`readModel`); as is
 * otherwise. The lag is taken before the list is read, so it is at most what the answer misses.
 */
export async function withModelLag<T extends object>(source: ReadModelSource | undefined, answer: () => Promise<T>): Promise<T & { readModel?: ReadModelFreshness }> {
  if (!source) return answer();
  const lag = readModelLag(source);
  const read = await answer();
  return { ...read, readModel: await lag };
}
