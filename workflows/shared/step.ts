import { condition } from '@temporalio/workflow';

/**
 * Resolves once the workflow's current step has settled: the SDK checks a blocked condition only
 * after the activation's jobs and every microtask they queued have run, so what the step's other
 * handlers decide (updates queued behind the start, a signal's rule) is done by then. The first
 * check, at the call, says no; every later one says yes. Deterministic: it waits on the
 * activation's own order, not on time.
 */
export function endOfStep(): Promise<void> {
  let asked = false;
  return condition(() => {
    if (asked) return true;
    asked = true;
    return false;
  });
}
