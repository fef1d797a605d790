/**
 * The ranking workflows on Temporal's time-skipping server: three monthly 四比四看 checks in a row
 * (started as the monthly Schedule would start them — the time-skipping server has no Schedules
 * API; the schedule itself is tested against the dev server in test/e2e/rankings.test.ts) and 观摩
 * inspection tours. The live project facts are a scripted fake per month (one module under test:
 * the workflows); the registry, reports and outbox are real; events go to a recording publisher.
 *
 * The server's clock starts at 2026-02-05 08:00 Asia/Shanghai (test/support/fixedClock.ts) and
 * moves only when the test says so (env.sleep): the test talks to the server through a plain
 * client, because the environment's own client lets time run free while it waits for a result —
 * and the test server would then skip straight to the ten-year run timeout it gives the registry,
 * which never completes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { parse } from 'csv-parse/sync';
import { createActivities } from '../../activities';
import type { EventPublisher } from '../../activities/events/publisher';
import { KeyflowError } from '../../client/errors';
import type { ClientContext } from '../../client/projects';
import { closeTour, fourCompareScheduleSpec, getTour, latestChecks, latestTours, openTour, runFourCompareNow, submitSheet } from '../../client/rankings';
import type { CloudEvent } from '../../schemas/events/envelope';
import type { FourCompareResult, ProjectFacts } from '../../schemas/fourCompare';
import type { TourProject, TourResult } from '../../schemas/inspection';
import type { CheckRecord, GatheredFacts, TourRecord } from '../../schemas/rankings';
import type { County } from '../../schemas/reference';
import { TOPICS } from '../../schemas/topics';
import { loadFourCompareConfig, loadInspectionConfig } from '../../seeds/rankingConfig';
import { periodToCheck, RANKINGS_REGISTRY_ID } from '../../workflows/rankings/messages';
import { createTimeSkippingEnvAt } from '../support/fixedClock';
// OpenAPI 3.0 schemas are draft-04 style (boolean exclusiveMinimum, nullable): the draft-04 build of ajv reads them.
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import { hashToken, newToken, tokenStore } from '../../api/auth';
import { installErrorHandling } from '../../api/errors';
import { openApiDocument } from '../../api/openapi';
import type { AnyRouteDef, ApiDeps } from '../../api/route';
import { rankingRoutes } from '../../api/routes/rankings';

jest.setTimeout(600_000);

const cst = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+08:00`).toISOString();

// ---- the scripted live facts ----------------------------------------------------------------------
/**
 * Three counties with one signed project each; default configuration (four pairs of 25 points,
 * compareShare 0.5), so pair points = 12.5 × (s_compare + s_look), s = value ÷ best value.
 * Approvals are the same everywhere (2 of 2 on time, 10 of 20 working days used): the service
 * pair gives every county its 25 points, and the other three pairs decide.
 */
const counties: County[] = [
  { id: '411102', name: '源汇区', nameEn: 'Yuanhui District', kind: 'district', divisionCode: '411102' },
  { id: '411103', name: '郾城区', nameEn: 'Yancheng District', kind: 'district', divisionCode: '411103' },
  { id: '411122', name: '临颍县', nameEn: 'Linying County', kind: 'county', divisionCode: '411122' },
];
/** The read model the facts were read from: two events behind when the check read it. */
const LAG = { lag: 2, asOf: '2026-02-05T01:00:00.000Z', caughtUp: false };
const A = '411102';
const B = '411103';
const C = '411122';

function fact(county: string, over: Partial<ProjectFacts>): ProjectFacts {
  return {
    code: `2026-${county}-13-03-000001`,
    county,
    stage: 'underConstruction',
    signed: true,
    landed: true,
    plannedStartThisYear: true,
    startedThisYear: true,
    physicalProgress: 0,
    annualPlannedInvestment: 1000,
    investmentCompletedThisYear: 0,
    fundsInPlace: 0,
    approvalTasksClosed: 2,
    approvalTasksOnTime: 2,
    approvalWorkingDaysUsed: 10,
    approvalWorkingDaysAllowed: 20,
    ...over,
  };
}

