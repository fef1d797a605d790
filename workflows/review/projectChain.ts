import { getExternalWorkflowHandle, log, workflowInfo } from '@temporalio/workflow';
import type { Actor } from '../../schemas/common';
import type { ReviewChainRecord } from '../../schemas/audit';
import type { AuditEntry, ReviewState, StageOutcome } from '../../schemas/jointReview';
import { reviewActionRecordedSignal } from '../project/messages';

/**
 * Forwards a review's audit lines and outcome to its parent, the project lifecycle, whose hash
 * chain appends them (patch review-actions-on-project-chain). Signals go one after another, in
 * the order the lines were written, so the chain keeps the review's order. A review with no
 * parent (started on its own) forwards nothing.
 */
export class ProjectChainForwarder {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly projectCode: string,
    private readonly stageId: string,
  ) {}

  /** The lines `after` holds that `before` did not (the acting department's first), each with the actor who acted (the request's) or the line's own `by`. */
  lines(before: ReviewState | undefined, after: ReviewState, actor?: Actor, actedFor?: string): void {
    // The acting department's lines first: what it did, then what that did to the others (cancellations).
    const tasks = [...after.tasks].sort((x, y) => Number(y.department === actedFor) - Number(x.department === actedFor));
    for (const task of tasks) {
      const known = before?.tasks.find((t) => t.department === task.department)?.audit.length ?? 0;
      for (const line of task.audit.slice(known)) this.line(task.department, line, actor);
    }
  }

  outcome(outcome: StageOutcome, by: string): void {
    this.send('reviewDecided', `${this.stageId}:${outcome.outcome}:${outcome.decidedAt}`, { by }, { stageId: this.stageId, outcome: outcome.outcome, decidedAt: outcome.decidedAt, rejections: outcome.rejections });
  }

  /** Resolves once every forward has been sent (or given up on), so the review may end. */
  flushed(): Promise<void> {
    return this.tail;
  }

  private line(department: string, line: AuditEntry, actor?: Actor): void {
    // A line the request wrote names its actor; system lines (cancellations) name `system`.
    const who: Actor = actor && actor.by === line.by ? actor : { by: line.by, ...(line.department ? { department: line.department } : {}) };
    const key = line.requestId ?? `${this.stageId}:${department}:${line.action}:${line.at}`;
    this.send('reviewAction', key, who, { stageId: this.stageId, department, ...line });
  }

  private send(kind: ReviewChainRecord['kind'], key: string, actor: Actor, data: Record<string, unknown>): void {
    const info = workflowInfo();
    const parent = info.parent;
    if (!parent) return;
    const record: ReviewChainRecord = { projectCode: this.projectCode, stageId: this.stageId, reviewWorkflowId: info.workflowId, kind, key, actor, data: JSON.parse(JSON.stringify(data)) as Record<string, unknown> };
    this.tail = this.tail.then(async () => {
      try {
        await getExternalWorkflowHandle(parent.workflowId).signal(reviewActionRecordedSignal, record);
      } catch (err) {
        log.warn('could not forward an audit line to the project', { parent: parent.workflowId, key, error: String(err) });
      }
    });
  }
}
