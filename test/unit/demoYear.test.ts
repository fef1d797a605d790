/**
 * The demo's year (seeds/demoYear.ts): its plan at pinned instants (pure), and the lifecycle and
 * review rules it relies on, on a time-skipping server pinned to 2 December 2026 10:00 Shanghai:
 * a project brought over with its listing day stalls for the latest month due and missing once
 * its reports are in, a late report for an earlier month does not clear that stall, and an approval
 * brought over with its acceptance day is overdue by its own deadlines.
 */
import { getProjectState, registerProject, reportProgress } from '../../client/projects';
import { getReviewState } from '../../client/reviews';
import { addCalendarDays, shanghaiDate } from '../../domain/calendar';
import { backdatedIssues } from '../../domain/projects/backdated';
import { ProjectInput } from '../../schemas/project';
import { demoYearPlan, demoYearSummary } from '../../seeds/demoYear';
import { calendarWithSynthetic2027 } from '../support/calendars';
import { aProject } from '../support/fixtures';
import { eventually, reviewTestEnv, type ReviewTestEnv } from './jointReviewHarness';

const cst = (date: string, hhmm: string): Date => new Date(`${date}T${hhmm}:00+08:00`);

describe('the demo year plan', () => {
  it.each([
    ['2 December 2026', cst('2026-12-02', '10:00')],
    ['5 January 2026 (no month of the year past yet)', cst('2026-01-05', '09:00')],
    ['1 March 2027', cst('2027-03-01', '09:00')],
    ['29 February 2028', cst('2028-02-29', '12:00')],
    ['31 December 2026, 23:59', cst('2026-12-31', '23:59')],
  ])('on %s registers valid projects and reports only the year’s past months, newest first', (_name, now) => {
    const today = shanghaiDate(now);
    const plans = demoYearPlan(now);
    const ids = new Set<string>();
    for (const plan of plans) {
      expect(ProjectInput.safeParse(plan.project).success).toBe(true);
      expect(backdatedIssues(plan.project, today)).toEqual([]);
      for (const r of plan.reports) {
        expect(r.month < today.slice(0, 7)).toBe(true);
        expect(r.month >= `${today.slice(0, 4)}-01`).toBe(true);
        ids.add(r.requestId);
      }
      const months = plan.reports.map((r) => r.month);
      expect(months).toEqual([...months].sort().reverse());
      const toDate = plan.reports.map((r) => r.investmentToDate);
      expect(toDate).toEqual([...toDate].sort((a, b) => b - a));
      for (const a of plan.review) ids.add(a.input.requestId);
    }
    expect(ids.size).toBe(plans.reduce((n, p) => n + p.reports.length + p.review.length, 0));
    // The same clock gives the same plan: request ids and figures do not move between starts.
    expect(demoYearPlan(now)).toEqual(plans);
  });

  it('leaves months out for some projects, reports since January for the continuing ones, and backdates approvals in flight', () => {
    const now = cst('2026-12-02', '10:00');
    const plans = demoYearPlan(now);
    const continuing = plans.filter((p) => p.project.category === 'continuing' && p.reports.length > 0);
    expect(continuing.length).toBeGreaterThan(3);
    for (const p of continuing) expect(p.reports[p.reports.length - 1]!.month).toBe('2026-01');
    expect(plans.filter((p) => p.missingMonths.length > 0).length).toBeGreaterThanOrEqual(2);
    const inFlight = plans.filter((p) => p.project.reviewAcceptedOn !== undefined);
    expect(inFlight.map((p) => p.project.reviewAcceptedOn)).toContain(addCalendarDays('2026-12-02', -42));
    expect(demoYearSummary({ registered: 24, already: 0, reportsFiled: 120, reportedMonths: { from: '2026-01', to: '2026-11' }, reviewActions: 12, stalled: 4, overdueReviews: 2, skipped: [] })).toBe(
      '演示数据：项目 24 个（本次登记 24，已有 0），月报 120 份（2026-01 至 2026-11，部分逾期未报），停滞 4 个（自动督办），审批办理 12 次，超期审批 2 项',
    );
  });
});