const FACTS: Record<string, ProjectFacts[]> = {
  // January — A: progress 40, 10 % completed, 20 % funds; B: 20, 5 %, 10 %; C: not landed, not started.
  '2026-01': [
    fact(A, { physicalProgress: 40, investmentCompletedThisYear: 100, fundsInPlace: 200 }),
    fact(B, { physicalProgress: 20, investmentCompletedThisYear: 50, fundsInPlace: 100 }),
    fact(C, { stage: 'preliminary', landed: false, startedThisYear: false }),
  ],
  // February — B overtakes A; C has started.
  '2026-02': [
    fact(A, { physicalProgress: 45, investmentCompletedThisYear: 150, fundsInPlace: 300 }),
    fact(B, { physicalProgress: 90, investmentCompletedThisYear: 300, fundsInPlace: 300 }),
    fact(C, { stage: 'started', physicalProgress: 10, investmentCompletedThisYear: 100, fundsInPlace: 150 }),
  ],
  // March — C leads.
  '2026-03': [
    fact(A, { physicalProgress: 50, investmentCompletedThisYear: 200, fundsInPlace: 300 }),
    fact(B, { physicalProgress: 60, investmentCompletedThisYear: 300, fundsInPlace: 400 }),
    fact(C, { stage: 'started', physicalProgress: 80, investmentCompletedThisYear: 600, fundsInPlace: 800 }),
  ],
  // April: none (a month without data). May: January's figures again — A 100, B 81.25, C 37.5.
};
FACTS['2026-05'] = FACTS['2026-01']!;

/**
 * Worked by hand, pair by pair (sign-land, start-progress, invest-funds, service):
 *
 * 2026-01  A: 25 + 12.5×(1+1)=25 + 12.5×(1+1)=25 + 25                       = 100.00  rank 1, in group 1
 *          B: 25 + 12.5×(1+20/40)=18.75 + 12.5×(.05/.1+.1/.2)=12.5 + 25      =  81.25  rank 2, in group 2
 *          C: 12.5×(1+0)=12.5 (not landed) + 0 (nothing started) + 0 + 25    =  37.50  rank 3, in group 1
 * 2026-02  B: 25 + 25 + 25 + 25                                               = 100.00  rank 1 (↑1), group 1 (↑1)
 *          A: 25 + 12.5×(1+45/90)=18.75 + 12.5×(.15/.3+.3/.3)=18.75 + 25     =  87.50  rank 2 (↓1), group 2 (↓1)
 *          C: 25 + 12.5×(1+10/90)=13.89 + 12.5×(.1/.3+.15/.3)=10.42 + 25     =  74.31  rank 3 (0),  group 1 (0)
 * 2026-03  C: 25 + 25 + 25 + 25                                               = 100.00  rank 1 (↑2), group 1 (0)
 *          B: 25 + 12.5×(1+60/80)=21.88 + 12.5×(.3/.6+.4/.8)=12.5 + 25       =  84.38  rank 2 (↓1), group 1 (0)
 *          A: 25 + 12.5×(1+50/80)=20.31 + 12.5×(.2/.6+.3/.8)=8.85 + 25       =  79.16  rank 3 (↓1), group 2 (0)
 * Columns: county, total, rank, rankChange, peerRank, peerRankChange.
 */
const EXPECTED: Record<string, Array<[string, number, number, number | null, number, number | null]>> = {
  '2026-01': [
    [A, 100, 1, null, 1, null],
    [B, 81.25, 2, null, 2, null],
    [C, 37.5, 3, null, 1, null],
  ],
  '2026-02': [
    [B, 100, 1, 1, 1, 1],
    [A, 87.5, 2, -1, 2, -1],
    [C, 74.31, 3, 0, 1, 0],
  ],
  '2026-03': [
    [C, 100, 1, 2, 1, 0],
    [B, 84.38, 2, -1, 1, 0],
    [A, 79.16, 3, -1, 2, 0],
  ],
};

const lines = (r: FourCompareResult) => r.counties.map((l) => [l.county, l.total, l.rank, l.rankChange, l.peerRank, l.peerRankChange]);

