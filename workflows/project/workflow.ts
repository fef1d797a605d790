import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  ParentClosePolicy,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { TypedSearchAttributes } from '@temporalio/common';
import { atShanghaiTime, addCalendarDays, shanghaiDate } from '../../domain/calendar';
import type { Decided } from '../../domain/decision';
import {
  checkAnnualPlan,
  checkCloseOrder,
  checkOpenOrder,
  checkReapply,
  checkReportRequest,
  checkTransitionRequest,
  chainReviewAction,
  closeOrder,
  initialState,
  type Lifecycle,
  lastDayOfMonth,
  markStalled as stalled,
  nextReviewStage as nextStageToReview,
  noteCalendarGap as calendarGapNoted,
  openOrder,
  reapplyForReview,
  registered,
  reportAnswered,
  reportCandidates,
  reportOverdue,
  reportProgress,
  reportsWatched,
  REPORTING_STAGES,
  reviewDecided,
  reviewFailed,
  reviewStarted,
  reviewsWithdrawn,
  setAnnualPlan,
  type StallFinding,
  stallFinding,
  transition,
} from '../../domain/lifecycle';
import { isRefusal } from '../../domain/refusal';
import type { Decision } from '../../domain/decision';
import { ReviewChainRecord } from '../../schemas/audit';
import { type ReviewStageId, STAGES_BEFORE_CONSTRUCTION, StageOutcome } from '../../schemas/jointReview';
import { OpenSupervisionOrder, ProgressReport, ReapplyForReview, type ReapplyResult, SetAnnualPlan, CloseSupervisionOrder, SupervisionOrder, ProjectState, TransitionRequest } from '../../schemas/lifecycle';
import { LifecycleConfig } from '../../schemas/lifecycleConfig';
import { SA } from '../../schemas/searchAttributes';
import { addWorkingDays, CalendarGap } from '../shared/calendar';
import { EntityPath, failureOf } from '../shared/entity';
import { Outbox } from '../shared/outbox';
import { changesUpTo } from '../shared/versions';
import { parseOrRefuse } from '../shared/refusal';
import { RequestLedger } from '../shared/requestLedger';
import { projectWithdrawnSignal, reviewAttemptWorkflowId, reviewStageInput, reviewStageOutcomeSignal, reviewStartAttributes } from '../review/messages';
import type { reviewStage } from '../review/workflow';
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
  setAnnualPlanUpdate,
  transitionUpdate,
} from './messages';

const DAY_MS = 24 * 3600 * 1000;
/** The lifecycle's changes up to 2026-12-02 (shared/versions.ts). */
const LIFECYCLE_2026_12_02 = [
  'lifecycle-listed-on',
  'lifecycle-report-latest-due-month',
  'lifecycle-starts-joint-review',
  'lifecycle-completion-acceptance',
  'lifecycle-reapply-after-rejection',
  'lifecycle-withdrawal-closes-reviews',
  'project-audit-chain',
  'review-started-with-search-attributes',
  'review-actions-on-project-chain',
  'review-chain-head-event',
  'outbox-batches',
  'outbox-local-send',
] as const;

/**
 * The lifecycle's versions, newest first: a new run records the first as one marker. A change
 * after the newest gets its own patch, and a new version lists it.
 */
const LIFECYCLE_VERSIONS = [
  { version: 'lifecycle-2026-12-03', includes: [...LIFECYCLE_2026_12_02, 'outbox-step-batches'] },
  { version: 'lifecycle-2026-12-02', includes: LIFECYCLE_2026_12_02 },
] as const;

/** How many answered request ids a project remembers for de-duplication. */
const ANSWERED_KEPT = 500;

/** A rule's decision where the workflow applies it itself: a refusal fails the request (as the update's validator would have). */
const accepted = <R>(d: Decision<Lifecycle, R>): Decided<Lifecycle, R> => {
  if (isRefusal(d)) throw failureOf(d);
  return d;
};

/**
 * One key project's life (重点项目全生命周期): stages, monthly reports, the investment warning
 * light, stall detection with supervision orders, all queryable and published as events. It
 * continues as new before its history grows large, carrying its whole state, so a project can
 * run for years. Its rules are domain/lifecycle's; this function wires them: the state, the
 * patches (read once, passed to the rules as booleans), the outbox, the search attributes, the
 * daily check, the reviews it starts as children.
 */
