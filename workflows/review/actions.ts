import type { Decided, DecidedEvent } from '../../domain/decision';
import { decided } from '../../domain/decision';
import { settleStage, type Acted } from '../../domain/jointReview/tasks';
import type { ActionResult, ReviewState } from '../../schemas/jointReview';
import * as events from './events';

/**
 * A department's or the applicant's accepted action as the review applies it: the new state (its
 * provisional years marked by `mark`), the action's event and, when the action decided the stage,
 * the cancelled follow-ups and the stage's completion, in that order. Pure.
 */
export function actionDecided(acted: Acted, now: Date, mark: (s: ReviewState) => ReviewState): Decided<ReviewState, ActionResult> {
  let state = mark(acted.state);
  // The task as marked: its event names the provisional years of its deadline.
  const task = state.tasks.find((t) => t.department === acted.task.department) ?? acted.task;
  const out: events.ReviewEvent[] = [events.actionEvent(state, task, acted.result)];
  if (acted.stageWorkingDays !== undefined) {
    const settled = settleStage(state, now, acted.stageWorkingDays);
    if (settled) {
      state = settled.state;
      for (const c of settled.cancelled) {
        if (c.kind === 'followUp') out.push(events.followUpCancelled(state, state.tasks.find((t) => t.department === c.department)!, now.toISOString()));
      }
      const cancelledTasks = settled.cancelled.filter((c) => c.kind === 'task').map((c) => c.department);
      out.push(events.stageCompleted(state, settled.outcome, cancelledTasks));
    }
  }
  return decided(state, { ...acted.result, stageStatus: state.status }, out as DecidedEvent[]);
}

/** Whether the decision settled the stage (its completion is among its events). */
export const settlesStage = (d: Decided<ReviewState, unknown>): boolean => d.events.some((e) => e.type === 'cn.keyflow.review.stageCompleted');
