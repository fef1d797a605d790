/**
 * The ranking workflows on the real stack (Temporal dev server + Kafka), in a namespace of their
 * own so that the check's listing of "all projects" and the rankings registry see only this
 * file's workflows: the demo inspection tour end to end, its published event read back from
 * Kafka against the CSV report; the month in progress read from live project state and scored
 * (and a check of it refused: MonthNotClosed); and the monthly Temporal Schedule, created
 * idempotently and triggered, publishing last month — empty in this namespace — as no data.
 */
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'csv-parse/sync';
import { WorkflowFailedError } from '@temporalio/client';
import { gatherProjectFacts } from '../../activities/rankings/facts';
import { latestChecks, ensureFourCompareSchedule, latestTours, runFourCompareNow } from '../../client/rankings';
import { runFourCompare } from '../../domain/fourCompare';
import { loadReferenceData } from '../../seeds';
import { loadFourCompareConfig } from '../../seeds/rankingConfig';
import { listProjects, registerProject, reportProgress, type ClientContext } from '../../client/projects';
import { shanghaiDate } from '../../domain/calendar';
import type { CloudEvent } from '../../schemas/events/envelope';
import type { TourResult } from '../../schemas/inspection';
import type { CheckRecord } from '../../schemas/rankings';
import { TOPICS } from '../../schemas/topics';
import { runDemoTour } from '../../seeds/demoTour';
import { checkWorkflowId, FOUR_COMPARE_SCHEDULE_ID, periodToCheck } from '../../workflows/rankings/messages';
import { readEvents, startHarness, type E2EHarness } from '../support/e2e';
import { aProject } from '../support/fixtures';
import { eventually } from '../support/eventually';
import { isolatedNamespace } from '../support/namespace';

jest.setTimeout(120_000);

const csvRows = (file: string) => parse(fs.readFileSync(file, 'utf8'), { bom: true, from_line: 2 }) as string[][];
const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));

