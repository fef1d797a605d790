/**
 * The monthly-report refusal scenario, shared by the e2e test (real dev server, real now:
 * test/e2e/lifecycleRefusals.test.ts) and the pinned-instant check (time-skipping server at fixed
 * instants: test/unit/pinnedInstants.test.ts). Malformed and inconsistent reports, a report for
 * next month and an annual plan for next year are refused naming the field, and change nothing;
 * a repeat answers once; a correction needs a reason. The warning events that follow the report
 * depend on the month, so they are derived from it (test/support/dateExpectations.ts).
 */
import { getProjectState, registerProject, reportProgress, setAnnualPlan, type ClientContext } from '../../client/projects';
import { shanghaiDate } from '../../domain/calendar';
import { addMonths, monthOf } from '../../domain/lifecycle/months';
import { expectedReportEventTypes, REPORT_FIGURES } from './dateExpectations';
import { aProject } from './fixtures';
import { refusal } from './refusal';


/**
 * Runs the scenario on a project of its own. `now`: the workflow clock's instant (its Shanghai
 * month is the report's month). `eventTypes(code, n)`: the types of the first `n` events published
 * for the project, in order, once that many have arrived.
 */
export async function reportRefusalsScenario(ctx: ClientContext, now: Date, eventTypes: (code: string, n: number) => Promise<string[]>): Promise<void> {
  const project = aProject({ stage: 'underConstruction', category: 'continuing', annualPlannedInvestment: REPORT_FIGURES.annualPlannedInvestment });
  await registerProject(ctx, project, 'test');
  const month = monthOf(shanghaiDate(now));
  const year = Number(month.slice(0, 4));
  const good = { requestId: `good-${project.code}`, month, investmentThisMonth: 100, investmentToDate: REPORT_FIGURES.investmentToDate, physicalProgress: 60, actor: { by: 'owner' } };
  await reportProgress(ctx, project.code, good);
  const before = await getProjectState(ctx, project.code);

  const negative = await refusal(reportProgress(ctx, project.code, { ...good, requestId: 'neg-amount-1', investmentThisMonth: -5 }));
  expect(negative).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'investmentThisMonth', rule: 'must not be negative' }] });

  const silentOverwrite = await refusal(reportProgress(ctx, project.code, { ...good, requestId: 'overwrite-1', investmentToDate: 1100 }));
  expect(silentOverwrite).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'correctionReason' }] });

  const future = await refusal(reportProgress(ctx, project.code, { ...good, requestId: 'future-month-1', month: '2099-01' }));
  expect(future.issues[0]?.field).toBe('month');
  // Next month has not begun (on 31 December: January of the next year).
  const nextMonth = await refusal(reportProgress(ctx, project.code, { ...good, requestId: 'next-month-1', month: addMonths(month, 1) }));
  expect(nextMonth).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'month', rule: `must not be after the current month ${month}` }] });
  // A plan is set in the year it covers (on 31 December, not yet for the next year).
  const nextYear = await refusal(setAnnualPlan(ctx, project.code, { requestId: `plan-next-${project.code}`, year: year + 1, annualPlannedInvestment: 1000, actor: { by: 'fgw:zhang' } }));
  expect(nextYear).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'year', rule: `must be the current year (${year}): a plan is set in the year it covers` }] });

  expect(await getProjectState(ctx, project.code)).toEqual(before);

  // The same request again returns the first answer and publishes nothing new.
  const again = await reportProgress(ctx, project.code, good);
  expect(again.month).toBe(month);
  const correction = await reportProgress(ctx, project.code, {
    ...good,
    requestId: `fix-${project.code}`,
    investmentToDate: REPORT_FIGURES.correctedToDate,
    correctionReason: '补录设备采购款',
  });
  expect(correction.correction).toBe(true);
  const expected = expectedReportEventTypes(month);
  expect(await eventTypes(project.code, expected.length)).toEqual(expected);
  const state = await getProjectState(ctx, project.code);
  expect(state.reports).toHaveLength(1);
  expect(state.reports[0]?.corrections).toMatchObject([{ reason: '补录设备采购款', previous: { investmentToDate: REPORT_FIGURES.investmentToDate } }]);
}
