/**
 * What a user submits is never dropped or mis-filed (issue "contract", items 1, 3, 4 and 6), on the
 * real stack through the HTTP API: a request id reused for a different request is refused, naming
 * its first use, and changes nothing; registration checks every reference; a closed project stays
 * readable and refuses writes with 409; withdrawing a project closes its open review.
 */
import { shanghaiDate } from '../../domain/calendar';
import { getReviewState } from '../../client/reviews';
import { getProjectState } from '../../client/projects';
import { TOPICS } from '../../schemas/topics';
import { startApiHarness, until, type ApiHarness } from '../support/apiHarness';
import { readEvents } from '../support/e2e';
import { aProject } from '../support/fixtures';

jest.setTimeout(120_000);

describe('the API contract: request ids, references, closed projects, withdrawal', () => {
  let t: ApiHarness;
  beforeAll(async () => {
    t = await startApiHarness('contract', ['admin', 'fgw', 'zrzy']);
  });
  afterAll(async () => {
    await t?.stop();
  });
  const month = () => shanghaiDate(new Date()).slice(0, 7);
  // The API records the caller as the actor; the body names no one.
  const actor = undefined;

  it('refuses a request id reused for a different request, naming its first use, and changes nothing', async () => {
    const p = aProject({ stage: 'underConstruction', category: 'continuing' });
    expect((await t.call('POST', '/projects', 'admin', p)).status).toBe(201);
    const id = `contract-reuse-${p.code}`;
    const report = { requestId: id, actor, month: month(), investmentThisMonth: 100, investmentToDate: 60000, physicalProgress: 50 };
    const first = await t.call('POST', `/projects/${p.code}/reports`, 'fgw', report);
    expect(first.status).toBe(200);
    const before = await getProjectState(t.h, p.code);

    const transition = await t.call('POST', `/projects/${p.code}/transitions`, 'fgw', { requestId: id, actor, to: 'completed' });
    expect(transition).toMatchObject({ status: 409, body: { error: 'RequestIdReused', issues: [{ field: 'requestId', rule: expect.stringContaining('reportProgress') }] } });
    const plan = await t.call('POST', `/projects/${p.code}/annual-plan`, 'fgw', { requestId: id, actor, year: Number(month().slice(0, 4)), annualPlannedInvestment: 50000 });
    expect(plan).toMatchObject({ status: 409, body: { error: 'RequestIdReused' } });
    const otherFigures = await t.call('POST', `/projects/${p.code}/reports`, 'fgw', { ...report, investmentToDate: 61000 });
    expect(otherFigures).toMatchObject({ status: 409, body: { error: 'RequestIdReused' } });
    expect(await getProjectState(t.h, p.code)).toEqual(before);

    // The same request again is answered as the first time.
    expect(await t.call('POST', `/projects/${p.code}/reports`, 'fgw', report)).toEqual(first);
  });

  it('registers a project only with references that exist and a code that agrees with them', async () => {
    const bad = async (overrides: Record<string, unknown>, field: string, words: string) => {
      const r = await t.call('POST', '/projects', 'admin', { ...aProject(), ...overrides });
      expect({ status: r.status, error: r.body.error }).toEqual({ status: 400, error: 'ValidationFailed' });
      expect(r.body.issues).toContainEqual(expect.objectContaining({ field, rule: expect.stringContaining(words) }));
    };
    const code = (division: string, year = '2026') => `${year}-${division}-13-03-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    await bad({ county: 'nowhere', code: code('411100') }, 'project.county', 'must be a county');
    await bad({ county: '000000', code: code('000000') }, 'project.county', 'must be a county');
    await bad({ leadDepartment: 'nodept' }, 'project.leadDepartment', 'must be a department');
    await bad({ industry: 'mining' }, 'project.industry', 'must be an industry');
    await bad({ code: code('999999') }, 'project.code', 'must be 411122');
    await bad({ code: code('411122', '1900') }, 'project.code', 'within 2015');
    await bad({ code: code('411122', '2095') }, 'project.code', 'within 2015');
    // A functional zone carries the city's division code.
    expect((await t.call('POST', '/projects', 'admin', aProject({ county: 'etdz' }))).status).toBe(201);
  });

  it('keeps a closed project readable and refuses writes to it with 409, also after its workflow has closed', async () => {
    const p = aProject({ stage: 'completed', category: 'continuing' });
    expect((await t.call('POST', '/projects', 'admin', p)).status).toBe(201);
    expect((await t.call('POST', `/projects/${p.code}/transitions`, 'fgw', { requestId: `contract-prod-${p.code}`, actor, to: 'inProduction' })).status).toBe(200);
    await until('the workflow closed', async () => (await t.h.client.workflow.getHandle(`project-${p.code}`).describe()).status.name === 'COMPLETED');
    const state = await t.call('GET', `/projects/${p.code}`, 'fgw');
    expect(state).toMatchObject({ status: 200, body: { stage: 'inProduction', closed: true } });
    const write = await t.call('POST', `/projects/${p.code}/reports`, 'fgw', { requestId: `contract-late-${p.code}`, actor, month: month(), investmentThisMonth: 1, investmentToDate: 1, physicalProgress: 100 });
    expect(write).toMatchObject({ status: 409, body: { error: 'ProjectClosed', message: expect.stringContaining('inProduction') } });
    const nothing = await t.call('POST', `/projects/2026-411122-13-03-999999/reports`, 'admin', { requestId: 'contract-nothing-1', actor, month: month(), investmentThisMonth: 1, investmentToDate: 1, physicalProgress: 1 });
    expect(nothing).toMatchObject({ status: 404, body: { error: 'ProjectNotFound' } });
  });

  it('closes the open review of a withdrawn project: tasks cancelled with the reason, inboxes cleared, an event', async () => {
    const p = aProject({ stage: 'preliminary', category: 'preliminary' });
    expect((await t.call('POST', '/projects', 'admin', p)).status).toBe(201);
    await until('the review under way', () => getReviewState(t.h, p.code, 'landUsePlanning'));
    const listed = async () => ((await t.call('GET', '/departments/zrzy/inbox', 'zrzy')).body.items as Array<{ projectCode: string }>).some((i) => i.projectCode === p.code);
    await until('zrzy lists the task', async () => (await listed()) || undefined);

    const reason = '企业投资计划调整，项目退出重点项目库';
    expect((await t.call('POST', `/projects/${p.code}/transitions`, 'fgw', { requestId: `contract-withdraw-${p.code}`, actor, to: 'withdrawn', reason })).status).toBe(200);
    const review = await until('the review withdrawn', async () => {
      const r = await getReviewState(t.h, p.code, 'landUsePlanning');
      return r.status === 'withdrawn' ? r : undefined;
    });
    expect(review.tasks.every((task) => task.status === 'cancelled' && task.audit.at(-1)?.reason?.includes(reason))).toBe(true);
    expect(await listed()).toBe(false);
    await until('the project shows the review closed', async () => (await getProjectState(t.h, p.code)).approvals.landUsePlanning === 'withdrawn');
    const events = await readEvents(TOPICS.reviews, (es) => es.length >= 1, { filter: (e) => e.subject === p.code && e.type === 'cn.keyflow.review.stageWithdrawn' });
    expect(events[0]!.data).toMatchObject({ stageId: 'landUsePlanning', reason, cancelledTasks: expect.arrayContaining(['zrzy', 'fgw']) });
  });
});
