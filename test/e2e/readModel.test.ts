/**
 * The read model on the real stack: the weekly agenda and a four-compare check compiled from the
 * read model (the e2e setup's projector on SQLite, and one of this file's own on PostgreSQL) equal
 * those compiled from the workflows' own state (visibility + queries) on the same projects.
 */
import { isDeepStrictEqual } from 'node:util';
import { emitEvent } from '../../activities/events/emit';
import { loadProjectAgendaItems, loadProjectAgendaItemsFromModel } from '../../activities/meeting/agendaSource';
import { gatherProjectFacts, gatherProjectFactsFromModel } from '../../activities/rankings/facts';
import { closeSupervisionOrder, getProjectState, listProjects, openSupervisionOrder, registerProject, reportProgress, type ClientContext } from '../../client/projects';
import { departmentInbox, getReviewState } from '../../client/reviews';
import { listOverdueApprovals, listStalledProjects, listSupervisionOrders } from '../../client/supervision';
import { shanghaiDate } from '../../domain/calendar';
import { runFourCompare } from '../../domain/fourCompare';
import { openReadModel, type ReadModel, type ReadModelLocation } from '../../projections/db';
import { awaitCaughtUp } from '../../projections/freshness';
import { startProjector, type Projector } from '../../projections/projector';
import type { GatheredFacts } from '../../schemas/rankings';
import { loadReferenceData } from '../../seeds';
import { loadCalendar } from '../../seeds/holidays';
import { loadMeetingConfig } from '../../seeds/meetingConfig';
import { loadFourCompareConfig } from '../../seeds/rankingConfig';
import { e2eEndpoints, startHarness, type E2EHarness } from '../support/e2e';
import { eventually } from '../support/eventually';
import { aProject } from '../support/fixtures';
import { isolatedNamespace } from '../support/namespace';
import { READ_MODEL_BACKENDS, stopReadModelBackends } from '../support/readModels';
import { startStalledProject } from '../support/stalledProject';

/**
 * Plain arrays and objects of this realm, without undefined fields: toEqual's view of a value.
 * (Lists may come from another realm than jest's test context, whose Array prototype the strict
 * comparison would tell apart.)
 */
function defined(v: unknown): unknown {
  if (Array.isArray(v)) return Array.from(v, defined);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, defined(x)]));
}

/**
 * The listings are equal as toEqual compares them — key order aside: the visibility listing names a
 * project last, the model first, so their JSON strings never matched and every wait ran its full
 * 15 s before the fallback read.
 */
const sameListing = (a: unknown, b: unknown): boolean => isDeepStrictEqual(defined(a), defined(b));

jest.setTimeout(180_000);

