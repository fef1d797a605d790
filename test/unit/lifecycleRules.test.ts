import { allowedNext, checkTransition } from '../../domain/lifecycle/stages';
import { checkReport } from '../../domain/lifecycle/reports';
import { completionRate, expectedRate, warningLevel } from '../../domain/lifecycle/warning';
import { addMonths, lastDayOfMonth } from '../../domain/lifecycle/months';
import { ProgressReport, RecordedReport, SetAnnualPlan } from '../../schemas/lifecycle';
import type { Decided, Decision } from '../../domain/decision';
import { isRefusal } from '../../domain/refusal';
import {
  checkOpenOrder,
  checkReapply,
  checkTransitionRequest,
  closeOrder,
  initialState,
  type Lifecycle,
  markStalled,
  nextReviewStage,
  noteCalendarGap,
  openOrder,
  reapplyForReview,
  reportAnswered,
  reportCandidates,
  reportOverdue,
  reportProgress,
  reportsWatched,
  reviewDecided,
  reviewFailed,
  reviewStarted,
  setAnnualPlan,
  stallFinding,
  transition,
} from '../../domain/lifecycle';
import type { StageOutcome } from '../../schemas/jointReview';
import { type Project, ProjectInput } from '../../schemas/project';
import { LifecycleConfig } from '../../schemas/lifecycleConfig';
import { aProject } from '../support/fixtures';

const thresholds = { yellowBehindPoints: 10, redBehindPoints: 20 };

describe('stage transitions', () => {
  it('moves forward one stage at a time', () => {
    expect(checkTransition({ from: 'reserve', to: 'preliminary', approvalsMissing: [] })).toEqual({ ok: true, direction: 'forward' });
  });

  it('refuses a skipped stage, naming the current stage and the allowed next ones', () => {
    const v = checkTransition({ from: 'conceived', to: 'preliminary', approvalsMissing: [] });
    expect(v).toMatchObject({ ok: false, type: 'IllegalTransition' });
    expect(!v.ok && v.message).toContain('conceived (谋划)');
    expect(!v.ok && v.message).toContain('reserve (储备)');
  });

  it('lets a project go back only with a reason', () => {
    expect(checkTransition({ from: 'preliminary', to: 'reserve', approvalsMissing: [] })).toMatchObject({ ok: false, type: 'IllegalTransition' });
    expect(checkTransition({ from: 'preliminary', to: 'reserve', reason: '用地指标调整', approvalsMissing: [] })).toEqual({ ok: true, direction: 'back' });
  });

  it('starts construction only when the approvals are in', () => {
    const v = checkTransition({ from: 'preliminary', to: 'started', approvalsMissing: ['constructionPermit'] });
    expect(v).toMatchObject({ ok: false, type: 'ApprovalsIncomplete' });
    expect(!v.ok && v.message).toContain('constructionPermit');
  });

  it('goes into production only when completion acceptance has approved', () => {
    const v = checkTransition({ from: 'completed', to: 'inProduction', approvalsMissing: ['completionAcceptance'] });
    expect(v).toMatchObject({ ok: false, type: 'ApprovalsIncomplete' });
    expect(!v.ok && v.message).toContain('completionAcceptance');
    expect(checkTransition({ from: 'completed', to: 'inProduction', approvalsMissing: [] })).toMatchObject({ ok: true });
  });

  it('refuses everything on a closed project', () => {
    expect(checkTransition({ from: 'inProduction', to: 'completed', reason: 'x', approvalsMissing: [] })).toMatchObject({ ok: false, type: 'ProjectClosed' });
    expect(allowedNext('withdrawn')).toEqual([]);
  });
});

