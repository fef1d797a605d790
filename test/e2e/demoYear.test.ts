/**
 * The demo's year on the real stack (Temporal dev server, Kafka, the worker): seeded at the real
 * now through the client paths, it shows every view's material — reports since January for the
 * projects under way, stalls with their supervision orders arising from the workflows' own daily
 * check, reviews in every state including overdue — and a second seeding changes nothing. The
 * dev server runs at the real now, so the expectations are shapes derived from the plan of that
 * same instant, never dates written down.
 */
import { getProjectState, type ClientContext } from '../../client/projects';
import { getReviewState } from '../../client/reviews';
import { shanghaiDate } from '../../domain/calendar';
import type { ProjectState } from '../../schemas/lifecycle';
import { demoYearPlan, seedDemoYear } from '../../seeds/demoYear';
import { startHarness, type E2EHarness } from '../support/e2e';
import { isolatedNamespace } from '../support/namespace';

const DAY_MS = 24 * 3600 * 1000;

describe('the demo year, seeded on the real stack', () => {
  let h: E2EHarness;
  let ctx: ClientContext;
  beforeAll(async () => {
    // A namespace of its own: other test files register the same seed projects without their dates.
    const namespace = await isolatedNamespace('demo-year');
    h = await startHarness('demo-year', { namespace });
    ctx = { client: h.client, taskQueue: h.taskQueue };
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('fills every view by the real paths and seeds nothing twice', async () => {
    const now = new Date();
    const plans = demoYearPlan(now);
    const first = await seedDemoYear(ctx, { now });
    expect(first).toMatchObject({ registered: plans.length, already: 0, skipped: [] });
    expect(first.reportsFiled).toBe(plans.reduce((n, p) => n + p.reports.length, 0));

    const states = new Map<string, ProjectState>();
    for (const p of plans) states.set(p.project.code, await getProjectState(ctx, p.project.code));

    for (const plan of plans) {
      const state = states.get(plan.project.code)!;
      // Reports since the listing day (1 January for the continuing ones), the missing months absent.
      expect(state.reports.map((r) => r.month)).toEqual(plan.reports.map((r) => r.month).reverse());
      if (plan.project.listedOn) expect(shanghaiDate(state.stageSince) <= plan.project.listedOn || state.stageHistory.length > 1).toBe(true);
      // Two months or more missing after at least one report: the latest month due is one of them, so
      // the daily check has stalled it and issued an automatic supervision order.
      if (plan.reports.length > 0 && plan.missingMonths.length >= 2) {
        expect(state.stall).toMatchObject({ reason: 'noReport', order: { id: `督办-${plan.project.code}-1` } });
        expect(plan.missingMonths).toContain(state.stall!.month);
        expect(state.warning.level).toBe('red');
      }
      // Still "started" more than the 120 days a start may last: stalled for no stage change.
      const stage = state.stage;
      if (stage === 'started' && plan.missingMonths.length === 0 && plan.project.listedOn && now.getTime() - Date.parse(state.stageSince) > 121 * DAY_MS) {
        expect(state.stall).toMatchObject({ reason: 'noStageChange' });
      }
    }
    // Every continuing project under way reports from January, in any month but January itself.
    if (now.getTime() > Date.parse(`${shanghaiDate(now).slice(0, 4)}-02-01T00:00:00+08:00`)) {
      const continuing = plans.filter((p) => p.project.category === 'continuing' && p.reports.length > 0);
      expect(continuing.length).toBeGreaterThan(3);
      for (const p of continuing) expect(states.get(p.project.code)!.reports[0]!.month).toBe(`${shanghaiDate(now).slice(0, 4)}-01`);
      expect([...states.values()].filter((s) => s.stall).length).toBeGreaterThanOrEqual(2);
    }

    // Reviews in every state: approved with a material to follow (容缺) and on to the next stage,
    // rejected, returned, returned and resubmitted, open, and overdue by their acceptance day.
    const review = (code: string) => getReviewState(ctx, code, 'landUsePlanning');
    const approved = await review('2026-411104-13-03-000077');
    expect(approved.status).toBe('approved');
    expect(approved.tasks.find((t) => t.department === 'zrzy')?.followUp?.status).toBe('open');
    expect(states.get('2026-411104-13-03-000077')!.approvals).toMatchObject({ landUsePlanning: 'approved', engineeringPermit: 'inReview' });
    expect((await review('2026-411102-35-03-000046')).status).toBe('rejected');
    expect((await review('2026-411100-65-01-000163')).tasks.find((t) => t.department === 'zrzy')?.status).toBe('returned');
    const resubmitted = (await review('2026-411121-34-03-000027')).tasks.find((t) => t.department === 'sl')!;
    expect(resubmitted.status).toBe('open');
    expect(resubmitted.pauses[0]?.resumedAt).toBeDefined();
    const overdue = await review('2026-411103-14-03-000064');
    expect(overdue.status).toBe('inReview');
    const late = overdue.tasks.filter((t) => t.status === 'open' && Date.parse(t.deadline) < now.getTime());
    expect(late.length).toBeGreaterThanOrEqual(2);
    expect(first.overdueReviews).toBeGreaterThanOrEqual(1);

    // A second start on the same state: nothing registered, filed or ordered again.
    const second = await seedDemoYear(ctx, { now });
    expect(second).toMatchObject({ registered: 0, already: plans.length, skipped: [], stalled: first.stalled });
    for (const plan of plans) {
      const before = states.get(plan.project.code)!;
      const after = await getProjectState(ctx, plan.project.code);
      expect(after.reports).toEqual(before.reports);
      expect(after.stallHistory).toEqual(before.stallHistory);
      expect(after.stall?.order.id).toEqual(before.stall?.order.id);
      expect(after.stageHistory).toEqual(before.stageHistory);
      // The project's own actions on its chain (review lines reach it by signal, in their own time).
      const own = (st: ProjectState) => (st.audit ?? []).filter((e) => ['registered', 'reported', 'corrected', 'stageChanged'].includes(e.kind)).length;
      expect(own(after)).toBe(own(before));
    }
  });
});