describe('projects and approvals brought over with their dates (pinned at 2 December 2026 10:00 Shanghai)', () => {
  // A worker runs once, so every test has a server and a worker of its own.
  let t: ReviewTestEnv;
  beforeEach(async () => {
    t = await reviewTestEnv({ calendar: calendarWithSynthetic2027(), at: cst('2026-12-02', '10:00') });
  });
  afterEach(async () => {
    await t?.teardown();
  });

  it('refuses a listing day outside the plan year or in the future, naming the field', async () => {
    await t.run(async () => {
      const ctx = { client: t.client, taskQueue: t.taskQueue, now: () => cst('2026-12-02', '10:00') };
      const base = aProject({ stage: 'underConstruction', category: 'continuing' });
      await expect(registerProject(ctx, { ...base, listedOn: '2025-12-31' }, 'test')).rejects.toMatchObject({
        type: 'ValidationFailed',
        issues: [{ field: 'project.listedOn', rule: 'must lie in the plan year, from 2026-01-01 to today 2026-12-02' }],
      });
      await expect(registerProject(ctx, { ...base, listedOn: '2026-12-03' }, 'test')).rejects.toMatchObject({ type: 'ValidationFailed' });
      await expect(registerProject(ctx, { ...base, reviewAcceptedOn: '2026-11-01' }, 'test')).rejects.toMatchObject({
        type: 'ValidationFailed',
        issues: [{ field: 'project.reviewAcceptedOn', rule: 'only goes with a project registered in preliminary work (stage preliminary)' }],
      });
      await expect(registerProject(ctx, { ...aProject({ stage: 'preliminary', category: 'preliminary' }), reviewAcceptedOn: '2025-11-01' }, 'test')).rejects.toMatchObject({
        type: 'ValidationFailed',
        issues: [{ field: 'project.reviewAcceptedOn' }],
      });
    });
  });

  it('stalls for the latest month due once the import has begun, and a late report for an earlier month does not clear it', async () => {
    await t.run(async () => {
      const ctx = { client: t.client, taskQueue: t.taskQueue };
      const silent = aProject({ stage: 'underConstruction', category: 'continuing', annualPlannedInvestment: 1200 });
      const onTime = aProject({ stage: 'underConstruction', category: 'continuing', annualPlannedInvestment: 1200 });
      for (const p of [silent, onTime]) await registerProject(ctx, { ...p, listedOn: '2026-01-01' }, 'test');
      // Registered, no report yet: the first check waits for the import.
      const waiting = await getProjectState(ctx, silent.code);
      expect(waiting.stall).toBeNull();
      expect(waiting.reportingSince).toBe(cst('2026-01-01', '00:00').toISOString());
      const report = (code: string, m: number) =>
        reportProgress(ctx, code, {
          requestId: `demo-test-${code}-${m}`,
          month: `2026-${String(m).padStart(2, '0')}`,
          investmentThisMonth: 100,
          investmentToDate: 100 * m,
          physicalProgress: 5 * m,
          actor: { by: 'fgw.li' },
        });
      // Newest first; the silent one stops at August. October's report fell due on 13 November (10 working days after the month).
      for (let m = 8; m >= 1; m -= 1) await report(silent.code, m);
      for (let m = 11; m >= 1; m -= 1) await report(onTime.code, m);
      const stalled = await eventually(async () => (await getProjectState(ctx, silent.code)).stall ?? undefined, 'the silent project stalls');
      expect(stalled).toMatchObject({ reason: 'noReport', month: '2026-10' });
      expect((await getProjectState(ctx, silent.code)).reports).toHaveLength(8);
      expect((await getProjectState(ctx, onTime.code)).stall).toBeNull();
      // September, late, is not October: the stall stays; October clears it.
      await report(silent.code, 9);
      expect((await getProjectState(ctx, silent.code)).stall).toMatchObject({ month: '2026-10' });
      const cleared = await report(silent.code, 10);
      expect(cleared.stallCleared).toBe(true);
    });
  });

  it('counts an approval brought over from the day the window accepted it: 42 days on, every task is overdue', async () => {
    await t.run(async () => {
      const ctx = { client: t.client, taskQueue: t.taskQueue };
      const p = aProject({ stage: 'preliminary', category: 'preliminary' });
      await registerProject(ctx, { ...p, reviewAcceptedOn: '2026-10-21' }, 'test');
      const review = await eventually(() => getReviewState(ctx, p.code, 'landUsePlanning').catch(() => undefined), 'the review starts');
      for (const task of review.tasks) {
        expect(task.assignedAt).toBe(cst('2026-10-21', '09:00').toISOString());
        expect(task.deadlineDate < '2026-12-02').toBe(true);
      }
      await eventually(async () => ((await getReviewState(ctx, p.code, 'landUsePlanning')).tasks.every((t) => t.escalatedFor !== null) ? true : undefined), 'every task is escalated as overdue');
      // …and said so on the reviews topic, one overdue event per task.
      await eventually(() => (t.publisher.ofType('taskOverdue').length >= review.tasks.length ? true : undefined), 'the overdue events are published');
    });
  });
});