describe('lists compiled from the read model equal those compiled from the workflows', () => {
  let h: E2EHarness;
  let ctx: ClientContext;
  const models: Array<{ name: string; model: ReadModel; projector?: Projector }> = [];
  const codes = new Set<string>();

  beforeAll(async () => {
    h = await startHarness('readmodel', { namespace: await isolatedNamespace('readmodel') });
    ctx = { client: h.client, taskQueue: h.taskQueue };
    const shared = JSON.parse(process.env.KEYFLOW_E2E_READ_MODEL ?? 'null') as ReadModelLocation | null;
    if (!shared) throw new Error('the e2e setup started no read model');
    models.push({ name: 'SQLite (the e2e setup projector)', model: await openReadModel(shared) });
    const pg = await READ_MODEL_BACKENDS.find((b) => b.name === 'PostgreSQL')!.fresh();
    models.push({ name: 'PostgreSQL', model: pg, projector: await startProjector({ brokers: e2eEndpoints().kafkaBrokers, model: pg, groupId: `e2e-readmodel-${process.pid}` }) });

    const now = new Date();
    const month = shanghaiDate(now).slice(0, 7);
    const year = month.slice(0, 4);
    // Red, with a problem raised: 1 % of the annual plan done in the month in progress.
    const red = aProject({ stage: 'underConstruction', category: 'continuing', plannedStart: `${Number(year) - 1}-03-01` });
    // On track, a new start this year.
    const onTrack = aProject({ stage: 'started', category: 'new', plannedStart: `${year}-01-15` });
    for (const p of [red, onTrack]) {
      await registerProject(ctx, p, 'e2e');
      codes.add(p.code);
    }
    await reportProgress(ctx, red.code, {
      requestId: `rm-${red.code}`,
      month,
      investmentThisMonth: 100,
      investmentToDate: 600,
      physicalProgress: 20,
      problems: [{ text: '施工用电增容审批未完成', department: 'fgw' }],
      actor: { by: 'owner:li' },
    });
    await reportProgress(ctx, onTrack.code, { requestId: `rm-${onTrack.code}`, month, investmentThisMonth: 6000, investmentToDate: 60000, physicalProgress: 55, actor: { by: 'owner:wang' } });
    // Stalled: long in its stage, so the lifecycle's daily check issues the supervision order at once.
    const stalled = aProject({ stage: 'preliminary', category: 'preliminary' });
    await startStalledProject(ctx, stalled, { daysInStage: 400 });
    codes.add(stalled.code);
    const state = await eventually('the stall', async () => {
      const s = await getProjectState(ctx, stalled.code);
      return s.stall ? s : undefined;
    });
    // A project carried over from an earlier run was registered by that run: its registration is on the topic.
    await emitEvent(h.publisher, { type: 'cn.keyflow.project.registered', subject: stalled.code, key: 'registered', time: state.registeredAt, data: { project: state.project, registeredBy: 'import:legacy-register' } });
    // Orders opened by hand: one still open, one closed with a note.
    const kept = await openSupervisionOrder(ctx, red.code, { requestId: `rm-order-${red.code}`, actor: { by: 'supervisor:zhao' }, reason: '年度投资完成率偏低，请说明原因' });
    const done = await openSupervisionOrder(ctx, onTrack.code, { requestId: `rm-order-${onTrack.code}`, actor: { by: 'supervisor:zhao' }, reason: '核实月报数据', dueInWorkingDays: 3 });
    await closeSupervisionOrder(ctx, onTrack.code, { requestId: `rm-close-${onTrack.code}`, actor: { by: 'supervisor:zhao' }, orderId: done.id, note: '已核实，数据无误' });
    expect(kept.id).toMatch(/-M1$/);
    await eventually('the red light', async () => ((await getProjectState(ctx, red.code)).warning.level === 'red' ? true : undefined));
    // In preliminary work: its first joint-review stage starts at once, a task in each department's inbox.
    const reviewed = aProject({ stage: 'preliminary', category: 'preliminary' });
    await registerProject(ctx, reviewed, 'e2e');
    codes.add(reviewed.code);
    reviewedCode = reviewed.code;
    await eventually('the review', async () => ((await getReviewState(ctx, reviewed.code, 'landUsePlanning')).tasks.length > 0 ? true : undefined));
  });
  let reviewedCode = '';

  afterAll(async () => {
    for (const m of models) {
      await m.projector?.stop();
      await m.model.close();
    }
    await stopReadModelBackends();
    await h?.stop();
  });

  const caughtUp = async (model: ReadModel) => expect((await awaitCaughtUp(model, e2eEndpoints().kafkaBrokers, { timeoutMs: 60_000 })).caughtUp).toBe(true);

  it('the weekly agenda: stalled, red and open-problem items, the same from either source', async () => {
    const names = loadMeetingConfig();
    const calendar = loadCalendar();
    const at = new Date().toISOString();
    const fromWorkflows = await loadProjectAgendaItems(h.client, at, names, calendar, { taskQueue: h.taskQueue });
    expect(new Set(fromWorkflows.map((i) => i.category))).toEqual(new Set(['stalled', 'redWarning', 'openProblem']));
    for (const { name, model } of models) {
      await caughtUp(model);
      const fromModel = (await loadProjectAgendaItemsFromModel(model.db, at, names, calendar)).filter((i) => codes.has(i.project.code));
      expect({ name, items: fromModel }).toEqual({ name, items: fromWorkflows });
    }
  });

  it("a department's inbox, the stalled projects: the same from either source", async () => {
    const now = new Date();
    const calendar = loadCalendar();
    for (const { name, model } of models) {
      await caughtUp(model);
      const readModel = { model, brokers: e2eEndpoints().kafkaBrokers };
      for (const department of ['fgw', 'zrzy']) {
        const fromWorkflows = await departmentInbox(ctx, department, { now, calendar });
        expect(fromWorkflows.map((i) => i.projectCode)).toEqual([reviewedCode]);
        const fromModel = (await departmentInbox({ ...ctx, readModel }, department, { now, calendar })).filter((i) => codes.has(i.projectCode));
        expect({ name, department, items: fromModel }).toEqual({ name, department, items: fromWorkflows });
      }
      const stalledFromWorkflows = await listStalledProjects(ctx);
      expect(stalledFromWorkflows).toHaveLength(1);
      const stalledFromModel = (await listStalledProjects({ ...ctx, readModel })).filter((p) => codes.has(p.code));
      expect({ name, stalled: stalledFromModel }).toEqual({ name, stalled: stalledFromWorkflows });
    }
  });

  it('the overdue approvals, the supervision orders and the project listing: the same from either source', async () => {
    const now = new Date();
    const calendar = loadCalendar();
    const ours = <T>(list: T[], code: (x: T) => string) => list.filter((x) => codes.has(code(x)));
    for (const { name, model } of models) {
      await caughtUp(model);
      const readModel = { model, brokers: e2eEndpoints().kafkaBrokers };
      // No task of these projects is past its deadline yet (ten working days): both lists are empty of them.
      const overdueFromWorkflows = ours(await listOverdueApprovals(ctx, { now, calendar }), (i) => i.projectCode);
      const overdueFromModel = ours(await listOverdueApprovals({ ...ctx, readModel }, { now, calendar }), (i) => i.projectCode);
      expect({ name, overdue: overdueFromModel }).toEqual({ name, overdue: overdueFromWorkflows });

      const ordersFromWorkflows = ours(await listSupervisionOrders(ctx, now), (o) => o.project.code);
      expect(ordersFromWorkflows.map((o) => `${o.origin}/${o.state}`).sort()).toEqual(['automatic/open', 'manual/closed', 'manual/open']);
      const ordersFromModel = ours(await listSupervisionOrders({ ...ctx, readModel }, now), (o) => o.project.code);
      expect({ name, orders: ordersFromModel }).toEqual({ name, orders: ordersFromWorkflows });

      // Visibility trails the workflows by a moment: wait until it lists what the model does.
      const projectsFromModel = ours(await listProjects({ ...ctx, readModel, now: () => now }), (p) => p.code);
      expect(projectsFromModel.map((p) => p.code)).toEqual([...codes].sort());
      // A project started without the name memo (startStalledProject) is named from its state, as the CLI does; the model has every name.
      const fromVisibility = async (filter: Parameters<typeof listProjects>[1] = {}) =>
        Promise.all(ours(await listProjects(ctx, filter), (p) => p.code).map(async (p) => (p.name !== undefined ? p : { ...p, name: (await getProjectState(ctx, p.code)).project.name })));
      const projectsFromWorkflows = await eventually('visibility to settle', async () => {
        const listed = await fromVisibility();
        return sameListing(listed, projectsFromModel) ? listed : undefined;
      }, 15_000).catch(() => fromVisibility());
      expect({ name, projects: projectsFromModel }).toEqual({ name, projects: projectsFromWorkflows });
      const redFromModel = ours(await listProjects({ ...ctx, readModel, now: () => now }, { warning: 'red', includeClosed: false }), (p) => p.code);
      expect(redFromModel.length).toBeGreaterThan(0);
      expect({ name, red: redFromModel }).toEqual({ name, red: await fromVisibility({ warning: 'red', includeClosed: false }) });
    }
  });

  it('a four-compare check of the month in progress: the same facts, the same ranking', async () => {
    const now = new Date();
    const period = shanghaiDate(now).slice(0, 7);
    const counties = loadReferenceData().counties;
    const fromWorkflows = await gatherProjectFacts(h.client, { period, counties, taskQueue: h.taskQueue, now });
    expect(fromWorkflows.facts.map((f) => f.code).sort()).toEqual([...codes].sort());
    const rank = (g: GatheredFacts) => runFourCompare(loadFourCompareConfig(), g.counties, g.facts, period);
    for (const { name, model } of models) {
      await caughtUp(model);
      const all = await gatherProjectFactsFromModel(model.db, { period, counties, now });
      const fromModel: GatheredFacts = { ...all, facts: all.facts.filter((f) => codes.has(f.code)), skipped: all.skipped.filter((s) => codes.has(s.code)) };
      expect({ name, facts: fromModel }).toEqual({ name, facts: fromWorkflows });
      expect(rank(fromModel)).toEqual(rank(fromWorkflows));
    }
  });
});
