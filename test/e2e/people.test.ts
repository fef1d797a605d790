/**
 * People, not strings (issue 14), on the real stack: the worker on the e2e Temporal, the HTTP API
 * with a user store, and the BUILT command line. Users and tokens are managed through the CLI; the
 * recorded actor of every action is the signed-in user; a body naming someone else is refused and
 * changes nothing; an enterprise files and corrects its own project's report and cannot see or
 * report another's; the CLI without a credential exits 6; a token revoked through the CLI is
 * refused at once, without a restart; a department clerk's approval in a joint review is on the
 * project's hash chain as that clerk, and the chain verifies.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getProjectState } from '../../client/projects';
import { getReviewState } from '../../client/reviews';
import { shanghaiDate } from '../../domain/calendar';
import { addMonths, monthOf } from '../../domain/lifecycle/months';
import { startServiceApi, until, type ServiceApi } from '../support/apiHarness';
import { calendarWithSynthetic2027 } from '../support/calendars';
import { cliEnv, keyflow, ROOT } from '../support/cli';
import { startHarness, type E2EHarness } from '../support/e2e';
import { aProject } from '../support/fixtures';

describe('people: the actor is the principal (real stack, API and CLI)', () => {
  let h: E2EHarness;
  let svc: ServiceApi;
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  const own = aProject({ stage: 'underConstruction', category: 'continuing', leadDepartment: 'fgw', owner: '甲食品有限公司' });
  const other = aProject({ stage: 'underConstruction', category: 'continuing', leadDepartment: 'fgw' });
  const month = addMonths(monthOf(shanghaiDate(new Date())), -1);

  const http = async (method: string, url: string, opts: { token?: string; cookie?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${svc.api.url}${url}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each assertion narrows the body it reads
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const admin = () => svc.tokens.get('admin')!;
  const cli = (args: string[], token?: string) => keyflow(args, { ...env, ...(token ? { KEYFLOW_TOKEN: token } : {}) });
  const report = (code: string, extra: string[] = []) => ['project', 'report', code, '--month', month, '--this-month', '1000', '--to-date', '20000', '--progress', '35', '--json', ...extra];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    // A review's deadlines may reach 2027: the worker counts them on the test calendar.
    h = await startHarness('people', { calendar: calendarWithSynthetic2027() });
    svc = await startServiceApi('people', h, ['admin']);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-people-e2e-'));
    // No config file of the machine's user: only what each call gives.
    env = { ...cliEnv({ taskQueue: h.taskQueue, stateDir: path.join(tmp, 'state') }), KEYFLOW_API_URL: svc.api.url, KEYFLOW_CONFIG: path.join(tmp, 'config.json') };
    for (const p of [own, other]) expect((await http('POST', '/projects', { token: admin(), body: p })).status).toBe(201);
  });
  afterAll(async () => {
    await svc?.stop();
    await h?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses the CLI without a credential with its own exit code, before anything is sent', async () => {
    const run = await cli(report(own.code));
    expect(run.code).toBe(6);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { exitCode: 6, type: 'NoCredential', message: expect.stringContaining('KEYFLOW_TOKEN') } });
    expect((await getProjectState(h, own.code)).reports).toEqual([]);
  });

  it('lets an enterprise file and correct its own report through the CLI, recorded as itself, and nothing of another project', async () => {
    const added = await cli(['users', 'add', 'jia.qiye', '--name', '甲企业联络员', '--role', 'enterprise', '--enterprise', '甲食品有限公司', '--project', own.code, '--json'], admin());
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ id: 'jia.qiye', roles: ['enterprise'], hasPassword: false });
    const made = await cli(['tokens', 'add', 'jia.qiye', '--label', '月报脚本', '--json'], admin());
    expect(made.code).toBe(0);
    const { token, id: tokenId } = JSON.parse(made.stdout) as { token: string; id: string };

    const filed = await cli(report(own.code), token);
    expect(filed.code).toBe(0);
    expect(JSON.parse(filed.stdout)).toMatchObject({ month, correction: false });
    const corrected = await cli(report(own.code, ['--correction-reason', '统计口径更正']).map((a) => (a === '1000' ? '1200' : a === '20000' ? '20200' : a)), token);
    expect(corrected.code).toBe(0);
    expect(JSON.parse(corrected.stdout)).toMatchObject({ correction: true });
    const state = await getProjectState(h, own.code);
    expect(state.reports).toHaveLength(1);
    expect(state.reports[0]).toMatchObject({ investmentThisMonth: 1200, by: 'jia.qiye:甲企业联络员（项目单位）' });
    expect(state.reports[0]!.corrections[0]).toMatchObject({ by: 'jia.qiye:甲企业联络员（项目单位）', reason: '统计口径更正' });

    // Another enterprise's project: neither reported nor seen.
    const refused = await cli(report(other.code), token);
    expect(refused.code).toBe(7);
    expect(JSON.parse(refused.stderr).error.message).toContain('项目单位只能查看和填报自己的项目');
    expect((await http('GET', `/projects/${other.code}`, { token })).status).toBe(403);
    const listed = await http('GET', '/projects?limit=200', { token });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: { code: string }) => p.code)).not.toContain(other.code);
    expect((await getProjectState(h, other.code)).reports).toEqual([]);

    // A body naming someone else: 403, and the report stands as it was.
    const forged = await http('POST', `/projects/${own.code}/reports`, {
      token,
      body: { requestId: 'forged-report-1', month, investmentThisMonth: 1, investmentToDate: 1, physicalProgress: 1, correctionReason: '冒名', actor: { by: 'fgw:李主任（冒名）' } },
    });
    expect(forged.status).toBe(403);
    expect(forged.body.message).toContain('actor.by');
    expect((await getProjectState(h, own.code)).reports).toEqual(state.reports);

    // Revoked through the CLI: refused at the very next request, no restart.
    const revoked = await cli(['tokens', 'revoke', 'jia.qiye', tokenId, '--json'], admin());
    expect(revoked.code).toBe(0);
    const after = await cli(report(own.code, ['--correction-reason', '再次更正']), token);
    expect(after.code).toBe(6);
    expect((await http('GET', '/whoami', { token })).status).toBe(401);
  });

  it('records the signed-in person (session cookie) as the actor, refusing a body that names another department', async () => {
    const created = await http('POST', '/users', {
      token: admin(),
      body: { id: 'fgw.officer', name: '李联络员', department: 'fgw', roles: ['leadOfficer'], password: 'fgw-officer-pass' },
    });
    expect(created.status).toBe(201);
    const signIn = await http('POST', '/session', { body: { login: 'fgw.officer', password: 'fgw-officer-pass' } });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const before = await getProjectState(h, other.code);

    const otherDept = await http('POST', `/projects/${other.code}/transitions`, { cookie, body: { requestId: 'move-as-zrzy-1', to: 'completed', actor: { department: 'zrzy' } } });
    expect(otherDept.status).toBe(403);
    expect((await getProjectState(h, other.code)).stageHistory).toEqual(before.stageHistory);

    const moved = await http('POST', `/projects/${other.code}/transitions`, { cookie, body: { requestId: 'move-by-officer-1', to: 'completed' } });
    expect(moved).toMatchObject({ status: 200, body: { stage: 'completed' } });
    const after = await getProjectState(h, other.code);
    expect(after.stageHistory.at(-1)).toMatchObject({ to: 'completed', by: 'fgw.officer:李联络员（牵头部门联络员）' });

    // Signed out: the cookie no longer acts.
    expect((await http('DELETE', '/session', { cookie })).body).toEqual({ signedOut: true });
    expect((await http('POST', `/projects/${other.code}/transitions`, { cookie, body: { requestId: 'move-after-out-1', to: 'inProduction' } })).status).toBe(401);
  });

  it("keeps each project's actions on a hash chain that audit verify checks, naming an altered entry of a copy", async () => {
    const chain = await http('GET', `/projects/${own.code}/audit`, { token: admin() });
    expect(chain.status).toBe(200);
    const kinds = chain.body.entries.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(['registered', 'reported', 'corrected']);
    expect(chain.body.entries[1]).toMatchObject({ actor: { by: 'jia.qiye:甲企业联络员（项目单位）', userId: 'jia.qiye', role: 'enterprise' }, data: { month, investmentThisMonth: 1000 } });
    expect((await http('GET', `/projects/${own.code}/audit/verify`, { token: admin() })).body).toEqual({ ok: true, entries: 3, head: chain.body.head });

    const verified = await cli(['audit', 'verify', own.code], admin());
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`3 entries, every link holds; head ${chain.body.head}`);

    // A copy of the chain with one stored entry altered: the report's figure raised afterwards.
    const copy = structuredClone(chain.body);
    copy.entries[1].data.investmentThisMonth = 9000;
    const file = path.join(tmp, 'audit-copy.json');
    fs.writeFileSync(file, JSON.stringify(copy));
    const broken = await cli(['audit', 'verify', own.code, '--file', file, '--json']);
    expect(broken.code).toBe(8);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, firstBroken: { seq: 1, kind: 'reported' } });
    expect(JSON.parse(broken.stderr).error.message).toContain('broken at entry 1 (reported');
  });

  it("puts a clerk's approval in a joint review on the project's chain, as the signed-in clerk, and the chain verifies", async () => {
    const reviewed = aProject({ stage: 'preliminary', category: 'preliminary', leadDepartment: 'fgw', name: '临颍县冷链物流园项目' });
    expect((await http('POST', '/projects', { token: admin(), body: reviewed })).status).toBe(201);
    const review = await until('the land-use review started', () => getReviewState(h, reviewed.code, 'landUsePlanning').catch(() => undefined));
    expect(review.tasks.map((t) => t.department)).toContain('zrzy');
    const created = await http('POST', '/users', { token: admin(), body: { id: 'zrzy.clerk', name: '王经办', department: 'zrzy', roles: ['departmentClerk'], password: 'zrzy-clerk-pass' } });
    expect(created.status).toBe(201);
    const signIn = await http('POST', '/session', { body: { login: 'zrzy.clerk', password: 'zrzy-clerk-pass' } });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;

    const approved = await http('POST', `/projects/${reviewed.code}/reviews/landUsePlanning/tasks/zrzy/actions`, { cookie, body: { requestId: 'clerk-approve-1', action: 'approve' } });
    expect(approved).toMatchObject({ status: 200, body: { taskStatus: 'approved' } });

    // The review forwards the line to the project, whose workflow alone writes the chain.
    type Entry = { kind: string; key: string; actor: Record<string, unknown>; data: Record<string, unknown> };
    const entry = await until('the approval on the project chain', async () => {
      const chain = await http('GET', `/projects/${reviewed.code}/audit`, { token: admin() });
      return (chain.body.entries as Entry[]).find((e) => e.kind === 'reviewAction' && e.key === 'clerk-approve-1');
    });
    expect(entry).toMatchObject({
      actor: { by: 'zrzy.clerk:王经办（部门经办人）', userId: 'zrzy.clerk', role: 'departmentClerk', department: 'zrzy' },
      data: { stageId: 'landUsePlanning', department: 'zrzy', action: 'approve', requestId: 'clerk-approve-1' },
    });
    const chain = await http('GET', `/projects/${reviewed.code}/audit`, { token: admin() });
    expect(chain.body.entries.map((e: Entry) => e.kind)).toEqual(['registered', 'reviewAction']);
    expect((await http('GET', `/projects/${reviewed.code}/audit/verify`, { token: admin() })).body).toEqual({ ok: true, entries: 2, head: chain.body.head });
    const verified = await cli(['audit', 'verify', reviewed.code], admin());
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`2 entries, every link holds; head ${chain.body.head}`);
  });
});
