/**
 * The baseline of the benchmark: a bare Temporal workflow that takes the same number of
 * updates as a joint review and does nothing else — no validation, no state beyond a count,
 * no activities, no events. Bundled on its own (bench/worker.ts, its own task queue), never
 * with keyflow's workflows.
 */
import { allHandlersFinished, condition, defineUpdate, setHandler } from '@temporalio/workflow';

/** One update; answers how many have arrived so far. */
export const bareUpdate = defineUpdate<number, [string]>('bare');

export async function bareReview(expectedUpdates: number): Promise<number> {
  let received = 0;
  setHandler(bareUpdate, () => ++received);
  await condition(() => received >= expectedUpdates);
  await condition(allHandlersFinished);
  return received;
}
