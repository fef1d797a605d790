/**
 * People (issue 14) without a stack: the user store (scrypt hashes, changes seen without a
 * restart, atomic writes), sign-in sessions and their cookie, the sign-in limits (429 with
 * Retry-After), user tokens revoked at once, the admin routes, and the log keeping passwords,
 * cookies and tokens out. Requests that reach Temporal are covered by the e2e tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { hashToken, newToken, tokenStore } from '../../api/auth';
import { buildServer } from '../../api/server';
import { sessionStore } from '../../api/sessions';
import { hashPassword, openUserStore, passwordMatches, type UserStore } from '../../api/users';
import { UserRole } from '../../schemas/users';
import { DEMO_PASSWORD, ensureDemoUsers } from '../../seeds/demoUsers';

const CHEAP = { logN: 4, r: 1, p: 1 };
const NOW = new Date('2026-03-02T01:00:00Z');
const unreachable = new Proxy({}, { get: () => { throw new Error('Temporal must not be reached'); } });

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-people-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const clerk = { id: 'wang.kj', name: '王科军', department: 'zrzy', roles: ['departmentClerk'], password: 'zrzy-password-1' };

describe('the user store', () => {
  it('hashes passwords with scrypt, parameters stored with the hash', async () => {
    const h = await hashPassword('correct horse', CHEAP);
    expect(h).toMatch(/^scrypt\$4\$1\$1\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}$/);
    expect(h).not.toContain('correct horse');
    expect(await passwordMatches('correct horse', h)).toBe(true);
    expect(await passwordMatches('correct horsE', h)).toBe(false);
  });

  it('refuses users whose roles do not fit: department roles without department, mixed kinds, enterprise without projects', async () => {
    const store = openUserStore(path.join(dir, 'users.json'), { scrypt: CHEAP });
    await expect(store.add({ ...clerk, department: undefined }, NOW)).rejects.toThrow(/department: must name the department/);
    await expect(store.add({ ...clerk, roles: ['departmentClerk', 'admin'] }, NOW)).rejects.toThrow(/roles: must be department roles/);
    await expect(store.add({ id: 'qiye', name: '企业', roles: ['enterprise'] }, NOW)).rejects.toThrow(/enterprise: must name the enterprise/);
    await expect(store.add({ ...clerk, password: 'short' }, NOW)).rejects.toThrow(/password: must be at least 10 characters/);
    expect(store.list()).toEqual([]);
  });

  it('keeps only hashes on disk and sees a change made by another process without a restart', async () => {
    const file = path.join(dir, 'users.json');
    const store = openUserStore(file, { scrypt: CHEAP });
    await store.add(clerk, NOW);
    const { token, tokenId } = await store.addToken('wang.kj', '脚本', NOW);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(clerk.password);
    expect(text).not.toContain(token);
    expect(store.verifyToken(token)).toMatchObject({ tokenId, user: { id: 'wang.kj' } });
    // Another process (the CLI through another API, or an administrator's editor) revokes it.
    const other = openUserStore(file, { scrypt: CHEAP });
    await other.revokeToken('wang.kj', tokenId);
    expect(store.verifyToken(token)).toBeNull();
    expect(fs.readdirSync(dir)).toEqual(['users.json']); // no temporary file left behind
  });

  it('keeps the last good version in force when the file is broken by hand, and refuses changes until fixed', async () => {
    const file = path.join(dir, 'users.json');
    const store = openUserStore(file, { scrypt: CHEAP });
    await store.add(clerk, NOW);
    fs.writeFileSync(file, '{ "users": [ broken');
    expect(store.get('wang.kj')?.name).toBe('王科军');
    await expect(store.disable('wang.kj', NOW)).rejects.toThrow(/is broken/);
  });
});

describe('the demo users', () => {
  it('cover every role, load into a store once, and sign in with the printed password', async () => {
    const store = openUserStore(path.join(dir, 'users.json'), { scrypt: CHEAP });
    const demo = await ensureDemoUsers(store, NOW);
    expect(new Set(demo.flatMap((u) => u.roles))).toEqual(new Set(UserRole.options));
    await ensureDemoUsers(store, NOW); // a second run adds nothing and refuses nothing
    expect(store.list()).toHaveLength(demo.length);
    expect(await store.verifyPassword('tongyi', DEMO_PASSWORD)).toMatchObject({ enterprise: { projects: ['2025-411100-14-03-000107'] } });
  });
});

describe('sessions, sign-in limits and the admin routes', () => {
  let users: UserStore;
  let base = '';
  let app: ReturnType<typeof buildServer>;
  const lines: string[] = [];
  const admin = newToken();

  beforeEach(async () => {
    users = openUserStore(path.join(dir, 'users.json'), { scrypt: CHEAP });
    await users.add(clerk, NOW);
    const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    app = buildServer({
      ctx: { client: unreachable as never, taskQueue: 'none' },
      tokens: tokenStore({ tokens: [{ id: 'svc-admin', role: 'admin', hash: hashToken(admin) }] }),
      users,
      session: { secureCookie: true, maxAgeSeconds: 3600 },
      loginLimits: { perLogin: 3, perAddress: 100, windowSeconds: 600 },
      logger: { level: 'debug', stream },
      strictResponses: true,
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(() => app.close());

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const signIn = (password: string, login = 'wang.kj') => post('/session', { login, password });

  it('signs in with an HttpOnly, SameSite=Strict cookie, answers the user, and signs out', async () => {
    const res = await signIn(clerk.password);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'wang.kj', name: '王科军', department: 'zrzy', roles: ['departmentClerk'] });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^keyflow_session=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600; Secure$/);
    const session = cookie.split(';')[0]!;
    const me = await fetch(`${base}/session`, { headers: { cookie: session } });
    expect(me.status).toBe(200);
    expect(await (await fetch(`${base}/whoami`, { headers: { cookie: session } })).json()).toMatchObject({ role: 'department', department: 'zrzy', userId: 'wang.kj', name: '王科军' });
    const out = await fetch(`${base}/session`, { method: 'DELETE', headers: { cookie: session } });
    expect(out.headers.get('set-cookie')).toMatch(/^keyflow_session=; .*Max-Age=0/);
    expect(await out.json()).toEqual({ signedOut: true });
    expect((await fetch(`${base}/session`, { headers: { cookie: session } })).status).toBe(401);
    expect((await fetch(`${base}/session`)).status).toBe(401);
  });

  it('refuses a wrong password, then every attempt past the limit with 429 and Retry-After, even the right password', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn('wrong-password')).status).toBe(401);
    const limited = await signIn(clerk.password);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await limited.json()) as { error: string; message: string };
    expect(body.error).toBe('TooManyAttempts');
    expect(body.message).toMatch(/登录失败次数过多.*too many failed sign-ins/);
  });

  it('ends the sessions of a disabled user at once, and of a user whose password is reset', async () => {
    const session = (await signIn(clerk.password)).headers.get('set-cookie')!.split(';')[0]!;
    const reset = await post('/users/wang.kj/password', { password: 'a-new-password-2' }, { authorization: `Bearer ${admin}` });
    expect(reset.status).toBe(200);
    expect((await fetch(`${base}/session`, { headers: { cookie: session } })).status).toBe(401);
    expect((await signIn(clerk.password)).status).toBe(401);
    expect((await signIn('a-new-password-2')).status).toBe(200);
    const disabled = await post('/users/wang.kj/disable', { reason: '调离岗位' }, { authorization: `Bearer ${admin}` });
    expect(await disabled.json()).toMatchObject({ id: 'wang.kj', disabled: true });
    expect((await signIn('a-new-password-2')).status).toBe(401);
  });

  it('adds users and tokens through the admin routes; a revoked token is refused from the next request, no restart', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    const created = await post('/users', { id: 'li.zr', name: '李主任', department: 'fgw', roles: ['departmentHead', 'leadOfficer'], password: 'fgw-password-1' }, auth);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'li.zr', hasPassword: true, tokens: [] });
    expect((await post('/users', { ...clerk }, auth)).status).toBe(409);
    const unknownDept = await post('/users', { ...clerk, id: 'x.y', department: 'nosuch' }, auth);
    expect(unknownDept.status).toBe(400);
    const made = (await (await post('/users/li.zr/tokens', { label: 'CLI' }, auth)).json()) as { id: string; token: string };
    expect(made).toMatchObject({ userId: 'li.zr', label: 'CLI', token: expect.stringMatching(/^kf_/) });
    const who = await fetch(`${base}/whoami`, { headers: { authorization: `Bearer ${made.token}` } });
    expect(await who.json()).toMatchObject({ tokenId: made.id, userId: 'li.zr', role: 'department', department: 'fgw', roles: ['departmentHead', 'leadOfficer'] });
    const listed = await (await fetch(`${base}/users`, auth && { headers: auth })).json();
    expect(JSON.stringify(listed)).not.toMatch(/sha256:|scrypt\$/);
    expect((await fetch(`${base}/users/li.zr/tokens/${made.id}`, { method: 'DELETE', headers: auth })).status).toBe(200);
    expect((await fetch(`${base}/whoami`, { headers: { authorization: `Bearer ${made.token}` } })).status).toBe(401);
    // A person is not an administrator: the user routes refuse them.
    const session = (await signIn(clerk.password)).headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${base}/users`, { headers: { cookie: session } })).status).toBe(403);
  });

  it('never logs a password, a session cookie or a token', async () => {
    const res = await signIn(clerk.password);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    await fetch(`${base}/session?token=${admin}`, { headers: { cookie } });
    await signIn('wrong-password');
    const made = (await (await post('/users/wang.kj/tokens', {}, { authorization: `Bearer ${admin}` })).json()) as { id: string; token: string };
    await fetch(`${base}/whoami`, { headers: { authorization: `Bearer ${made.token}` } });
    const log = lines.join('');
    expect(log).toContain('"userId":"wang.kj"');
    for (const secret of [clerk.password, 'wrong-password', cookie.split('=')[1]!, admin, made.token]) expect(log).not.toContain(secret);
  });

  it('refuses, before Temporal is reached, a body naming another person or department, a clerk reporting, and an enterprise outside its projects', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    const own = '2026-411122-13-03-000001';
    const other = '2026-411122-13-03-000002';
    await post('/users', { id: 'qiye.a', name: '甲企业联络员', roles: ['enterprise'], enterprise: { name: '甲企业有限公司', projects: [own] }, password: 'qiye-password-1' }, auth);
    const qiye = (await signIn('qiye-password-1', 'qiye.a')).headers.get('set-cookie')!.split(';')[0]!;
    const clerkSession = (await signIn(clerk.password)).headers.get('set-cookie')!.split(';')[0]!;
    const as = (cookie: string) => ({ cookie });
    const report = { requestId: 'report-2026-02-x', month: '2026-02', investmentThisMonth: 10, cumulativeInvestment: 10, physicalProgress: '基础施工' };
    const refusedWith = async (res: Response, rule: RegExp) => {
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toMatch(rule);
    };
    const task = `/projects/${own}/reviews/landUsePlanning/tasks/zrzy/actions`;
    await refusedWith(await post(task, { requestId: 'act-1-xxxxxx', action: 'approve', actor: { by: 'fgw:李主任（冒名）' } }, as(clerkSession)), /actor\.by: 记录的操作人是当前登录者（wang\.kj:王科军（部门经办人））/);
    await refusedWith(await post(task, { requestId: 'act-1-xxxxxx', action: 'approve', actor: { department: 'fgw' } }, as(clerkSession)), /actor\.department/);
    await refusedWith(await post(`/projects/${own}/reports`, report, as(clerkSession)), /填报月报须由牵头部门联络员或部门负责人办理/);
    await refusedWith(await post(`/projects/${other}/reports`, report, as(qiye)), /项目 2026-411122-13-03-000002 不属于 甲企业有限公司/);
    await refusedWith(await fetch(`${base}/projects/${other}`, { headers: as(qiye) }), /项目单位只能查看和填报自己的项目/);
    expect((await fetch(`${base}/follow-ups`, { headers: as(qiye) })).status).toBe(403);
    expect((await post(`/projects/${own}/transitions`, { requestId: 'move-1-xxxxxx', to: 'started' }, as(qiye))).status).toBe(403);
  });
});

describe('sessions kept in a file', () => {
  it('outlive a restart of the API, and a sign-out or an expiry is kept too', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'keyflow-sessions-'));
    const users = openUserStore(path.join(folder, 'users.json'), { scrypt: CHEAP });
    const user = await users.add(clerk, NOW);
    const file = path.join(folder, 'sessions.json');
    let t = NOW.getTime() + 60_000;
    const clock = () => t;
    const options = { secureCookie: false, maxAgeSeconds: 3600, file };
    const first = sessionStore(users, options, clock);
    const kept = first.open(user);
    const signedOut = first.open(user);
    expect(first.close(signedOut)).toBe(true);
    // The file holds hashes only: the cookie's value is nowhere in it.
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(kept);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');

    const afterRestart = sessionStore(users, options, clock);
    expect(afterRestart.user(kept)?.id).toBe('wang.kj');
    expect(afterRestart.user(signedOut)).toBeNull();

    t += 3601_000;
    expect(sessionStore(users, options, clock).user(kept)).toBeNull();
    // A damaged file signs everybody out; it never stops the API from starting.
    fs.writeFileSync(file, '{ not json');
    expect(sessionStore(users, options, clock).user(kept)).toBeNull();
  });
});
