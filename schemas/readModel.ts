import { z } from 'zod';
import { shanghaiDateTime } from './chinese';
import { Instant } from './common';

/**
 * 读模型滞后: how far behind the topics the read model was when an agenda or a ranking was
 * compiled from it. The compilation waits (bounded) for the model to reach the topics' end offsets
 * taken when it began, then compiles all the same: a meeting is held without fail, and whoever
 * reads the agenda or the ranking sees what it may have missed.
 */
export const CompiledLag = z.object({
  /** Events on the topics (up to those end offsets) the model had not applied when it was read. */
  lag: z.number().int().nonnegative(),
  /** When the lag was measured, right before the model was read. */
  asOf: Instant,
  /** The model reached those end offsets within the wait (lag 0). */
  caughtUp: z.boolean(),
});
export type CompiledLag = z.infer<typeof CompiledLag>;

/**
 * What people read about it (Chinese first): 据读模型编制，读模型已追上事件流 / 读模型滞后 N 条事件,
 * with the time it was measured; where an agenda or a ranking was read from the workflows' own
 * state, that; nothing for one compiled before keyflow recorded it (undefined).
 */
export function compiledLagText(lag: CompiledLag | null | undefined): string {
  if (lag === undefined) return '';
  if (lag === null) return '据各项目流程的实时状态编制。';
  const at = `（截至 ${shanghaiDateTime(lag.asOf)}，北京时间）`;
  return lag.lag === 0 ? `据读模型编制，读模型已追上事件流${at}。` : `据读模型编制，读模型滞后 ${lag.lag} 条事件${at}，可能未含最新变化。`;
}
