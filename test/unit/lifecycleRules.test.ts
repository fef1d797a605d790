import { allowedNext, checkTransition } from '../../domain/lifecycle/stages';
import { checkReport } from '../../domain/lifecycle/reports';
import { completionRate, expectedRate, warningLevel } from '../../domain/lifecycle/warning';
import { addMonths, lastDayOfMonth } from '../../domain/lifecycle/months';
import { ProgressReport, RecordedReport } from '../../schemas/lifecycle';
import { LifecycleConfig } from '../../schemas/lifecycleConfig';

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
