import type { z } from 'zod';
import { shanghaiDate } from '../calendar';
import type { Decision } from '../decision';
import { refuse, type Refusal } from '../refusal';
import { FailureType } from '../../schemas/errors';
import type { AnnualPlan, ProjectState, SetAnnualPlan } from '../../schemas/lifecycle';
import { recomputeWarning } from './light';
import { Draft, type Lifecycle, type LifecycleRulesConfig } from './state';

/** The year's plan (年度计划下达) as parsed. */
export type AnnualPlanRequest = z.output<typeof SetAnnualPlan>;

/** Refuses a plan on a closed project, for another year than Shanghai's current one on `now`, or above the total investment. */
export function checkAnnualPlan(state: ProjectState, req: Pick<AnnualPlanRequest, 'year' | 'annualPlannedInvestment'>, now: Date): Refusal | undefined {
  if (state.closed) return refuse(FailureType.ProjectClosed, `project is closed in stage ${state.stage}; its annual plan cannot change`, { currentStage: state.stage });
  const thisYear = Number(shanghaiDate(now).slice(0, 4));
  if (req.year !== thisYear) {
    const rule = `must be the current year (${thisYear}): a plan is set in the year it covers`;
    return refuse(FailureType.ValidationFailed, `year: ${rule}`, [{ field: 'year', rule }]);
  }
  if (req.annualPlannedInvestment > state.project.totalInvestment) {
    const rule = `must not exceed the total investment (${state.project.totalInvestment} 万元)`;
    return refuse(FailureType.ValidationFailed, `annualPlannedInvestment: ${rule}`, [{ field: 'annualPlannedInvestment', rule }]);
  }
  return undefined;
}

/**
 * The year's planned investment is set: kept with the figure it replaces, the project's figure
 * becomes it, and the light is measured against it. (The workflow keeps its own copy of the
 * project, its input, in step.)
 */
export function setAnnualPlan(l: Lifecycle, req: AnnualPlanRequest, now: Date, config: LifecycleRulesConfig): Decision<Lifecycle, AnnualPlan> {
  const refused = checkAnnualPlan(l.state, req, now);
  if (refused) return refused;
  const d = new Draft(l, now, config);
  const s = d.state;
  const plan: AnnualPlan = {
    year: req.year,
    annualPlannedInvestment: req.annualPlannedInvestment,
    previous: s.project.annualPlannedInvestment,
    setAt: d.at,
    by: req.actor.by,
    ...(req.reason !== undefined ? { reason: req.reason } : {}),
  };
  s.annualPlans = [...s.annualPlans, plan];
  s.project = { ...s.project, annualPlannedInvestment: req.annualPlannedInvestment };
  const auditHead = d.audit('annualPlanSet', req.requestId, req.actor, { year: plan.year, annualPlannedInvestment: plan.annualPlannedInvestment, previous: plan.previous, reason: plan.reason });
  d.emit({
    type: 'cn.keyflow.project.annualPlanSet',
    key: d.nextKey(`annualPlan:${req.year}`),
    data: { year: plan.year, annualPlannedInvestment: plan.annualPlannedInvestment, previous: plan.previous, by: plan.by, reason: plan.reason, county: s.project.county, ...(auditHead ? { auditHead } : {}) },
  });
  recomputeWarning(d);
  return d.done(plan);
}
