/**
 * A rejection and what follows it, on the real stack, as the people involved see it through the
 * HTTP API and the command line: a department rejects; no inbox lists the stage's tasks any more
 * (at once, for the department that acted and for the others); the project shows the stage rejected
 * with the reason; the single window applies again (重新申请); the new attempt's tasks are acted on
 * through the API and the CLI; the stage is approved, the next stages follow, and construction may start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { actOnTask, getReviewState } from '../../client/reviews';
import { getProjectState, registerProject, transitionProject } from '../../client/projects';
import { STAGES_BEFORE_CONSTRUCTION } from '../../schemas/jointReview';
import { cliEnv, keyflow, ROOT } from '../support/cli';
import { startApiHarness, until, type ApiHarness } from '../support/apiHarness';
import { calendarWithSynthetic2027 } from '../support/calendars';
import type { E2EHarness } from '../support/e2e';
import { aProject } from '../support/fixtures';

jest.setTimeout(180_000);



describe('rejection, re-application and the new attempt (real stack, API and CLI)', () => {
  let t: ApiHarness;
  let h: E2EHarness;
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  const call: ApiHarness['call'] = (...args) => t.call(...args);
  type Who = 'admin' | 'fgw' | 'zrzy' | 'sthj' | 'sl' | 'xzsp';

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    // Later stages' deadlines may reach 2027: the worker counts them on the test calendar.
    t = await startApiHarness('rejection', ['admin', 'fgw', 'zrzy', 'sthj', 'sl', 'xzsp'], { calendar: calendarWithSynthetic2027() });
    h = t.h;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-rejection-'));
    env = cliEnv({ taskQueue: h.taskQueue, stateDir: path.join(tmp, 'state') });
  });
  afterAll(async () => {
    await t?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('rejects, clears every inbox at once, re-applies, and approves the new attempt through the API and the CLI', async () => {
    const project = aProject({ stage: 'preliminary', category: 'preliminary', name: '临颍县预制菜产业园项目' });
    const code = project.code;
    await registerProject(h, project, 'test:rejection');
    const first = await until('stage 1 under review', () => getReviewState(h, code, 'landUsePlanning'));
    const departments = first.tasks.map((t) => t.department).sort();
    expect(departments).toEqual(['fgw', 'sl', 'sthj', 'zrzy']);
    const inInbox = async (dept: Who) => {
      const r = await call('GET', `/departments/${dept}/inbox`, dept);
      expect(r.status).toBe(200);
      return (r.body.items as Array<{ projectCode: string; materials?: string[] }>).filter((i) => i.projectCode === code);
    };
    const listed = await until('zrzy inbox lists the task', async () => ((await inInbox('zrzy')).length === 1 ? await inInbox('zrzy') : undefined));
    expect(listed[0]!.materials).toContain('勘测定界图');

    const base = `/projects/${code}/reviews/landUsePlanning`;
    const rejected = await call('POST', `${base}/tasks/sthj/actions`, 'sthj', { requestId: `reject-${code}`, action: 'reject', reason: '选址位于饮用水水源保护区，环评不予批复' });
    expect({ status: rejected.status, error: rejected.body.message }).toEqual({ status: 200, error: undefined });
    expect(rejected.body).toMatchObject({ taskStatus: 'rejected', stageStatus: 'rejected' });
    // Read after write: neither the department that acted nor the others list the stage any more.
    for (const dept of ['sthj', 'zrzy', 'fgw', 'sl'] as const) expect(await inInbox(dept)).toEqual([]);
    const late = await call('POST', `${base}/tasks/zrzy/actions`, 'zrzy', { requestId: `late-${code}`, action: 'approve' });
    expect(late).toMatchObject({ status: 409, body: { error: 'TaskClosed' } });

    const shown = await until('the project shows the rejection', async () => {
      const r = await call('GET', `/projects/${code}`, 'fgw');
      return r.body.approvals?.landUsePlanning === 'rejected' ? r.body : undefined;
    });
    expect(shown.reviews.landUsePlanning).toMatchObject({ attempt: 1, status: 'rejected', rejections: [{ department: 'sthj', reason: '选址位于饮用水水源保护区，环评不予批复' }] });
    const notYet = await call('GET', `/projects/${code}/reviews/engineeringPermit`, 'admin');
    expect(notYet).toMatchObject({ status: 409, body: { error: 'ReviewNotStarted', message: expect.stringContaining('landUsePlanning') } });
    const refusedStart = await call('POST', `/projects/${code}/transitions`, 'admin', { requestId: `start-early-${code}`, to: 'started' });
    expect(refusedStart).toMatchObject({ status: 409, body: { error: 'ApprovalsIncomplete' } });

    // Only the single window or the lead department applies again; a note is required.
    expect((await call('POST', `${base}/reapplication`, 'zrzy', { requestId: `reapply-zrzy-${code}`, note: '已调整选址' })).status).toBe(403);
    const noNote = await call('POST', `${base}/reapplication`, 'xzsp', { requestId: `reapply-nonote-${code}` });
    expect(noNote).toMatchObject({ status: 400, body: { error: 'ValidationFailed' } });
    const reapplied = await call('POST', `${base}/reapplication`, 'xzsp', { requestId: `reapply-${code}`, note: '调整选址避开水源保护区，重新编制环境影响报告书' });
    expect(reapplied).toMatchObject({ status: 200, body: { stageId: 'landUsePlanning', attempt: 2, workflowId: `review-${code}-landUsePlanning-r2`, started: true } });

    // The new attempt: every department has a fresh task, acted on through the API and the CLI.
    expect(await until('zrzy sees the new attempt', async () => ((await inInbox('zrzy')).length === 1 ? true : undefined))).toBe(true);
    expect((await call('POST', `${base}/tasks/zrzy/actions`, 'zrzy', { requestId: `approve-zrzy-${code}`, action: 'approve' })).body).toMatchObject({ taskStatus: 'approved' });
    expect((await call('POST', `${base}/tasks/sl/actions`, 'sl', { requestId: `approve-sl-${code}`, action: 'approve' })).body).toMatchObject({ taskStatus: 'approved' });
    for (const dept of ['sthj', 'fgw']) {
      const run = await keyflow(['task', 'act', code, 'landUsePlanning', dept, '--action', 'approve', '--json'], { ...env, KEYFLOW_API_URL: t.api.url, KEYFLOW_TOKEN: t.token(dept) });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ department: dept, taskStatus: 'approved' });
    }
    await until('stage 1 approved', async () => (await getProjectState(h, code)).approvals.landUsePlanning === 'approved');
    const state = await getProjectState(h, code);
    expect(state.reviews.landUsePlanning).toMatchObject({ attempt: 2, status: 'approved' });
    expect(state.reviewHistory).toMatchObject([{ attempt: 1, status: 'rejected', reapplied: { note: '调整选址避开水源保护区，重新编制环境影响报告书' } }]);

    // The later stages follow; once approved, construction may start.
    for (const stageId of STAGES_BEFORE_CONSTRUCTION.slice(1)) {
      const review = await until(`${stageId} under review`, () => getReviewState(h, code, stageId));
      for (const task of review.tasks) {
        await actOnTask(h, code, stageId, { requestId: `approve-${stageId}-${task.department}`, department: task.department, actor: { by: `${task.department}:e2e`, department: task.department }, action: 'approve' });
      }
      await until(`${stageId} approved`, async () => (await getProjectState(h, code)).approvals[stageId] === 'approved');
    }
    await expect(transitionProject(h, code, { requestId: `start-${code}`, to: 'started', actor: { by: 'fgw:e2e' } })).resolves.toMatchObject({ stage: 'started' });
  });
});
