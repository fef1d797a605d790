/**
 * The HTTP API against the real dev server and Kafka, over a real socket on 127.0.0.1: for every
 * endpoint its success, a validation failure (400 naming the field), no token (401) and a
 * forbidden role or department (403) — and that the refusals change nothing. Departments see and
 * act only on their own tasks. The OpenAPI document passes a real OpenAPI 3 validator. Tokens
 * never reach the log.
 *
 * The test runs in a Temporal namespace of its own: its listings ("all stalled projects", the
 * meeting agenda) see exactly the projects it made, and other test files never see them.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { hashToken, newToken } from '../../api/auth';
import { startApi, type RunningApi } from '../../api/start';
import { previousWorkingDay, shanghaiDate } from '../../domain/calendar';
import { addMonths, monthOf } from '../../domain/lifecycle/months';
import type { ProjectInput } from '../../schemas/project';
import { SA } from '../../schemas/searchAttributes';
import meetingSeed from '../../seeds/meeting.json';
import { loadMeetingConfig } from '../../seeds/meetingConfig';
import { loadInspectionConfig } from '../../seeds/rankingConfig';
import { startHarness, type E2EHarness } from '../support/e2e';
import { aProject } from '../support/fixtures';
import { isolatedNamespace } from '../support/namespace';
import { startStalledProject } from '../support/stalledProject';

jest.setTimeout(120_000);

type Who = 'admin' | 'supervisor' | 'meetingOffice' | 'fgw' | 'zrzy' | 'sthj' | 'zjj' | 'xzsp';
const TOKENS: Record<Who, string> = {
  admin: newToken(),
  supervisor: newToken(),
  meetingOffice: newToken(),
  fgw: newToken(),
  zrzy: newToken(),
  sthj: newToken(),
  zjj: newToken(),
  xzsp: newToken(),
};

interface Answer {
  status: number;
  // Bodies of every endpoint pass through here; each test narrows the one it reads with its assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * @apidevtools/swagger-parser `validate()` in a Node process of its own (scripts/validate-openapi.ts):
 * the validator is an ES module, which Node loads and jest's CommonJS runtime does not.
 */
async function validateOpenApi(file: string): Promise<string> {
  const root = path.join(__dirname, '..', '..');
  const { stdout } = await promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), path.join(root, 'scripts', 'validate-openapi.ts'), file], { cwd: root });
  return stdout.trim();
}