describe('rankings on the real stack', () => {
  let h: E2EHarness;
  let ctx: ClientContext;

  beforeAll(async () => {
    h = await startHarness('rankings', { namespace: await isolatedNamespace('rankings') });
    ctx = { client: h.client, taskQueue: h.taskQueue };
  });

  afterAll(async () => {
    await h?.client.schedule.getHandle(FOUR_COMPARE_SCHEDULE_ID).delete().catch(() => undefined);
    await h?.stop();
  });

  it('runs the demo tour end to end; the tourPublished event read back from Kafka matches the CSV report', async () => {
    const tourId = `demo-guanmo-${Date.now().toString(36)}`;
    const run = await runDemoTour(ctx, { tourId });
    expect(run).toMatchObject({ opened: true, sheetsSubmitted: 60 });
    const { record } = run;
    expect(record.result.projects).toHaveLength(12);
    expect(record.result.projects.every((p) => p.method === 'trimmedMean' && p.sheets.length === 5)).toBe(true);
    expect(record.closedBy).toBe('sw:tour-office');

    const [event] = await readEvents(TOPICS.rankings, (es) => es.length >= 1, {
      filter: (e: CloudEvent) => e.type === 'cn.keyflow.ranking.tourPublished' && e.subject === `tour-${tourId}`,
    });
    const data = event!.data as TourResult & { reports: { html: string; csv: string }; closedAt: string; closedBy: string };
    expect(event!.source).toBe('/keyflow/rankings');
    expect(data).toEqual({ ...record.result, closedAt: record.closedAt, closedBy: record.closedBy, reports: record.reports });

    const rows = csvRows(data.reports.csv);
    expect(rows.map((r) => [num(r[0]), r[1], r[2], r[3], num(r[5]), num(r[7]), num(r[8]), num(r[10])])).toEqual(
      data.projects.map((p) => [p.rank, p.projectCode, p.name, p.county, p.countyRank, p.peerRank, p.sheets.length, p.combined]),
    );
    expect(fs.readFileSync(data.reports.html, 'utf8')).toContain('观摩排序');

    // A second run (the run command started again) finds the tour published and changes nothing.
    const again = await runDemoTour(ctx, { tourId });
    expect(again).toEqual({ record, opened: false, sheetsSubmitted: 0 });
    expect((await latestTours(ctx)).map((t) => t.tourId)).toContain(tourId);
  });

  // The dev server runs on real time, and nothing can be registered in a month that has ended:
  // the month in progress is read live (the activity's reading and the pure scoring), while a
  // check of it is refused; the schedule's check of last month below publishes it as no data.
  it('reads the month in progress from live project state through visibility and queries, and refuses to check it', async () => {
    const now = new Date();
    const period = shanghaiDate(now).slice(0, 7);
    const year = period.slice(0, 4);
    const linying = aProject({ stage: 'started', category: 'new', plannedStart: `${year}-01-15` });
    const yuanhuiBase = aProject({ county: '411102', stage: 'preliminary', category: 'preliminary', plannedStart: `${Number(year) + 1}-03-01`, plannedCompletion: `${Number(year) + 2}-06-30` });
    const yuanhui = { ...yuanhuiBase, code: yuanhuiBase.code.replace('-411122-', '-411102-') };
    for (const p of [linying, yuanhui]) await registerProject(ctx, p, 'e2e');
    await reportProgress(ctx, linying.code, {
      requestId: `rankings-${linying.code}`,
      month: period,
      investmentThisMonth: 1000,
      investmentToDate: 6000,
      physicalProgress: 30,
      actor: { by: 'owner' },
    });
    await eventually('both projects listed', async () => ((await listProjects(ctx)).length === 2 ? true : undefined));

    const counties = loadReferenceData().counties;
    const gathered = await gatherProjectFacts(h.client, { period, counties, taskQueue: h.taskQueue, now });
    expect(gathered.facts.map((f) => f.code).sort()).toEqual([linying.code, yuanhui.code].sort());
    const result = runFourCompare(loadFourCompareConfig(), gathered.counties, gathered.facts, period);
    const line = (county: string) => result.counties.find((l) => l.county === county)!;
    // 临颍县: signed and landed, started as planned, 30 % progress, 10 % of the plan done and in
    // place, no approval decided (the service pair gives 0) → 25 + 25 + 25 + 0.
    expect(line('411122')).toMatchObject({
      projectCount: 1,
      metrics: { signedCount: 1, landedCount: 1, startedCount: 1, landingRate: 1, startRate: 1, physicalProgressAvg: 30, investmentCompleted: 6000, investmentCompletionRate: 0.1, fundsInPlaceRate: 0.1, onTimeApprovalRate: null },
      total: 75,
      rank: 1,
    });
    // 源汇区: signed, not landed → 12.5 × (1 + 0).
    expect(line('411102')).toMatchObject({ projectCount: 1, metrics: { signedCount: 1, landedCount: 0, landingRate: 0, startRate: null }, total: 12.5, rank: 2, peerRank: 1 });
    expect(result.counties.filter((l) => l.projectCount === 0).every((l) => l.total === 0 && l.rank === 3)).toBe(true);

    // Checking the month in progress is refused at the edge, and by the workflow on its own clock.
    const refused = await runFourCompareNow(ctx, period, { now }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ type: 'MonthNotClosed', issues: [{ field: 'period', rule: expect.stringContaining(`${period} is the month in progress`) }] });
    const direct = await h.client.workflow.start('fourCompareCheck', { taskQueue: h.taskQueue, workflowId: `direct-${checkWorkflowId(period)}`, args: [{ period, config: loadFourCompareConfig() }] });
    const failed = await direct.result().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect((failed as WorkflowFailedError).cause).toMatchObject({ type: 'MonthNotClosed' });
    expect((await latestChecks(ctx)).find((c) => c.period === period)).toBeUndefined();
  });

  it('creates the monthly schedule once, updates it in place, and a firing checks the previous month', async () => {
    expect(await ensureFourCompareSchedule(h.client, h.taskQueue)).toEqual({ scheduleId: FOUR_COMPARE_SCHEDULE_ID, created: true });
    expect(await ensureFourCompareSchedule(h.client, h.taskQueue, { time: '10:30' })).toEqual({ scheduleId: FOUR_COMPARE_SCHEDULE_ID, created: false });
    const handle = h.client.schedule.getHandle(FOUR_COMPARE_SCHEDULE_ID);
    const described = await handle.describe();
    expect(described.spec.calendars).toEqual([expect.objectContaining({ dayOfMonth: [{ start: 5, end: 5, step: 1 }], hour: [{ start: 10, end: 10, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] })]);
    expect(described.spec.timezone).toBe('Asia/Shanghai');
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'fourCompareMonthly', taskQueue: h.taskQueue });

    await handle.trigger();
    const previous = periodToCheck(new Date());
    const check = await eventually('the scheduled check', async () => {
      const found = (await latestChecks(ctx)).find((c: CheckRecord) => c.period === previous);
      return found ?? undefined;
    });
    expect(check.checkId).toBe(checkWorkflowId(previous));
    // The projects of this namespace were registered this month: last month had none of them,
    // and it is published as no data (无数据) — not as every county ranked 1st.
    expect(check.result).toMatchObject({ period: previous, noData: true, previousPeriod: null, counties: [] });
    expect(fs.readFileSync(check.reports.html, 'utf8')).toContain('无数据');
    // Other test files' namespaces share the broker and publish their own check of the same month
    // (same subject): this check's event is the one carrying exactly its published result.
    // Data version 2: with the read model's lag the facts were read with (null: read from the workflows).
    const published = { ...check.result, checkId: check.checkId, reports: check.reports, readModel: check.readModel };
    const [event] = await readEvents(TOPICS.rankings, (es) => es.length >= 1, {
      filter: (e: CloudEvent) => e.type === 'cn.keyflow.ranking.checkPublished' && e.subject === `check-${previous}` && isDeepStrictEqual(e.data, published),
    });
    expect(event!.data).toMatchObject({ checkId: check.checkId, noData: true, counties: [] });
    expect(event!.dataschema).toBe('urn:keyflow:dataschema:cn.keyflow.ranking.checkPublished:v2');
    expect(check.readModel === null || typeof check.readModel?.lag === 'number').toBe(true);
  });
});