describe('the warning light (红黄绿灯), default thresholds 10 / 20 points', () => {
  it('compares cumulative investment with the pro-rata annual plan', () => {
    expect(expectedRate('2026-03')).toBeCloseTo(0.25);
    expect(completionRate(300, 1200)).toBeCloseTo(0.25);
    // March: expected 25 %; 15 % done is exactly 10 points behind → still green; 14 % → yellow.
    expect(warningLevel({ completionRate: 0.15, expectedRate: 0.25, stalled: false, ...thresholds })).toBe('green');
    expect(warningLevel({ completionRate: 0.14, expectedRate: 0.25, stalled: false, ...thresholds })).toBe('yellow');
    // 20 points behind exactly is still yellow; beyond 20 is red.
    expect(warningLevel({ completionRate: 0.05, expectedRate: 0.25, stalled: false, ...thresholds })).toBe('yellow');
    expect(warningLevel({ completionRate: 0.04, expectedRate: 0.25, stalled: false, ...thresholds })).toBe('red');
  });

  it('is red whenever the project is stalled', () => {
    expect(warningLevel({ completionRate: 1, expectedRate: 0.5, stalled: true, ...thresholds })).toBe('red');
  });

  it('has its thresholds in configuration, validated', () => {
    expect(LifecycleConfig.parse({}).warning).toEqual({ yellowBehindPoints: 10, redBehindPoints: 20 });
    const bad = LifecycleConfig.safeParse({ warning: { yellowBehindPoints: 30, redBehindPoints: 20 } });
    expect(bad.success).toBe(false);
    expect(!bad.success && bad.error.issues[0]?.path).toEqual(['warning', 'redBehindPoints']);
  });
});

describe('monthly report rules', () => {
  const recorded = (month: string, toDate: number): RecordedReport => ({
    month,
    investmentThisMonth: 10,
    investmentToDate: toDate,
    physicalProgress: 10,
    progressNote: '',
    problemIds: [],
    reportedAt: '2026-01-01T00:00:00.000Z',
    by: 'x',
    corrections: [],
  });
  const report = (over: Partial<ProgressReport>): ProgressReport =>
    ProgressReport.parse({ requestId: 'req-00001', month: '2026-04', investmentThisMonth: 50, investmentToDate: 400, physicalProgress: 30, actor: { by: 'owner' }, ...over });
  const history = [recorded('2026-02', 200), recorded('2026-03', 350), recorded('2026-05', 500)];

  it('accepts a consistent new month', () => {
    expect(checkReport(report({}), history, '2026-06')).toEqual({ ok: true, correction: false });
  });
  it('refuses a cumulative total that goes down', () => {
    expect(checkReport(report({ investmentToDate: 300 }), history, '2026-06')).toMatchObject({ ok: false, field: 'investmentToDate' });
  });
  it('refuses a correction that would exceed a later month', () => {
    expect(checkReport(report({ month: '2026-03', investmentToDate: 600, correctionReason: '统计口径调整' }), history, '2026-06')).toMatchObject({
      ok: false,
      field: 'investmentToDate',
    });
  });
  it('takes a month already reported only as a correction with a reason', () => {
    expect(checkReport(report({ month: '2026-03', investmentToDate: 360 }), history, '2026-06')).toMatchObject({ ok: false, field: 'correctionReason' });
    expect(checkReport(report({ month: '2026-03', investmentToDate: 360, correctionReason: '漏报一笔设备款' }), history, '2026-06')).toEqual({ ok: true, correction: true });
  });
  it('refuses a report for a month that has not begun', () => {
    expect(checkReport(report({ month: '2026-07' }), history, '2026-06')).toMatchObject({ ok: false, field: 'month' });
  });
  it('starts counting again in a new year', () => {
    expect(checkReport(report({ month: '2027-01', investmentThisMonth: 20, investmentToDate: 20 }), history, '2027-01')).toEqual({ ok: true, correction: false });
  });
  it('refuses negative amounts in the schema, naming the field', () => {
    const r = ProgressReport.safeParse({ requestId: 'req-00001', month: '2026-04', investmentThisMonth: -1, investmentToDate: 1, physicalProgress: 5, actor: { by: 'x' } });
    expect(!r.success && r.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['investmentThisMonth', 'must not be negative']]);
  });
});

