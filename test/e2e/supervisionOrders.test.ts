/**
 * Supervisors open supervision orders (督办单) by hand and close them with a note, through the
 * HTTP API; departments cannot; refusals change nothing; both steps reach Kafka.
 */
import path from 'node:path';
import { startApi, type RunningApi } from '../../api/start';
import { getProjectState, registerProject } from '../../client/projects';
import { shanghaiDate } from '../../domain/calendar';
import { loadCalendar } from '../../seeds/holidays';
import { TOPICS } from '../../schemas/topics';
import { dueAfterWorkingDays } from '../support/dateExpectations';
import { readEvents, startHarness, type E2EHarness } from '../support/e2e';
import { aProject } from '../support/fixtures';

describe('supervision orders opened by hand', () => {
  let h: E2EHarness;
  let api: RunningApi;
  beforeAll(async () => {
    h = await startHarness('orders');
    api = await startApi({ ctx: h, tokens: path.join(__dirname, '..', '..', 'seeds', 'api-tokens.json'), port: 0, logger: { level: 'silent' } as never, strictResponses: true });
  });
  afterAll(async () => {
    await api?.stop();
    await h?.stop();
  });

  const post = async (url: string, body: unknown, token?: string) => {
    const res = await fetch(`${api.url}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { issues?: Array<{ field: string }> } };
  };

  it('opens, refuses and closes orders, each step on Kafka', async () => {
    const project = aProject({ stage: 'underConstruction', category: 'continuing' });
    await registerProject(h, project, 'test');
    const url = `/projects/${project.code}/supervision-orders`;
    const order = { requestId: `order-${project.code}`, reason: '用地手续迟迟未办结，影响开工', dueInWorkingDays: 5 };
    const before = await getProjectState(h, project.code);

    expect((await post(url, order)).status).toBe(401);
    expect((await post(url, order, 'keyflow-demo-fgw-dept')).status).toBe(403);
    const bad = await post(url, { ...order, reason: '' }, 'keyflow-demo-supervisor');
    expect(bad.status).toBe(400);
    expect(bad.body.issues?.[0]?.field).toBe('reason');
    // escalateTo names departments of the reference data or the responsible leader, nobody else.
    const stranger = await post(url, { ...order, requestId: `order-stranger-${project.code}`, escalateTo: [project.leadDepartment, 'nosuchdept'] }, 'keyflow-demo-supervisor');
    expect(stranger.status).toBe(400);
    expect(stranger.body.issues).toEqual([expect.objectContaining({ field: 'escalateTo.1', rule: expect.stringContaining('"nosuchdept" is neither'), in: 'body' })]);
    expect(await getProjectState(h, project.code)).toEqual(before);

    // Due 5 working days after today (the real now), or null while that falls in a year without a notice.
    const dueBefore = dueAfterWorkingDays(loadCalendar(), shanghaiDate(new Date()), 5);
    const opened = await post(url, order, 'keyflow-demo-supervisor');
    expect(opened.status).toBe(201);
    expect([dueBefore, dueAfterWorkingDays(loadCalendar(), shanghaiDate(new Date()), 5)]).toContain(opened.body.dueDate);
    expect(opened.body).toMatchObject({ id: `督办-${project.code}-M1`, reason: order.reason, escalatedTo: ['dcs', project.leadDepartment, project.responsibleLeader] });
    // The same request again is the same order, not a second one.
    expect((await post(url, order, 'keyflow-demo-supervisor')).body).toEqual(opened.body);

    const closeUrl = `${url}/${encodeURIComponent(String(opened.body.id))}/close`;
    const noNote = await post(closeUrl, { requestId: `close-${project.code}` }, 'keyflow-demo-supervisor');
    expect(noNote.status).toBe(400);
    expect(noNote.body.issues?.[0]?.field).toBe('note');
    const closed = await post(closeUrl, { requestId: `close-${project.code}`, note: '自然资源局已出具用地批复' }, 'keyflow-demo-supervisor');
    expect(closed.status).toBe(200);
    expect(closed.body.closedBecause).toContain('用地批复');
    const again = await post(closeUrl, { requestId: `close-again-${project.code}`, note: '再次办结' }, 'keyflow-demo-supervisor');
    expect(again).toMatchObject({ status: 409, body: { error: 'OrderClosed' } });

    const state = await getProjectState(h, project.code);
    expect(state.orders).toHaveLength(1);
    const events = await readEvents(TOPICS.supervision, (es) => es.length >= 2, { filter: (e) => e.subject === project.code });
    expect(events.map((e) => e.type)).toEqual(['cn.keyflow.supervision.orderIssued', 'cn.keyflow.supervision.orderClosed']);
  });

  it('lists every order, the hand-opened one included, with its due date and state; a short note 已督促 closes it', async () => {
    const project = aProject({ stage: 'underConstruction', category: 'continuing' });
    await registerProject(h, project, 'test');
    const url = `/projects/${project.code}/supervision-orders`;
    const opened = await post(url, { requestId: `order-list-${project.code}`, reason: '施工许可久拖未办', dueInWorkingDays: 3 }, 'keyflow-demo-supervisor');
    expect(opened.status).toBe(201);
    const list = async (query: string) => {
      const res = await fetch(`${api.url}/supervision/orders?${query}`, { headers: { authorization: 'Bearer keyflow-demo-supervisor' } });
      return { status: res.status, body: (await res.json()) as { items: Array<Record<string, unknown>> } };
    };
    const all = await list('');
    expect(all.status).toBe(200);
    const mine = all.body.items.find((o) => (o.project as { code: string }).code === project.code);
    expect(mine).toMatchObject({ id: opened.body.id, origin: 'manual', state: 'open', dueDate: opened.body.dueDate, reason: '施工许可久拖未办', project: { name: project.name } });

    const closed = await post(`${url}/${encodeURIComponent(String(opened.body.id))}/close`, { requestId: `close-list-${project.code}`, note: '已督促' }, 'keyflow-demo-supervisor');
    expect(closed.status).toBe(200);
    const after = await list(`code=${project.code}&state=closed`);
    expect(after.body.items).toEqual([expect.objectContaining({ id: opened.body.id, state: 'closed', closedBecause: expect.stringContaining('已督促') })]);
    expect((await list(`code=${project.code}&state=open`)).body.items).toEqual([]);
    // A department may not read the supervisors' list.
    expect((await fetch(`${api.url}/supervision/orders`, { headers: { authorization: 'Bearer keyflow-demo-fgw-dept' } })).status).toBe(403);
  });
});
