import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { atShanghaiTime, addCalendarDays, shanghaiDate } from '../../domain/calendar';
import { addMonths, lastDayOfMonth, monthOf } from '../../domain/lifecycle/months';
import { appendEntry } from '../../domain/audit/chain';
import { checkReport } from '../../domain/lifecycle/reports';
import { checkTransition, CLOSED_STAGES, REPORTING_STAGES } from '../../domain/lifecycle/stages';
import { completionRate, expectedRate, warningLevel } from '../../domain/lifecycle/warning';
import { ReviewChainRecord } from '../../schemas/audit';
import type { Actor } from '../../schemas/common';
import { FailureType } from '../../schemas/errors';
import { ReviewStageId, STAGES_BEFORE_CONSTRUCTION, StageOutcome } from '../../schemas/jointReview';
import {
  type AnnualPlan,
  CloseSupervisionOrder,
  OpenSupervisionOrder,
  ProgressReport,
  SupervisionOrder,
  ProjectState,
  ReapplyForReview,
  type ReapplyResult,
  type ReviewAttempt,
  SetAnnualPlan,
  Stall,
  StallReason,
  TransitionRequest,
  WarningChange,
} from '../../schemas/lifecycle';
import { LifecycleConfig } from '../../schemas/lifecycleConfig';
import { SA } from '../../schemas/searchAttributes';
import { addWorkingDays, CalendarGap } from '../shared/calendar';
import { Outbox } from '../shared/outbox';
import { projectWithdrawnSignal, reviewAttemptWorkflowId, reviewStageInput, reviewStageOutcomeSignal, reviewStartAttributes } from '../review/messages';
import { TypedSearchAttributes } from '@temporalio/common';
import type { reviewStage } from '../review/workflow';
import type { Stage } from '../../schemas/project';
import {
  CarriedState,
  closeSupervisionOrderUpdate,
  openSupervisionOrderUpdate,
  getProjectQuery,
  reapplyForReviewUpdate,
  reviewActionRecordedSignal,
  getProjectStateQuery,
  ProjectWorkflowInput,
  reportProgressUpdate,
  ReportResult,
  setAnnualPlanUpdate,
  transitionUpdate,
  TransitionResult,
} from './messages';
import { parseOrRefuse, refuse } from '../shared/refusal';
import { RequestLedger } from '../shared/requestLedger';

const DAY_MS = 24 * 3600 * 1000;
/** How many answered request ids a project remembers for de-duplication. */
const ANSWERED_KEPT = 500;

/**
 * One key project's life (重点项目全生命周期): stages, monthly reports, the investment warning
 * light, stall detection with supervision orders, all queryable and published as events. It
 * continues as new before its history grows large, carrying its whole state, so a project can
 * run for years.
 */