describe('months', () => {
  it('adds months across a year and knows month ends', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(lastDayOfMonth('2028-02')).toBe('2028-02-29');
  });
});

// ---- the lifecycle's rules as decisions (domain/lifecycle): state in, decision out -------------

describe('the lifecycle rules as decisions', () => {
  const config = LifecycleConfig.parse({});
  const project = ProjectInput.parse(aProject({ code: '2026-411122-15-03-000042', stage: 'underConstruction' })) as Project;
  /** 2026-05-20 10:00 in Shanghai. */
  const registeredAt = new Date('2026-05-20T02:00:00.000Z');
  const now = new Date('2026-06-08T02:00:00.000Z');
  const actor = { by: 'xm:li' };
  const counts = { reviewAttempts: {}, reviewWorkflowId: (stageId: string, attempt: number) => `review-${project.code}-${stageId}${attempt > 1 ? `-r${attempt}` : ''}` };
  const transitionRules = { ...counts, acceptanceConfigured: false, reapplyExplicit: true };

  const start = (overrides: Partial<Project> = {}, opts: { reviews?: boolean } = {}): Lifecycle => {
    const state = initialState({ ...project, ...overrides }, 'test', registeredAt, { reviewsBeforeConstruction: opts.reviews ?? false });
    state.audit = [];
    return { state, eventSeq: 0 };
  };
  const ok = <R>(d: Decision<Lifecycle, R>): Decided<Lifecycle, R> => {
    if (isRefusal(d)) throw new Error(`refused: ${d.type} ${d.message}`);
    return d;
  };
  const report = (month: string, investmentToDate: number, extra: Partial<ProgressReport> = {}): ProgressReport =>
    ProgressReport.parse({ requestId: `report-${month}-0001`, month, investmentThisMonth: 100, investmentToDate, physicalProgress: 30, actor, ...extra });

  describe('stage changes', () => {
    it('refuses a skipped stage with the stage rules’ message and the current stage, changing nothing', () => {
      const l = start({ stage: 'conceived' });
      const d = transition(l, { requestId: 'move-0000001', to: 'preliminary', actor }, now, config, transitionRules);
      expect(d).toMatchObject({ refused: true, type: 'IllegalTransition', details: { currentStage: 'conceived' } });
      expect(isRefusal(d) && d.message).toContain('cannot skip from conceived (谋划) to preliminary (前期)');
      expect(l.state.stage).toBe('conceived');
    });

    it('moves on, keeps the change on the chain and publishes it with the chain head, without touching the state it was given', () => {
      const l = start({ stage: 'conceived' });
      const before = JSON.stringify(l);
      const d = ok(transition(l, { requestId: 'move-0000001', to: 'reserve', actor }, now, config, transitionRules));
      expect(JSON.stringify(l)).toBe(before);
      expect(d.result).toEqual({ stage: 'reserve', seq: 1 });
      expect(d.state.state.stage).toBe('reserve');
      expect(d.state.state.stageSince).toBe(now.toISOString());
      expect(d.state.state.stageHistory.at(-1)).toMatchObject({ seq: 1, from: 'conceived', to: 'reserve', at: now.toISOString(), by: 'xm:li' });
      expect(d.state.state.audit).toHaveLength(1);
      expect(d.state.state.audit![0]).toMatchObject({ seq: 0, kind: 'stageChanged', key: 'move-0000001' });
      expect(d.events).toEqual([
        {
          type: 'cn.keyflow.project.stageChanged',
          key: 'stage:1',
          data: { seq: 1, from: 'conceived', to: 'reserve', by: 'xm:li', reason: undefined, county: '411122', auditHead: d.state.state.audit![0]!.hash },
        },
      ]);
    });

    it('holds construction back while joint review has approvals open', () => {
      const l = start({ stage: 'preliminary' }, { reviews: true });
      const d = transition(l, { requestId: 'move-0000001', to: 'started', actor }, now, config, transitionRules);
      expect(d).toMatchObject({ refused: true, type: 'ApprovalsIncomplete', details: { currentStage: 'preliminary' } });
    });

    it('applies again for the rejected stages when the project enters preliminary work again, before the stage change itself', () => {
      const l = start({ stage: 'reserve' }, { reviews: true });
      l.state.approvals.landUsePlanning = 'rejected';
      const d = ok(transition(l, { requestId: 'move-0000002', to: 'preliminary', actor }, now, config, transitionRules));
      expect(d.events.map((e) => e.key)).toEqual(['reapplied:landUsePlanning:2', 'stage:1']);
      expect(d.state.state.approvals.landUsePlanning).toBe('notStarted');
      expect(d.events[0]!.data).toMatchObject({ stageId: 'landUsePlanning', attempt: 2, workflowId: `review-${project.code}-landUsePlanning-r2`, note: '重新进入前期工作' });
    });

    it('clears a stall for want of a stage change, closing its order, and measures the light again', () => {
      const stalledOne = ok(transition(start({ stage: 'conceived' }), { requestId: 'move-0000001', to: 'reserve', actor }, now, config, transitionRules)).state;
      const s = markStalled(stalledOne, { reason: 'noStageChange', detail: '在reserve阶段已400天无进展' }, { orderNo: 1, dueDate: '2026-06-15', monthKept: true }, now, config).state;
      expect(s.state.stall).not.toBeNull();
      const later = new Date('2026-06-09T02:00:00.000Z');
      const d = ok(transition(s, { requestId: 'move-0000003', to: 'preliminary', actor }, later, config, transitionRules));
      expect(d.events.map((e) => `${e.type} ${e.key}`)).toEqual([
        'cn.keyflow.project.stageChanged stage:2',
        'cn.keyflow.project.stallCleared stallCleared:1',
        'cn.keyflow.supervision.orderClosed orderClosed:1',
        `cn.keyflow.project.warningChanged warning:${s.eventSeq + 1}`,
      ]);
      expect(d.state.state.stall).toBeNull();
      expect(d.state.state.stallHistory[0]).toMatchObject({ clearedAt: later.toISOString(), clearedBy: 'xm:li', order: { closedBecause: 'stage changed to preliminary' } });
      expect(d.state.state.warning.level).toBe('green');
    });

    it('closes the project in production or when withdrawn', () => {
      const d = ok(transition(start(), { requestId: 'move-0000004', to: 'withdrawn', reason: '项目终止', actor }, now, config, transitionRules));
      expect(d.state.state.closed).toBe(true);
      expect(checkTransitionRequest(d.state.state, { to: 'underConstruction', reason: 'x' })).toMatchObject({ type: 'ProjectClosed' });
    });
  });

  describe('monthly reports', () => {
    it('refuses a report before construction, for a month not begun, or solving a problem that is not open', () => {
      expect(reportProgress(start({ stage: 'preliminary' }), report('2026-05', 500), now, config)).toMatchObject({ refused: true, type: 'IllegalTransition', details: { currentStage: 'preliminary' } });
      expect(reportProgress(start(), report('2026-07', 500), now, config)).toMatchObject({
        type: 'ValidationFailed',
        message: 'month: must not be after the current month 2026-06',
        details: [{ field: 'month', rule: 'must not be after the current month 2026-06' }],
      });
      expect(reportProgress(start(), report('2026-05', 500, { resolvedProblemIds: ['P2026-01-9'] }), now, config)).toMatchObject({
        type: 'ValidationFailed',
        details: [{ field: 'resolvedProblemIds', rule: 'must name open problems; unknown: P2026-01-9' }],
      });
    });

    it('records a report with the problems it raises, numbered by the project, and a correction under a numbered key', () => {
      const first = ok(reportProgress(start(), report('2026-05', 15000, { problems: [{ text: '用地手续未齐', department: 'zrzy' }] }), now, config));
      expect(first.state.state.openProblems).toEqual([{ id: 'P2026-05-1', text: '用地手续未齐', department: 'zrzy', raisedIn: '2026-05', raisedAt: now.toISOString() }]);
      expect(first.events[0]).toMatchObject({ type: 'cn.keyflow.project.progressReported', key: 'report:2026-05', data: { completionRate: 0.25, correction: false, problemsRaised: [{ id: 'P2026-05-1' }] } });
      expect(first.state.state.lastReportAt).toBe(now.toISOString());
      // 25 % of the plan by May (expected 5/12): more than 10 points behind, yellow.
      expect(first.result).toEqual({ month: '2026-05', correction: false, warning: 'yellow', stallCleared: false, openProblemIds: ['P2026-05-1'] });
      expect(first.events.map((e) => e.key)).toEqual(['report:2026-05', 'warning:2']);

      const fixed = ok(reportProgress(first.state, report('2026-05', 24000, { requestId: 'report-fix-0001', correctionReason: '统计口径更正', resolvedProblemIds: ['P2026-05-1'] }), now, config));
      expect(fixed.events.map((e) => e.key)).toEqual(['correction:2026-05:3', 'warning:4']);
      expect(fixed.result).toMatchObject({ correction: true, warning: 'green', openProblemIds: [] });
      expect(fixed.state.state.reports[0]!.corrections).toEqual([{ replacedAt: now.toISOString(), by: 'xm:li', reason: '统计口径更正', previous: { investmentThisMonth: 100, investmentToDate: 15000, physicalProgress: 30 } }]);
      expect(fixed.state.state.audit!.map((e) => e.kind)).toEqual(['reported', 'corrected']);
    });

    it('clears a stall for a missing report only with a report for its month or a later one', () => {
      const s = markStalled(start(), { reason: 'noReport', detail: '2026-04 月报逾期未报', month: '2026-04' }, { orderNo: 1, dueDate: '2026-06-12', monthKept: true }, now, config).state;
      expect(s.state.stall).toMatchObject({ reason: 'noReport', month: '2026-04', order: { id: `督办-${project.code}-1`, dueDate: '2026-06-12', escalatedTo: ['dcs', 'fgw', '副市长 王某'] } });
      const late = ok(reportProgress(s, report('2026-03', 10000), now, config));
      expect(late.result.stallCleared).toBe(false);
      const answered = ok(reportProgress(late.state, report('2026-04', 20000, { requestId: 'report-04-0001' }), now, config));
      expect(answered.result).toMatchObject({ stallCleared: true });
      expect(answered.events.map((e) => e.key)).toEqual(['report:2026-04', 'stallCleared:1', 'orderClosed:1', expect.stringMatching(/^warning:\d+$/)]);
    });
  });

  describe('annual plans and supervision orders', () => {
    it('sets the current year’s plan only, not above the total, and measures the light against it', () => {
      expect(setAnnualPlan(start(), SetAnnualPlan.parse({ requestId: 'plan-0000001', year: 2027, annualPlannedInvestment: 1000, actor }), now, config)).toMatchObject({
        type: 'ValidationFailed',
        details: [{ field: 'year', rule: 'must be the current year (2026): a plan is set in the year it covers' }],
      });
      expect(setAnnualPlan(start(), SetAnnualPlan.parse({ requestId: 'plan-0000001', year: 2026, annualPlannedInvestment: 130000, actor }), now, config)).toMatchObject({
        details: [{ field: 'annualPlannedInvestment', rule: 'must not exceed the total investment (120000 万元)' }],
      });
      const reported = ok(reportProgress(start(), report('2026-05', 15000), now, config)).state;
      const d = ok(setAnnualPlan(reported, SetAnnualPlan.parse({ requestId: 'plan-0000001', year: 2026, annualPlannedInvestment: 30000, reason: '计划调整', actor }), now, config));
      expect(d.result).toEqual({ year: 2026, annualPlannedInvestment: 30000, previous: 60000, setAt: now.toISOString(), by: 'xm:li', reason: '计划调整' });
      expect(d.state.state.project.annualPlannedInvestment).toBe(30000);
      expect(reported.state.project.annualPlannedInvestment).toBe(60000);
      expect(d.state.state.warning).toMatchObject({ level: 'green', completionRate: 0.5 });
      expect(d.events.map((e) => e.key)).toEqual(['annualPlan:2026:2', 'warning:3']);
    });

    it('opens an order by hand with the supervisors always on it, and closes it once', () => {
      expect(checkOpenOrder(ok(transition(start(), { requestId: 'move-0000004', to: 'withdrawn', reason: '项目终止', actor }, now, config, transitionRules)).state.state)).toMatchObject({ type: 'ProjectClosed' });
      const opened = ok(openOrder(start(), { requestId: 'order-000001', actor, reason: '征地拆迁进度滞后', escalateTo: ['zrzy', 'dcs'] }, { n: 1, dueDate: null }, now, config));
      expect(opened.result).toEqual({ id: `督办-${project.code}-M1`, issuedAt: now.toISOString(), dueDate: null, escalatedTo: ['dcs', 'zrzy'], reason: '征地拆迁进度滞后' });
      expect(opened.events[0]).toMatchObject({ type: 'cn.keyflow.supervision.orderIssued', key: 'manualOrder:1' });
      const close = { requestId: 'close-000001', actor, orderId: opened.result.id, note: '已协调解决' };
      expect(closeOrder(opened.state, { ...close, orderId: 'nope' }, now, config)).toMatchObject({ type: 'OrderNotFound', details: [{ field: 'orderId' }] });
      const closed = ok(closeOrder(opened.state, close, now, config));
      expect(closed.result).toMatchObject({ closedAt: now.toISOString(), closedBecause: '已协调解决 (xm:li)' });
      expect(closed.events[0]).toMatchObject({ type: 'cn.keyflow.supervision.orderClosed', key: `manualOrderClosed:${opened.result.id}` });
      const again = closeOrder(closed.state, close, now, config);
      expect(again).toMatchObject({ refused: true, type: 'OrderClosed' });
      expect(isRefusal(again) && again.details).toBeUndefined();
    });
  });

  describe('the daily check for stalls', () => {
    it('asks about last month, and with the latest-due-month patch the month before', () => {
      expect(reportCandidates('2026-06-08', false)).toEqual(['2026-05']);
      expect(reportCandidates('2026-01-08', true)).toEqual(['2025-12', '2025-11']);
      expect(reportOverdue('2026-06-12', '2026-06-13')).toBe(true);
      expect(reportOverdue('2026-06-12', '2026-06-12')).toBe(false);
      expect(reportOverdue(null, '2026-06-13')).toBe(false);
    });

    it('stops at a month before reporting began or one a report answers', () => {
      const l = start();
      expect(reportsWatched(l.state)).toBe(true);
      expect(reportAnswered(l.state, '2026-04')).toBe(true);
      expect(reportAnswered(l.state, '2026-05')).toBe(false);
      const reported = ok(reportProgress(l, report('2026-06', 500), now, config)).state;
      expect(reportAnswered(reported.state, '2026-05')).toBe(true);
    });

    it('finds a missing report first, else too long a stay in one stage', () => {
      const l = start();
      expect(stallFinding(l.state, { month: '2026-05', due: '2026-06-12' }, now, config.stall.maxDaysInStage)).toEqual({
        reason: 'noReport',
        detail: '2026-05 月报逾期未报 (report for 2026-05 overdue since 2026-06-12)',
        month: '2026-05',
      });
      expect(stallFinding(l.state, null, now, config.stall.maxDaysInStage)).toBeNull();
      expect(stallFinding(l.state, null, now, { underConstruction: 10 })).toEqual({ reason: 'noStageChange', detail: '在underConstruction阶段已19天无进展 (no stage change for 19 days, limit 10)' });
    });

    it('keeps the missing month on the stall only with the patch, and turns the light red', () => {
      const d = markStalled(start(), { reason: 'noReport', detail: 'x', month: '2026-05' }, { orderNo: 3, dueDate: null, monthKept: false }, now, config);
      expect(d.state.state.stall).not.toHaveProperty('month');
      expect(d.events.map((e) => e.key)).toEqual(['stalled:3', 'order:3', 'warning:1']);
      expect(d.state.state.warning.level).toBe('red');
    });

    it('notes a calendar gap once', () => {
      const first = noteCalendarGap(start(), 'reportDue:2027-12', 'no holiday notice for 2028', now, config);
      expect(first.events).toEqual([{ type: 'cn.keyflow.project.calendarGap', key: 'calendarGap:reportDue:2027-12', data: { what: 'reportDue:2027-12', message: 'no holiday notice for 2028' } }]);
      expect(noteCalendarGap(first.state, 'reportDue:2027-12', 'no holiday notice for 2028', now, config).events).toEqual([]);
    });
  });

  describe('joint review as the project sees it', () => {
    const wiring = { reviewsWired: true, acceptanceWired: true, reapplyExplicit: true };

    it('reviews the stages before construction in order, one at a time; a rejected one waits for a re-application', () => {
      const l = start({ stage: 'preliminary' }, { reviews: true });
      expect(nextReviewStage(l.state, wiring)).toBe('landUsePlanning');
      expect(nextReviewStage(l.state, { ...wiring, reviewsWired: false })).toBeUndefined();
      const inReview = reviewStarted(l, 'landUsePlanning', 1, 'review-1', now, config).state;
      expect(nextReviewStage(inReview.state, wiring)).toBeUndefined();
      const rejected = reviewDecided(inReview, { projectCode: project.code, stageId: 'landUsePlanning', outcome: 'rejected', acceptedAt: now.toISOString(), decidedAt: now.toISOString(), workingDaysTaken: 3, stageLimitWorkingDays: 10, rejections: [], openFollowUps: [] } satisfies StageOutcome, now, config).state;
      expect(nextReviewStage(rejected.state, wiring)).toBeUndefined();
      expect(nextReviewStage(rejected.state, { ...wiring, reapplyExplicit: false })).toBe('landUsePlanning');
      expect(checkReapply(rejected.state, { stageId: 'constructionPermit' })).toMatchObject({ type: 'IllegalTransition', details: [{ field: 'stageId' }] });
      const again = ok(reapplyForReview(rejected, { requestId: 'again-000001', actor, stageId: 'landUsePlanning', note: '已补正材料' }, now, config, { ...counts, reviewAttempts: { landUsePlanning: 1 } }));
      expect(again.result).toEqual({ stageId: 'landUsePlanning', attempt: 2, workflowId: `review-${project.code}-landUsePlanning-r2`, started: false });
      expect(nextReviewStage(again.state.state, wiring)).toBe('landUsePlanning');
      const second = reviewStarted(again.state, 'landUsePlanning', 2, 'review-2', now, config).state;
      expect(second.state.reviewHistory.map((r) => r.attempt)).toEqual([1]);
    });

    it('takes a review that failed to run out of review, once', () => {
      const l = start({ stage: 'preliminary' }, { reviews: true });
      const started = reviewStarted(l, 'landUsePlanning', 1, 'review-1', now, config);
      const failed = reviewFailed(started.state, started.result, 'no holiday notice', now, config);
      expect(failed.result).toBe(true);
      expect(failed.state.state.approvals.landUsePlanning).toBe('notStarted');
      expect(failed.state.state.calendarGaps).toEqual([{ what: 'review:landUsePlanning:1', message: 'no holiday notice', at: now.toISOString() }]);
      expect(reviewFailed(failed.state, started.result, 'no holiday notice', now, config).result).toBe(false);
    });
  });
});
