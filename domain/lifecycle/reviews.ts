import type { z } from 'zod';
import { refuse, type Refusal } from '../refusal';
import type { Decided, Decision } from '../decision';
import type { ReviewChainRecord } from '../../schemas/audit';
import type { Actor } from '../../schemas/common';
import { FailureType } from '../../schemas/errors';
import { STAGES_BEFORE_CONSTRUCTION, type ReviewStageId, type StageOutcome } from '../../schemas/jointReview';
import type { ApprovalStatus, ProjectState, ReapplyForReview, ReapplyResult, ReviewAttempt } from '../../schemas/lifecycle';

/** A re-application (重新申请) as parsed. */
export type ReapplyRequest = z.output<typeof ReapplyForReview>;
import type { Stage } from '../../schemas/project';
import { Draft, type Lifecycle, type LifecycleRulesConfig } from './state';

/** The workflow id of a stage's review attempt (workflows/review/messages.ts reviewAttemptWorkflowId, bound to the project). */
export type ReviewWorkflowId = (stageId: ReviewStageId, attempt: number) => string;

/** What a re-application needs besides the state: how many attempts each stage's review has had, and their workflow ids. */
export interface ReviewCounts {
  reviewAttempts: Readonly<Record<string, number>>;
  reviewWorkflowId: ReviewWorkflowId;
}

/** Where a rejected stage may be applied for again (重新申请): the stages before construction in preliminary work, acceptance once completed. */
export function reapplicationStage(stageId: ReviewStageId): Stage {
  return stageId === 'completionAcceptance' ? 'completed' : 'preliminary';
}

/** The approvals keyflow tracks that must be in before the project may enter `to`, still open. */
export function approvalsMissing(state: ProjectState, to: Stage): string[] {
  const needed: readonly ReviewStageId[] = to === 'started' ? STAGES_BEFORE_CONSTRUCTION : to === 'inProduction' ? ['completionAcceptance'] : [];
  return needed.filter((id) => state.approvals[id] !== undefined && state.approvals[id] !== 'approved');
}

/**
 * Marks a rejected stage as applied for again, in a decision being made; the workflow's main
 * loop starts its next attempt. Answers the attempt to come (not started yet).
 */
export function markReapplied(d: Draft, stageId: ReviewStageId, actor: Actor, note: string, counts: ReviewCounts): ReapplyResult {
  const s = d.state;
  const by = actor.by;
  const rejected = s.reviews[stageId];
  const attempt = (counts.reviewAttempts[stageId] ?? rejected?.attempt ?? 1) + 1;
  if (rejected) s.reviews = { ...s.reviews, [stageId]: { ...rejected, reapplied: { at: d.at, by, note } } };
  s.approvals = { ...s.approvals, [stageId]: 'notStarted' };
  const workflowId = counts.reviewWorkflowId(stageId, attempt);
  const auditHead = d.audit('reviewReapplied', `${stageId}:${attempt}`, actor, { stageId, attempt, note });
  d.emit({
    type: 'cn.keyflow.project.reviewReapplied',
    key: `reapplied:${stageId}:${attempt}`,
    data: { stageId, attempt, workflowId, by, note, county: s.project.county, ...(auditHead ? { auditHead } : {}) },
  });
  return { stageId, attempt, workflowId, started: false };
}

/** Refuses a re-application on a closed project, for a stage not rejected, or in the wrong stage. */
export function checkReapply(state: ProjectState, req: Pick<ReapplyRequest, 'stageId'>): Refusal | undefined {
  if (state.closed) return refuse(FailureType.ProjectClosed, `project is closed in stage ${state.stage}; nothing can be applied for`, { currentStage: state.stage });
  const status = state.approvals[req.stageId];
  if (status !== 'rejected') {
    const rule = `must name a rejected stage (${req.stageId} is ${status ?? 'not reviewed by keyflow for this project'})`;
    return refuse(FailureType.IllegalTransition, `stageId: ${rule}`, [{ field: 'stageId', rule }]);
  }
  const where = reapplicationStage(req.stageId);
  if (state.stage !== where) {
    return refuse(FailureType.IllegalTransition, `${req.stageId} is applied for again in stage ${where}; the project is in ${state.stage}`, { currentStage: state.stage });
  }
  return undefined;
}

/** The applicant applies again for a rejected stage (重新申请): the answer's `started` is false until the workflow has started it. */
export function reapplyForReview(l: Lifecycle, req: ReapplyRequest, now: Date, config: LifecycleRulesConfig, counts: ReviewCounts): Decision<Lifecycle, ReapplyResult> {
  const refused = checkReapply(l.state, req);
  if (refused) return refused;
  const d = new Draft(l, now, config);
  return d.done(markReapplied(d, req.stageId, req.actor, req.note, counts));
}

/**
 * The workflow starts a stage's review attempt: the stage is in review, the attempt it replaces
 * (if any) goes to the history.
 */
export function reviewStarted(l: Lifecycle, stageId: ReviewStageId, attempt: number, workflowId: string, now: Date, config: LifecycleRulesConfig): Decided<Lifecycle, ReviewAttempt> {
  const d = new Draft(l, now, config);
  const s = d.state;
  s.approvals = { ...s.approvals, [stageId]: 'inReview' };
  const earlier = s.reviews[stageId];
  if (earlier && earlier.attempt < attempt) s.reviewHistory = [...s.reviewHistory, earlier];
  const current: ReviewAttempt = { stageId, attempt, workflowId, status: 'inReview', startedAt: d.at, rejections: [] };
  s.reviews = { ...s.reviews, [stageId]: current };
  return d.done(current);
}