describe('the HTTP API on the real stack', () => {
  let h: E2EHarness;
  let api: RunningApi;
  let tokenDir: string;
  const logLines: string[] = [];

  /** A request; `as` picks the token (none when left out), `token` overrides it. */
  async function call(method: 'GET' | 'POST', url: string, opts: { as?: Who; token?: string; body?: unknown } = {}): Promise<Answer> {
    const headers: Record<string, string> = {};
    const token = opts.token ?? (opts.as ? TOKENS[opts.as] : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${api.url}${url}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (the dashboard page)
    }
    return { status: res.status, body, headers: res.headers };
  }

  /** A refusal: status, error name, and (for 400) the field named among the issues. */
  function refused(a: Answer, status: number, error: string | jest.AsymmetricMatcher, field?: string): void {
    expect({ status: a.status, error: a.body?.error }).toEqual({ status, error });
    expect(typeof a.body.message).toBe('string');
    expect(Array.isArray(a.body.issues)).toBe(true);
    if (field !== undefined) expect(a.body.issues.map((i: { field: string }) => i.field)).toContain(field);
  }

  /** The four refusals every protected endpoint must give; `forbiddenAs` is a role the route refuses. */
  async function guarded(method: 'GET' | 'POST', url: string, body: unknown, forbiddenAs?: Who): Promise<void> {
    refused(await call(method, url, { body }), 401, 'Unauthorized');
    refused(await call(method, url, { token: newToken(), body }), 401, 'Unauthorized');
    if (forbiddenAs) refused(await call(method, url, { as: forbiddenAs, body }), 403, 'Forbidden');
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(250);
    }
  }

  const today = shanghaiDate(new Date());
  const lastMonth = addMonths(monthOf(today), -1);
  // The actor is the caller, filled in by the API: the bodies leave it out (naming anyone else is 403).
  const by = (_who: string): undefined => undefined;

  // P1 is under construction (reports, stage changes), led by fgw; P2 enters preliminary work, so
  // its lifecycle starts the joint review of landUsePlanning (fgw, zrzy, sthj, sl); P3 has stood
  // in preliminary work for 400 days and stalls at once.
  const p1 = aProject({ stage: 'underConstruction', category: 'continuing', leadDepartment: 'fgw' });
  const p2 = aProject({ stage: 'preliminary', category: 'preliminary', leadDepartment: 'fgw', county: '411102', name: '源汇区智能食品机械产业园' });
  const p3: ProjectInput = aProject({ stage: 'preliminary', category: 'preliminary', leadDepartment: 'zjj', county: '411121', name: '舞阳盐化工循环经济产业园' });

  beforeAll(async () => {
    const namespace = await isolatedNamespace('api');
    h = await startHarness('api', { namespace });
    tokenDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-api-tokens-'));
    const file = path.join(tokenDir, 'tokens.json');
    const roleOf = (who: Who) => (who === 'admin' || who === 'supervisor' || who === 'meetingOffice' ? { role: who } : { role: 'department', department: who });
    fs.writeFileSync(file, JSON.stringify({ tokens: (Object.keys(TOKENS) as Who[]).map((who) => ({ id: `test-${who.toLowerCase()}`, ...roleOf(who), hash: hashToken(TOKENS[who]) })) }));
    const stream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    api = await startApi({ ctx: { client: h.client, taskQueue: h.taskQueue }, tokens: file, port: 0, logger: { level: 'debug', stream }, strictResponses: true });
  });

  afterAll(async () => {
    await api?.stop();
    await h?.stop();
    if (tokenDir) fs.rmSync(tokenDir, { recursive: true, force: true });
  });

  it('serves health, identity, reference data and an OpenAPI 3 document that a real validator accepts', async () => {
    const health = await call('GET', '/healthz');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', temporal: 'ok' } });

    const doc = await call('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.0.3');
    const docFile = path.join(tokenDir, 'openapi.json');
    fs.writeFileSync(docFile, JSON.stringify(doc.body));
    expect(await validateOpenApi(docFile)).toBe('valid: keyflow API 1.0.0 (OpenAPI 3.0.3)');
    for (const p of ['/projects', '/projects/{code}', '/departments/{dept}/inbox', '/projects/{code}/reviews/{stage}/tasks/{dept}/actions', '/meetings/{week}/decisions', '/follow-ups/{id}/close', '/supervision/stalled', '/rankings/four-compare', '/rankings/tours']) {
      expect(Object.keys(doc.body.paths)).toContain(p);
    }
    expect(doc.body.paths['/projects'].post['x-keyflow-roles']).toEqual(['admin']);

    expect(await call('GET', '/whoami', { as: 'fgw' })).toMatchObject({ status: 200, body: { tokenId: 'test-fgw', role: 'department', department: 'fgw' } });
    const missing = await call('GET', '/whoami');
    refused(missing, 401, 'Unauthorized');
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await guarded('GET', '/reference', undefined);
    const ref = await call('GET', '/reference', { as: 'zjj' });
    expect(ref.status).toBe(200);
    expect(ref.body.counties.map((c: { id: string }) => c.id)).toContain('411122');
  });

  it('registers projects (admin only), refusing bad input, duplicates, no token and other roles without registering anything', async () => {
    const created = await call('POST', '/projects', { as: 'admin', body: p1 });
    expect(created).toMatchObject({ status: 201, body: { code: p1.code, workflowId: `project-${p1.code}` } });
    expect((await call('POST', '/projects', { as: 'admin', body: p2 })).status).toBe(201);
    await startStalledProject({ client: h.client, taskQueue: h.taskQueue }, p3, { daysInStage: 400 });

    refused(await call('POST', '/projects', { as: 'admin', body: { ...aProject(), code: '2026-41112-13-03-1' } }), 400, 'ValidationFailed', 'code');
    refused(await call('POST', '/projects', { as: 'admin', body: { ...aProject(), annualPlannedInvestment: 10, totalInvestment: 5 } }), 400, 'ValidationFailed', 'annualPlannedInvestment');
    refused(await call('POST', '/projects', { as: 'admin', body: p1 }), 409, 'ProjectAlreadyRegistered');

    const notRegistered = aProject();
    await guarded('POST', '/projects', notRegistered, 'supervisor');
    refused(await call('POST', '/projects', { as: 'fgw', body: notRegistered }), 403, 'Forbidden');
    refused(await call('GET', `/projects/${notRegistered.code}`, { as: 'admin' }), 404, 'ProjectNotFound');
  });

  it('lists projects with filters and cursor pages, refusing a bad filter', async () => {
    const listed = await until('the three projects in the listing', async () => {
      const a = await call('GET', '/projects?limit=200', { as: 'supervisor' });
      return a.body.items?.length === 3 ? a : undefined;
    });
    expect(listed.body.items.map((p: { code: string }) => p.code)).toEqual([p1.code, p2.code, p3.code].sort());

    const first = await call('GET', '/projects?limit=2', { as: 'fgw' });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call('GET', `/projects?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { as: 'fgw' });
    expect(second.body).toEqual({ items: [expect.objectContaining({ code: [p1.code, p2.code, p3.code].sort()[2] })], nextCursor: null });

    const stage = await call('GET', '/projects?stage=underConstruction&county=411122', { as: 'meetingOffice' });
    expect(stage.body.items.map((p: { code: string }) => p.code)).toEqual([p1.code]);
    const stalled = await until('P3 stalled in the listing', async () => {
      const a = await call('GET', '/projects?stalled=true', { as: 'supervisor' });
      return a.body.items?.length === 1 ? a : undefined;
    });
    expect(stalled.body.items[0]).toMatchObject({ code: p3.code, stalled: true, warning: 'red' });

    refused(await call('GET', '/projects?warning=purple', { as: 'admin' }), 400, 'ValidationFailed', 'warning');
    refused(await call('GET', '/projects?limit=0', { as: 'admin' }), 400, 'ValidationFailed', 'limit');
    refused(await call('GET', '/projects?cursor=not-a-cursor', { as: 'admin' }), 400, 'ValidationFailed', 'cursor');
    await guarded('GET', '/projects', undefined);
  });

  it("answers a project's state with its history, and 404 for an unknown code", async () => {
    const state = await call('GET', `/projects/${p3.code}`, { as: 'zrzy' });
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ project: { code: p3.code }, stage: 'preliminary', stall: { reason: 'noStageChange', order: { id: `督办-${p3.code}-1` } } });
    expect(state.body.stageHistory).toHaveLength(1);
    refused(await call('GET', '/projects/not-a-code', { as: 'admin' }), 400, 'ValidationFailed', 'code');
    refused(await call('GET', '/projects/2026-411122-13-03-999999', { as: 'admin' }), 404, 'ProjectNotFound');
    await guarded('GET', `/projects/${p1.code}`, undefined);
  });

  it('takes monthly reports from the lead department and refuses other departments and roles, changing nothing', async () => {
    const report = { requestId: `api-report-${p1.code}`, month: lastMonth, investmentThisMonth: 3000, investmentToDate: 30000, physicalProgress: 40, actor: by('fgw') };
    const ok = await call('POST', `/projects/${p1.code}/reports`, { as: 'fgw', body: report });
    expect(ok).toMatchObject({ status: 200, body: { month: lastMonth, correction: false } });

    refused(await call('POST', `/projects/${p1.code}/reports`, { as: 'fgw', body: { ...report, requestId: 'api-report-bad-1', physicalProgress: 150 } }), 400, 'ValidationFailed', 'physicalProgress');
    // A rule of the workflow (no report for a month not yet begun) comes back the same way.
    refused(
      await call('POST', `/projects/${p1.code}/reports`, { as: 'admin', body: { ...report, requestId: 'api-report-bad-2', month: addMonths(monthOf(today), 2) } }),
      400,
      'ValidationFailed',
      'month',
    );
    const other = { ...report, requestId: 'api-report-other-1', month: monthOf(today) };
    refused(await call('POST', `/projects/${p1.code}/reports`, { as: 'zrzy', body: other }), 403, 'Forbidden');
    refused(await call('POST', `/projects/${p1.code}/reports`, { as: 'fgw', body: { ...other, actor: { by: 'x', department: 'zrzy' } } }), 403, 'Forbidden');
    await guarded('POST', `/projects/${p1.code}/reports`, other, 'supervisor');
    const state = await call('GET', `/projects/${p1.code}`, { as: 'admin' });
    expect(state.body.reports.map((r: { month: string }) => r.month)).toEqual([lastMonth]);
  });

  it('moves a project between stages and refuses illegal moves (409) and other departments (403)', async () => {
    refused(await call('POST', `/projects/${p1.code}/transitions`, { as: 'fgw', body: { requestId: 'api-move-bad-1', to: 'moon', actor: by('fgw') } }), 400, 'ValidationFailed', 'to');
    refused(await call('POST', `/projects/${p1.code}/transitions`, { as: 'fgw', body: { requestId: 'api-move-skip-1', to: 'inProduction', actor: by('fgw') } }), 409, 'IllegalTransition');
    refused(await call('POST', `/projects/${p2.code}/transitions`, { as: 'admin', body: { requestId: 'api-move-early-1', to: 'started', actor: by('admin') } }), 409, 'ApprovalsIncomplete');
    const move = { requestId: 'api-move-1', to: 'completed', actor: by('fgw') };
    refused(await call('POST', `/projects/${p1.code}/transitions`, { as: 'zjj', body: move }), 403, 'Forbidden');
    await guarded('POST', `/projects/${p1.code}/transitions`, move, 'meetingOffice');
    expect((await call('GET', `/projects/${p1.code}`, { as: 'admin' })).body.stage).toBe('underConstruction');

    expect(await call('POST', `/projects/${p1.code}/transitions`, { as: 'fgw', body: move })).toMatchObject({ status: 200, body: { stage: 'completed', seq: 1 } });
    const history = (await call('GET', `/projects/${p1.code}`, { as: 'supervisor' })).body.stageHistory;
    expect(history.map((c: { to: string }) => c.to)).toEqual(['underConstruction', 'completed']);
  });

  it("sets the year's plan as the development and reform commission only, naming the rule on a bad year", async () => {
    const year = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4)); // Shanghai's year
    const url = `/projects/${p1.code}/annual-plan`;
    const plan = { requestId: 'api-plan-0001', year, annualPlannedInvestment: 50000, reason: '年度计划调整', actor: by('fgw') };
    refused(await call('POST', url, { as: 'zjj', body: plan }), 403, 'Forbidden');
    await guarded('POST', url, plan, 'supervisor');
    refused(await call('POST', url, { as: 'fgw', body: { ...plan, requestId: 'api-plan-0002', year: year + 1 } }), 400, 'ValidationFailed', 'year');
    const set = await call('POST', url, { as: 'fgw', body: plan });
    expect(set).toMatchObject({ status: 200, body: { year, annualPlannedInvestment: 50000, by: 'api:test-fgw' } });
    const state = (await call('GET', `/projects/${p1.code}`, { as: 'supervisor' })).body;
    expect(state.project.annualPlannedInvestment).toBe(50000);
    expect(state.annualPlans).toHaveLength(1);
  });

  describe('joint review: a department sees and acts only on its own tasks', () => {
    const review = `/projects/${p2.code}/reviews/landUsePlanning`;
    const task = (dept: string) => `${review}/tasks/${dept}`;

    beforeAll(async () => {
      await until('the landUsePlanning review of P2', async () => ((await call('GET', review, { as: 'supervisor' })).status === 200 ? true : undefined));
    });

    it('shows the whole review to supervisors and only its own task to a department', async () => {
      const all = await call('GET', review, { as: 'supervisor' });
      expect(all.body.tasks.map((t: { department: string }) => t.department).sort()).toEqual(['fgw', 'sl', 'sthj', 'zrzy']);
      const own = await call('GET', review, { as: 'zrzy' });
      expect(own.body.tasks.map((t: { department: string }) => t.department)).toEqual(['zrzy']);
      refused(await call('GET', review, { as: 'zjj' }), 403, 'Forbidden');
      refused(await call('GET', `/projects/${p2.code}/reviews/nextStage`, { as: 'admin' }), 400, 'ValidationFailed', 'stage');
      refused(await call('GET', `/projects/${p1.code}/reviews/landUsePlanning`, { as: 'admin' }), 404, 'NotFound');
      await guarded('GET', review, undefined);
    });

    it("lists a department's own inbox and refuses another department's", async () => {
      const inbox = await until('P2 in the inbox of zrzy', async () => {
        const a = await call('GET', '/departments/zrzy/inbox', { as: 'zrzy' });
        return a.body.items?.some((i: { projectCode: string }) => i.projectCode === p2.code) ? a : undefined;
      });
      expect(inbox.body.items.every((i: { department: string }) => i.department === 'zrzy')).toBe(true);
      expect(inbox.body.items[0]).toMatchObject({ projectCode: p2.code, stageId: 'landUsePlanning', kind: 'task', status: 'open' });
      expect((await call('GET', '/departments/zrzy/inbox', { as: 'supervisor' })).body.items).toEqual(inbox.body.items);

      refused(await call('GET', '/departments/zrzy/inbox', { as: 'fgw' }), 403, 'Forbidden');
      refused(await call('GET', '/departments/zrzy/inbox', { as: 'meetingOffice' }), 403, 'Forbidden');
      refused(await call('GET', '/departments/zrzy/inbox?limit=lots', { as: 'zrzy' }), 400, 'ValidationFailed', 'limit');
      refused(await call('GET', '/departments/nosuch/inbox', { as: 'admin' }), 400, 'ValidationFailed', 'department');
      await guarded('GET', '/departments/zrzy/inbox', undefined);
    });

    it("refuses a department acting on another department's task and leaves the task open", async () => {
      const approve = { requestId: 'api-approve-zrzy-1', action: 'approve', actor: by('fgw') };
      refused(await call('POST', `${task('zrzy')}/actions`, { as: 'fgw', body: approve }), 403, 'Forbidden');
      refused(await call('POST', `${task('fgw')}/actions`, { as: 'fgw', body: { ...approve, actor: { by: 'fgw:x', department: 'zrzy' } } }), 403, 'Forbidden');
      refused(await call('POST', `${task('zrzy')}/actions`, { as: 'supervisor', body: approve }), 403, 'Forbidden');
      await guarded('POST', `${task('zrzy')}/actions`, approve);
      const tasks = (await call('GET', review, { as: 'supervisor' })).body.tasks;
      expect(tasks.find((t: { department: string }) => t.department === 'zrzy')).toMatchObject({ status: 'open' });
      expect(tasks.find((t: { department: string }) => t.department === 'zrzy').audit.map((a: { action: string }) => a.action)).toEqual(['assigned']);
    });

    it('lets a department act on its own task, with the rules of the action checked', async () => {
      refused(await call('POST', `${task('zrzy')}/actions`, { as: 'zrzy', body: { requestId: 'api-reject-zrzy-1', action: 'reject', actor: by('zrzy') } }), 400, 'ValidationFailed', 'reason');
      refused(await call('POST', `${task('zrzy')}/actions`, { as: 'zrzy', body: { requestId: 'api-x-zrzy-1', action: 'approve', actor: by('zrzy'), department: 'fgw' } }), 400, 'ValidationFailed', 'department');
      const ok = await call('POST', `${task('zrzy')}/actions`, { as: 'zrzy', body: { requestId: 'api-approve-zrzy-2', action: 'approve', actor: by('zrzy') } });
      expect(ok).toMatchObject({ status: 200, body: { department: 'zrzy', action: 'approve', taskStatus: 'approved', stageStatus: 'inReview' } });
      refused(await call('POST', `${task('zrzy')}/actions`, { as: 'zrzy', body: { requestId: 'api-approve-zrzy-3', action: 'approve', actor: by('zrzy') } }), 409, 'TaskClosed');
    });

    it('lets the single window resubmit a returned task, and no one else', async () => {
      const ret = await call('POST', `${task('fgw')}/actions`, { as: 'fgw', body: { requestId: 'api-return-fgw-1', action: 'returnForSupplement', reason: '可行性研究报告缺少节能分析', missingMaterials: ['项目建议书或可行性研究报告'], actor: by('fgw') } });
      expect(ret).toMatchObject({ status: 200, body: { taskStatus: 'returned' } });
      const resubmit = { requestId: 'api-resubmit-fgw-1', materials: ['节能分析报告'], actor: by('xzsp') };
      refused(await call('POST', `${task('fgw')}/resubmission`, { as: 'xzsp', body: { ...resubmit, materials: ['x'] } }), 400, 'ValidationFailed', 'materials.0');
      refused(await call('POST', `${task('fgw')}/resubmission`, { as: 'zrzy', body: resubmit }), 403, 'NotTaskOwner');
      await guarded('POST', `${task('fgw')}/resubmission`, resubmit);
      expect((await call('GET', review, { as: 'fgw' })).body.tasks[0].status).toBe('returned');
      expect(await call('POST', `${task('fgw')}/resubmission`, { as: 'xzsp', body: resubmit })).toMatchObject({ status: 200, body: { action: 'resubmit', taskStatus: 'open' } });
    });

    it('lets the single window hand in the materials of an approval with missing materials (容缺)', async () => {
      const withMissing = await call('POST', `${task('sthj')}/actions`, {
        as: 'sthj',
        body: { requestId: 'api-missing-sthj-1', action: 'approveWithMissing', reason: '容缺受理', missingMaterials: ['环评审批申请表'], actor: by('sthj') },
      });
      expect(withMissing).toMatchObject({ status: 200, body: { taskStatus: 'approved', followUp: { status: 'open' } } });
      const hand = { requestId: 'api-missing-in-1', materials: ['环评审批申请表'], actor: by('xzsp') };
      refused(await call('POST', `${task('sthj')}/missing-materials`, { as: 'xzsp', body: { ...hand, requestId: 'short' } }), 400, 'ValidationFailed', 'requestId');
      refused(await call('POST', `${task('sthj')}/missing-materials`, { as: 'fgw', body: hand }), 403, 'NotTaskOwner');
      await guarded('POST', `${task('sthj')}/missing-materials`, hand);
      expect(await call('POST', `${task('sthj')}/missing-materials`, { as: 'xzsp', body: hand })).toMatchObject({
        status: 200,
        body: { action: 'submitMissingMaterial', followUp: { status: 'submitted' } },
      });
    });
  });

  describe('supervision', () => {
    it('lists stalled projects with their supervision orders for supervisors, not for departments', async () => {
      const stalled = await until('P3 among the stalled projects', async () => {
        const a = await call('GET', '/supervision/stalled', { as: 'supervisor' });
        return a.body.items?.length === 1 ? a : undefined;
      });
      expect(stalled.body.items[0]).toMatchObject({
        code: p3.code,
        name: p3.name,
        countyName: '舞阳县',
        warning: 'red',
        leadDepartment: 'zjj',
        stall: { reason: 'noStageChange', order: { id: `督办-${p3.code}-1`, escalatedTo: expect.arrayContaining(['dcs', 'zjj']) } },
      });
      refused(await call('GET', '/supervision/stalled', { as: 'zjj' }), 403, 'Forbidden');
      refused(await call('GET', '/supervision/stalled?limit=-1', { as: 'supervisor' }), 400, 'ValidationFailed', 'limit');
      await guarded('GET', '/supervision/stalled', undefined, 'fgw');
    });

    it('lists overdue approvals (none can be overdue within seconds) and the warning grid per county', async () => {
      expect(await call('GET', '/supervision/overdue-approvals', { as: 'meetingOffice' })).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
      refused(await call('GET', '/supervision/overdue-approvals?cursor=', { as: 'supervisor' }), 400, 'ValidationFailed', 'cursor');
      await guarded('GET', '/supervision/overdue-approvals', undefined, 'zrzy');

      const grid = await until('the warning grid with P3 red', async () => {
        const a = await call('GET', '/supervision/warnings', { as: 'supervisor' });
        return a.body.counties?.find((c: { county: string }) => c.county === '411121')?.red === 1 ? a : undefined;
      });
      expect(grid.body.counties).toHaveLength(8);
      expect(grid.body.counties.find((c: { county: string }) => c.county === '411121')).toMatchObject({ name: '舞阳县', red: 1, stalled: 1, total: 1 });
      await guarded('GET', '/supervision/warnings', undefined, 'sthj');
    });
  });

  describe('the weekly meeting', () => {
    // A meeting whose time has come: its nominal day is the last working day before today, so
    // it compiles its agenda at once (P3, stalled, is on it) and takes decisions now.
    const meetingDay = previousWorkingDay(today);
    let week: string;

    beforeAll(async () => {
      await until('P3 stalled', async () => ((await call('GET', `/projects/${p3.code}`, { as: 'admin' })).body.stall ? true : undefined));
      const config = loadMeetingConfig({ ...meetingSeed, time: '00:01', finalReminder: { at: '00:00' } });
      await h.client.workflow.start('weeklyMeeting', {
        taskQueue: h.taskQueue,
        workflowId: `meeting-api-e2e-${meetingDay}`,
        args: [{ config, nominalDate: meetingDay }],
        typedSearchAttributes: [{ key: SA.kind, value: 'meeting' }],
      });
      const current = await until('the meeting in session', async () => {
        const a = await call('GET', '/meetings/current', { as: 'fgw' });
        return a.status === 200 && a.body.status === 'inSession' ? a : undefined;
      });
      week = current.body.plan.week;
    });

    it('answers the current meeting and a week’s agenda', async () => {
      const agenda = await call('GET', `/meetings/${week}/agenda`, { as: 'zjj' });
      expect(agenda.status).toBe(200);
      expect(agenda.body.agenda).toEqual(expect.arrayContaining([expect.objectContaining({ category: 'stalled', project: expect.objectContaining({ code: p3.code }) })]));
      refused(await call('GET', '/meetings/W41/agenda', { as: 'admin' }), 400, 'ValidationFailed', 'week');
      refused(await call('GET', '/meetings/2001-W01/agenda', { as: 'admin' }), 404, 'MeetingNotFound');
      await guarded('GET', `/meetings/${week}/agenda`, undefined);
      await guarded('GET', '/meetings/current', undefined);
    });

    it('records decisions (meeting office) as follow-up items and closes them', async () => {
      const decisions = {
        requestId: 'api-decisions-1',
        actor: by('hyb'),
        decisions: [
          { action: '住建局牵头协调施工许可，两周内开工', ownerDepartment: 'zjj', dueInWorkingDays: 10, projectCode: p3.code },
          { action: '发改委会同舞阳县解决用地指标', ownerDepartment: 'fgw', dueInWorkingDays: 5, projectCode: p3.code },
        ],
      };
      refused(await call('POST', `/meetings/${week}/decisions`, { as: 'meetingOffice', body: { ...decisions, decisions: [] } }), 400, 'ValidationFailed', 'decisions');
      refused(
        await call('POST', `/meetings/${week}/decisions`, { as: 'meetingOffice', body: { ...decisions, requestId: 'api-decisions-bad', decisions: [{ ...decisions.decisions[0], projectCode: p2.code }] } }),
        400,
        'ValidationFailed',
        'request.decisions.0.projectCode',
      );
      refused(await call('POST', `/meetings/${week}/decisions`, { as: 'zjj', body: decisions }), 403, 'Forbidden');
      await guarded('POST', `/meetings/${week}/decisions`, decisions, 'supervisor');
      expect((await call('GET', '/follow-ups', { as: 'admin' })).body.items).toEqual([]);

      const recorded = await call('POST', `/meetings/${week}/decisions`, { as: 'meetingOffice', body: decisions });
      expect(recorded.status).toBe(200);
      expect(recorded.body.map((i: { ownerDepartment: { id: string } }) => i.ownerDepartment.id)).toEqual(['zjj', 'fgw']);
      const [zjjItem, fgwItem] = recorded.body as Array<{ id: string }>;

      const all = await until('both follow-up items', async () => {
        const a = await call('GET', '/follow-ups?status=open', { as: 'meetingOffice' });
        return a.body.items?.length === 2 ? a : undefined;
      });
      expect(all.body.items.map((i: { id: string }) => i.id)).toEqual([zjjItem!.id, fgwItem!.id]);
      expect((await call('GET', '/follow-ups', { as: 'fgw' })).body.items.map((i: { id: string }) => i.id)).toEqual([fgwItem!.id]);
      refused(await call('GET', '/follow-ups?department=zjj', { as: 'fgw' }), 403, 'Forbidden');
      refused(await call('GET', '/follow-ups?status=maybe', { as: 'admin' }), 400, 'ValidationFailed', 'status');
      await guarded('GET', '/follow-ups', undefined);

      const close = { requestId: 'api-close-1', note: '已协调住建局，施工许可已办结', actor: by('hyb') };
      refused(await call('POST', `/follow-ups/${zjjItem!.id}/close`, { as: 'meetingOffice', body: { ...close, note: '好' } }), 400, 'ValidationFailed', 'note');
      refused(await call('POST', `/follow-ups/${zjjItem!.id}/close`, { as: 'zjj', body: close }), 403, 'Forbidden');
      await guarded('POST', `/follow-ups/${zjjItem!.id}/close`, close, 'supervisor');
      refused(await call('POST', '/follow-ups/2001-W01-9/close', { as: 'meetingOffice', body: { ...close, requestId: 'api-close-nosuch' } }), 404, 'FollowUpNotFound');
      expect(await call('POST', `/follow-ups/${zjjItem!.id}/close`, { as: 'meetingOffice', body: close })).toMatchObject({ status: 200, body: { id: zjjItem!.id, status: 'closed' } });
      expect((await call('GET', '/follow-ups?status=open', { as: 'admin' })).body.items.map((i: { id: string }) => i.id)).toEqual([fgwItem!.id]);
    });
  });

  describe('rankings', () => {
    it('checks a month on demand (admin) and lists the four-compare results for every role', async () => {
      refused(await call('POST', '/rankings/four-compare', { as: 'admin', body: { period: '2026-13' } }), 400, 'ValidationFailed', 'period');
      refused(await call('POST', '/rankings/four-compare', { as: 'admin', body: { period: '2019-05' } }), 400, 'ValidationFailed', 'period');
      // The month in progress (and any later one) has not ended: 409, nothing is checked.
      refused(await call('POST', '/rankings/four-compare', { as: 'admin', body: { period: monthOf(today) } }), 409, 'MonthNotClosed', 'period');
      refused(await call('POST', '/rankings/four-compare', { as: 'admin', body: { period: addMonths(monthOf(today), 1) } }), 409, 'MonthNotClosed', 'period');
      await guarded('POST', '/rankings/four-compare', { period: lastMonth }, 'supervisor');
      const check = await call('POST', '/rankings/four-compare', { as: 'admin', body: { period: lastMonth } });
      expect(check).toMatchObject({ status: 201, body: { period: lastMonth, checkId: `four-compare-${lastMonth}` } });
      // P3 has stood in preliminary work for 400 days (carried over): last month has data.
      expect(check.body.result.noData).toBe(false);
      expect(check.body.result.counties).toHaveLength(8);
      expect(check.body.reports).toBeUndefined();

      const listed = await until('the check in the registry', async () => {
        const a = await call('GET', '/rankings/four-compare?limit=1', { as: 'zjj' });
        return a.body.items?.length === 1 ? a : undefined;
      });
      expect(listed.body.items[0]).toMatchObject({ checkId: check.body.checkId, result: { counties: check.body.result.counties } });
      refused(await call('GET', '/rankings/four-compare?limit=x', { as: 'zjj' }), 400, 'ValidationFailed', 'limit');
      await guarded('GET', '/rankings/four-compare', undefined);
    });

    it('opens an inspection tour, takes sheets and publishes its ranking', async () => {
      const config = loadInspectionConfig();
      const tourId = `api-tour-${process.pid}`;
      const tour = {
        tourId,
        name: '重点项目观摩（接口测试）',
        date: today,
        projects: [
          { code: p1.code, name: p1.name, county: '411122', countyName: '临颍县', kind: 'county' },
          { code: p3.code, name: p3.name, county: '411121', countyName: '舞阳县', kind: 'county' },
        ],
        config,
        closesAt: new Date(Date.now() + 3600_000).toISOString(),
        organisers: ['api:test-admin'],
      };
      refused(await call('POST', '/rankings/tours', { as: 'admin', body: { ...tour, projects: [] } }), 400, 'ValidationFailed', 'projects');
      await guarded('POST', '/rankings/tours', tour, 'supervisor');
      expect(await call('POST', '/rankings/tours', { as: 'admin', body: tour })).toMatchObject({ status: 201, body: { tourId } });
      refused(await call('POST', '/rankings/tours', { as: 'admin', body: tour }), 409, 'TourAlreadyOpened');

      const full = Object.fromEntries(config.criteria.map((c) => [c.id, c.maxPoints * 0.9]));
      const sheet = (code: string, inspector: string, scale = 1) => ({ projectCode: code, inspector, scores: Object.fromEntries(Object.entries(full).map(([k, v]) => [k, Math.round(v * scale * 2) / 2])) });
      refused(await call('POST', `/rankings/tours/${tourId}/sheets`, { as: 'admin', body: { ...sheet(p1.code, 'sw:a'), scores: { ...full, progress: 99 } } }), 400, 'ValidationFailed', 'scores.progress');
      await guarded('POST', `/rankings/tours/${tourId}/sheets`, sheet(p1.code, 'sw:a'), 'supervisor');
      for (const s of [sheet(p1.code, 'sw:a'), sheet(p1.code, 'zf:b', 0.9), sheet(p3.code, 'sw:a', 0.7), sheet(p3.code, 'zf:b', 0.8)]) {
        expect((await call('POST', `/rankings/tours/${tourId}/sheets`, { as: 'admin', body: s })).status).toBe(200);
      }

      const view = await call('GET', `/rankings/tours/${tourId}`, { as: 'supervisor' });
      expect(view).toMatchObject({ status: 200, body: { status: 'open' } });
      expect(view.body.sheets).toHaveLength(4);
      refused(await call('GET', `/rankings/tours/${tourId}`, { as: 'fgw' }), 403, 'Forbidden');
      refused(await call('GET', '/rankings/tours/Bad_Id', { as: 'admin' }), 400, 'ValidationFailed', 'tourId');
      refused(await call('GET', '/rankings/tours/no-such-tour', { as: 'admin' }), 404, expect.stringMatching(/NotFound$/));

      const close = { reason: '观摩结束' };
      refused(await call('POST', `/rankings/tours/${tourId}/close`, { as: 'admin', body: { ...close, actor: { by: 'sw:tour-office' } } }), 403, 'Forbidden');
      await guarded('POST', `/rankings/tours/${tourId}/close`, close, 'meetingOffice');
      const published = await call('POST', `/rankings/tours/${tourId}/close`, { as: 'admin', body: close });
      expect(published.status).toBe(200);
      expect(published.body.result.projects.map((p: { projectCode: string; rank: number }) => [p.rank, p.projectCode])).toEqual([
        [1, p1.code],
        [2, p3.code],
      ]);
      const tours = await until('the tour in the registry', async () => {
        const a = await call('GET', '/rankings/tours', { as: 'sthj' });
        return a.body.items?.length === 1 ? a : undefined;
      });
      expect(tours.body.items[0]).toMatchObject({ tourId, result: { projects: published.body.result.projects } });
      await guarded('GET', '/rankings/tours', undefined);
    });
  });

  it('serves the dashboard page without a token, with a strict content security policy', async () => {
    const page = await call('GET', '/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(String(page.body)).toContain('/dashboard/dashboard.js');
    expect((await call('GET', '/dashboard/dashboard.js')).status).toBe(200);
  });

  it('never writes a token to the log, also when one is put in a query string', async () => {
    expect((await call('GET', `/projects?token=${TOKENS.admin}`, { as: 'supervisor' })).status).toBe(200);
    await call('GET', `/whoami?access_token=${TOKENS.fgw}`);
    const log = logLines.join('');
    expect(log).toContain('test-supervisor'); // requests are logged, with the token's id
    expect(log).toContain('[redacted]');
    for (const token of Object.values(TOKENS)) expect(log).not.toContain(token);
  });
});