// ---- tours ----------------------------------------------------------------------------------------
const P1 = '2026-411122-13-03-000201';
const P2 = '2026-411122-13-03-000202';
const P3 = '2026-411102-13-03-000203';
const P4 = '2026-411103-13-03-000204';
const tourProjects: TourProject[] = [
  { code: P1, name: '临颍现代家居产业园', county: '411122', countyName: '临颍县', kind: 'county' },
  { code: P2, name: '华润怡宝纯净水项目', owner: '华润怡宝饮料（漯河）有限公司', county: '411122', countyName: '临颍县', kind: 'county' },
  { code: P3, name: '汇丰肉类精深加工项目', county: '411102', countyName: '源汇区', kind: 'district' },
  { code: P4, name: '高端冷链装备制造项目', county: '411103', countyName: '郾城区', kind: 'district' },
];
/** Scores in criteria order: scale /25, progress /25, technology /20, quality /15, service /15 (total = sum). */
const CRITERIA = ['scale', 'progress', 'technology', 'quality', 'service'];
const sheet = (projectCode: string, inspector: string, s: number[]) => ({ projectCode, inspector, scores: Object.fromEntries(CRITERIA.map((c, i) => [c, s[i]!])) });
const SHEETS = [
  // P1, five sheets of 70, 95, 90, 85, 88: trimmed mean drops 70 and 95 → (90 + 85 + 88) / 3 = 87.666… → 87.67
  sheet(P1, 'sw:i1', [18, 17, 14, 10, 11]),
  sheet(P1, 'sw:i2', [24, 24, 19, 14, 14]),
  sheet(P1, 'sw:i3', [23, 22, 18, 13.5, 13.5]),
  sheet(P1, 'sw:i4', [22, 21, 17, 12.5, 12.5]),
  sheet(P1, 'sw:i5', [22, 22, 18, 13, 13]),
  // P2, three sheets of 80, 84, 76 (< trimAt 5): plain mean → 80.00
  sheet(P2, 'sw:i1', [20, 20, 16, 12, 12]),
  sheet(P2, 'sw:i2', [21, 21, 17, 12.5, 12.5]),
  sheet(P2, 'sw:i3', [19, 19, 15, 11.5, 11.5]),
  // P3, five sheets of 90, 90, 80, 82, 84: one lowest (80, i3) and ONE highest (90 of i2 — equal
  // totals are ordered by inspector, the last is dropped) → (82 + 84 + 90) / 3 = 85.333… → 85.33
  sheet(P3, 'sw:i1', [23, 22, 18, 13.5, 13.5]),
  sheet(P3, 'sw:i2', [23, 22, 18, 13.5, 13.5]),
  sheet(P3, 'sw:i3', [20, 20, 16, 12, 12]),
  sheet(P3, 'sw:i4', [21, 20, 16, 12.5, 12.5]),
  sheet(P3, 'sw:i5', [21, 21, 17, 12.5, 12.5]),
  // P4: nobody scored it → listed as unscored.
];

