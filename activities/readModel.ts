import { Context } from '@temporalio/activity';
import { awaitCaughtUp } from '../projections/freshness';
import type { CompiledLag } from '../schemas/readModel';
import type { ReadModelSource } from './index';

/**
 * Lets the read model catch up with the topics' end offsets as they are now (bounded) and answers
 * the lag left, which the agenda or the ranking records (读模型滞后): it is compiled all the same —
 * a meeting is held without fail — and says how far behind the model was. The worker's log says
 * so too when it did not catch up.
 */
export async function caughtUp(source: ReadModelSource, what: string): Promise<CompiledLag> {
  const f = await awaitCaughtUp(source.model, source.brokers, { timeoutMs: source.catchUpMs ?? 15_000 });
  if (!f.caughtUp) Context.current().log.warn(`${what}: compiled from the read model ${f.lag} event(s) behind the topics`, { lag: f.lag });
  return { lag: f.lag, asOf: f.at, caughtUp: f.caughtUp };
}