/**
 * A review attempt failed to run (its deadlines cannot be counted yet): the stage is not in
 * review any more, and why is kept among the calendar gaps. Nothing changes when the stage has
 * moved on meanwhile.
 */
export function reviewFailed(l: Lifecycle, started: ReviewAttempt, message: string, now: Date, config: LifecycleRulesConfig): Decided<Lifecycle, boolean> {
  const d = new Draft(l, now, config);
  const s = d.state;
  const { stageId, attempt } = started;
  if (s.approvals[stageId] !== 'inReview') return d.done(false);
  s.approvals = { ...s.approvals, [stageId]: 'notStarted' };
  if (s.reviews[stageId]?.attempt === attempt) s.reviews = { ...s.reviews, [stageId]: { ...started, status: 'notStarted' } };
  const what = `review:${stageId}:${attempt}`;
  if (!s.calendarGaps.some((g) => g.what === what)) s.calendarGaps = [...s.calendarGaps, { what, message, at: d.at }];
  return d.done(true);
}

/** A review's outcome, signalled by the review workflow: the stage's approval and its current attempt. */
export function reviewDecided(l: Lifecycle, outcome: StageOutcome, now: Date, config: LifecycleRulesConfig): Decided<Lifecycle, ApprovalStatus> {
  const d = new Draft(l, now, config);
  const s = d.state;
  s.approvals = { ...s.approvals, [outcome.stageId]: outcome.outcome };
  const current = s.reviews[outcome.stageId];
  if (current) {
    s.reviews = { ...s.reviews, [outcome.stageId]: { ...current, status: outcome.outcome, decidedAt: outcome.decidedAt, rejections: outcome.rejections } };
  }
  return d.done(outcome.outcome);
}

/**
 * A withdrawn project (退库) has told its open reviews: those still in review are withdrawn with
 * it (an approved one keeps its status; its 容缺 follow-ups were told too).
 */
export function reviewsWithdrawn(l: Lifecycle, open: readonly ReviewAttempt[], now: Date, config: LifecycleRulesConfig): Decided<Lifecycle, number> {
  const d = new Draft(l, now, config);
  const s = d.state;
  let n = 0;
  for (const r of open) {
    if (r.status !== 'inReview') continue;
    s.reviews = { ...s.reviews, [r.stageId]: { ...r, status: 'withdrawn' } };
    s.approvals = { ...s.approvals, [r.stageId]: 'withdrawn' };
    n += 1;
  }
  return d.done(n);
}

/**
 * A review's audit line or outcome, forwarded by the review workflow, goes on the project's hash
 * chain (one writer: the project); with `withEvent` (patch review-chain-head-event) the new head
 * is published. Nothing is chained in runs that keep no chain.
 */
export function chainReviewAction(l: Lifecycle, r: ReviewChainRecord, withEvent: boolean, now: Date, config: LifecycleRulesConfig): Decided<Lifecycle, string | undefined> {
  const d = new Draft(l, now, config);
  const auditHead = d.audit(r.kind, r.key, r.actor, { ...r.data, reviewWorkflowId: r.reviewWorkflowId });
  if (auditHead && d.state.audit && withEvent) {
    const seq = d.state.audit.length - 1;
    d.emit({ type: 'cn.keyflow.project.reviewActionChained', key: `chained:${seq}`, data: { auditHead, seq, kind: r.kind, key: r.key, stageId: r.stageId, by: r.actor.by } });
  }
  return d.done(auditHead);
}

/** How joint review is wired in this run: the patches the workflow read, and whether the city configured joint review at all. */
export interface ReviewWiring {
  /** Patch lifecycle-starts-joint-review, and a joint-review configuration given. */
  reviewsWired: boolean;
  /** Patch lifecycle-completion-acceptance. */
  acceptanceWired: boolean;
  /** Patch lifecycle-reapply-after-rejection. */
  reapplyExplicit: boolean;
}

/**
 * The next stage to review, if the project is ready for it: in preliminary work the stages
 * before construction, in order; once completed, completion acceptance (竣工联合验收).
 */
export function nextReviewStage(state: ProjectState, wiring: ReviewWiring): ReviewStageId | undefined {
  if (!wiring.reviewsWired) return undefined;
  const due = (id: ReviewStageId) => state.approvals[id] === 'notStarted' || (!wiring.reapplyExplicit && state.approvals[id] === 'rejected');
  if (state.stage === 'preliminary') {
    if (STAGES_BEFORE_CONSTRUCTION.some((id) => state.approvals[id] === 'inReview')) return undefined;
    // In order: a rejected stage holds the later ones until it is applied for again and approved.
    const first = STAGES_BEFORE_CONSTRUCTION.find((id) => state.approvals[id] !== 'approved');
    return first !== undefined && due(first) ? first : undefined;
  }
  if (state.stage === 'completed' && wiring.acceptanceWired && due('completionAcceptance')) return 'completionAcceptance';
  return undefined;
}
