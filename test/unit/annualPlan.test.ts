/**
 * The annual plan (年度计划下达): the city sets each project's planned investment for the year,
 * and the warning light (红黄绿灯) measures the year's investment against it from then on.
 * On Temporal's time-skipping server, whose clock is the real now: months and years are
 * computed from it, never hard-coded.
 */
import { getProjectState, registerProject, reportProgress, setAnnualPlan } from '../../client/projects';
import { shanghaiDate } from '../../domain/calendar';
import { aProject } from '../support/fixtures';
import { eventually, reviewTestEnv, type ReviewTestEnv } from './jointReviewHarness';

describe('setting the annual plan of a project', () => {
  let t: ReviewTestEnv;
  beforeAll(async () => {
    t = await reviewTestEnv();
  });
  afterAll(async () => {
    await t?.teardown();
  });

  it('measures the warning light against the new plan, refuses another year or a plan above the total, and answers a repeat once', async () => {
    await t.run(async () => {
      const ctx = { client: t.client, taskQueue: t.taskQueue };
      const project = aProject({ stage: 'underConstruction', category: 'continuing', totalInvestment: 120000, annualPlannedInvestment: 60000 });
      const code = project.code;
      await registerProject(ctx, project, 'test');
      const today = shanghaiDate(await t.now());
      const month = today.slice(0, 7);
      const year = Number(today.slice(0, 4));
      const expected = Number(month.slice(5)) / 12;
      // Half of what the plan expects by now: more than 20 points behind from March on, red.
      const toDate = Math.round(60000 * expected * 0.5);
      await reportProgress(ctx, code, {
        requestId: `plan-report-${code}`,
        month,
        investmentThisMonth: Math.min(toDate, 1000),
        investmentToDate: toDate,
        physicalProgress: 40,
        problems: [],
        actor: { by: 'xm:li' },
      });
      const before = await getProjectState(ctx, code);
      expect(before.warning.completionRate).toBeCloseTo(toDate / 60000, 6);

      // The plan is cut to what has been invested pro rata: on plan, green.
      const newPlan = Math.round(toDate / expected);
      const plan = await setAnnualPlan(ctx, code, {
        requestId: `plan-set-${code}`,
        year,
        annualPlannedInvestment: newPlan,
        reason: '年度计划调整（市发改委文件）',
        actor: { by: 'fgw:zhang' },
      });
      expect(plan).toMatchObject({ year, annualPlannedInvestment: newPlan, previous: 60000, by: 'fgw:zhang' });
      const after = await getProjectState(ctx, code);
      expect(after.project.annualPlannedInvestment).toBe(newPlan);
      expect(after.annualPlans).toEqual([plan]);
      expect(after.warning.completionRate).toBeCloseTo(toDate / newPlan, 6);
      expect(after.warning.level).toBe('green');

      // A repeat gets the first answer and sets nothing again.
      const again = { requestId: `plan-set-${code}`, year, annualPlannedInvestment: newPlan, reason: '年度计划调整（市发改委文件）', actor: { by: 'fgw:zhang' } };
      expect(await setAnnualPlan(ctx, code, again)).toEqual(plan);
      // The same id for another plan is refused, not answered with the first.
      await expect(setAnnualPlan(ctx, code, { ...again, annualPlannedInvestment: newPlan + 1 })).rejects.toMatchObject({ type: 'RequestIdReused' });

      // Refusals name the field and the rule, and change nothing.
      await expect(setAnnualPlan(ctx, code, { requestId: `plan-next-${code}`, year: year + 1, annualPlannedInvestment: 1000, actor: { by: 'fgw:zhang' } })).rejects.toMatchObject({
        type: 'ValidationFailed',
        issues: [{ field: 'year', rule: `must be the current year (${year}): a plan is set in the year it covers` }],
      });
      await expect(setAnnualPlan(ctx, code, { requestId: `plan-big-${code}`, year, annualPlannedInvestment: 130000, actor: { by: 'fgw:zhang' } })).rejects.toMatchObject({
        type: 'ValidationFailed',
        issues: [{ field: 'annualPlannedInvestment', rule: 'must not exceed the total investment (120000 万元)' }],
      });
      await expect(setAnnualPlan(ctx, code, { requestId: 'short', year, annualPlannedInvestment: -1, actor: { by: 'fgw:zhang' } })).rejects.toMatchObject({
        type: 'ValidationFailed',
        message: expect.stringMatching(/requestId: must be at least 8 characters.*annualPlannedInvestment: must not be negative/),
      });
      const unchanged = await getProjectState(ctx, code);
      expect(unchanged.annualPlans).toEqual([plan]);
      expect(unchanged.project.annualPlannedInvestment).toBe(newPlan);

      // Published: the plan, and the light's change when there was one.
      const ofProject = () => t.publisher.events.filter((e) => e.subject === code);
      await eventually(() => ofProject().some((e) => e.type === 'cn.keyflow.project.annualPlanSet'), 'the annualPlanSet event');
      const planEvents = ofProject().filter((e) => e.type === 'cn.keyflow.project.annualPlanSet');
      expect(planEvents).toHaveLength(1);
      expect(planEvents[0]!.data).toMatchObject({ year, annualPlannedInvestment: newPlan, previous: 60000, county: '411122' });
      if (before.warning.level !== 'green') {
        await eventually(() => ofProject().some((e) => e.type === 'cn.keyflow.project.warningChanged' && (e.data as { to: string }).to === 'green'), 'the light turning green');
      }
    });
  });
});