describe('ranking workflows (time-skipping, from 2026-02-05 08:00 Asia/Shanghai)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let ctx: ClientContext;
  let client: Client;
  const reportsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-reports-test-'));
  const published: Array<{ topic: string; event: CloudEvent }> = [];
  const taskQueue = 'rankings';
  const config = loadFourCompareConfig();
  const inspection = loadInspectionConfig();

  const advanceTo = async (instant: string) => {
    const ms = Date.parse(instant) - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  };
  const events = (type: string) => published.filter((p) => p.event.type === type).map((p) => p.event);
  const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

  beforeAll(async () => {
    env = await createTimeSkippingEnvAt(new Date(cst('2026-02-05', '08:00')));
    const publisher: EventPublisher = {
      async publish(topic, event) {
        published.push({ topic, event });
        return { id: event.id, topic, partition: 0, offset: String(published.length) };
      },
      async close() {},
    };
    const activities = {
      ...createActivities({ publisher, client: env.client, reportsDir }),
      gatherProjectFacts: async ({ period }: { period: string }): Promise<GatheredFacts> => ({
        period,
        readAt: new Date().toISOString(),
        counties,
        facts: FACTS[period] ?? [],
        skipped: [],
        // As read from a read model two events behind the topics (the wait for it ran out).
        readModel: LAG,
      }),
    };
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('../../workflows'), activities });
    running = worker.run();
    client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    ctx = { client, taskQueue };
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
    fs.rmSync(reportsDir, { recursive: true, force: true });
  });

  describe('四比四看: three monthly checks in a row', () => {
    const checks: CheckRecord[] = [];
    let registryRuns: string[] = [];
    let rerun: CheckRecord;
    let refired: CheckRecord;

    beforeAll(async () => {
      // As the Schedule fires: the 5th at 09:00, each run checking the previous month. A small
      // history budget makes the registry continue as new between the checks.
      for (const date of ['2026-02-05', '2026-03-05', '2026-04-05']) {
        await advanceTo(cst(date, '09:00'));
        const h = await client.workflow.start('fourCompareMonthly', {
          taskQueue,
          workflowId: `four-compare-monthly-${date}`,
          args: [{ config, registry: { keep: 12, continueAsNewAfterEvents: 10 } }],
        });
        checks.push((await h.result()) as CheckRecord);
        registryRuns.push((await client.workflow.getHandle(RANKINGS_REGISTRY_ID).describe()).runId);
      }
      registryRuns = [...new Set(registryRuns)];
      rerun = await runFourCompareNow(ctx, '2026-03', { registry: { keep: 12, continueAsNewAfterEvents: 10 }, now: new Date(await env.currentTimeMs()) });
      // The schedule firing again the same day (a manual trigger) takes the next free id.
      const again = await client.workflow.start('fourCompareMonthly', { taskQueue, workflowId: 'four-compare-monthly-again', args: [{ config }] });
      refired = (await again.result()) as CheckRecord;
    });

    it('checks the previous month under the id four-compare-<period>', () => {
      expect(checks.map((c) => [c.checkId, c.period, c.result.previousPeriod])).toEqual([
        ['four-compare-2026-01', '2026-01', null],
        ['four-compare-2026-02', '2026-02', '2026-01'],
        ['four-compare-2026-03', '2026-03', '2026-02'],
      ]);
    });

    it('scores, ranks and reports rank changes exactly as computed by hand', () => {
      for (const c of checks) expect([c.period, lines(c.result)]).toEqual([c.period, EXPECTED[c.period]]);
      expect(checks[1]!.result.counties.find((l) => l.county === C)!.pairs.map((p) => p.points)).toEqual([25, 13.89, 10.42, 25]);
      expect(checks[2]!.result.counties.find((l) => l.county === A)!.pairs.map((p) => p.points)).toEqual([25, 20.31, 8.85, 25]);
    });

    it('publishes each check once, with the result and the report paths, keyed by the check id', () => {
      const sent = events('cn.keyflow.ranking.checkPublished');
      const firstThree = sent.slice(0, 3);
      expect(firstThree.map((e) => e.subject)).toEqual(['check-2026-01', 'check-2026-02', 'check-2026-03']);
      expect(published.filter((p) => p.event.type === 'cn.keyflow.ranking.checkPublished').every((p) => p.topic === TOPICS.rankings)).toBe(true);
      firstThree.forEach((e, i) => expect(e.data).toEqual({ ...checks[i]!.result, checkId: checks[i]!.checkId, reports: checks[i]!.reports, readModel: LAG }));
      // Data version 2: the read model's lag the facts were read with, in the event and the record.
      expect(firstThree.map((e) => e.dataschema)).toEqual(firstThree.map(() => 'urn:keyflow:dataschema:cn.keyflow.ranking.checkPublished:v2'));
      expect(checks.map((c) => c.readModel)).toEqual(checks.map(() => LAG));
      expect(new Set(sent.map((e) => e.id)).size).toBe(sent.length);
    });

    it('writes an HTML page and a CSV per check, named after the check id, whose ranking is the published one', () => {
      for (const c of checks) {
        expect(c.reports).toEqual({ html: path.join(reportsDir, `${c.checkId}.html`), csv: path.join(reportsDir, `${c.checkId}.csv`) });
        expect(fs.readFileSync(c.reports.html, 'utf8')).toContain(`四比四看排名 ${c.period}`);
        expect(fs.readFileSync(c.reports.html, 'utf8')).toContain('读模型滞后 2 条事件');
        const rows = parse(fs.readFileSync(c.reports.csv, 'utf8'), { bom: true, from_line: 2 }) as string[][];
        expect(rows.map((r) => [r[2], Number(r[r.length - 2]), Number(r[0]), r[r.length - 1] === '' ? null : Number(r[r.length - 1])])).toEqual(
          c.result.counties.map((l) => [l.county, l.total, l.rank, l.rankChange]),
        );
      }
    });

    it('a re-run of a checked month (on demand, or the schedule firing again) gets the next id, compares with the month before, and replaces it in the registry', async () => {
      expect(rerun.checkId).toBe('four-compare-2026-03-2');
      expect(rerun.result.previousPeriod).toBe('2026-02');
      expect(lines(rerun.result)).toEqual(EXPECTED['2026-03']);
      expect(refired.checkId).toBe('four-compare-2026-03-3');
      expect(events('cn.keyflow.ranking.checkPublished').map((e) => e.subject)).toEqual(['check-2026-01', 'check-2026-02', 'check-2026-03', 'check-2026-03', 'check-2026-03']);
      expect((await latestChecks(ctx)).map((c) => c.checkId)).toEqual(['four-compare-2026-03-3', 'four-compare-2026-02', 'four-compare-2026-01']);
      expect((await latestChecks(ctx, 1)).map((c) => c.period)).toEqual(['2026-03']);
      // The registry, and the API's list built on it, keep the lag each check was compiled with.
      expect((await latestChecks(ctx)).map((c) => c.readModel)).toEqual([LAG, LAG, LAG]);
    });

    it('the registry keeps its checks across continue-as-new', () => {
      expect(registryRuns.length).toBeGreaterThan(1);
    });
  });

  describe('观摩: an inspection tour', () => {
    const tourId = 'test-tour-1';
    let record: TourRecord;
    const refused: Record<string, unknown> = {};
    const accepted: Array<{ total: number; sheetsForProject: number }> = [];
    let sheetsBeforeRefusals = 0;
    let sheetsAfterRefusals = 0;

    beforeAll(async () => {
      const now = new Date(await env.currentTimeMs());
      const closesAt = new Date(now.getTime() + 2 * 24 * 3600_000).toISOString();
      await openTour(ctx, { tourId, name: '2026年春季重点项目观摩', date: now.toISOString().slice(0, 10), projects: tourProjects, config: inspection, closesAt, organisers: ['sw:tour-office'] }, now);
      for (const s of SHEETS) accepted.push(await submitSheet(ctx, tourId, s));
      sheetsBeforeRefusals = (await getTour(ctx, tourId)).sheets.length;

      refused.aboveMax = await refusal(submitSheet(ctx, tourId, sheet(P2, 'sw:i4', [20, 26, 16, 12, 12])));
      refused.missingAndUnknown = await refusal(submitSheet(ctx, tourId, { projectCode: P2, inspector: 'sw:i4', scores: { scale: 20, progress: 20, technology: 16, quality: 12, speed: 3 } }));
      refused.notInTour = await refusal(submitSheet(ctx, tourId, sheet('2026-411121-13-03-000299', 'sw:i4', [20, 20, 16, 12, 12])));
      refused.duplicate = await refusal(submitSheet(ctx, tourId, sheet(P1, 'sw:i1', [20, 20, 16, 12, 12])));
      refused.notANumber = await refusal(submitSheet(ctx, tourId, { projectCode: P2, inspector: 'sw:i4', scores: { scale: 'twenty' } }));
      refused.notOrganiser = await refusal(closeTour(ctx, tourId, { actor: { by: 'sw:i1' } }));
      sheetsAfterRefusals = (await getTour(ctx, tourId)).sheets.length;

      // Nobody closes it: at closesAt the tour closes by itself and publishes its ranking.
      await advanceTo(new Date(Date.parse(closesAt) + 60_000).toISOString());
      record = (await client.workflow.getHandle(`tour-${tourId}`).result()) as TourRecord;
      refused.late = await refusal(submitSheet(ctx, tourId, sheet(P2, 'sw:i4', [20, 20, 16, 12, 12])));
    });

    it('accepts valid sheets and answers with the sheet total', () => {
      expect(accepted.map((a) => a.total)).toEqual([70, 95, 90, 85, 88, 80, 84, 76, 90, 90, 80, 82, 84]);
      expect(accepted.map((a) => a.sheetsForProject)).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 1, 2, 3, 4, 5]);
    });

    it('refuses invalid sheets with the reason, naming the field, and records nothing', () => {
      expect(refused.aboveMax).toBeInstanceOf(KeyflowError);
      expect(refused.aboveMax).toMatchObject({
        type: 'ValidationFailed',
        issues: [{ field: 'scores.progress', rule: '建设进度 (progress): score 26 is above the maximum of 25 points', code: 'scoreAboveMax' }],
      });
      expect(refused.missingAndUnknown).toMatchObject({
        type: 'ValidationFailed',
        issues: [
          { field: 'scores.service', code: 'missingCriterion' },
          { field: 'scores.speed', code: 'unknownCriterion' },
        ],
      });
      expect(refused.notInTour).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'projectCode', code: 'projectNotInTour' }] });
      expect(refused.notANumber).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'sheet.scores.scale', rule: 'must be a number' }] });
      expect(sheetsAfterRefusals).toBe(sheetsBeforeRefusals);
    });

    it('takes one sheet per inspector and project', () => {
      expect(refused.duplicate).toMatchObject({
        type: 'ValidationFailed',
        issues: [{ field: 'inspector', rule: 'sw:i1 has already submitted a sheet for 2026-411122-13-03-000201; one sheet per inspector and project', code: 'duplicateSheet' }],
      });
    });

    it('lets only an organiser close the tour early', () => {
      expect(refused.notOrganiser).toMatchObject({ type: 'NotTourOrganiser' });
    });

    it('closes by itself at closesAt and refuses a late sheet as TourClosed', () => {
      expect(record.closedBy).toBe('system:deadline');
      expect(refused.late).toMatchObject({ type: 'TourClosed', issues: [{ field: 'submittedAt' }] });
    });

    it('combines the sheets exactly as documented: the trimmed mean from 5 sheets, the plain mean below', () => {
      const byCode = new Map(record.result.projects.map((p) => [p.projectCode, p]));
      expect(byCode.get(P1)).toMatchObject({ method: 'trimmedMean', combined: 87.67 });
      expect(byCode.get(P1)!.sheets.map((s) => [s.inspector, s.total, s.dropped])).toEqual([
        ['sw:i1', 70, 'lowest'],
        ['sw:i4', 85, null],
        ['sw:i5', 88, null],
        ['sw:i3', 90, null],
        ['sw:i2', 95, 'highest'],
      ]);
      expect(byCode.get(P2)).toMatchObject({ method: 'mean', combined: 80 });
      expect(byCode.get(P3)).toMatchObject({ method: 'trimmedMean', combined: 85.33 });
      expect(byCode.get(P3)!.sheets.filter((s) => s.dropped).map((s) => [s.inspector, s.dropped])).toEqual([
        ['sw:i3', 'lowest'],
        ['sw:i2', 'highest'],
      ]);
      expect(record.result.unscored).toEqual([P4]);
    });

    it('ranks overall, within each county/district and within each peer group', () => {
      expect(record.result.projects.map((p) => [p.projectCode, p.rank, p.countyRank, p.peerRank])).toEqual([
        [P1, 1, 1, 1],
        [P3, 2, 1, 1],
        [P2, 3, 2, 2],
      ]);
    });

    it('publishes the ranking once; the event data equals the report’s ranking', () => {
      const [event, ...more] = events('cn.keyflow.ranking.tourPublished').filter((e) => e.subject === `tour-${tourId}`);
      expect(more).toEqual([]);
      const data = event!.data as TourResult & { reports: { csv: string }; closedBy: string };
      expect(data).toEqual({ ...record.result, closedAt: record.closedAt, closedBy: 'system:deadline', reports: record.reports });
      const rows = parse(fs.readFileSync(record.reports.csv, 'utf8'), { bom: true, from_line: 2 }) as string[][];
      const fromCsv = rows.map((r) => [r[0] === '' ? null : Number(r[0]), r[1], r[5] === '' ? null : Number(r[5]), r[7] === '' ? null : Number(r[7]), r[10] === '' ? null : Number(r[10])]);
      expect(fromCsv).toEqual([
        ...data.projects.map((p) => [p.rank, p.projectCode, p.countyRank, p.peerRank, p.combined]),
        ...data.unscored.map((code) => [null, code, null, null, null]),
      ]);
      expect(fs.readFileSync(record.reports.html, 'utf8')).toContain('<svg');
    });

    it('is queryable afterwards: the tour itself and the registry’s latest tours', async () => {
      const view = await getTour(ctx, tourId);
      expect(view.status).toBe('published');
      expect(view.record).toEqual(record);
      expect((await latestTours(ctx)).map((t) => t.tourId)).toEqual([tourId]);
      // Closing a published tour answers with its ranking.
      expect(await closeTour(ctx, tourId, { actor: { by: 'sw:tour-office' } })).toEqual(record);
    });

    it('names an unknown tour as such', async () => {
      expect(await refusal(getTour(ctx, 'no-such-tour'))).toMatchObject({ type: 'TourNotFound' });
      expect(await refusal(submitSheet(ctx, 'no-such-tour', sheet(P1, 'sw:i1', [20, 20, 16, 12, 12])))).toMatchObject({ type: 'TourNotFound' });
    });

    it('an organiser closes a tour early; sheets are refused from then on', async () => {
      const now = new Date(await env.currentTimeMs());
      await openTour(ctx, { tourId: 'test-tour-2', name: '专项观摩', date: now.toISOString().slice(0, 10), projects: tourProjects.slice(0, 1), config: inspection, closesAt: new Date(now.getTime() + 3 * 24 * 3600_000).toISOString(), organisers: ['sw:tour-office'] }, now);
      await submitSheet(ctx, 'test-tour-2', sheet(P1, 'sw:i1', [20, 20, 16, 12, 12]));
      const closed = await closeTour(ctx, 'test-tour-2', { actor: { by: 'sw:tour-office' }, reason: '观摩结束' });
      expect(closed).toMatchObject({ tourId: 'test-tour-2', closedBy: 'sw:tour-office' });
      expect(closed.result.projects.map((p) => [p.projectCode, p.combined, p.method])).toEqual([[P1, 80, 'mean']]);
      expect(await refusal(submitSheet(ctx, 'test-tour-2', sheet(P1, 'sw:i2', [20, 20, 16, 12, 12])))).toMatchObject({ type: 'TourClosed' });
      expect(await refusal(openTour(ctx, { tourId: 'test-tour-2', name: '专项观摩', date: now.toISOString().slice(0, 10), projects: tourProjects.slice(0, 1), config: inspection, closesAt: new Date(now.getTime() + 3600_000).toISOString() }, now))).toMatchObject({
        type: 'TourAlreadyOpened',
      });
    });
  });

  describe('四比四看: months that cannot be checked, a month without data, and the API answers', () => {
    let april: CheckRecord;
    let may: CheckRecord;
    const refused: Record<string, unknown> = {};
    const answers: Array<{ operationId: string; status: number; zod: string[]; jsonSchema: string[] }> = [];
    let exercised: string[] = [];
    let declared: string[] = [];

    /** A check started straight on the server, as a caller skipping the edge's checks would. */
    const startCheck = async (period: string) => {
      const h = await client.workflow.start('fourCompareCheck', { taskQueue, workflowId: `direct-check-${period}`, args: [{ period, config }] });
      return refusal(h.result());
    };

    beforeAll(async () => {
      // The schedule fires on 5 May (April: no facts — nothing registered), then on 5 June (May: data).
      for (const date of ['2026-05-05', '2026-06-05']) {
        await advanceTo(cst(date, '09:00'));
        const h = await client.workflow.start('fourCompareMonthly', { taskQueue, workflowId: `four-compare-monthly-${date}`, args: [{ config }] });
        (date === '2026-05-05' ? (r: CheckRecord) => (april = r) : (r: CheckRecord) => (may = r))((await h.result()) as CheckRecord);
      }
      const now = new Date(await env.currentTimeMs()); // 2026-06-05 09:00 Shanghai
      refused.edgeInProgress = await refusal(runFourCompareNow(ctx, '2026-06', { now }));
      refused.edgeFuture = await refusal(runFourCompareNow(ctx, '2027-01', { now }));
      refused.edgeTooEarly = await refusal(runFourCompareNow(ctx, '2019-05', { now }));
      refused.nothingStarted = await refusal(client.workflow.getHandle('four-compare-2026-06').describe());
      refused.workflowInProgress = await startCheck('2026-06');
      refused.workflowTooEarly = await startCheck('0000-01');

      // Every rankings route, answered through Fastify with the schemas the routes declare: strict
      // (an answer not matching its zod schema is a 500) and checked against the OpenAPI document.
      const registry: AnyRouteDef[] = [];
      const token = newToken();
      const deps: ApiDeps = {
        ctx,
        tokens: tokenStore({ tokens: [{ id: 'test-admin', role: 'admin', hash: hashToken(token) }] }),
        registry,
        strictResponses: true,
        now: () => now,
      };
      const app = Fastify({ logger: false });
      installErrorHandling(app);
      await app.register(rankingRoutes, deps);
      // Over a real socket: Fastify's inject needs an ES module jest cannot load.
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const doc = openApiDocument(registry) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      declared = registry.map((r) => r.operationId).sort();

      const closesAt = new Date(now.getTime() + 24 * 3600_000).toISOString();
      const tour = { tourId: 'api-tour', name: '接口观摩', date: '2026-06-05', projects: tourProjects.slice(0, 2), config: inspection, closesAt, organisers: ['api:test-admin'] }; // matched against the caller the API records
      const calls: Array<[string, 'GET' | 'POST', string, unknown?]> = [
        ['runFourCompare', 'POST', '/rankings/four-compare', { period: '2026-05' }],
        ['fourCompareChecks', 'GET', '/rankings/four-compare?limit=12'],
        ['openTour', 'POST', '/rankings/tours', tour],
        ['submitSheet', 'POST', '/rankings/tours/api-tour/sheets', sheet(P1, 'sw:i1', [20, 20, 16, 12, 12])],
        ['getTour', 'GET', '/rankings/tours/api-tour'],
        ['closeTour', 'POST', '/rankings/tours/api-tour/close', {}],
        ['inspectionRankings', 'GET', '/rankings/tours'],
      ];
      for (const [operationId, method, url, body] of calls) {
        const res = await fetch(base + url, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const def = registry.find((r) => r.operationId === operationId)!;
        const json = (await res.json()) as unknown;
        const zod = def.response.safeParse(json);
        const oapiPath = def.url.replace(/:([A-Za-z]+)/g, '{$1}');
        const schema = doc.paths[oapiPath]![method.toLowerCase()]!.responses[String(def.status ?? 200)]!.content!['application/json']!.schema;
        const validate = ajv.compile(schema);
        answers.push({
          operationId,
          status: res.status,
          zod: zod.success ? [] : zod.error.issues.map((i: { path: (string | number)[]; message: string }) => `${i.path.join('.')}: ${i.message}`),
          jsonSchema: validate(json) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`),
        });
      }
      exercised = calls.map(([id]) => id).sort();
      await app.close();
    });

    it('a month without data is published as 无数据: no ranks, no scores, in the event, the registry and the reports', async () => {
      expect(april.result).toMatchObject({ period: '2026-04', noData: true, previousPeriod: null, counties: [] });
      const event = events('cn.keyflow.ranking.checkPublished').find((e) => e.subject === 'check-2026-04')!;
      expect(event.data).toMatchObject({ noData: true, counties: [] });
      expect((await latestChecks(ctx)).find((c) => c.period === '2026-04')!.result.noData).toBe(true);
      expect(fs.readFileSync(april.reports.html, 'utf8')).toContain('无数据');
      expect(fs.readFileSync(april.reports.csv, 'utf8')).toContain('无数据');
    });

    it('the next check measures rank changes against the latest check with data, skipping the month without data', () => {
      expect(may.result.noData).toBe(false);
      expect(may.result.previousPeriod).toBe('2026-03');
      // March ranked C 1, B 2, A 3 (peers: B 1, A 2 | C 1); May ranks A 1, B 2, C 3 (A 1, B 2 | C 1).
      expect(lines(may.result)).toEqual([
        [A, 100, 1, 2, 1, 1],
        [B, 81.25, 2, 0, 2, -1],
        [C, 37.5, 3, -2, 1, 0],
      ]);
    });

    it('refuses a month that has not ended with MonthNotClosed at the edge, naming period, and starts nothing', () => {
      expect(refused.edgeInProgress).toMatchObject({ type: 'MonthNotClosed', issues: [{ field: 'period', rule: expect.stringContaining('2026-06 is the month in progress') }] });
      expect(refused.edgeFuture).toMatchObject({ type: 'MonthNotClosed', issues: [{ field: 'period', rule: expect.stringContaining('2027-01 has not begun') }] });
      expect(refused.edgeTooEarly).toMatchObject({ type: 'ValidationFailed', issues: [{ field: 'period', rule: expect.stringContaining('before keyflow') }] });
      expect(refused.nothingStarted).toBeInstanceOf(WorkflowNotFoundError);
    });

    it('the workflow refuses them too, on workflow time, when a caller skips the edge', () => {
      const cause = (e: unknown) => (e as { cause?: { type?: string; message?: string } }).cause;
      expect(cause(refused.workflowInProgress)).toMatchObject({ type: 'MonthNotClosed', message: expect.stringContaining('period: 2026-06 is the month in progress') });
      expect(cause(refused.workflowTooEarly)).toMatchObject({ type: 'ValidationFailed', message: expect.stringContaining('0000-01 is before keyflow') });
      expect(events('cn.keyflow.ranking.checkPublished').map((e) => e.subject)).not.toEqual(expect.arrayContaining(['check-2026-06', 'check-0000-01']));
    });

    it('every rankings route was called, and each answer matches the schema the route declares (zod and OpenAPI)', () => {
      expect(exercised).toEqual(declared);
      for (const a of answers) expect(a).toEqual({ operationId: a.operationId, status: a.operationId === 'runFourCompare' || a.operationId === 'openTour' ? 201 : 200, zod: [], jsonSchema: [] });
    });
  });
});

describe('the monthly schedule’s arithmetic', () => {
  it('fires on the 5th at 09:00 Asia/Shanghai by default', () => {
    expect(fourCompareScheduleSpec()).toEqual({ calendars: [{ dayOfMonth: 5, hour: 9, minute: 0, comment: expect.any(String) }], timezone: 'Asia/Shanghai' });
  });

  it('checks the previous month of the firing day in Asia/Shanghai', () => {
    expect(periodToCheck(new Date(cst('2026-03-05', '09:00')))).toBe('2026-02');
    expect(periodToCheck(new Date(cst('2026-01-05', '09:00')))).toBe('2025-12');
    // 2026-03-01 00:30 in Shanghai is still February in UTC: Shanghai's month counts.
    expect(periodToCheck(new Date(cst('2026-03-01', '00:30')))).toBe('2026-02');
  });
});
