/**
 * The ranking workflows on the real stack (Temporal dev server + Kafka), in a namespace of their
 * own so that the check's listing of "all projects" and the rankings registry see only this
 * file's workflows: the demo inspection tour end to end, its published event read back from
 * Kafka against the CSV report; a 四比四看 check computed from live project state; and the
 * monthly Temporal Schedule, created idempotently and triggered.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { latestChecks, ensureFourCompareSchedule, latestTours, runFourCompareNow } from '../../client/rankings';
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
import { isolatedNamespace } from '../support/namespace';

jest.setTimeout(120_000);

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

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

  it('checks the current month from live project state, read through visibility and queries', async () => {
    const period = shanghaiDate(new Date()).slice(0, 7);
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

    const check = await runFourCompareNow(ctx, period);
    expect(check.checkId).toBe(checkWorkflowId(period));
    const line = (county: string) => check.result.counties.find((l) => l.county === county)!;
    // 临颍县: signed and landed, started as planned, 30 % progress, 10 % of the plan done and in
    // place, no approval decided (the service pair gives 0) → 25 + 25 + 25 + 0.
    expect(line('411122')).toMatchObject({
      projectCount: 1,
      metrics: { signedCount: 1, landingRate: 1, startRate: 1, physicalProgressAvg: 30, investmentCompletionRate: 0.1, fundsInPlaceRate: 0.1, onTimeApprovalRate: null },
      total: 75,
      rank: 1,
    });
    // 源汇区: signed, not landed → 12.5 × (1 + 0).
    expect(line('411102')).toMatchObject({ projectCount: 1, metrics: { signedCount: 1, landingRate: 0, startRate: null }, total: 12.5, rank: 2, peerRank: 1 });
    expect(check.result.counties.filter((l) => l.projectCount === 0).every((l) => l.total === 0 && l.rank === 3)).toBe(true);
    expect(csvRows(check.reports.csv).map((r) => [r[2], num(r[0])])).toEqual(check.result.counties.map((l) => [l.county, l.rank]));
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
    // The projects of this namespace were registered this month: last month had none of them.
    expect(check.result.counties.every((l) => l.projectCount === 0 && l.rank === 1)).toBe(true);
  });
});
