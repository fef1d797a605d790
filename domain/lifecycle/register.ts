import type { Decided } from '../decision';
import { STAGES_BEFORE_CONSTRUCTION } from '../../schemas/jointReview';
import type { ProjectState } from '../../schemas/lifecycle';
import type { Project } from '../../schemas/project';
import { CLOSED_STAGES, REPORTING_STAGES } from './stages';
import { Draft, type Lifecycle, type LifecycleRulesConfig } from './state';

/**
 * A project's state at registration (入库). `listedAt`: the instant of its listing day
 * (纳入重点项目管理日期) for a project brought over from the city's earlier ledger, from which its
 * stage time and reports count; `reviewsBeforeConstruction`: joint review runs the approvals
 * before construction for it (a project not yet past preliminary work, joint review wired).
 */
export function initialState(project: Project, registeredBy: string, now: Date, opts: { listedAt?: string; reviewsBeforeConstruction: boolean }): ProjectState {
  const at = now.toISOString();
  const { listedAt } = opts;
  const state: ProjectState = {
    project,
    stage: project.stage,
    stageSince: listedAt ?? at,
    stageHistory: [{ seq: 0, from: null, to: project.stage, at, by: registeredBy }],
    reports: [],
    warning: { level: 'green', at, completionRate: 0, expectedRate: 0 },
    warningHistory: [],
    stall: null,
    stallHistory: [],
    orders: [],
    annualPlans: [],
    openProblems: [],
    approvals: {},
    reviews: {},
    reviewHistory: [],
    // A project registered already in production (or withdrawn) is recorded and closed at once.
    closed: CLOSED_STAGES.includes(project.stage),
    registeredAt: at,
    reportingSince: REPORTING_STAGES.includes(project.stage) ? (listedAt ?? at) : null,
    calendarGaps: [],
    lastReportAt: null,
    generation: 0,
  };
  if (opts.reviewsBeforeConstruction && ['conceived', 'reserve', 'preliminary'].includes(project.stage)) {
    for (const id of STAGES_BEFORE_CONSTRUCTION) state.approvals[id] = 'notStarted';
  }
  return state;
}

/** The registration's entry on the chain and its event (项目入库). */
export function registered(l: Lifecycle, registeredBy: string, now: Date, config: LifecycleRulesConfig): Decided<Lifecycle, string | undefined> {
  const d = new Draft(l, now, config);
  const project = d.state.project;
  const auditHead = d.audit('registered', project.code, { by: registeredBy }, { project });
  d.emit({ type: 'cn.keyflow.project.registered', key: 'registered', data: { project, registeredBy, ...(auditHead ? { auditHead } : {}) } });
  return d.done(auditHead);
}
