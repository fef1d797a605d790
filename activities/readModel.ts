import { Context } from '@temporalio/activity';
import { awaitCaughtUp } from '../projections/freshness';
import type { ReadModelSource } from './index';

/**
 * Lets the read model catch up with the topics' end offsets as they are now (bounded), and logs
 * the lag left when it could not: an agenda or a ranking is compiled all the same — a meeting is
 * held without fail — and says in the worker's log how far behind it was.
 */
export async function caughtUp(source: ReadModelSource, what: string): Promise<number> {
  const f = await awaitCaughtUp(source.model, source.brokers, { timeoutMs: source.catchUpMs ?? 15_000 });
  if (!f.caughtUp) Context.current().log.warn(`${what}: compiled from the read model ${f.lag} event(s) behind the topics`, { lag: f.lag });
  return f.lag;
}