export async function projectLifecycle(input: ProjectWorkflowInput): Promise<ProjectState> {
  const has = changesUpTo(...LIFECYCLE_VERSIONS);
  const config = LifecycleConfig.parse(input.config ?? {});
  const nowIso = () => new Date().toISOString();
  const project = input.project;
  const carried: CarriedState | undefined = input.carried;
  // Projects registered before this patch count from their registration; from it on a project brought
  // over from the city's earlier ledger counts its stage time and its reports from its listing day
  // (纳入重点项目管理日期), and its first review from the day the window accepted it (受理日期).
  const listedOnHonoured = has('lifecycle-listed-on');
  const notLater = (date: string, hhmm: string): string => new Date(Math.min(atShanghaiTime(date, hhmm).getTime(), Date.now())).toISOString();
  const listedAt = listedOnHonoured && !carried && project.listedOn !== undefined ? notLater(project.listedOn, '00:00') : undefined;
  // Before this patch the daily check looked at last month's report only and any report cleared a
  // missed one; from it on it looks at the latest month whose report has fallen due (a check missed
  // while the project was not yet here, or the worker was down, is not lost) and only a report for
  // that month or a later one clears the stall.
  const reportDueByLatestMonth = has('lifecycle-report-latest-due-month');
  // Histories recorded before joint review was wired in replay without starting any review.
  const reviewsWired = has('lifecycle-starts-joint-review');

  let state: ProjectState =
    carried?.state ?? initialState(project, input.registeredBy, new Date(), { listedAt, reviewsBeforeConstruction: reviewsWired && Boolean(input.jointReview) });
  if (carried) state.generation += 1;
  state.orders ??= []; // runs carried over from before manual orders existed
  state.annualPlans ??= []; // … and from before annual plans could be set
  // Histories recorded before completion acceptance was wired replay without starting it.
  const acceptanceWired = has('lifecycle-completion-acceptance');
  // Histories recorded before this patch started a rejected stage's review again at once; now the
  // stage waits, rejected with its reasons, until the applicant applies again (重新申请).
  const reapplyExplicit = has('lifecycle-reapply-after-rejection');
  // Histories recorded before this patch left a withdrawn project's open reviews running.
  const withdrawalClosesReviews = has('lifecycle-withdrawal-closes-reviews');
  // Histories recorded before this patch keep no audit chain; from it on, every action of the
  // project is an entry of a hash chain this workflow alone writes (one writer keeps it linear).
  const auditChained = has('project-audit-chain');
  if (auditChained) state.audit ??= [];
  const reviewAttempts: Record<string, number> = { ...(carried?.reviewAttempts ?? {}) };
  state.reviews ??= {};
  state.reviewHistory ??= [];
  // Runs carried over from before attempts were tracked in the state: their current review ids.
  for (const [stageId, n] of Object.entries(reviewAttempts)) {
    const id = stageId as ReviewStageId;
    state.reviews[id] ??= { stageId: id, attempt: n, workflowId: reviewAttemptWorkflowId(project.code, id, n), status: state.approvals[id] ?? 'inReview', startedAt: state.registeredAt, rejections: [] };
  }
  const outbox = new Outbox(project.code, carried?.pendingEvents, has);
  const ledger = new RequestLedger(carried?.answered ?? [], ANSWERED_KEPT);
  /** Report deadline per month, once the calendar has counted it (null: it could not). */
  const reportDue: Record<string, string | null> = carried?.reportDue ?? {};
  let eventSeq = carried?.eventSeq ?? 0;
  const lifecycle = (): Lifecycle => ({ state, eventSeq });
  const path = new EntityPath<Lifecycle>({
    state: lifecycle,
    ledger,
    outbox,
    set: (next) => {
      state = next.state;
      eventSeq = next.eventSeq;
    },
  });
  /** Applies a decision made outside an update (registration, the daily check, a review's news) at this moment. */
  const apply = <R>(decide: (l: Lifecycle, now: Date) => Decided<Lifecycle, R>): R => {
    const now = new Date();
    return path.apply(decide(lifecycle(), now), now);
  };
  const reviewCounts = { reviewAttempts, reviewWorkflowId: (stageId: ReviewStageId, attempt: number) => reviewAttemptWorkflowId(project.code, stageId, attempt) };
  const transitionRules = { ...reviewCounts, acceptanceConfigured: acceptanceWired && input.jointReview?.stages.some((st) => st.id === 'completionAcceptance') === true, reapplyExplicit };
  const reviewWiring = { reviewsWired: reviewsWired && Boolean(input.jointReview), acceptanceWired, reapplyExplicit };
  // First, before any handler is set: an update that arrived with the start is delivered the
  // moment its handler is registered, and its event must not overtake the registration.
  if (!carried) apply((l, now) => registered(l, input.registeredBy, now, config));

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

  // ---- stalls and supervision orders -------------------------------------------------------
  const workingDaysAhead = async (from: string, n: number, what: string): Promise<string | null> => {
    try {
      return await addWorkingDays(from, n);
    } catch (err) {
      if (err instanceof CalendarGap) {
        apply((l, now) => calendarGapNoted(l, what, err.message, now, config));
        return null;
      }
      throw err;
    }
  };

  const markStalled = async (finding: StallFinding) => {
    const today = shanghaiDate(new Date());
    const orderNo = state.stallHistory.length + 1;
    const dueDate = await workingDaysAhead(today, config.stall.supervisionOrderDueWorkingDays, `supervisionOrder:${orderNo}`);
    if (state.stall) return; // an update may have raced the calendar answer
    apply((l, now) => stalled(l, finding, { orderNo, dueDate, monthKept: reportDueByLatestMonth }, now, config));
  };

  /** The month whose report is missing and overdue today, if any. */
  const overdueReportMonth = async (): Promise<string | null> => {
    if (!reportsWatched(state)) return null;
    const today = shanghaiDate(new Date());
    for (const month of reportCandidates(today, reportDueByLatestMonth)) {
      if (reportAnswered(state, month)) return null;
      if (!(month in reportDue)) {
        reportDue[month] = await workingDaysAhead(lastDayOfMonth(month), config.stall.reportDueWorkingDays, `reportDue:${month}`);
      }
      if (reportOverdue(reportDue[month], today)) return month;
    }
    return null;
  };

  const dailyCheck = async () => {
    if (state.closed) return;
    if (!state.stall) {
      const missing = await overdueReportMonth();
      const finding = stallFinding(state, missing ? { month: missing, due: reportDue[missing] } : null, new Date(), config.stall.maxDaysInStage);
      if (finding && !state.stall) await markStalled(finding);
    }
    syncSearchAttributes();
  };

  // ---- joint review (联审联批): one child workflow per stage, in order -----------------------
  const nextReviewStage = (): ReviewStageId | undefined => nextStageToReview(state, reviewWiring);
  /** A stage whose review could not start (e.g. its deadlines fall in a year without a holiday notice) is retried daily, not in a loop. */
  let reviewBlockedUntil = 0;

  const startNextReview = async () => {
    const stageId = nextReviewStage();
    if (!stageId || !input.jointReview || Date.now() < reviewBlockedUntil) return;
    const attempt = (reviewAttempts[stageId] ?? 0) + 1;
    reviewAttempts[stageId] = attempt;
    const workflowId = reviewAttemptWorkflowId(project.code, stageId, attempt);
    const current = apply((l, now) => reviewStarted(l, stageId, attempt, workflowId, now, config));
    // The first stage of a project brought over in preliminary work was accepted at the window before it came here.
    const broughtIn = listedOnHonoured && !carried && project.reviewAcceptedOn !== undefined && attempt === 1 && stageId === STAGES_BEFORE_CONSTRUCTION[0] && state.stageHistory.length === 1;
    const reviewInput = { ...reviewStageInput(project, input.jointReview, stageId, 'xzsp'), ...(broughtIn ? { acceptedAt: notLater(project.reviewAcceptedOn!, '09:00') } : {}) };
    // Reviews started before this patch were listed only once their first workflow task ran.
    const listedAtStart = has('review-started-with-search-attributes');
    const child = await startChild<typeof reviewStage>('reviewStage', {
      workflowId,
      args: [reviewInput],
      // The review outlives this run when the project continues as new; it reports back by signal.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...(listedAtStart ? { typedSearchAttributes: new TypedSearchAttributes(reviewStartAttributes(reviewInput)) } : {}),
    });
    // A review that fails (its deadlines cannot be counted yet) must not leave the stage "in review".
    void child.result().catch((err: unknown) => {
      const message = String((err as { cause?: { message?: string } })?.cause?.message ?? (err as Error)?.message ?? err);
      const now = new Date();
      const failed = reviewFailed(lifecycle(), current, message, now, config);
      if (!failed.result) return;
      path.apply(failed, now);
      reviewBlockedUntil = Date.now() + DAY_MS;
    });
  };

  setHandler(reviewStageOutcomeSignal, (outcome: StageOutcome) => {
    if (outcome.projectCode !== project.code) return;
    apply((l, now) => reviewDecided(l, outcome, now, config));
  });

  /** A review's audit line or outcome, forwarded by the review (its own audit keeps it too). */
  setHandler(reviewActionRecordedSignal, (raw) => {
    // Runs that never took this signal replay as before; the first one taken records the patch.
    if (!has('review-actions-on-project-chain')) return;
    const parsed = ReviewChainRecord.safeParse(raw);
    if (!parsed.success || parsed.data.projectCode !== project.code) {
      log.warn('a forwarded review line is not for this project or malformed; not chained', { error: parsed.success ? 'other project' : parsed.error.message });
      return;
    }
    // Lines taken before this patch were chained without an event; replays of them add none.
    const withEvent = state.audit !== undefined && has('review-chain-head-event');
    apply((l, now) => chainReviewAction(l, parsed.data, withEvent, now, config));
  });

  // ---- re-application after a rejection (重新申请) ------------------------------------------------
  setHandler(
    reapplyForReviewUpdate,
    async (raw): Promise<ReapplyResult> => {
      const req = ReapplyForReview.parse(raw);
      return ledger.once(req.requestId, 'reapplyForReview', `重新申请 reapplyForReview ${req.stageId}`, req, nowIso(), async () => {
        const pending = apply((l, now) => accepted(reapplyForReview(l, req, now, config, reviewCounts)));
        // Answer once the new attempt's review has started, so the caller can act on it at once.
        const started = await condition(() => state.reviews[req.stageId]?.attempt === pending.attempt && state.approvals[req.stageId] === 'inReview', '1 minute');
        return { ...pending, started };
      }) as Promise<ReapplyResult>;
    },
    {
      validator: (raw) => {
        const req = parseOrRefuse(ReapplyForReview, raw);
        if (ledger.check(req.requestId, 'reapplyForReview', req)) return;
        const refused = checkReapply(state, req);
        if (refused) throw failureOf(refused);
      },
    },
  );

  // ---- queries -----------------------------------------------------------------------------
  setHandler(getProjectQuery, () => project);
  setHandler(getProjectStateQuery, () => state);

  // ---- stage transitions --------------------------------------------------------------------
  // The project's updates keep the field names of their refusals bare (as: ''), as they always had;
  // the search attributes follow the decision in the same step (answer), before the caller's answer.
  path.update(transitionUpdate, {
    schema: TransitionRequest,
    as: '',
    kind: 'transition',
    what: (req) => `阶段变更 transition → ${req.to}`,
    check: (l, req) => checkTransitionRequest(l.state, req),
    decide: (l, req, now) => transition(l, req, now, config, transitionRules),
    answer: (result) => {
      syncSearchAttributes();
      return result;
    },
  });

  // ---- monthly progress reports -------------------------------------------------------------
  path.update(reportProgressUpdate, {
    schema: ProgressReport,
    as: '',
    kind: 'reportProgress',
    what: (report) => `月报 reportProgress ${report.month}${report.correctionReason ? '（更正）' : ''}`,
    check: (l, report, now) => checkReportRequest(l.state, report, now),
    decide: (l, report, now) => reportProgress(l, report, now, config),
    answer: (result) => {
      syncSearchAttributes();
      return result;
    },
  });

  // ---- supervision orders opened by hand (督办) -------------------------------------------------
  /**
   * The last number given to an order opened by hand. Taken before the handler's first await, so two
   * requests that arrive together get distinct ids and distinct event keys (the calendar answer in
   * between would otherwise let both count the same orders).
   */
  let manualOrderNo = state.orders.length;
  // Not through the entity path: the calendar answer is awaited in between, and the order is
  // decided on the state as it is when the answer comes.
  setHandler(
    openSupervisionOrderUpdate,
    async (raw): Promise<SupervisionOrder> => {
      const req = OpenSupervisionOrder.parse(raw);
      return ledger.once(req.requestId, 'openSupervisionOrder', `督办单 openSupervisionOrder（${req.reason.slice(0, 20)}）`, req, nowIso(), async () => {
        const n = ++manualOrderNo;
        const today = shanghaiDate(new Date());
        const dueDate = await workingDaysAhead(today, req.dueInWorkingDays ?? config.stall.supervisionOrderDueWorkingDays, `manualOrder:${n}`);
        return apply((l, now) => accepted(openOrder(l, req, { n, dueDate }, now, config)));
      }) as Promise<SupervisionOrder>;
    },
    {
      validator: (raw) => {
        const req = parseOrRefuse(OpenSupervisionOrder, raw);
        if (ledger.check(req.requestId, 'openSupervisionOrder', req)) return;
        const refused = checkOpenOrder(state);
        if (refused) throw failureOf(refused);
      },
    },
  );

  // ---- annual plan (年度计划下达) -------------------------------------------------------------
  path.update(setAnnualPlanUpdate, {
    schema: SetAnnualPlan,
    as: '',
    kind: 'setAnnualPlan',
    what: (req) => `年度计划 setAnnualPlan ${req.year}`,
    check: (l, req, now) => checkAnnualPlan(l.state, req, now),
    decide: (l, req, now) => setAnnualPlan(l, req, now, config),
    answer: (plan) => {
      // `project` is this run's input and `state.project` the carried copy: both must agree.
      project.annualPlannedInvestment = plan.annualPlannedInvestment;
      syncSearchAttributes();
      return plan;
    },
  });

  path.update(closeSupervisionOrderUpdate, {
    schema: CloseSupervisionOrder,
    as: '',
    kind: 'closeSupervisionOrder',
    what: (req) => `办结督办单 closeSupervisionOrder ${req.orderId}`,
    check: (l, req) => checkCloseOrder(l.state, req),
    decide: (l, req, now) => closeOrder(l, req, now, config),
  });

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
    apply((l, now) => reviewsWithdrawn(l, open, now, config));
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