export async function projectLifecycle(input: ProjectWorkflowInput): Promise<ProjectState> {
  const config = LifecycleConfig.parse(input.config ?? {});
  const nowIso = () => new Date().toISOString();
  const project = input.project;
  const carried: CarriedState | undefined = input.carried;
  // Projects registered before this patch count from their registration; from it on a project brought
  // over from the city's earlier ledger counts its stage time and its reports from its listing day
  // (纳入重点项目管理日期), and its first review from the day the window accepted it (受理日期).
  const listedOnHonoured = patched('lifecycle-listed-on');
  const notLater = (date: string, hhmm: string): string => new Date(Math.min(atShanghaiTime(date, hhmm).getTime(), Date.now())).toISOString();
  const listedAt = listedOnHonoured && !carried && project.listedOn !== undefined ? notLater(project.listedOn, '00:00') : undefined;
  // Before this patch the daily check looked at last month's report only and any report cleared a
  // missed one; from it on it looks at the latest month whose report has fallen due (a check missed
  // while the project was not yet here, or the worker was down, is not lost) and only a report for
  // that month or a later one clears the stall.
  const reportDueByLatestMonth = patched('lifecycle-report-latest-due-month');

  const state: ProjectState = carried?.state ?? {
    project,
    stage: project.stage,
    stageSince: listedAt ?? nowIso(),
    stageHistory: [{ seq: 0, from: null, to: project.stage, at: nowIso(), by: input.registeredBy }],
    reports: [],
    warning: { level: 'green', at: nowIso(), completionRate: 0, expectedRate: 0 },
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
    registeredAt: nowIso(),
    reportingSince: REPORTING_STAGES.includes(project.stage) ? (listedAt ?? nowIso()) : null,
    calendarGaps: [],
    lastReportAt: null,
    generation: 0,
  };
  if (carried) state.generation += 1;
  state.orders ??= []; // runs carried over from before manual orders existed
  state.annualPlans ??= []; // … and from before annual plans could be set
  // Histories recorded before joint review was wired in replay without starting any review.
  const reviewsWired = patched('lifecycle-starts-joint-review');
  if (reviewsWired && !carried && input.jointReview && ['conceived', 'reserve', 'preliminary'].includes(project.stage)) {
    for (const id of STAGES_BEFORE_CONSTRUCTION) state.approvals[id] = 'notStarted';
  }
  // Histories recorded before completion acceptance was wired replay without starting it.
  const acceptanceWired = patched('lifecycle-completion-acceptance');
  // Histories recorded before this patch started a rejected stage's review again at once; now the
  // stage waits, rejected with its reasons, until the applicant applies again (重新申请).
  const reapplyExplicit = patched('lifecycle-reapply-after-rejection');
  // Histories recorded before this patch left a withdrawn project's open reviews running.
  const withdrawalClosesReviews = patched('lifecycle-withdrawal-closes-reviews');
  // Histories recorded before this patch keep no audit chain; from it on, every action of the
  // project is an entry of a hash chain this workflow alone writes (one writer keeps it linear).
  const auditChained = patched('project-audit-chain');
  if (auditChained) state.audit ??= [];
  /** Appends an action to the chain; answers the new head for the action's event (undefined before the patch). */
  const audit = (kind: string, key: string, actor: Actor, data: Record<string, unknown>): string | undefined => {
    if (!state.audit) return undefined;
    const { entry } = appendEntry(state.audit, { at: nowIso(), kind, key, actor, data: JSON.parse(JSON.stringify(data)) as Record<string, unknown> });
    state.audit.push(entry);
    return entry.hash;
  };
  const reviewAttempts: Record<string, number> = { ...(carried?.reviewAttempts ?? {}) };
  state.reviews ??= {};
  state.reviewHistory ??= [];
  // Runs carried over from before attempts were tracked in the state: their current review ids.
  for (const [stageId, n] of Object.entries(reviewAttempts)) {
    const id = stageId as ReviewStageId;
    state.reviews[id] ??= { stageId: id, attempt: n, workflowId: reviewAttemptWorkflowId(project.code, id, n), status: state.approvals[id] ?? 'inReview', startedAt: state.registeredAt, rejections: [] };
  }
  const outbox = new Outbox(project.code, carried?.pendingEvents);
  // First, before any handler is set: an update that arrived with the start is delivered the
  // moment its handler is registered, and its event must not overtake the registration.
  if (!carried) {
    const auditHead = audit('registered', project.code, { by: input.registeredBy }, { project });
    outbox.add('cn.keyflow.project.registered', 'registered', { project, registeredBy: input.registeredBy, ...(auditHead ? { auditHead } : {}) });
  }
  const ledger = new RequestLedger(carried?.answered ?? [], ANSWERED_KEPT);
  /** Report deadline per month, once the calendar has counted it (null: it could not). */
  const reportDue: Record<string, string | null> = carried?.reportDue ?? {};
  let eventSeq = carried?.eventSeq ?? 0;
  const nextKey = (what: string) => `${what}:${++eventSeq}`;

  const remember = (kind: string, what: string, request: { requestId: string } & Record<string, unknown>, result: unknown) => {
    ledger.record(request.requestId, kind, what, request, nowIso(), result);
  };

  // ---- search attributes: what visibility listings filter on --------------------------------
  let lastUpserted = '';
  const syncSearchAttributes = () => {
    const since = state.lastReportAt ?? state.reportingSince ?? state.registeredAt;
    const values = {
      stage: state.stage,
      warning: state.warning.level,
      stalled: state.stall !== null,
      days: Math.max(0, Math.floor((Date.now() - Date.parse(since)) / DAY_MS)),
      lastReportAt: state.lastReportAt,
      rate: Math.round(state.warning.completionRate * 10000) / 10000,
    };
    const key = JSON.stringify(values);
    if (key === lastUpserted) return;
    lastUpserted = key;
    upsertSearchAttributes([
      { key: SA.kind, value: 'project' },
      { key: SA.projectCode, value: project.code },
      { key: SA.county, value: project.county },
      { key: SA.industry, value: project.industry },
      { key: SA.leadDepartment, value: project.leadDepartment },
      { key: SA.stage, value: values.stage },
      { key: SA.warning, value: values.warning },
      { key: SA.stalled, value: values.stalled },
      { key: SA.daysSinceReport, value: values.days },
      { key: SA.completionRate, value: values.rate },
      ...(values.lastReportAt ? [{ key: SA.lastReportAt, value: new Date(values.lastReportAt) }] : []),
    ]);
  };

  // ---- warning light ---------------------------------------------------------------------
  /**
   * The annual plan a month's investment is measured against: the last one set for its year; for
   * an earlier year, the figure that stood before the first later plan replaced it.
   */
  const planFor = (month: string): number => {
    const year = Number(month.slice(0, 4));
    const set = state.annualPlans.filter((p) => p.year === year);
    if (set.length > 0) return set[set.length - 1]!.annualPlannedInvestment;
    const later = state.annualPlans.find((p) => p.year > year);
    return later ? later.previous : project.annualPlannedInvestment;
  };

  const recomputeWarning = () => {
    // The latest month reported is the yardstick, also when December is reported in January.
    const latest = state.reports[state.reports.length - 1];
    const inInvestment = REPORTING_STAGES.includes(state.stage);
    const rate = latest ? completionRate(latest.investmentToDate, planFor(latest.month)) : 0;
    const expected = latest && inInvestment ? expectedRate(latest.month) : 0;
    const level = inInvestment || state.stall
      ? warningLevel({
          completionRate: rate,
          expectedRate: expected,
          stalled: state.stall !== null,
          yellowBehindPoints: config.warning.yellowBehindPoints,
          redBehindPoints: config.warning.redBehindPoints,
        })
      : 'green';
    const previous = state.warning.level;
    const change: WarningChange = { level, at: nowIso(), completionRate: rate, expectedRate: expected };
    state.warning = change;
    if (level !== previous) {
      state.warningHistory.push(change);
      outbox.add('cn.keyflow.project.warningChanged', nextKey('warning'), {
        from: previous,
        to: level,
        completionRate: rate,
        expectedRate: expected,
        county: project.county,
      });
    }
  };

  // ---- stalls and supervision orders -------------------------------------------------------
  const noteCalendarGap = (what: string, err: CalendarGap) => {
    if (state.calendarGaps.some((g) => g.what === what)) return;
    state.calendarGaps.push({ what, message: err.message, at: nowIso() });
    outbox.add('cn.keyflow.project.calendarGap', `calendarGap:${what}`, { what, message: err.message });
  };

  const workingDaysAhead = async (from: string, n: number, what: string): Promise<string | null> => {
    try {
      return await addWorkingDays(from, n);
    } catch (err) {
      if (err instanceof CalendarGap) {
        noteCalendarGap(what, err);
        return null;
      }
      throw err;
    }
  };

  const markStalled = async (reason: StallReason, detail: string, month?: string) => {
    const today = shanghaiDate(new Date());
    const orderNo = state.stallHistory.length + 1;
    const dueDate = await workingDaysAhead(today, config.stall.supervisionOrderDueWorkingDays, `supervisionOrder:${orderNo}`);
    if (state.stall) return; // an update may have raced the calendar answer
    const stall: Stall = {
      reason,
      since: nowIso(),
      detail,
      ...(month !== undefined && reportDueByLatestMonth ? { month } : {}),
      order: {
        id: `督办-${project.code}-${orderNo}`,
        issuedAt: nowIso(),
        dueDate,
        escalatedTo: [...config.stall.supervisors, project.leadDepartment, project.responsibleLeader],
        reason: detail,
      },
    };
    state.stall = stall;
    outbox.add('cn.keyflow.project.stalled', `stalled:${orderNo}`, {
      reason,
      since: stall.since,
      detail,
      orderId: stall.order.id,
      county: project.county,
      leadDepartment: project.leadDepartment,
    });
    outbox.add('cn.keyflow.supervision.orderIssued', `order:${orderNo}`, {
      order: stall.order,
      projectName: project.name,
      county: project.county,
      responsibleLeader: project.responsibleLeader,
      leadDepartment: project.leadDepartment,
    });
    recomputeWarning();
  };

  const clearStall = (by: string, because: string) => {
    const stall = state.stall;
    if (!stall) return;
    const orderNo = state.stallHistory.length + 1;
    const at = nowIso();
    const cleared: Stall = { ...stall, clearedAt: at, clearedBy: by, order: { ...stall.order, closedAt: at, closedBecause: because } };
    state.stallHistory.push(cleared);
    state.stall = null;
    outbox.add('cn.keyflow.project.stallCleared', `stallCleared:${orderNo}`, {
      reason: stall.reason,
      since: stall.since,
      clearedAt: at,
      clearedBy: by,
      orderId: stall.order.id,
    });
    outbox.add('cn.keyflow.supervision.orderClosed', `orderClosed:${orderNo}`, {
      orderId: stall.order.id,
      closedAt: at,
      closedBecause: because,
      dueDate: stall.order.dueDate,
    });
    recomputeWarning();
  };

  /** The month whose report is missing and overdue today, if any. */
  const overdueReportMonth = async (): Promise<string | null> => {
    if (!['started', 'underConstruction'].includes(state.stage) || !state.reportingSince) return null;
    const today = shanghaiDate(new Date());
    const since = monthOf(shanghaiDate(state.reportingSince));
    // Last month, then (its report not due yet) the month before, whose report is due by now.
    const candidates = reportDueByLatestMonth ? [addMonths(monthOf(today), -1), addMonths(monthOf(today), -2)] : [addMonths(monthOf(today), -1)];
    for (const month of candidates) {
      if (month < since) return null;
      if (state.reports.some((r) => r.month >= month)) return null;
      if (!(month in reportDue)) {
        reportDue[month] = await workingDaysAhead(lastDayOfMonth(month), config.stall.reportDueWorkingDays, `reportDue:${month}`);
      }
      const due = reportDue[month];
      if (due !== null && due !== undefined && today > due) return month;
    }
    return null;
  };

  const dailyCheck = async () => {
    if (state.closed) return;
    if (!state.stall) {
      const missing = await overdueReportMonth();
      const daysInStage = Math.floor((Date.now() - Date.parse(state.stageSince)) / DAY_MS);
      const maxDays = config.stall.maxDaysInStage[state.stage];
      if (missing && !state.stall) {
        await markStalled('noReport', `${missing} 月报逾期未报 (report for ${missing} overdue since ${reportDue[missing]})`, missing);
      } else if (maxDays !== undefined && daysInStage > maxDays && !state.stall) {
        await markStalled('noStageChange', `在${state.stage}阶段已${daysInStage}天无进展 (no stage change for ${daysInStage} days, limit ${maxDays})`);
      }
    }
    syncSearchAttributes();
  };

  // ---- joint review (联审联批): one child workflow per stage, in order -----------------------
  /**
   * The next stage to review, if the project is ready for it: in preliminary work the stages
   * before construction, in order; once completed, completion acceptance (竣工联合验收).
   */
  const nextReviewStage = (): ReviewStageId | undefined => {
    if (!reviewsWired || !input.jointReview) return undefined;
    const due = (id: ReviewStageId) => state.approvals[id] === 'notStarted' || (!reapplyExplicit && state.approvals[id] === 'rejected');
    if (state.stage === 'preliminary') {
      if (STAGES_BEFORE_CONSTRUCTION.some((id) => state.approvals[id] === 'inReview')) return undefined;
      // In order: a rejected stage holds the later ones until it is applied for again and approved.
      const first = STAGES_BEFORE_CONSTRUCTION.find((id) => state.approvals[id] !== 'approved');
      return first !== undefined && due(first) ? first : undefined;
    }
    if (state.stage === 'completed' && acceptanceWired && due('completionAcceptance')) return 'completionAcceptance';
    return undefined;
  };
  /**
   * Completion acceptance is keyflow's to run for the projects whose approvals before construction
   * it ran; a project registered later had those outside keyflow, and has its acceptance there too.
   */
  const acceptanceRunsHere = (): boolean =>
    acceptanceWired &&
    input.jointReview?.stages.some((st) => st.id === 'completionAcceptance') === true &&
    STAGES_BEFORE_CONSTRUCTION.every((id) => state.approvals[id] !== undefined);
  /** A stage whose review could not start (e.g. its deadlines fall in a year without a holiday notice) is retried daily, not in a loop. */
  let reviewBlockedUntil = 0;

  const startNextReview = async () => {
    const stageId = nextReviewStage();
    if (!stageId || !input.jointReview || Date.now() < reviewBlockedUntil) return;
    const attempt = (reviewAttempts[stageId] ?? 0) + 1;
    reviewAttempts[stageId] = attempt;
    const workflowId = reviewAttemptWorkflowId(project.code, stageId, attempt);
    state.approvals[stageId] = 'inReview';
    const earlier = state.reviews[stageId];
    if (earlier && earlier.attempt < attempt) state.reviewHistory.push(earlier);
    const current: ReviewAttempt = { stageId, attempt, workflowId, status: 'inReview', startedAt: nowIso(), rejections: [] };
    state.reviews[stageId] = current;
    // The first stage of a project brought over in preliminary work was accepted at the window before it came here.
    const broughtIn = listedOnHonoured && !carried && project.reviewAcceptedOn !== undefined && attempt === 1 && stageId === STAGES_BEFORE_CONSTRUCTION[0] && state.stageHistory.length === 1;
    const reviewInput = { ...reviewStageInput(project, input.jointReview, stageId, 'xzsp'), ...(broughtIn ? { acceptedAt: notLater(project.reviewAcceptedOn!, '09:00') } : {}) };
    // Reviews started before this patch were listed only once their first workflow task ran.
    const listedAtStart = patched('review-started-with-search-attributes');
    const child = await startChild<typeof reviewStage>('reviewStage', {
      workflowId,
      args: [reviewInput],
      // The review outlives this run when the project continues as new; it reports back by signal.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...(listedAtStart ? { typedSearchAttributes: new TypedSearchAttributes(reviewStartAttributes(reviewInput)) } : {}),
    });
    // A review that fails (its deadlines cannot be counted yet) must not leave the stage "in review".
    void child.result().catch((err: unknown) => {
      if (state.approvals[stageId] !== 'inReview') return;
      state.approvals[stageId] = 'notStarted';
      if (state.reviews[stageId]?.attempt === attempt) state.reviews[stageId] = { ...current, status: 'notStarted' };
      reviewBlockedUntil = Date.now() + DAY_MS;
      const message = String((err as { cause?: { message?: string } })?.cause?.message ?? (err as Error)?.message ?? err);
      if (!state.calendarGaps.some((g) => g.what === `review:${stageId}:${attempt}`)) {
        state.calendarGaps.push({ what: `review:${stageId}:${attempt}`, message, at: nowIso() });
      }
    });
  };

  setHandler(reviewStageOutcomeSignal, (outcome: StageOutcome) => {
    if (outcome.projectCode !== project.code) return;
    state.approvals[outcome.stageId] = outcome.outcome;
    const current = state.reviews[outcome.stageId];
    if (current) {
      state.reviews[outcome.stageId] = { ...current, status: outcome.outcome, decidedAt: outcome.decidedAt, rejections: outcome.rejections };
    }
  });

  /** A review's audit line or outcome, forwarded by the review (its own audit keeps it too). */
  setHandler(reviewActionRecordedSignal, (raw) => {
    // Runs that never took this signal replay as before; the first one taken records the patch.
    if (!patched('review-actions-on-project-chain')) return;
    const parsed = ReviewChainRecord.safeParse(raw);
    if (!parsed.success || parsed.data.projectCode !== project.code) {
      log.warn('a forwarded review line is not for this project or malformed; not chained', { error: parsed.success ? 'other project' : parsed.error.message });
      return;
    }
    const r = parsed.data;
    const auditHead = audit(r.kind, r.key, r.actor, { ...r.data, reviewWorkflowId: r.reviewWorkflowId });
    // Lines taken before this patch were chained without an event; replays of them add none.
    if (auditHead && state.audit && patched('review-chain-head-event')) {
      const seq = state.audit.length - 1;
      outbox.add('cn.keyflow.project.reviewActionChained', `chained:${seq}`, { auditHead, seq, kind: r.kind, key: r.key, stageId: r.stageId, by: r.actor.by });
    }
  });

  // ---- re-application after a rejection (重新申请) ------------------------------------------------
  /** Where a rejected stage may be applied for again: the stages before construction in preliminary work, acceptance once completed. */
  const reapplicationStage = (stageId: ReviewStageId): Stage => (stageId === 'completionAcceptance' ? 'completed' : 'preliminary');

  /** Marks a rejected stage as applied for again; the main loop starts its next attempt. */
  const reapply = (stageId: ReviewStageId, actor: Actor, note: string): ReapplyResult => {
    const by = actor.by;
    const rejected = state.reviews[stageId];
    const attempt = (reviewAttempts[stageId] ?? rejected?.attempt ?? 1) + 1;
    if (rejected) state.reviews[stageId] = { ...rejected, reapplied: { at: nowIso(), by, note } };
    state.approvals[stageId] = 'notStarted';
    const workflowId = reviewAttemptWorkflowId(project.code, stageId, attempt);
    const auditHead = audit('reviewReapplied', `${stageId}:${attempt}`, actor, { stageId, attempt, note });
    outbox.add('cn.keyflow.project.reviewReapplied', `reapplied:${stageId}:${attempt}`, { stageId, attempt, workflowId, by, note, county: project.county, ...(auditHead ? { auditHead } : {}) });
    return { stageId, attempt, workflowId, started: false };
  };

  setHandler(
    reapplyForReviewUpdate,
    async (raw): Promise<ReapplyResult> => {
      const req = ReapplyForReview.parse(raw);
      return ledger.once(req.requestId, 'reapplyForReview', `重新申请 reapplyForReview ${req.stageId}`, req, nowIso(), async () => {
        const pending = reapply(req.stageId, req.actor, req.note);
        // Answer once the new attempt's review has started, so the caller can act on it at once.
        const started = await condition(() => state.reviews[req.stageId]?.attempt === pending.attempt && state.approvals[req.stageId] === 'inReview', '1 minute');
        return { ...pending, started };
      }) as Promise<ReapplyResult>;
    },
    {
      validator: (raw) => {
        const req = parseOrRefuse(ReapplyForReview, raw);
        if (ledger.check(req.requestId, 'reapplyForReview', req)) return;
        if (state.closed) refuse(FailureType.ProjectClosed, `project is closed in stage ${state.stage}; nothing can be applied for`, { currentStage: state.stage });
        const status = state.approvals[req.stageId];
        if (status !== 'rejected') {
          const rule = `must name a rejected stage (${req.stageId} is ${status ?? 'not reviewed by keyflow for this project'})`;
          refuse(FailureType.IllegalTransition, `stageId: ${rule}`, [{ field: 'stageId', rule }]);
        }
        const where = reapplicationStage(req.stageId);
        if (state.stage !== where) {
          refuse(FailureType.IllegalTransition, `${req.stageId} is applied for again in stage ${where}; the project is in ${state.stage}`, { currentStage: state.stage });
        }
      },
    },
  );

  // ---- queries -----------------------------------------------------------------------------
  setHandler(getProjectQuery, () => project);
  setHandler(getProjectStateQuery, () => state);

  // ---- stage transitions --------------------------------------------------------------------
  /** The approvals keyflow tracks that must be in before the project may enter `to`, still open. */
  const approvalsMissing = (to: Stage): string[] => {
    const needed: readonly ReviewStageId[] = to === 'started' ? STAGES_BEFORE_CONSTRUCTION : to === 'inProduction' ? ['completionAcceptance'] : [];
    return needed.filter((id) => state.approvals[id] !== undefined && state.approvals[id] !== 'approved');
  };

  setHandler(
    transitionUpdate,
    async (raw): Promise<TransitionResult> => {
      const req = TransitionRequest.parse(raw);
      const prior = ledger.prior(req.requestId);
      if (prior !== undefined) return prior as TransitionResult;
      const from = state.stage;
      const seq = state.stageHistory.length;
      state.stage = req.to;
      state.stageSince = nowIso();
      state.stageHistory.push({ seq, from, to: req.to, at: nowIso(), by: req.actor.by, reason: req.reason });
      if (REPORTING_STAGES.includes(req.to) && !state.reportingSince) state.reportingSince = nowIso();
      if (req.to === 'completed' && acceptanceRunsHere() && state.approvals.completionAcceptance === undefined) {
        state.approvals.completionAcceptance = 'notStarted'; // the main loop starts the review
      }
      // Entering preliminary work again after a rejection is itself a new application for the rejected stages.
      if (reapplyExplicit && req.to === 'preliminary' && from !== 'preliminary') {
        for (const id of STAGES_BEFORE_CONSTRUCTION) {
          if (state.approvals[id] === 'rejected') reapply(id, req.actor, `重新进入前期工作${req.reason ? `：${req.reason}` : ''}`);
        }
      }
      const auditHead = audit('stageChanged', req.requestId, req.actor, { seq, from, to: req.to, reason: req.reason });
      outbox.add('cn.keyflow.project.stageChanged', `stage:${seq}`, {
        seq,
        from,
        to: req.to,
        by: req.actor.by,
        reason: req.reason,
        county: project.county,
        ...(auditHead ? { auditHead } : {}),
      });
      if (state.stall?.reason === 'noStageChange') clearStall(req.actor.by, `stage changed to ${req.to}`);
      if (CLOSED_STAGES.includes(req.to)) {
        clearStall(req.actor.by, `project closed in stage ${req.to}`);
        state.closed = true;
      }
      recomputeWarning();
      syncSearchAttributes();
      const result = { stage: req.to, seq };
      remember('transition', `阶段变更 transition → ${req.to}`, req, result);
      return result;
    },
    {
      validator: (raw) => {
        const req = parseOrRefuse(TransitionRequest, raw);
        if (ledger.check(req.requestId, 'transition', req)) return;
        const verdict = checkTransition({ from: state.stage, to: req.to, reason: req.reason, approvalsMissing: approvalsMissing(req.to) });
        if (!verdict.ok) refuse(FailureType[verdict.type], verdict.message, { currentStage: state.stage });
      },
    },
  );

  // ---- monthly progress reports -------------------------------------------------------------
  setHandler(
    reportProgressUpdate,
    async (raw): Promise<ReportResult> => {
      const report = ProgressReport.parse(raw);
      const prior = ledger.prior(report.requestId);
      if (prior !== undefined) return prior as ReportResult;
      const verdict = checkReport(report, state.reports, monthOf(shanghaiDate(new Date())));
      const correction = verdict.ok && verdict.correction;
      const at = nowIso();
      const raised = report.problems.map((p) => ({
        id: `P${report.month}-${++eventSeq}`,
        text: p.text,
        department: p.department,
        raisedIn: report.month,
        raisedAt: at,
      }));
      const existing = state.reports.find((r) => r.month === report.month);
      const recorded = {
        month: report.month,
        investmentThisMonth: report.investmentThisMonth,
        investmentToDate: report.investmentToDate,
        physicalProgress: report.physicalProgress,
        progressNote: report.progressNote,
        problemIds: raised.map((p) => p.id),
        reportedAt: at,
        by: report.actor.by,
        corrections: existing
          ? [
              ...existing.corrections,
              {
                replacedAt: at,
                by: report.actor.by,
                reason: report.correctionReason ?? '',
                previous: {
                  investmentThisMonth: existing.investmentThisMonth,
                  investmentToDate: existing.investmentToDate,
                  physicalProgress: existing.physicalProgress,
                },
              },
            ]
          : [],
      };
      state.reports = [...state.reports.filter((r) => r.month !== report.month), recorded].sort((a, b) => (a.month < b.month ? -1 : 1));
      const resolved = report.resolvedProblemIds.filter((id) => state.openProblems.some((p) => p.id === id));
      state.openProblems = [...state.openProblems.filter((p) => !resolved.includes(p.id)), ...raised];
      state.lastReportAt = at;
      const auditHead = audit(correction ? 'corrected' : 'reported', report.requestId, report.actor, {
        month: report.month,
        investmentThisMonth: report.investmentThisMonth,
        investmentToDate: report.investmentToDate,
        physicalProgress: report.physicalProgress,
        correctionReason: report.correctionReason,
        problemIds: raised.map((p) => p.id),
        resolvedProblemIds: resolved,
      });
      outbox.add('cn.keyflow.project.progressReported', correction ? nextKey(`correction:${report.month}`) : `report:${report.month}`, {
        month: report.month,
        investmentThisMonth: report.investmentThisMonth,
        investmentToDate: report.investmentToDate,
        physicalProgress: report.physicalProgress,
        completionRate: completionRate(report.investmentToDate, planFor(report.month)),
        correction,
        correctionReason: report.correctionReason,
        problemsRaised: raised,
        problemsResolved: resolved,
        by: report.actor.by,
        county: project.county,
        ...(auditHead ? { auditHead } : {}),
      });
      // A late report for an earlier month does not answer the month the stall is about.
      const stallCleared = state.stall?.reason === 'noReport' && !correction && (state.stall.month === undefined || report.month >= state.stall.month);
      if (stallCleared) clearStall(report.actor.by, `report for ${report.month} received`);
      recomputeWarning();
      syncSearchAttributes();
      const result: ReportResult = {
        month: report.month,
        correction,
        warning: state.warning.level,
        stallCleared,
        openProblemIds: state.openProblems.map((p) => p.id),
      };
      remember('reportProgress', `月报 reportProgress ${report.month}${report.correctionReason ? '（更正）' : ''}`, report, result);
      return result;
    },
    {
      validator: (raw) => {
        const report = parseOrRefuse(ProgressReport, raw);
        if (ledger.check(report.requestId, 'reportProgress', report)) return;
        if (state.closed) refuse(FailureType.ProjectClosed, `project is closed in stage ${state.stage}; reports are no longer taken`, { currentStage: state.stage });
        if (!REPORTING_STAGES.includes(state.stage)) {
          refuse(FailureType.IllegalTransition, `project is in stage ${state.stage}; progress is reported from construction start (started, underConstruction, completed)`, {
            currentStage: state.stage,
          });
        }
        const verdict = checkReport(report, state.reports, monthOf(shanghaiDate(new Date())));
        if (!verdict.ok) refuse(FailureType.ValidationFailed, `${verdict.field}: ${verdict.rule}`, [{ field: verdict.field, rule: verdict.rule }]);
        const unknown = report.resolvedProblemIds.filter((id) => !state.openProblems.some((p) => p.id === id));
        if (unknown.length > 0) {
          refuse(FailureType.ValidationFailed, `resolvedProblemIds: ${unknown.join(', ')} is not an open problem of this project`, [
            { field: 'resolvedProblemIds', rule: `must name open problems; unknown: ${unknown.join(', ')}` },
          ]);
        }
      },
    },
  );

  // ---- supervision orders opened by hand (督办) -------------------------------------------------
  /**
   * The last number given to an order opened by hand. Taken before the handler's first await, so two
   * requests that arrive together get distinct ids and distinct event keys (the calendar answer in
   * between would otherwise let both count the same orders).
   */
  let manualOrderNo = state.orders.length;
  setHandler(
    openSupervisionOrderUpdate,
    async (raw): Promise<SupervisionOrder> => {
      const req = OpenSupervisionOrder.parse(raw);
      return ledger.once(req.requestId, 'openSupervisionOrder', `督办单 openSupervisionOrder（${req.reason.slice(0, 20)}）`, req, nowIso(), async () => {
      const n = ++manualOrderNo;
      const today = shanghaiDate(new Date());
      const dueDate = await workingDaysAhead(today, req.dueInWorkingDays ?? config.stall.supervisionOrderDueWorkingDays, `manualOrder:${n}`);
      const order: SupervisionOrder = {
        id: `督办-${project.code}-M${n}`,
        issuedAt: nowIso(),
        dueDate,
        escalatedTo: [...new Set([...config.stall.supervisors, ...(req.escalateTo ?? [project.leadDepartment, project.responsibleLeader])])],
        reason: req.reason,
      };
      state.orders.push(order);
      const auditHead = audit('orderOpened', req.requestId, req.actor, { order });
      outbox.add('cn.keyflow.supervision.orderIssued', `manualOrder:${n}`, {
        ...(auditHead ? { auditHead } : {}),
        order,
        projectName: project.name,
        county: project.county,
        responsibleLeader: project.responsibleLeader,
        leadDepartment: project.leadDepartment,
      });
      return order;
      }) as Promise<SupervisionOrder>;
    },
    {
      validator: (raw) => {
        const req = parseOrRefuse(OpenSupervisionOrder, raw);
        if (ledger.check(req.requestId, 'openSupervisionOrder', req)) return;
        if (state.closed) refuse(FailureType.ProjectClosed, `project is closed in stage ${state.stage}; no supervision order can be opened`, { currentStage: state.stage });
      },
    },
  );

  // ---- annual plan (年度计划下达) -------------------------------------------------------------
  setHandler(
    setAnnualPlanUpdate,
    (raw): AnnualPlan => {
      const req = SetAnnualPlan.parse(raw);
      const prior = ledger.prior(req.requestId);
      if (prior !== undefined) return prior as AnnualPlan;
      const plan: AnnualPlan = {
        year: req.year,
        annualPlannedInvestment: req.annualPlannedInvestment,
        previous: project.annualPlannedInvestment,
        setAt: nowIso(),
        by: req.actor.by,
        ...(req.reason !== undefined ? { reason: req.reason } : {}),
      };
      state.annualPlans.push(plan);
      // `project` is this run's input and `state.project` the carried copy: both must agree.
      project.annualPlannedInvestment = req.annualPlannedInvestment;
      state.project.annualPlannedInvestment = req.annualPlannedInvestment;
      const auditHead = audit('annualPlanSet', req.requestId, req.actor, { year: plan.year, annualPlannedInvestment: plan.annualPlannedInvestment, previous: plan.previous, reason: plan.reason });
      outbox.add('cn.keyflow.project.annualPlanSet', nextKey(`annualPlan:${req.year}`), {
        year: plan.year,
        annualPlannedInvestment: plan.annualPlannedInvestment,
        previous: plan.previous,
        by: plan.by,
        reason: plan.reason,
        county: project.county,
        ...(auditHead ? { auditHead } : {}),
      });
      recomputeWarning();
      syncSearchAttributes();
      remember('setAnnualPlan', `年度计划 setAnnualPlan ${req.year}`, req, plan);
      return plan;
    },
    {
      validator: (raw) => {
        const req = parseOrRefuse(SetAnnualPlan, raw);
        if (ledger.check(req.requestId, 'setAnnualPlan', req)) return;
        if (state.closed) refuse(FailureType.ProjectClosed, `project is closed in stage ${state.stage}; its annual plan cannot change`, { currentStage: state.stage });
        const thisYear = Number(shanghaiDate(new Date()).slice(0, 4));
        if (req.year !== thisYear) {
          const rule = `must be the current year (${thisYear}): a plan is set in the year it covers`;
          refuse(FailureType.ValidationFailed, `year: ${rule}`, [{ field: 'year', rule }]);
        }
        if (req.annualPlannedInvestment > state.project.totalInvestment) {
          const rule = `must not exceed the total investment (${state.project.totalInvestment} 万元)`;
          refuse(FailureType.ValidationFailed, `annualPlannedInvestment: ${rule}`, [{ field: 'annualPlannedInvestment', rule }]);
        }
      },
    },
  );

  setHandler(
    closeSupervisionOrderUpdate,
    async (raw): Promise<SupervisionOrder> => {
      const req = CloseSupervisionOrder.parse(raw);
      const prior = ledger.prior(req.requestId);
      if (prior !== undefined) return prior as SupervisionOrder;
      const i = state.orders.findIndex((o) => o.id === req.orderId);
      const closed: SupervisionOrder = { ...state.orders[i]!, closedAt: nowIso(), closedBecause: `${req.note} (${req.actor.by})` };
      state.orders[i] = closed;
      const auditHead = audit('orderClosed', req.requestId, req.actor, { orderId: closed.id, note: req.note });
      outbox.add('cn.keyflow.supervision.orderClosed', `manualOrderClosed:${req.orderId}`, {
        ...(auditHead ? { auditHead } : {}),
        orderId: closed.id,
        closedAt: closed.closedAt!,
        closedBecause: closed.closedBecause!,
        dueDate: closed.dueDate,
      });
      remember('closeSupervisionOrder', `办结督办单 closeSupervisionOrder ${req.orderId}`, req, closed);
      return closed;
    },
    {
      validator: (raw) => {
        const req = parseOrRefuse(CloseSupervisionOrder, raw);
        if (ledger.check(req.requestId, 'closeSupervisionOrder', req)) return;
        const order = state.orders.find((o) => o.id === req.orderId);
        if (!order) {
          refuse(FailureType.OrderNotFound, `project ${project.code} has no supervision order ${req.orderId} opened by hand`, [{ field: 'orderId', rule: 'must name an open supervision order of this project' }]);
        }
        if (order.closedAt) refuse(FailureType.OrderClosed, `supervision order ${order.id} was closed at ${order.closedAt}: ${order.closedBecause}`);
      },
    },
  );

  /**
   * A withdrawn project (退库) closes what joint review still has open: each current attempt in review
   * (and an approved one whose 容缺 follow-ups may be open) is told, cancels its tasks with the reason
   * and leaves the departments' inboxes. A review that has already finished has nothing open.
   */
  const closeReviewsOnWithdrawal = async (): Promise<void> => {
    const last = state.stageHistory[state.stageHistory.length - 1];
    const withdrawal = { reason: last?.reason ?? '项目退库', by: last?.by ?? 'system' };
    const open = Object.values(state.reviews).filter((r) => r.status === 'inReview' || r.status === 'approved');
    await Promise.allSettled(open.map((r) => getExternalWorkflowHandle(r.workflowId).signal(projectWithdrawnSignal, withdrawal)));
    for (const r of open) {
      if (r.status !== 'inReview') continue;
      state.reviews[r.stageId] = { ...r, status: 'withdrawn' };
      state.approvals[r.stageId] = 'withdrawn';
    }
  };

  // ---- the life itself ------------------------------------------------------------------------
  syncSearchAttributes();

  const nextDailyCheck = (): number => {
    const today = shanghaiDate(new Date());
    const todayAt = atShanghaiTime(today, config.dailyCheckAt).getTime();
    return todayAt > Date.now() ? todayAt : atShanghaiTime(addCalendarDays(today, 1), config.dailyCheckAt).getTime();
  };
  const continueAsNewDue = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= config.continueAsNewAfterEvents;

  /**
   * A project brought over in a reporting stage has its year's reports imported right after it is
   * registered: its first check waits for the first of them (or the next daily check), so the import
   * is not flagged as a stall half-way; a month still missing after it is.
   */
  let firstCheckAwaitsReport = listedAt !== undefined && REPORTING_STAGES.includes(project.stage);
  while (!state.closed) {
    if (!firstCheckAwaitsReport) await dailyCheck();
    await startNextReview();
    if (continueAsNewDue()) break;
    await condition(
      () => state.closed || continueAsNewDue() || (firstCheckAwaitsReport && state.reports.length > 0) || (nextReviewStage() !== undefined && Date.now() >= reviewBlockedUntil),
      Math.max(1000, nextDailyCheck() - Date.now()),
    );
    firstCheckAwaitsReport = false;
  }

  if (state.closed && state.stage === 'withdrawn' && withdrawalClosesReviews) await closeReviewsOnWithdrawal();

  // Let the outbox drain first: an activity still in flight when the run closes would be sent
  // again by the next run. Retries of a send add no history, so this wait does not grow it.
  await outbox.flushed();
  await condition(allHandlersFinished);
  if (!state.closed) {
    const next: ProjectWorkflowInput = {
      project,
      registeredBy: input.registeredBy,
      config,
      jointReview: input.jointReview,
      carried: { state, pendingEvents: [...outbox.pending], answered: ledger.toCarried(), eventSeq, reportDue, reviewAttempts },
    };
    return continueAsNew<typeof projectLifecycle>(next);
  }
  await outbox.flushed();
  syncSearchAttributes();
  return state;
}
