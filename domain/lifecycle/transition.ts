import type { z } from 'zod';
import type { Decision } from '../decision';
import { refuse, type Refusal } from '../refusal';
import { FailureType } from '../../schemas/errors';
import { STAGES_BEFORE_CONSTRUCTION } from '../../schemas/jointReview';
import type { ProjectState, TransitionRequest } from '../../schemas/lifecycle';
import { recomputeWarning } from './light';
import { approvalsMissing, markReapplied, type ReviewCounts } from './reviews';
import { checkTransition, CLOSED_STAGES, REPORTING_STAGES } from './stages';
import { clearStall } from './stall';
import { Draft, type Lifecycle, type LifecycleRulesConfig } from './state';

/** A stage change (阶段变更) as parsed. */
export type TransitionInput = z.output<typeof TransitionRequest>;

/** What a stage change answers: the stage entered and the change's number in the stage history. */
export interface Transitioned {
  stage: TransitionInput['to'];
  seq: number;
}

/** What a stage change needs besides the state and the request; the workflow reads the patches once and passes them as they are. */
export interface TransitionRules extends ReviewCounts {
  /** Completion acceptance is wired (patch lifecycle-completion-acceptance) and the city's joint review has the stage. */
  acceptanceConfigured: boolean;
  /** Patch lifecycle-reapply-after-rejection: a rejected stage waits until it is applied for again. */
  reapplyExplicit: boolean;
}

/** Refuses a stage change the stage rules do not allow (domain/lifecycle/stages.ts), naming the current stage. */
export function checkTransitionRequest(state: ProjectState, req: Pick<TransitionInput, 'to' | 'reason'>): Refusal | undefined {
  const verdict = checkTransition({ from: state.stage, to: req.to, reason: req.reason, approvalsMissing: approvalsMissing(state, req.to) });
  return verdict.ok ? undefined : refuse(FailureType[verdict.type], verdict.message, { currentStage: state.stage });
}

/**
 * Completion acceptance is keyflow's to run for the projects whose approvals before construction
 * it ran; a project registered later had those outside keyflow, and has its acceptance there too.
 */
function acceptanceRunsHere(state: ProjectState, rules: TransitionRules): boolean {
  return rules.acceptanceConfigured && STAGES_BEFORE_CONSTRUCTION.every((id) => state.approvals[id] !== undefined);
}

/**
 * The project moves to `req.to`. Entering a reporting stage starts the monthly reports; entering
 * completion queues completion acceptance where keyflow runs it; entering preliminary work again
 * applies again for the stages rejected (patch lifecycle-reapply-after-rejection); any stage
 * change clears a noStageChange stall, and a closing stage (投产, 退库) clears any stall and
 * closes the project.
 */
export function transition(l: Lifecycle, req: TransitionInput, now: Date, config: LifecycleRulesConfig, rules: TransitionRules): Decision<Lifecycle, Transitioned> {
  const refused = checkTransitionRequest(l.state, req);
  if (refused) return refused;
  const d = new Draft(l, now, config);
  const s = d.state;
  const from = s.stage;
  const seq = s.stageHistory.length;
  s.stage = req.to;
  s.stageSince = d.at;
  s.stageHistory = [...s.stageHistory, { seq, from, to: req.to, at: d.at, by: req.actor.by, reason: req.reason }];
  if (REPORTING_STAGES.includes(req.to) && !s.reportingSince) s.reportingSince = d.at;
  if (req.to === 'completed' && acceptanceRunsHere(s, rules) && s.approvals.completionAcceptance === undefined) {
    s.approvals = { ...s.approvals, completionAcceptance: 'notStarted' }; // the main loop starts the review
  }
  // Entering preliminary work again after a rejection is itself a new application for the rejected stages.
  if (rules.reapplyExplicit && req.to === 'preliminary' && from !== 'preliminary') {
    for (const id of STAGES_BEFORE_CONSTRUCTION) {
      if (d.state.approvals[id] === 'rejected') markReapplied(d, id, req.actor, `重新进入前期工作${req.reason ? `：${req.reason}` : ''}`, rules);
    }
  }
  const auditHead = d.audit('stageChanged', req.requestId, req.actor, { seq, from, to: req.to, reason: req.reason });
  d.emit({
    type: 'cn.keyflow.project.stageChanged',
    key: `stage:${seq}`,
    data: { seq, from, to: req.to, by: req.actor.by, reason: req.reason, county: s.project.county, ...(auditHead ? { auditHead } : {}) },
  });
  if (d.state.stall?.reason === 'noStageChange') clearStall(d, req.actor.by, `stage changed to ${req.to}`);
  if (CLOSED_STAGES.includes(req.to)) {
    clearStall(d, req.actor.by, `project closed in stage ${req.to}`);
    d.state.closed = true;
  }
  recomputeWarning(d);
  return d.done({ stage: req.to, seq });
}
